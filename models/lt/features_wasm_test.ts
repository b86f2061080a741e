import { PhiloxStream } from "../../datasets/philox.ts";
import { drawFeatures, featuresAt, timeBiasTable, timeGrid } from "./features.ts";
import { poolFeaturesWasm } from "./features_wasm.ts";
import { assertSameBits } from "./lt_wasm_testing.ts";

// Tolerance: none (each pre-activation sums the same terms in the same order).

Deno.test("poolFeaturesWasm: featuresAt's bits for every draw (d = 1, 2, 3; odd m; NaN and ±0 inputs)", () => {
  for (const [d, m] of [[1, 7], [2, 16], [2, 13], [3, 5]]) {
    const grid = timeGrid(0.01, 4, 9, "geometric");
    const f = drawFeatures(
      new PhiloxStream(9, "f", d),
      d,
      m,
      3,
      { wScale: 1, uScale: 1, bScale: 1 },
      0.01,
      4,
    );
    const tb = timeBiasTable(f, grid), N = 41;
    const x = new PhiloxStream(9, "x").fillNormal(new Float64Array(N * d), 2) as Float64Array;
    x[3] = NaN;
    x[5] = -0;
    x[6] = 0;
    const tIdx = Int32Array.from({ length: N }, (_, i) => (i * 7) % grid.length);
    const ref = new Float64Array(N * m);
    for (let i = 0; i < N; i++) featuresAt(f, x, i * d, tb, tIdx[i] * m, ref, i * m);
    assertSameBits(poolFeaturesWasm(f, x, tIdx, tb, N), ref, `d=${d} m=${m}`);
  }
});

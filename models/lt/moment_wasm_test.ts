import { PhiloxStream } from "../../datasets/philox.ts";
import { weightedMoment, weightedMomentJs } from "./moment_wasm.ts";
import { assertSameBits } from "./lt_wasm_testing.ts";

// Tolerance: none (the kernel sums each entry over the draws in the reference's order).

/** ReLU-like features: about half exact zeros, the rest positive. */
function features(N: number, m: number, tag: number): Float64Array {
  const a = new PhiloxStream(5, "moment", tag).fillNormal(new Float64Array(N * m)) as Float64Array;
  return a.map((v) => (v > 0 ? v : 0));
}

Deno.test("weightedMoment: the reference's bits (symmetric and not; m off the 2 × 8 tiles)", () => {
  for (const [N, m] of [[1, 1], [5, 3], [37, 16], [64, 13], [50, 30], [200, 64]]) {
    const pa = features(N, m, 1), pb = features(N, m, 2);
    const wt = (new PhiloxStream(5, "w").fillNormal(new Float64Array(N)) as Float64Array).map(
      Math.abs,
    );
    assertSameBits(
      weightedMoment(pa, pa, wt, N, m, true),
      weightedMomentJs(pa, pa, wt, N, m, true),
      `sym N=${N} m=${m}`,
    );
    assertSameBits(
      weightedMoment(pa, pb, wt, N, m, false),
      weightedMomentJs(pa, pb, wt, N, m, false),
      `N=${N} m=${m}`,
    );
  }
});

Deno.test("weightedMoment: signed and zero weights and features, and a non-finite pb, keep the bits", () => {
  const N = 40, m = 11;
  const pa = new PhiloxStream(6, "a").fillNormal(new Float64Array(N * m)) as Float64Array;
  const pb = new PhiloxStream(6, "b").fillNormal(new Float64Array(N * m)) as Float64Array;
  const wt = new PhiloxStream(6, "w").fillNormal(new Float64Array(N)) as Float64Array;
  for (let i = 0; i < N * m; i += 7) pa[i] = 0;
  wt[3] = 0;
  wt[4] = -0;
  assertSameBits(
    weightedMoment(pa, pb, wt, N, m, false),
    weightedMomentJs(pa, pb, wt, N, m, false),
    "signed",
  );
  pb[5] = Infinity;
  assertSameBits(
    weightedMoment(pa, pb, wt, N, m, false),
    weightedMomentJs(pa, pb, wt, N, m, false),
    "∞ in pb",
  );
  pa[2] = NaN;
  assertSameBits(
    weightedMoment(pa, pa, wt, N, m, true),
    weightedMomentJs(pa, pa, wt, N, m, true),
    "NaN in pa",
  );
});

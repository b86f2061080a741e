import assert from "node:assert/strict";
import { PhiloxStream } from "../../datasets/philox.ts";
import { logGaussianDensities } from "./distances.ts";
import { logGaussianDensitiesWasm, ResidentRows } from "./densities_wasm.ts";
import { firstDiff } from "../wasm/bits_testing.ts";

// Tolerance: none. The WebAssembly kernel keeps the reference's operation order per row, so every
// density must have the same bits (Object.is).

/** A random SPD matrix A Aᵀ/d + δI with a spread of scales, as the generated covariances have. */
function spd(rng: PhiloxStream, d: number, delta: number): Float64Array {
  const a = rng.fillNormal(new Float64Array(d * d)) as Float64Array;
  const c = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += a[i * d + k] * a[j * d + k] * (1 + k);
      c[i * d + j] = s / d + (i === j ? delta : 0);
    }
  }
  return c;
}

Deno.test("densities_wasm: log densities have the JS reference's bits (odd sizes, tails of the 8-row blocks)", () => {
  const rng = new PhiloxStream(5, "gauss-wasm");
  for (const [rows, d] of [[1, 1], [3, 2], [7, 5], [8, 8], [9, 3], [17, 16], [130, 32], [45, 33]]) {
    const x = rng.fillNormal(new Float64Array(rows * d), 1, 10) as Float64Array;
    const mu = rng.fillNormal(new Float64Array(d), 0.5, 10) as Float64Array;
    for (const delta of [1e-3, 1, 50]) {
      const cov = spd(rng, d, delta);
      assert.equal(
        firstDiff(
          logGaussianDensitiesWasm(x, rows, d, mu, cov),
          logGaussianDensities(x, rows, d, mu, cov),
        ),
        null,
        `rows=${rows} d=${d} δ=${delta}`,
      );
    }
  }
});

Deno.test("densities_wasm: resident sets serve many Gaussians, nest, and are freed newest first", () => {
  const rng = new PhiloxStream(6, "gauss-wasm");
  const rows = 50, d = 6;
  const x = rng.fillNormal(new Float64Array(rows * d)) as Float64Array;
  const y = rng.fillNormal(new Float64Array(9 * d)) as Float64Array;
  const held = new ResidentRows(x, rows, d);
  for (let k = 0; k < 3; k++) {
    const mu = rng.fillNormal(new Float64Array(d)) as Float64Array,
      cov = spd(rng, d, 0.1 * k + 0.01);
    // a temporary set on top of the held one, as the trial loop evaluates training sets
    assert.equal(
      firstDiff(logGaussianDensitiesWasm(y, 9, d, mu, cov), logGaussianDensities(y, 9, d, mu, cov)),
      null,
    );
    assert.equal(
      firstDiff(held.logGaussianDensities(mu, cov), logGaussianDensities(x, rows, d, mu, cov)),
      null,
    );
  }
  const inner = new ResidentRows(y, 9, d);
  assert.throws(() => held.dispose(), /newest/);
  inner.dispose();
  held.dispose();
  assert.throws(
    () => held.logGaussianDensities(new Float64Array(d), spd(rng, d, 1)),
    /after dispose/,
  );
});

Deno.test("densities_wasm: a covariance that is not positive definite throws as the reference does", () => {
  const cov = Float64Array.of(1, 1, 1, 1);
  const x = Float64Array.of(0, 0, 1, 1);
  assert.throws(() => logGaussianDensities(x, 2, 2, new Float64Array(2), cov), /not positive/);
  assert.throws(() => logGaussianDensitiesWasm(x, 2, 2, new Float64Array(2), cov), /not positive/);
});

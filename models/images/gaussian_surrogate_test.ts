import assert from "node:assert/strict";
import { PhiloxStream } from "../../datasets/philox.ts";
import {
  fitGaussianSurrogate,
  meanAndCovariance,
  meanAndCovarianceJs,
  sampleSurrogate,
} from "./gaussian_surrogate.ts";

/** Non-Gaussian "images": sparse bright blocks with correlated pixels, and one constant pixel. */
function data(n: number, d: number, rng: PhiloxStream): Float32Array {
  const x = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const on = rng.uniform() < 0.3;
    const a = rng.normal();
    for (let k = 0; k < d - 1; k++) {
      x[i * d + k] = (on ? 1 : 0) + 0.3 * a * (k % 3) + 0.1 * rng.normal();
    }
    x[i * d + d - 1] = -1; // zero variance: the covariance is singular
  }
  return x;
}

Deno.test("surrogate: mean and covariance are the data's (population normalization)", () => {
  const x = new Float32Array([1, 2, 3, 6, 5, 4]); // 3 images × 2 pixels
  const { mean, cov } = meanAndCovariance(x, 3, 2);
  assert.deepEqual(Array.from(mean), [3, 4]);
  // centred: (−2,−2), (0,2), (2,0) → Σ/3
  assert.deepEqual(
    Array.from(cov).map((v) => +v.toFixed(12)),
    [8 / 3, 4 / 3, 4 / 3, 8 / 3].map((v) => +v.toFixed(12)),
  );
});

Deno.test("surrogate: the WebAssembly moments have the JS loop's bits (odd d, several chunks)", () => {
  const rng = new PhiloxStream(12, "surrogate-wasm");
  for (const [n, d] of [[5, 7], [1, 1], [1340, 197]]) {
    const x = data(n, d, rng); // a constant pixel: its centred values are exactly 0 (skipped)
    for (let i = 0; i < x.length; i += 11) x[i] = 0;
    const a = meanAndCovarianceJs(x, n, d), b = meanAndCovariance(x, n, d);
    for (const k of ["mean", "cov"] as const) {
      const i = a[k].findIndex((v, j) => !Object.is(v, b[k][j]));
      assert.equal(i, -1, `n=${n} d=${d} ${k}[${i}]: ${b[k][i]} vs ${a[k][i]}`);
    }
  }
});

Deno.test("surrogate: samples reproduce the data's mean and covariance", () => {
  const d = 6, rng = new PhiloxStream(1, "surrogate-test");
  const x = data(3000, d, rng);
  const s = fitGaussianSurrogate(x, 3000, d);
  assert.ok(
    s.jitter > 0 && s.jitter < 1e-6,
    `a singular covariance needs a tiny jitter, got ${s.jitter}`,
  );
  const n = 40000;
  const y = sampleSurrogate(s, n, new PhiloxStream(2, "draws"));
  const m = meanAndCovariance(y, n, d);
  for (let k = 0; k < d; k++) {
    // standard error of a mean: sqrt(var/n) ≤ 0.006 here; 5 SE tolerance
    assert.ok(
      Math.abs(m.mean[k] - s.mean[k]) < 5 * Math.sqrt(s.cov[k * d + k] / n) + 1e-6,
      `mean ${k}`,
    );
  }
  for (let a = 0; a < d; a++) {
    for (let b = 0; b < d; b++) {
      const se = Math.sqrt((s.cov[a * d + a] * s.cov[b * d + b] + s.cov[a * d + b] ** 2) / n);
      assert.ok(Math.abs(m.cov[a * d + b] - s.cov[a * d + b]) < 5 * se + 1e-6, `cov ${a},${b}`);
    }
  }
  // the constant pixel stays (almost) constant
  assert.ok(m.cov[d * d - 1] < 1e-6);
});

Deno.test("surrogate: a positive definite covariance needs no jitter; sampling is seeded", () => {
  const rng = new PhiloxStream(3, "pd");
  const x = new Float32Array(200 * 3).map(() => rng.normal());
  const s = fitGaussianSurrogate(x, 200, 3);
  assert.equal(s.jitter, 0);
  const a = sampleSurrogate(s, 5, new PhiloxStream(4, "s")),
    b = sampleSurrogate(s, 5, new PhiloxStream(4, "s"));
  assert.deepEqual(Array.from(a), Array.from(b));
});

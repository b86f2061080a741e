import assert from "node:assert/strict";
import { fitLinearDenoiser, generatedGaussian } from "./linear_denoiser.ts";
import { PhiloxStream } from "../../datasets/philox.ts";

Deno.test("fitLinearDenoiser recovers an exact affine map when n > d", () => {
  const n = 20, d = 3, s = new PhiloxStream(1, "lsq");
  const x = s.fillNormal(new Float64Array(n * d)) as Float64Array;
  const B = [2, -1, 0.5, 0, 1, 3, 1, 1, 1], b0 = [0.5, -2, 7];
  const y = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < d; r++) {
      let v = b0[r];
      for (let c = 0; c < d; c++) v += B[r * d + c] * x[i * d + c];
      y[i * d + r] = v;
    }
  }
  const fit = fitLinearDenoiser(x, y, n, d);
  assert.equal(fit.rank, 3);
  B.forEach((v, i) => assert.ok(Math.abs(fit.beta1[i] - v) < 1e-9));
  b0.forEach((v, i) => assert.ok(Math.abs(fit.beta0[i] - v) < 1e-9));
});

Deno.test("with n <= d the fit interpolates and has rank n-1 (minimum norm)", () => {
  const n = 4, d = 6, s = new PhiloxStream(2, "lsq");
  const x = s.fillNormal(new Float64Array(n * d)) as Float64Array;
  const y = s.fillNormal(new Float64Array(n * d)) as Float64Array;
  const fit = fitLinearDenoiser(x, y, n, d);
  assert.equal(fit.rank, n - 1);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < d; r++) {
      let v = fit.beta0[r];
      for (let c = 0; c < d; c++) v += fit.beta1[r * d + c] * x[i * d + c];
      assert.ok(Math.abs(v - y[i * d + r]) < 1e-8);
    }
  }
});

Deno.test("generatedGaussian: identity map gives Σ = s² I for both conventions", () => {
  const d = 2, fit = { beta0: new Float64Array(d), beta1: Float64Array.of(1, 0, 0, 1), rank: 2 };
  const train = Float64Array.of(0, 0, 2, 2); // n = 2, per-dim variance 2
  for (const c of ["bbT", "bTb"] as const) {
    const g = generatedGaussian(fit, train, 2, d, { decay: 0.5, noiseVar: 0.1 }, c);
    assert.ok(Math.abs(g.s2 - (0.25 * 2 + 0.1)) < 1e-12);
    assert.deepEqual([...g.mean], [0.5, 0.5]);
    assert.ok(Math.abs(g.cov[0] - g.s2) < 1e-12 && g.cov[1] === 0);
  }
});

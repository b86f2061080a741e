import assert from "node:assert/strict";
import {
  CORRELATED_THRESHOLD,
  crossCovarianceUV,
  excessKurtosisAlongV,
  type Latent,
  latentNu,
  mcmStepSample,
  randomOrthonormalPair,
  sampleMcm,
} from "./mixed_cumulant.ts";
import { PhiloxStream, streamKey } from "./philox.ts";

interface Moments {
  varU: number;
  varV: number;
  kurtV: number;
  covUV: number;
  varOther: number;
}

function moments(proj: (k: number, dir: "u" | "v" | "o") => number, n: number): Moments {
  let su = 0, sv = 0, sv4 = 0, suv = 0, so = 0;
  for (let k = 0; k < n; k++) {
    const a = proj(k, "u"), b = proj(k, "v"), o = proj(k, "o");
    su += a * a, sv += b * b, sv4 += b ** 4, suv += a * b, so += o * o;
  }
  const varV = sv / n;
  return {
    varU: su / n,
    varV,
    kurtV: sv4 / n / (varV * varV) - 3,
    covUV: suv / n,
    varOther: so / n,
  };
}

const N = 60000;
// standard errors at N = 6e4: var ≈ 0.006·(1+β), kurtosis ≈ 0.01–0.02, cov ≈ 0.01; tolerances ≈ 4–5 SE
for (const latent of ["independent", "correlated", "naive-sign"] as Latent[]) {
  const p = { betaU: 4, betaV: 4, latent };
  Deno.test(`MCM (${latent}, random u ⊥ v): var along v is 1, excess kurtosis along v is ${excessKurtosisAlongV(p)}`, () => {
    const d = 6;
    const s = new PhiloxStream(3, "mcm-test", d);
    const [u, v] = randomOrthonormalPair(s, d);
    const x = sampleMcm(s, N, d, p, u, v);
    const o = new Float64Array(d);
    // a third direction orthogonal to both
    for (let i = 0; i < d; i++) o[i] = i === 0 ? 1 : 0;
    let ou = 0, ov = 0;
    for (let i = 0; i < d; i++) ou += o[i] * u[i], ov += o[i] * v[i];
    for (let i = 0; i < d; i++) o[i] -= ou * u[i] + ov * v[i];
    const on = Math.hypot(...o);
    for (let i = 0; i < d; i++) o[i] /= on;
    const m = moments((k, dir) => {
      const dv = dir === "u" ? u : dir === "v" ? v : o;
      let t = 0;
      for (let i = 0; i < d; i++) t += x[k * d + i] * dv[i];
      return t;
    }, N);
    assert.ok(Math.abs(m.varV - 1) < 0.03, `var along v ${m.varV}`);
    assert.ok(Math.abs(m.varU - 5) < 0.15, `var along u ${m.varU}`);
    assert.ok(Math.abs(m.varOther - 1) < 0.03, `var along a third direction ${m.varOther}`);
    assert.ok(Math.abs(m.kurtV - excessKurtosisAlongV(p)) < 0.06, `kurtosis along v ${m.kurtV}`);
    assert.ok(Math.abs(m.covUV - crossCovarianceUV(p)) < 0.06, `E[x_u x_v] ${m.covUV}`);
  });

  Deno.test(`MCM step sampler (${latent}, u=e1, v=e2): same moments; x_t = αx + sqrt(1−α²)ε`, () => {
    const d = 5, alpha = 0.8;
    const key = streamKey(1, "mcm-step", d);
    const x = new Float64Array(d), xt = new Float64Array(d);
    const rows: Float64Array[] = [];
    let sxxt = 0, sxt = 0;
    for (let t = 1; t <= N; t++) {
      mcmStepSample(key, t, d, p, alpha, x, xt);
      rows.push(x.slice());
      sxxt += x[3] * xt[3], sxt += xt[3] * xt[3];
    }
    const m = moments((k, dir) => rows[k][dir === "u" ? 0 : dir === "v" ? 1 : 2], N);
    assert.ok(Math.abs(m.varV - 1) < 0.03, `var along v ${m.varV}`);
    assert.ok(Math.abs(m.varU - 5) < 0.15, `var along u ${m.varU}`);
    assert.ok(Math.abs(m.varOther - 1) < 0.03, `var along e3 ${m.varOther}`);
    assert.ok(Math.abs(m.kurtV - excessKurtosisAlongV(p)) < 0.06, `kurtosis along v ${m.kurtV}`);
    assert.ok(Math.abs(m.covUV - crossCovarianceUV(p)) < 0.06, `E[x_u x_v] ${m.covUV}`);
    assert.ok(Math.abs(sxxt / N - alpha) < 0.02, `E[x x_t] ${sxxt / N}`);
    assert.ok(Math.abs(sxt / N - 1) < 0.03, `E[x_t²] ${sxt / N}`);
  });
}

Deno.test("correlated latent: E[g ν] = 0 exactly in theory, ≈ 0 empirically; naive sign is ≈ sqrt(2/π)", () => {
  const s = new PhiloxStream(5, "mcm-latent");
  let c = 0, n = 0, m = 0;
  for (let k = 0; k < 200000; k++) {
    const g = s.normal();
    c += g * latentNu("correlated", g, 0), n += g * latentNu("naive-sign", g, 0);
    m += latentNu("correlated", g, 0);
  }
  assert.ok(Math.abs(c / 200000) < 0.01, `E[gν] = ${c / 200000}`);
  assert.ok(Math.abs(n / 200000 - Math.sqrt(2 / Math.PI)) < 0.01);
  assert.ok(Math.abs(m / 200000) < 0.01);
  // the threshold solves 2φ(t) = φ(0): E[|g|; |g| > t] = E[|g|; |g| < t]
  assert.ok(Math.abs(Math.exp(-(CORRELATED_THRESHOLD ** 2) / 2) - 0.5) < 1e-12);
});

Deno.test("MCM step sampler is deterministic and keyed", () => {
  const d = 7, x = new Float64Array(d), xt = new Float64Array(d);
  const y = new Float64Array(d), yt = new Float64Array(d);
  const p = { betaU: 4, betaV: 4, latent: "independent" as Latent };
  mcmStepSample([1, 2], 9, d, p, 0.8, x, xt);
  mcmStepSample([1, 2], 9, d, p, 0.8, y, yt);
  assert.deepEqual(x, y);
  mcmStepSample([1, 3], 9, d, p, 0.8, y, yt);
  assert.notDeepEqual(x, y);
});

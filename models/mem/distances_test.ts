import assert from "node:assert/strict";
import {
  compareSignedLog,
  hellinger2,
  kernelL2Distance,
  logDiff,
  logGaussianDensities,
} from "./distances.ts";
import { packSets, pairSumsCpu } from "../gpu/kernel_sum.ts";

const eye = (d: number, s = 1) =>
  Float64Array.from({ length: d * d }, (_, i) => (i % (d + 1) === 0 ? s : 0));

Deno.test("hellinger2: 0 for equal Gaussians, closed form for 1-D, 1 for singular", () => {
  assert.ok(
    Math.abs(hellinger2(new Float64Array(3), eye(3), new Float64Array(3), eye(3), 3)) < 1e-14,
  );
  // 1-D: H² = 1 − sqrt(2σ1σ2/(σ1²+σ2²)) exp(−(μ1−μ2)²/(4(σ1²+σ2²)))
  const s1 = 2, s2 = 0.5, m = 1.3;
  const want = 1 -
    Math.sqrt((2 * s1 * s2) / (s1 ** 2 + s2 ** 2)) *
      Math.exp(-(m ** 2) / (4 * (s1 ** 2 + s2 ** 2)));
  const got = hellinger2(
    Float64Array.of(m),
    Float64Array.of(s1 ** 2),
    Float64Array.of(0),
    Float64Array.of(s2 ** 2),
    1,
  );
  assert.ok(Math.abs(got - want) < 1e-12, `${got} vs ${want}`);
  assert.equal(
    hellinger2(
      new Float64Array(2),
      Float64Array.from([1, 1, 1, 1]),
      new Float64Array(2),
      eye(2),
      2,
    ),
    1,
  );
});

Deno.test("hellinger2 stays in (0,1) without clamping at d = 100 for a near-identity Gaussian", () => {
  const d = 100;
  const h = hellinger2(
    new Float64Array(d).fill(0.01),
    eye(d, 1.01),
    new Float64Array(d),
    eye(d),
    d,
  );
  assert.ok(h > 0 && h < 0.1, `H² ${h}`);
});

Deno.test("logGaussianDensities matches the 1-D formula", () => {
  const got = logGaussianDensities(
    Float64Array.of(1.5),
    1,
    1,
    Float64Array.of(1),
    Float64Array.of(4),
  );
  const want = -0.5 * Math.log(8 * Math.PI) - 0.5 * 0.25 / 4; // x − μ = 0.5, σ² = 4
  assert.ok(Math.abs(got[0] - want) < 1e-12, `${got[0]} vs ${want}`);
});

Deno.test("kernelL2Distance equals a brute-force 1-D evaluation", () => {
  const x = Float64Array.of(-0.3, 0.4, 1.1), eps = 0.7, mu = Float64Array.of(0.2), v = 0.8;
  const [logPairSum] = pairSumsCpu(packSets([x], 1, [1 / (4 * eps * eps)]));
  const e = kernelL2Distance(x, 3, 1, eps, mu, Float64Array.of(v), logPairSum);
  const nrm = (z: number, m: number, s2: number) =>
    Math.exp(-((z - m) ** 2) / (2 * s2)) / Math.sqrt(2 * Math.PI * s2);
  let self = 0, cross = 0;
  for (const a of x) {
    for (const b of x) self += nrm(a, b, 2 * eps * eps);
    cross += nrm(a, mu[0], v + eps * eps);
  }
  const want = self / 9 - (2 / 3) * cross;
  assert.ok(
    Math.abs(e.sign * Math.exp(e.log) - want) < 1e-12,
    `${e.sign * Math.exp(e.log)} vs ${want}`,
  );
});

Deno.test("signed log arithmetic", () => {
  const a = logDiff(Math.log(5), Math.log(3)), b = logDiff(Math.log(3), Math.log(5));
  assert.equal(a.sign, 1), assert.ok(Math.abs(Math.exp(a.log) - 2) < 1e-12);
  assert.equal(b.sign, -1);
  assert.ok(compareSignedLog(a, b) > 0);
  assert.ok(compareSignedLog(logDiff(Math.log(5), Math.log(4)), a) < 0);
});

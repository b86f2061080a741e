import assert from "node:assert/strict";
import { asymptoticRisk, choleskySolve, minNormFit } from "./min_norm.ts";

Deno.test("choleskySolve solves a small SPD system", () => {
  const a = new Float64Array([4, 2, 2, 3]);
  const x = choleskySolve(a, new Float64Array([2, 1]), 2);
  assert.ok(Math.abs(4 * x[0] + 2 * x[1] - 2) < 1e-12 && Math.abs(2 * x[0] + 3 * x[1] - 1) < 1e-12);
});

Deno.test("minNormFit interpolates below the threshold and is least squares above it", () => {
  // n = 2 < p = 3: the fit interpolates and is the minimum-norm interpolant
  const x = new Float64Array([1, 0, 0, 0, 1, 1]);
  const b = minNormFit(x, new Float64Array([1, 2]), 2, 3);
  assert.deepEqual(Array.from(b, (v) => Math.round(v * 1e12) / 1e12), [1, 1, 1]);
  // n = 3 > p = 1: the mean slope through the origin
  const c = minNormFit(new Float64Array([1, 2, 3]), new Float64Array([2, 4, 6.5]), 3, 1);
  assert.ok(Math.abs(c[0] - (2 + 8 + 19.5) / 14) < 1e-12);
});

Deno.test("asymptoticRisk: the two branches and the pole at γ = 1", () => {
  assert.equal(asymptoticRisk(0.5, 1, 1), 1);
  assert.equal(asymptoticRisk(2, 1, 1), 1.5);
  assert.equal(asymptoticRisk(1, 1, 1), Infinity);
});

import { judgeContext } from "../judge.ts";
import assert from "node:assert/strict";
import { pairwiseLinear } from "./pairwise_linear.ts";
import { quarticCubic } from "./quartic_cubic.ts";
import { correlatedLinear } from "./correlated_linear.ts";
import { fitExponent, holdValue, medianOf, nStars } from "./_analysis.ts";
import type { RunSet } from "./_experiment.ts";
import { makeTestContext } from "../testing.ts";
import { resolveConfig } from "../config.ts";
import type { AnyCase } from "../case.ts";

const CASES: AnyCase[] = [pairwiseLinear, quarticCubic, correlatedLinear];

Deno.test("cum cases: same seeds on the CPU give bit-identical measurements and verdicts", async () => {
  for (const c of CASES) {
    const cfg = resolveConfig(c, "smoke", {});
    const run = async () => {
      const ctx = makeTestContext({ seeds: [0, 1, 2, 3] });
      const measurement = await c.run(ctx, cfg as never);
      const prediction = c.predict(cfg as never);
      const verdict = c.judge({ measurement, prediction }, cfg as never, judgeContext(0));
      const charts = c.charts({ measurement, prediction }, cfg as never, verdict);
      return {
        measurement,
        verdict,
        charts,
        tables: c.tables?.({ measurement, prediction }, cfg as never, verdict),
      };
    };
    const a = await run(), b = await run();
    assert.equal(JSON.stringify(a), JSON.stringify(b), c.id);
    assert.ok(["reproduced", "not reproduced", "inconclusive"].includes(a.verdict.status), c.id);
    assert.ok(a.charts.length >= 2 && a.charts.every((ch) => /^[a-z0-9][a-z0-9._-]*$/.test(ch.id)));
    assert.ok(a.verdict.checks.some((ch) => ch.primary && /exponent k/.test(ch.name)), c.id);
  }
});

Deno.test("cum profiles validate; quick/full grids as documented", () => {
  for (const c of CASES) {
    for (const p of ["smoke", "quick", "full"] as const) {
      const cfg = resolveConfig(c, p, {}) as Record<string, unknown>;
      assert.ok(c.estimateSeconds(cfg) >= 0);
      assert.equal(c.defaultSeeds(cfg), cfg.seeds);
    }
  }
  assert.deepEqual(quarticCubic.predict(resolveConfig(quarticCubic, "quick", {}) as never).band, [
    2.5,
    Infinity,
  ]);
});

Deno.test("medianOf ranks censored (Infinity) values last and drops NaN", () => {
  assert.equal(medianOf([3, 1, Infinity]), 3);
  assert.equal(medianOf([1, Infinity, Infinity]), Infinity);
  assert.equal(medianOf([1, 2, Infinity, Infinity]), Infinity);
  assert.equal(medianOf([1, 3, NaN]), 2);
  assert.equal(holdValue([0, 0, 0, 0, 0, 0, 0, 0, 0.95, 0.97], 0.2), 0.96);
});

Deno.test("fitExponent: exact, lower bound when only the largest d are censored, none otherwise", () => {
  const ds = [8, 16, 32], caps = ds.map((d) => 50 * d ** 3);
  const exact = fitExponent(ds, ds.map((d) => 2 * d ** 3), caps);
  assert.equal(exact.bound, "exact");
  assert.ok(Math.abs(exact.k - 3) < 1e-12);
  const lower = fitExponent(ds, [2 * 8 ** 3, 2 * 16 ** 3, Infinity], caps);
  assert.equal(lower.bound, "lower");
  assert.ok(lower.k > 3);
  assert.equal(fitExponent(ds, [Infinity, 2 * 16 ** 3, 2 * 32 ** 3], caps).bound, "none");
  assert.equal(fitExponent(ds, [Infinity, Infinity, Infinity], caps).bound, "none");
});

Deno.test("nStars: a crossing that does not hold is censored; failed runs are NaN", () => {
  const set: RunSet = {
    variant: "main",
    d: 16,
    c: 1,
    a: 1,
    eta: 1 / 16,
    K: 1,
    act: "tanh",
    latent: "independent",
    betaU: 4,
    cap: 100,
    logEvery: 10,
    thresholdU: 0.9,
    thresholdV: 0.9,
    seeds: [0, 1, 2],
    crossU: [35, 40, null],
    crossV: [null, null, null],
    failedAt: [null, null, 77],
    logU: [
      [0.1, 0.3, 0.8, 0.95, 0.95, 0.96, 0.97, 0.96, 0.95, 0.96],
      [0.1, 0.3, 0.8, 0.91, 0.5, 0.4, 0.3, 0.3, 0.3, 0.3],
      [0.1, 0.3, 0.8, 0.95, 0.95, 0.96, 0.97, 0, 0, 0],
    ],
    logV: [[], [], []].map(() => Array(10).fill(0.1)),
  };
  const ns = nStars(set, "u", { kind: "fixed" }, 0.1);
  assert.equal(ns[0], 35);
  assert.equal(ns[1], Infinity);
  assert.ok(Number.isNaN(ns[2]));
  // relative rule: plateau = median hold (0.96 of the finished runs... and 0.3) → threshold
  const rel = nStars(set, "u", { kind: "relative", factor: 0.8, floor: 0 }, 0.1);
  assert.ok(Number.isFinite(rel[0]));
});

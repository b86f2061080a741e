import { judgeContext } from "../judge.ts";
import assert from "node:assert/strict";
import { pairwiseLinear } from "./pairwise_linear.ts";
import { quarticCubic } from "./quartic_cubic.ts";
import { correlatedLinear } from "./correlated_linear.ts";
import { fitExponent, holdValue, medianCI, medianOf, nStars, viewSets } from "./_analysis.ts";
import { synthMeasurement } from "./judge_fixtures.ts";
import type { RunSet } from "./_experiment.ts";
import { makeTestContext } from "../testing.ts";
import { rejectClaimOverrides, resolveConfig } from "../config.ts";
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
    // dense curves (collapse, controls) draw their IQR as a shaded band, not as error bars
    for (const ch of a.charts.filter((x) => /^(collapse|control)-/.test(x.id))) {
      const spec = JSON.stringify(ch.spec);
      assert.ok(!spec.includes('"errorbar"') && spec.includes('"area"'), `${c.id} ${ch.id}`);
    }
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

/** Three runs at d = 16: one holds u, one crosses and falls back, one fails at step 77. */
function smallSet(): RunSet {
  return {
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
}

Deno.test("nStars: a crossing that does not hold is censored; failed runs are NaN", () => {
  const set = smallSet();
  const ns = nStars(set, "u", { kind: "fixed", hold: "run" }, 0.1);
  assert.equal(ns[0], 35);
  assert.equal(ns[1], Infinity);
  assert.ok(Number.isNaN(ns[2]));
  // relative rule: plateau = median hold (0.96 of the finished runs... and 0.3) → threshold
  const rel = nStars(set, "u", { kind: "relative", factor: 0.8, floor: 0, hold: "run" }, 0.1);
  assert.ok(Number.isFinite(rel[0]));
});

Deno.test("medianCI: order-statistic interval, censored upper end is +∞", () => {
  const xs = Array.from({ length: 32 }, (_, i) => i + 1);
  // Bin(32, ½): P(B ≤ 9) ≈ 0.010 ≤ 2.5% < P(B ≤ 10) ≈ 0.025: [x₁₀, x₂₃]
  assert.deepEqual(medianCI(xs), { value: 16.5, lo: 10, hi: 23 });
  const cens = [...xs.slice(0, 20), ...Array(12).fill(Infinity)];
  assert.equal(medianCI(cens).hi, Infinity);
  assert.equal(medianCI(cens).lo, 10);
  assert.deepEqual(medianCI([3, 1, 2]), { value: 2, lo: 1, hi: 3 });
});

Deno.test("viewSets: a lower cap truncates the runs, another threshold is read off the logs", () => {
  const set = smallSet();
  const view = (over: Partial<Parameters<typeof viewSets>[1]>) =>
    viewSets([set], {
      dims: [16],
      stepSizes: [{ c: 1, a: 1 }],
      cap: () => 100,
      thresholdU: 0.9,
      thresholdV: 0.9,
      ...over,
    })[0];
  assert.deepEqual(view({}).crossU, set.crossU);
  const short = view({ cap: () => 50 });
  assert.equal(short.cap, 50);
  assert.equal(short.logU[0].length, 5);
  assert.deepEqual(short.crossU, [35, 40, null]);
  assert.deepEqual(view({ cap: () => 30 }).crossU, [null, null, null]);
  // threshold 0.5: first log above it is the 3rd (step 30) in every run
  assert.deepEqual(view({ thresholdU: 0.5 }).crossU, [30, 30, 30]);
  assert.throws(() => view({ cap: () => 200 }), /needs a run/);
  assert.throws(() => view({ stepSizes: [{ c: 2, a: 1 }] }), /needs a run/);
});

Deno.test("hold rule 'median': a run that crosses but does not hold still counts when the median run holds", () => {
  const set = smallSet();
  set.logU[2] = [...set.logU[0]];
  set.crossU[2] = 38;
  set.failedAt[2] = null;
  assert.deepEqual(nStars(set, "u", { kind: "fixed", hold: "median" }, 0.1), [35, 40, 38]);
  assert.deepEqual(nStars(set, "u", { kind: "fixed", hold: "run" }, 0.1), [35, Infinity, 38]);
});

Deno.test("cum.correlated-linear: a d-independent v plateau under a c/√d floor is inconclusive, not 'not reproduced'", () => {
  const cfg = resolveConfig(correlatedLinear, "quick", {}) as Record<string, unknown>;
  // v settles at 0.11 at every d (the measured plateau), linearly in d; u at 0.9
  const m = synthMeasurement(cfg, { n: (d) => 10 * d, plateau: 0.9 }, {
    n: (d, i) => 20 * d * (1 + 0.01 * (i % 5)),
    plateau: 0.11,
  });
  const judge = (over: Record<string, unknown>) => {
    const c = resolveConfig(correlatedLinear, "quick", over) as never;
    return correlatedLinear.judge(
      { measurement: m, prediction: correlatedLinear.predict(c) },
      c,
      judgeContext(0),
    );
  };
  assert.equal(judge({}).status, "reproduced");
  const floored = judge({ noiseFloor: 2.5 });
  assert.equal(floored.status, "inconclusive");
  const k = floored.checks.find((x) => x.name.startsWith("exponent k"))!;
  assert.equal(k.status, "inconclusive");
  assert.ok(k.reason.length > 0);
  const frac = floored.checks.find((x) => x.name.startsWith("fraction of runs learning v"))!;
  assert.equal(frac.primary, false);
});

Deno.test("censoring at the step cap is inconclusive unless a bound clears the band", () => {
  const spread = (i: number) => 1 + 0.02 * (i % 7);
  const first = (c: AnyCase, m: unknown, cfg: Record<string, unknown>) =>
    c.judge({ measurement: m, prediction: c.predict(cfg) }, cfg, judgeContext(0)).checks[0];
  // pairwise: n* = 40·d, censored at the largest d: k ≥ ~0.8, which cannot rule out k > 1.4
  const pc = resolveConfig(pairwiseLinear, "quick", {}) as Record<string, unknown>;
  const pm = synthMeasurement(pc, {
    n: (d, i) => (d === 256 ? null : 40 * d * spread(i)),
    plateau: 0.95,
  }, { n: () => null, plateau: 0.02 });
  const p = first(pairwiseLinear, pm, pc);
  assert.equal(p.status, "inconclusive");
  assert.equal(p.ci[1], Infinity);
  assert.match(p.reason, /censored/);
  // quartic (band [2.5, ∞), the theory is a lower bound)
  const qc = resolveConfig(quarticCubic, "quick", {}) as Record<string, unknown>;
  const q = (n: (d: number, i: number) => number | null) =>
    first(
      quarticCubic,
      synthMeasurement(qc, { n: () => null, plateau: 0.02 }, { n, plateau: 0.95 }),
      qc,
    );
  // censored at a smaller d only: no bound either way
  const none = q((d, i) => (d === 12 ? null : 5 * d ** 3 * spread(i)));
  assert.equal(none.status, "inconclusive");
  assert.match(none.reason, /censored/);
  // every d censored: no fit at all
  const all = q(() => null);
  assert.equal(all.status, "inconclusive");
  assert.ok(all.reason.length > 0);
  // censored at the largest d with a lower bound that clears 2.5: k ≥ lo ≥ 2.5 is a pass of a
  // lower-bound claim, never of an upper edge
  const lower = q((d, i) => (d === 24 ? null : 5 * d ** 3 * spread(i)));
  assert.equal(lower.ci[1], Infinity);
  assert.ok(lower.ci[0]! >= 2.5);
  assert.equal(lower.status, "reproduced");
});

Deno.test("cum tidyRuns: one row per set × seed × observable, censored values null", () => {
  const set = smallSet();
  const rows = pairwiseLinear.tidyRuns!(
    { backend: "cpu", sets: [set] },
    resolveConfig(pairwiseLinear, "quick", {}) as never,
  );
  assert.equal(rows.length, 3 * 5);
  const cross = rows.filter((r) => r.observable.startsWith("first step |⟨w,u⟩|"));
  assert.deepEqual(cross.map((r) => r.value), [35, 40, null]);
  assert.deepEqual(cross[0].point, { variant: "main", d: 16, c: 1, a: 1 });
});

Deno.test("cum claim fields cannot be set from the config", () => {
  for (const c of CASES) {
    for (const key of Object.keys(c.claimSpec ?? {})) {
      assert.throws(() => rejectClaimOverrides([c], { [key]: 1 }), new RegExp(key));
    }
  }
});

Deno.test("cum cases: when every run failed, every primary check is inconclusive", () => {
  for (const c of CASES) {
    const cfg = resolveConfig(c, "quick", {}) as Record<string, unknown>;
    const m = synthMeasurement(cfg, { n: (d) => 10 * d, plateau: 0.9 }, {
      n: (d) => 20 * d,
      plateau: 0.9,
    });
    for (const s of m.sets) {
      s.failedAt = s.seeds.map(() => 5);
      s.logU = s.logU.map((l) => l.map(() => NaN));
      s.logV = s.logV.map((l) => l.map(() => NaN));
    }
    const v = c.judge({ measurement: m, prediction: c.predict(cfg) }, cfg, judgeContext(0));
    assert.equal(v.status, "inconclusive", c.id);
    for (const k of v.checks.filter((x) => x.primary)) {
      assert.equal(k.status, "inconclusive", `${c.id}: ${k.name}`);
      assert.ok(k.reason.length > 0, `${c.id}: ${k.name} has no reason`);
    }
  }
});

import assert from "node:assert/strict";
import { pairwiseLinear } from "./pairwise_linear.ts";
import { quarticCubic } from "./quartic_cubic.ts";
import { correlatedLinear } from "./correlated_linear.ts";
import { simplicityBias } from "./simplicity_bias.ts";
import type { CumUnitResult } from "./_experiment.ts";
import type { SimplicityUnitResult } from "./_simplicity_experiment.ts";
import { type AnyCase, PROFILES, type UnitPart, type UnitSpec, type WorkUnits } from "../case.ts";
import { resolveConfig } from "../config.ts";
import { makeTestContext } from "../testing.ts";
import { CALIBRATION } from "../estimate.ts";
import { measureAlternatives } from "../judge.ts";
import { encodeMeasurement } from "../../reports/measurement_codec.ts";
import {
  hasTypedArray,
  measurementHash,
  QUICK_UNIT_MAX_SECONDS,
  runPlan,
} from "../units_testing.ts";
import { withFixtureDir } from "../../datasets/fashion_mnist_dirs.ts";

const SGD_CASES: AnyCase[] = [pairwiseLinear, quarticCubic, correlatedLinear];
const ALL_CASES: AnyCase[] = [...SGD_CASES, simplicityBias];

/** Two step sizes (the smoke profile has one): two sets per d, in two units. */
const TWO_STEPS = [{ c: 0.05, a: 1 }, { c: 0.1, a: 1 }];

/**
 * {@link measurementHash} of the smoke measurement on the CPU backend, recorded by running the
 * code from before the work-unit conversion (commit 345e1d7, one `run` over all sets) with these
 * seeds. The SGD kernels compute in f64 with V8's Math (the same bits everywhere; the WebAssembly
 * kernel gives the JS loop's bits); a deliberate change of the numbers must re-record them.
 */
const BEFORE_UNITS: Record<
  string,
  { seeds: number[]; baseSeed: number; sha256: string; set?: Record<string, unknown> }[]
> = {
  "cum.pairwise-linear": [
    {
      seeds: [0, 1, 2, 3],
      baseSeed: 0,
      sha256: "8bb252a2be6f7e0e08d9121f595904c08f876f268c245659a6ab4eae7d5e7046",
    },
    {
      seeds: [7, 8, 9, 10, 11],
      baseSeed: 5,
      sha256: "376a711e225c6a05e36a7c23a91890c9c06958d69043acc246955a3d5ecc33d8",
    },
    {
      seeds: [0, 1, 2, 3],
      baseSeed: 0,
      set: { stepSizes: TWO_STEPS },
      sha256: "8ec4b6091383779b7d753f95e00675280763700fdb8884731fd3b6f9149a65cb",
    },
  ],
  "cum.quartic-cubic": [
    {
      seeds: [0, 1, 2, 3],
      baseSeed: 0,
      sha256: "86ba6e2471f894f58b30fadaaafb5299d74024c73e278c678e03f4f26566b64b",
    },
    {
      seeds: [7, 8, 9, 10, 11],
      baseSeed: 5,
      sha256: "9c1b6cc8e5afa1c41f70d3d29b96df6e3fb97a5a861bea157215f6ff6cf36bb9",
    },
  ],
  "cum.correlated-linear": [
    {
      seeds: [0, 1, 2, 3],
      baseSeed: 0,
      sha256: "935b1bd646bb07ff18d7b97ae9b1b5475d0ba0307b6f1816c83057026b1bc379",
    },
    {
      seeds: [7, 8, 9, 10, 11],
      baseSeed: 5,
      sha256: "d581460a600412b225c6c8ec1dbc820f7202a2db302c149fed53a58c2f92a7da",
    },
    {
      seeds: [0, 1, 2, 3],
      baseSeed: 0,
      set: { stepSizes: TWO_STEPS },
      sha256: "787b4876cc2a657ba7974644e1b24edea1844a05973d5ac80bc44487fc79fb66",
    },
  ],
};

const encoded = (m: unknown) => JSON.stringify(encodeMeasurement(m));

// deno-lint-ignore no-explicit-any
const unitsOf = (c: AnyCase) => c.units as WorkUnits<any, unknown, unknown>;

/** Every unit of the plan in a fresh context, in reverse order; then assembled in plan order. */
async function runUnitsApart(
  c: AnyCase,
  cfg: Record<string, unknown>,
  seeds: number[],
  baseSeed = 0,
): Promise<{ measurement: unknown; results: unknown[]; plan: UnitSpec[] }> {
  const u = unitsOf(c);
  const plan = u.plan(cfg, seeds);
  const results: unknown[] = new Array(plan.length);
  for (let i = plan.length - 1; i >= 0; i--) {
    results[i] = await u.run(
      makeTestContext({ seeds: [...plan[i].seeds], baseSeed }),
      cfg,
      plan[i],
    );
  }
  const parts: UnitPart<unknown>[] = plan.map((unit, i) => ({ unit, result: results[i] }));
  return { measurement: u.assemble(cfg, parts), results, plan };
}

Deno.test("cum SGD cases: measured through units, the smoke measurement equals the pre-unit one bit for bit", async () => {
  for (const c of SGD_CASES) {
    for (const { seeds, baseSeed, sha256: want, set } of BEFORE_UNITS[c.id]) {
      const cfg = resolveConfig(c, "smoke", set ?? {});
      const ctx = makeTestContext({ seeds, baseSeed });
      const m = await c.run(ctx, cfg);
      assert.equal(await measurementHash(m), want, `${c.id} seeds ${seeds} ${JSON.stringify(set)}`);
      assert.deepEqual(ctx.runErrors, []);
      if (baseSeed) continue;
      // each unit alone, in reverse order, in its own context: the same measurement
      const apart = await runUnitsApart(c, cfg, seeds, baseSeed);
      assert.equal(encoded(apart.measurement), encoded(m), `${c.id}: units run apart`);
    }
  }
});

Deno.test("cum SGD cases: a run's numbers depend on its seed value, not on the other seeds of its unit", async () => {
  const c = pairwiseLinear;
  const cfg = resolveConfig(c, "smoke", {});
  const u = unitsOf(c);
  const [whole] = u.plan(cfg, [0, 1, 2, 3]);
  const [part] = u.plan(cfg, [2, 3]);
  assert.deepEqual(part.part, whole.part);
  const a = await u.run(makeTestContext({ seeds: [0, 1, 2, 3] }), cfg, whole) as CumUnitResult;
  const b = await u.run(makeTestContext({ seeds: [2, 3] }), cfg, part) as CumUnitResult;
  assert.deepEqual(b.set.seeds, [2, 3]);
  for (const k of ["crossU", "crossV", "failedAt", "logU", "logV"] as const) {
    assert.deepEqual(b.set[k], a.set[k].slice(2), k);
  }
});

Deno.test("simplicity-bias: one unit per seed assembles what one unit of all seeds measures", async () => {
  await withFixtureDir(async (dir) => {
    const c = simplicityBias;
    const cfg = c.configSchema.parse({ ...c.profiles.smoke, dataDir: dir });
    const seeds = [4, 5, 6];
    const u = unitsOf(c);
    const apart = await runUnitsApart(c, cfg, seeds, 3);
    assert.deepEqual(apart.plan.map((x) => x.key), ["seeds=4", "seeds=5", "seeds=6"]);
    // the code before units ran every seed in one pass over the data: a unit holding all seeds
    const all: UnitSpec = { key: "seeds=4-6", seeds, cost: 1 };
    const ctx = makeTestContext({ seeds, baseSeed: 3 });
    const one = u.assemble(cfg, [{ unit: all, result: await u.run(ctx, cfg, all) }]);
    assert.equal(encoded(apart.measurement), encoded(one));
    // and the case's run (units in order, in one context) is the same again
    const run = await c.run(makeTestContext({ seeds, baseSeed: 3 }), cfg);
    assert.equal(encoded(run), encoded(one));
    assert.ok(ctx.timings.train > 0);
  });
});

Deno.test("simplicity-bias: its run-alternative is measured through the units", async () => {
  await withFixtureDir(async (dir) => {
    const c = simplicityBias;
    const cfg = c.configSchema.parse({ ...c.profiles.smoke, dataDir: dir });
    const ctx = makeTestContext({ seeds: [0, 1] });
    const alts = await measureAlternatives(c, ctx, cfg, "full");
    assert.deepEqual(alts.map((a) => [a.choice, a.value]), [["learningRate", 1e-3]]);
    const altCfg = { ...cfg, learningRate: 1e-3 };
    const { measurement } = await runUnitsApart(c, altCfg, [0, 1]);
    assert.deepEqual(alts[0].measurement, encodeMeasurement(measurement));
  });
});

Deno.test("unit results are plain JSON data that their schema reads back unchanged", async () => {
  for (const c of SGD_CASES) {
    const cfg = resolveConfig(c, "smoke", {});
    const { parts } = await runPlan(c, cfg, unitsOf(c).plan(cfg, [0, 1])); // checks the round trip
    assert.ok(!parts.some((p) => hasTypedArray(p.result)), c.id);
  }
  await withFixtureDir(async (dir) => {
    const c = simplicityBias;
    const cfg = c.configSchema.parse({ ...c.profiles.smoke, dataDir: dir });
    const { parts } = await runPlan(c, cfg, unitsOf(c).plan(cfg, [0]));
    assert.ok(!hasTypedArray(parts[0].result));
  });
});

Deno.test("plans: unique stable keys, costs summing to the estimate, quick-profile sizes", () => {
  for (const c of ALL_CASES) {
    for (const p of PROFILES) {
      const cfg = resolveConfig(c, p, {});
      const n = c.defaultSeeds(cfg);
      const seeds = Array.from({ length: n }, (_, i) => 100 + i);
      const plan = unitsOf(c).plan(cfg, seeds);
      assert.deepEqual(unitsOf(c).plan(cfg, seeds), plan, `${c.id} ${p}: deterministic`);
      const keys = plan.map((u) => u.key);
      assert.equal(new Set(keys).size, keys.length, `${c.id} ${p}: unique keys`);
      assert.ok(keys.every((k) => /^[A-Za-z0-9=;,._-]+$/.test(k)), `${c.id} ${p}: ${keys}`);
      assert.ok(plan.every((u) => u.seeds.length && u.seeds.every((s) => seeds.includes(s))));
      const total = plan.reduce((s, u) => s + u.cost, 0);
      const est = c.estimateSeconds(cfg);
      assert.ok(Math.abs(total - est) <= 1e-9 * est, `${c.id} ${p}: ${total} vs ${est}`);
      if (p !== "quick") continue;
      const factor = CALIBRATION.cases[c.id].factor;
      const calibrated = plan.map((u) => u.cost * factor);
      if (est * factor >= 60) assert.ok(plan.length >= 4, `${c.id}: ${plan.length} units`);
      if (c === simplicityBias) {
        // a seed's training is sequential: one seed per unit is the finest split
        assert.ok(plan.every((u) => u.seeds.length === 1));
      } else {
        assert.ok(
          Math.max(...calibrated) <= QUICK_UNIT_MAX_SECONDS,
          `${c.id}: ${Math.max(...calibrated)} s`,
        );
      }
    }
  }
  const cfg = resolveConfig(quarticCubic, "quick", {});
  const keys = unitsOf(quarticCubic).plan(cfg, Array.from({ length: 32 }, (_, i) => i)).map((u) =>
    u.key
  );
  assert.equal(keys[0], "main;d=8;c=0.2;a=2;seeds=0-31");
  assert.equal(keys.at(-1), "ctl0;d=16;c=0.5;a=2;seeds=0-15");
  // a grid point listed twice still gets unique keys
  const twice = { ...cfg, dims: [8, 8] };
  assert.deepEqual(
    unitsOf(quarticCubic).plan(twice, [0, 1]).map((u) => u.key).slice(0, 4),
    [
      "main;d=8;c=0.2;a=2;seeds=0-1",
      "main;d=8;c=0.5;a=2;seeds=0-1",
      "main;d=8;c=0.2;a=2;seeds=0-1;dup=1",
      "main;d=8;c=0.5;a=2;seeds=0-1;dup=1",
    ],
  );
});

Deno.test("assemble refuses units from different backends, data or seeds", async () => {
  const cfg = resolveConfig(pairwiseLinear, "smoke", {});
  const u = unitsOf(pairwiseLinear);
  const { results, plan } = await runUnitsApart(pairwiseLinear, cfg, [0, 1]);
  const parts = plan.map((unit, i) => ({ unit, result: results[i] as CumUnitResult }));
  const gpu = parts.map((p, i) => i ? p : { ...p, result: { ...p.result, backend: "webgpu" } });
  assert.throws(() => u.assemble(cfg, gpu), /different backends \(webgpu, cpu\)/);
  const wrong = parts.map((p, i) => i ? p : { ...p, unit: { ...p.unit, seeds: [0, 2] } });
  assert.throws(() => u.assemble(cfg, wrong), /its result holds seeds \[0, 1\]/);
  await withFixtureDir(async (dir) => {
    const c = simplicityBias;
    const scfg = c.configSchema.parse({ ...c.profiles.smoke, dataDir: dir });
    const r = await runUnitsApart(c, scfg, [0, 1]);
    const sparts = r.plan.map((unit, i) => ({
      unit,
      result: r.results[i] as SimplicityUnitResult,
    }));
    const other = { ...sparts[1].result, data: { ...sparts[1].result.data, nTrain: 7 } };
    assert.throws(
      () => unitsOf(c).assemble(scfg, [sparts[0], { ...sparts[1], result: other }]),
      /unit seeds=1 ran on other data/,
    );
    assert.throws(() => unitsOf(c).assemble(scfg, []), /no work units/);
  });
});

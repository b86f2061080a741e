import assert from "node:assert/strict";
import type { AnyCase, UnitPart } from "../case.ts";
import { makeTestContext } from "../testing.ts";
import { resolveConfig } from "../config.ts";
import {
  assertPlanWellFormed,
  assertQuickUnitSizes,
  firstSeeds,
  hasTypedArray,
  measurementHash,
  QUICK_UNIT_MAX_SECONDS,
  runPlan,
  splitPlan,
} from "../units_testing.ts";
import { cases } from "./mod.ts";
import { transition } from "./transition.ts";
import type { DimMeasurement } from "./_experiment.ts";
import { stackTrials } from "./_units.ts";

/**
 * SHA-256 of each case's measurement at the smoke profile on the CPU (seeds 0…5, base seed 0),
 * recorded by running the code before the work-unit conversion (commit 345e1d7, one run over all
 * trials). The converted cases must measure the very same numbers.
 */
const BEFORE_UNITS: Record<string, { over: Record<string, unknown>; sha256: string }[]> = {
  "mem.transition": [
    { over: {}, sha256: "0c0d7dfe89827dfb884dd987b0332813c30d7d99581a02fd29b13c9c92f62423" },
    {
      over: { originalSize: 1000 },
      sha256: "4b3adaadac3b57c4914bf8f50d2db93abd6fe175d8adb4a6ce2c3402daf5c940",
    },
  ],
  "mem.hellinger-onset": [
    { over: {}, sha256: "987c145fe3dc0ec041019c8380416380f3d26f1a9cb2b6d8b5f0561a102052f2" },
  ],
};

for (const c of cases as AnyCase[]) {
  Deno.test(`${c.id}: units measure what the case measured before units, bit for bit (smoke, CPU)`, async () => {
    for (const { over, sha256 } of BEFORE_UNITS[c.id]) {
      const config = resolveConfig(c, "smoke", over);
      const seeds = firstSeeds(c.defaultSeeds(config));
      const plan = assertPlanWellFormed(c, config, seeds);
      // the in-process run (runAllUnits), as run-alternatives measure
      assert.equal(await measurementHash(await c.run(makeTestContext({ seeds }), config)), sha256);
      // through stored unit results, as the runner assembles them, and one unit per trial
      for (const p of [plan, splitPlan(plan)]) {
        const { measurement, parts } = await runPlan(c, config, p);
        assert.ok(!parts.some((x) => hasTypedArray(x.result)), `${c.id}: typed array in a unit`);
        assert.equal(await measurementHash(measurement), sha256, `${c.id}: ${p.length} units`);
      }
    }
  });

  Deno.test(`${c.id}: quick-profile units are batches of trials no larger than ${QUICK_UNIT_MAX_SECONDS} s`, () => {
    assertQuickUnitSizes(c);
    const config = resolveConfig(c, "quick", {});
    const plan = c.units!.plan(config, firstSeeds(100));
    assert.deepEqual(plan.map((u) => u.seeds.length), plan.map(() => plan[0].seeds.length));
  });
}

Deno.test("mem.transition: 100 trials at quick make 20 units seeds=0-4 … seeds=95-99", () => {
  const config = transition.configSchema.parse(transition.profiles.quick);
  const plan = transition.units!.plan(config, firstSeeds(100));
  assert.equal(plan.length, 20);
  assert.equal(plan[0].key, "seeds=0-4");
  assert.equal(plan[19].key, "seeds=95-99");
});

Deno.test("mem: assembling units that measured different grids is an error, not a mix", () => {
  const dm = (d: number): DimMeasurement => ({
    d,
    ns: [d],
    ratios: [1],
    conventions: { bbT: { deltaPositive: [[1]], h2: [[0.5]], traceOverD: [[1]] } },
  });
  assert.deepEqual(stackTrials([[dm(4)], [dm(4)]])[0].conventions.bbT!.h2, [[0.5], [0.5]]);
  assert.throws(() => stackTrials([[dm(4)], [dm(8)]]), /unit 1 measured another grid/);
  assert.throws(() => stackTrials([]), /no unit results/);
  const parts: UnitPart<DimMeasurement[]>[] = [];
  const config = transition.configSchema.parse(transition.profiles.smoke);
  assert.throws(() => transition.units!.assemble(config, parts));
});

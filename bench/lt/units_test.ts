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
import { agreed, fromFirstUnit, tunedSeconds, tunedSeedUnits } from "./_units.ts";

/**
 * SHA-256 of each case's measurement at the smoke profile on the CPU (its default seeds from 0,
 * base seed 0), recorded by running the code before the work-unit conversion (commit 345e1d7,
 * one run over all seeds; the same with 1, 2 or 3 CPU workers). The converted cases must measure
 * the very same numbers; `over` is a run-alternative's config change.
 */
const BEFORE_UNITS: Record<string, { over: Record<string, unknown>; sha256: string }[]> = {
  "lt.nash-gap": [
    { over: {}, sha256: "93d6aa4aaefd7a2edc5256effc9bf313797315a4bd51610312f4360b3245fbe9" },
    {
      over: { stepRule: "fullbatch-constant" },
      sha256: "eada793c303ad5519845b423d721bc24f317253c8fb1768acc954993c677e5de",
    },
  ],
  "lt.worst-case-v": [
    { over: {}, sha256: "f128b53babf758191961094d19c8333f24694aebe0d94119c355be6cf9af72d5" },
  ],
  "lt.case2": [
    { over: {}, sha256: "3690cef526c8627131091ae57c3cd77a1ebf92179d7fa803f7afc9d1d604c88d" },
  ],
  "lt.baselines": [
    { over: {}, sha256: "14ffb509d7155779aae01d4f42b70614afc0e39fd64bf3e3e8d337c9155222f1" },
  ],
};

/** The cases that tune on their own replicates repeat the tuning in every unit: split less. */
const TUNED = new Set(["lt.case2", "lt.baselines"]);

for (const c of cases as AnyCase[]) {
  Deno.test(`${c.id}: units measure what the case measured before units, bit for bit (smoke, CPU)`, async () => {
    for (const { over, sha256 } of BEFORE_UNITS[c.id]) {
      const config = resolveConfig(c, "smoke", over);
      const seeds = firstSeeds(c.defaultSeeds(config));
      const plan = assertPlanWellFormed(c, config, seeds);
      // the in-process run (runAllUnits), as run-alternatives measure
      const ctx = makeTestContext({ seeds });
      assert.equal(await measurementHash(await c.run(ctx, config)), sha256);
      // smaller units, through their stored results, as the runner assembles them
      const split = splitPlan(plan, TUNED.has(c.id) ? 2 : 1);
      assert.ok(split.length >= 2);
      const { measurement, parts } = await runPlan(c, config, split);
      assert.ok(!parts.some((x) => hasTypedArray(x.result)), `${c.id}: typed array in a unit`);
      assert.equal(await measurementHash(measurement), sha256, `${c.id}: ${split.length} units`);
    }
  });

  Deno.test(`${c.id}: quick-profile units are seed batches no larger than ${QUICK_UNIT_MAX_SECONDS} s`, () => {
    assertQuickUnitSizes(c);
  });
}

Deno.test("lt: the quick profile's plans (units per case, first unit keeps the preview)", () => {
  const counts = Object.fromEntries(
    (cases as AnyCase[]).map((c) => {
      const config = resolveConfig(c, "quick", {});
      const plan = c.units!.plan(config, firstSeeds(c.defaultSeeds(config)));
      if (c.id !== "lt.nash-gap") {
        assert.deepEqual(
          plan.map((u) => u.part ?? null),
          plan.map((_, i) => i ? null : { preview: 1 }),
        );
      }
      return [c.id, plan.map((u) => u.key).join(" ")];
    }),
  );
  assert.deepEqual(counts, {
    "lt.nash-gap": "seeds=0-5 seeds=6-11 seeds=12-17 seeds=18-23 seeds=24-29",
    "lt.worst-case-v": "seeds=0-9 seeds=10-19 seeds=20-29",
    "lt.case2": "seeds=0-29",
    "lt.baselines": "seeds=0-29",
  });
});

Deno.test("lt: tuned cases split their seeds only when the evaluation outweighs 3× the tuning", () => {
  const seeds = firstSeeds(30);
  assert.equal(tunedSeedUnits(seeds, 10, (n) => n).length, 1); // 30 < 3·10
  const plan = tunedSeedUnits(seeds, 1, (n) => n); // 30 / 3 = 10 units of 3 seeds
  assert.equal(plan.length, 10);
  assert.deepEqual(plan[0], { key: "seeds=0-2", seeds: [0, 1, 2], cost: 4, part: { preview: 1 } });
  assert.equal(tunedSeconds(30, 1, (n) => n), 40); // the tuning counted once per unit
  assert.equal(tunedSeedUnits([7], 0.001, (n) => n).length, 1);
});

Deno.test("lt: units that disagree on what they share, or a first unit without samples, fail to assemble", () => {
  const part = (key: string, best: number, preview: number[] | null): UnitPart<{
    tuning: { best: number };
    preview: number[] | null;
  }> => ({ unit: { key, seeds: [0], cost: 1 }, result: { tuning: { best }, preview } });
  assert.deepEqual(agreed("x", [part("a", 1, [1]), part("b", 1, null)], "tuning"), { best: 1 });
  assert.throws(
    () => agreed("x", [part("a", 1, [1]), part("b", 0.1, null)], "tuning"),
    /unit b computed another tuning than unit a/,
  );
  assert.throws(() => agreed("x", [part("a", 1, [1])].slice(1), "tuning"), /no unit results/);
  assert.deepEqual(fromFirstUnit("x", [part("a", 1, [1])], "preview"), [1]);
  assert.throws(() => fromFirstUnit("x", [part("a", 1, null)], "preview"), /kept no preview/);
});

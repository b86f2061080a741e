import assert from "node:assert/strict";
import { fixtureResults } from "./fixture_results.ts";
import { missingCaseIds, statusTally } from "./format.ts";

Deno.test("missingCaseIds: a run's planned cases without a result; in a shard only those it judges", () => {
  const r = fixtureResults({ missing: true });
  assert.deepEqual(missingCaseIds(r), ["cum.pending"]);
  // a shard of 2 that judges one case and hands the units of the others to merge
  const [first, ...others] = r.plan.cases.filter((id) => id !== "cum.pending");
  const shard = structuredClone(r);
  shard.plan.shard = { index: 1, count: 2 };
  shard.units = { ...shard.units!, cases: [first, "cum.pending"] };
  for (const id of others) delete shard.cases[id];
  assert.deepEqual(missingCaseIds(shard), ["cum.pending"]);
  assert.ok(statusTally(shard).some((t) => t.label === "1 not run"));
  delete shard.cases[first];
  assert.deepEqual(missingCaseIds(shard), [first, "cum.pending"]);
});

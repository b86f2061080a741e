import assert from "node:assert/strict";
import { fixtureResults } from "./fixture_results.ts";
import { MergeError, mergeShards } from "./merge.ts";
import type { Results } from "./schema.ts";

/** Split the fixture round-robin into n shards, as the runner does. */
function shards(n: number, edit: (r: Results, i: number) => void = () => {}) {
  const whole = fixtureResults();
  return Array.from({ length: n }, (_, k) => {
    const r = structuredClone(whole);
    r.plan.cases = whole.plan.cases.filter((_, j) => j % n === k);
    r.cases = Object.fromEntries(r.plan.cases.map((id) => [id, whole.cases[id]]));
    r.plan.shard = { index: k + 1, count: n };
    edit(r, k + 1);
    return { source: `shard${k + 1}`, results: r };
  });
}

Deno.test("mergeShards: round-robin order restored, shard 1/1, complete", () => {
  const whole = fixtureResults();
  for (const n of [1, 2, 3, 4]) {
    const m = mergeShards(shards(n).reverse());
    assert.deepEqual(m.plan.cases, whole.plan.cases);
    assert.deepEqual(Object.keys(m.cases), whole.plan.cases);
    assert.deepEqual(m.plan.shard, { index: 1, count: 1 });
    assert.equal(m.complete, true);
    assert.deepEqual(m.cases, whole.cases);
  }
  const inc = mergeShards(shards(2, (r, i) => i === 2 && (r.complete = false)));
  assert.equal(inc.complete, false);
});

Deno.test("mergeShards: rejects mismatched plans, duplicates, gaps and shared cases", () => {
  const cases: [string, (r: Results, i: number) => void, RegExp][] = [
    ["profile", (r, i) => i === 2 && (r.plan.profile = "quick"), /profile differs/],
    ["seeds", (r, i) => i === 2 && (r.plan.seeds = 9), /seeds \(--seeds\) differs/],
    ["overrides", (r, i) => i === 2 && (r.plan.overrides = { n: 1 }), /overrides/],
    ["backend", (r, i) => i === 2 && (r.plan.backend = "cpu"), /backend request/],
    ["suite", (r, i) => i === 2 && (r.provenance.suiteVersion = "9"), /suite version/],
    ["commit", (r, i) => i === 2 && (r.provenance.git.commit = "zzz"), /git commit differs/],
    ["dup", (r) => (r.plan.shard.index = 1), /shard 1\/2 given twice/],
    [
      "case twice",
      (r, i) => i === 2 && r.plan.cases.push("fl.balance"),
      /case fl\.balance appears/,
    ],
  ];
  for (const [name, edit, msg] of cases) {
    assert.throws(
      () => mergeShards(shards(2, edit)),
      (e) => e instanceof MergeError && msg.test(e.message),
      name,
    );
  }
  assert.throws(() => mergeShards(shards(3).slice(0, 2)), /missing shard\(s\) 3\/3/);
  // overrides in another key order are the same plan
  const ok = shards(2, (r, i) => (r.plan.overrides = i === 1 ? { a: 1, b: 2 } : { b: 2, a: 1 }));
  mergeShards(ok);
});

import assert from "node:assert/strict";
import { fixtureResults } from "./fixture_results.ts";
import { MergeError, mergeShards } from "./merge.ts";
import type { Results, UnitRecord } from "./schema.ts";

const PLAN_HASH = "a".repeat(64);

/** The fixture as n shards: each lists every case and judges every n-th one. */
function shards(n: number, edit: (r: Results, i: number) => void = () => {}) {
  const whole = fixtureResults();
  return Array.from({ length: n }, (_, k) => {
    const r = structuredClone(whole);
    const mine = whole.plan.cases.filter((_, j) => j % n === k);
    r.cases = Object.fromEntries(mine.map((id) => [id, whole.cases[id]]));
    r.plan.shard = { index: k + 1, count: n };
    r.units = { planHash: PLAN_HASH, total: 9, assigned: 3, cases: mine, records: [], failed: [] };
    edit(r, k + 1);
    return { source: `shard${k + 1}`, results: r };
  });
}

const record = (id: string): UnitRecord => ({
  id,
  label: `x/${id}`,
  key: {
    namespace: "x",
    version: 1,
    configHash: "h",
    baseSeed: 0,
    unit: id,
    seeds: [0],
    part: null,
  },
  backend: "cpu",
  backendReason: null,
  result: 1,
  runErrors: [],
  timings: {},
  durationS: 1,
  startedAt: "2026-01-01T00:00:00Z",
  endedAt: "2026-01-01T00:00:01Z",
});

Deno.test("mergeShards: plan order, shard 1/1, complete, every case judged", () => {
  const whole = fixtureResults();
  for (const n of [1, 2, 3, 4]) {
    const m = mergeShards(shards(n).reverse());
    assert.deepEqual(m.plan.cases, whole.plan.cases);
    assert.deepEqual(Object.keys(m.cases), whole.plan.cases);
    assert.deepEqual(m.plan.shard, { index: 1, count: 1 });
    assert.equal(m.complete, true);
    assert.deepEqual(m.cases, whole.cases);
    assert.deepEqual(m.units, {
      planHash: PLAN_HASH,
      total: 9,
      assigned: 9,
      cases: whole.plan.cases,
      records: [],
      failed: [],
    });
  }
  const inc = mergeShards(shards(2, (r, i) => i === 2 && (r.complete = false)));
  assert.equal(inc.complete, false);
});

Deno.test("mergeShards: cases assembled from units by the caller take their place in the plan", () => {
  const whole = fixtureResults();
  const [gone, ...rest] = whole.plan.cases;
  const input = shards(2, (r) => delete r.cases[gone]);
  assert.equal(mergeShards(input).complete, false, "a planned case without a result");
  const m = mergeShards(input, { assembled: { [gone]: whole.cases[gone] } });
  assert.deepEqual(Object.keys(m.cases), [gone, ...rest]);
  assert.equal(m.complete, true);
});

Deno.test("mergeShards: rejects mismatched plans, duplicates, gaps, cases judged twice, units recorded twice", () => {
  const cases: [string, (r: Results, i: number) => void, RegExp][] = [
    ["profile", (r, i) => i === 2 && (r.plan.profile = "quick"), /profile differs/],
    ["seeds", (r, i) => i === 2 && (r.plan.seeds = 9), /seeds \(--seeds\) differs/],
    ["overrides", (r, i) => i === 2 && (r.plan.overrides = { n: 1 }), /overrides/],
    ["backend", (r, i) => i === 2 && (r.plan.backend = "cpu"), /backend request/],
    ["suite", (r, i) => i === 2 && (r.provenance.suiteVersion = "9"), /suite version/],
    ["commit", (r, i) => i === 2 && (r.provenance.git.commit = "zzz"), /git commit differs/],
    ["cases", (r, i) => i === 2 && r.plan.cases.pop(), /cases \(--case\) differs/],
    ["unit plan", (r, i) => i === 2 && (r.units!.planHash = "b"), /unit plan differs/],
    ["older", (r, i) => i === 2 && (r.units = null), /older claimbench/],
    ["dup", (r) => (r.plan.shard.index = 1), /shard 1\/2 given twice/],
    [
      "case twice",
      (r, i) => i === 2 && (r.cases["fl.balance"] = fixtureResults().cases["fl.balance"]),
      /case fl\.balance is judged in shard1 and in shard2/,
    ],
    ["unit twice", (r) => r.units!.records.push(record("u1")), /unit x\/u1 is recorded in/],
    [
      "unit twice in one",
      (r, i) => i === 1 && r.units!.records.push(record("u1"), record("u1")),
      /recorded twice in shard1/,
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

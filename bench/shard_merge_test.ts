/**
 * Sharding at unit granularity, end to end in this process: the merge of n shards equals the
 * unsharded run (n = 2, 3, 5), a shard interrupted part-way resumes from its stored units without
 * running them again, and merge refuses shards that do not fit the plan.
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { AnyCase } from "./case.ts";
import { runPlan } from "./runner.ts";
import { mergeRun } from "./shard_merge.ts";
import { findCase } from "./registry.ts";
import { Interrupted } from "./interrupt.ts";
import { meanCase, unitsCase } from "./_fake_case_test_util.ts";
import { comparable } from "./_cli_test_util.ts";
import { MergeError } from "../reports/merge.ts";
import { readResults, type Results } from "../reports/schema.ts";

const tmp = await Deno.makeTempDir({ prefix: "cb-shards-" });
let dirs = 0;

/** The fake cases: own units, units two cases share, a whole case, a failing unit. */
function suite(log: string[] = [], beforeUnit?: (key: string) => void): AnyCase[] {
  return [
    unitsCase("u.a", { seconds: 30, log, beforeUnit }),
    unitsCase("u.b", { share: "u.shared", perUnit: 1, seconds: 20, log, beforeUnit }),
    meanCase("u.whole"),
    unitsCase("u.b2", { share: "u.shared", perUnit: 1, shift: 0.05, seconds: 20, log }),
    unitsCase("u.fail", { failKey: "seeds=2-3", seconds: 5, log }),
  ];
}

async function run(
  cases: AnyCase[],
  shard: { index: number; count: number },
  opts: { out?: string; resume?: boolean; signal?: AbortSignal } = {},
): Promise<{ out: string; results: Results }> {
  const out = opts.out ?? join(tmp, `r${dirs++}`);
  await runPlan({
    cases,
    profile: "smoke",
    seeds: null,
    baseSeed: 0,
    overrides: {},
    backend: "cpu",
    outDir: out,
    resume: opts.resume ?? false,
    shard,
    command: ["test"],
    quiet: true,
    signal: opts.signal,
  });
  return { out, results: await readResults(join(out, "results.json")) };
}

const lookup = (cases: AnyCase[]) => (id: string) => findCase(id, cases);

function assertSameRun(merged: Results, whole: Results, label: string): void {
  assert.deepEqual(merged.plan.cases, whole.plan.cases, label);
  assert.deepEqual(Object.keys(merged.cases), whole.plan.cases, label);
  assert.equal(merged.complete, true, label);
  assert.equal(merged.units?.total, whole.units?.total, `${label}: units`);
  assert.deepEqual(merged.units?.cases, whole.units?.cases, `${label}: units`);
  for (const id of whole.plan.cases) {
    assert.deepEqual(
      same(merged.cases[id]),
      same(whole.cases[id]),
      `${label}: ${id} differs from the unsharded run`,
    );
  }
}

/** What must be equal across runs: {@link comparable}, and an error's stack is where it ran. */
function same(c: Results["cases"][string]): Record<string, unknown> {
  return comparable({ ...c, error: c.error && { ...c.error, stack: null } });
}

const CASES = suite();
const REAL = ["mem.hellinger-onset", "lt.nash-gap"].map((id) => findCase(id)!);
const whole = await run(CASES, { index: 1, count: 1 });
const wholeReal = await run([...CASES, ...REAL], { index: 1, count: 1 });

Deno.test("the unsharded run: shared units run once, each case keeps its run errors, a failed unit fails its case", () => {
  const r = whole.results;
  assert.equal(r.complete, true);
  assert.equal(r.cases["u.a"].verdict.status, "reproduced");
  assert.equal(r.cases["u.fail"].status, "error");
  assert.match(r.cases["u.fail"].error!.message, /seeds=2-3 exploded \(unit u\.fail\/seeds=2-3\)/);
  // u.b2 judges the units u.b ran (seed 1 gave a run error in both)
  for (const id of ["u.b", "u.b2"]) {
    assert.equal(r.cases[id].runErrors.length, 2, `${id}: main and alternative units`);
    assert.ok(r.cases[id].timings.draw >= 0, `${id} has the units' timings`);
  }
  assert.ok("units reused (from the store, another case or shard)" in r.cases["u.b2"].timings);
  assert.deepEqual(r.cases["u.b"].measurement, r.cases["u.b2"].measurement);
  assert.equal(r.cases["u.b"].alternatives.length, 1);
  // u.a 3 + 3 (its alternative k=5), u.b 6 + 6, u.whole 1 + 1, u.b2 none of its own, u.fail 3 + 3
  assert.equal(r.units?.total, 26);
});

for (const n of [2, 3, 5]) {
  Deno.test(`merge of ${n} shards equals the unsharded run, bit for bit (fake unit cases and real smoke cases, CPU)`, async () => {
    const cases = [...CASES, ...REAL];
    const shards: { out: string; results: Results }[] = [];
    for (let i = 1; i <= n; i++) shards.push(await run(cases, { index: i, count: n }));
    const split = cases.filter((c) => !shards.some((s) => s.results.units!.cases.includes(c.id)));
    assert.ok(split.length > 0, "some case must have its units in several shards");
    assert.ok(shards.some((s) => s.results.units!.records.length > 0));
    const merged = await mergeRun(
      shards.map((s) => ({ source: s.out, results: s.results })).reverse(),
      lookup(cases),
    );
    assertSameRun(merged, wholeReal.results, `n=${n}`);
  });
}

Deno.test("a shard interrupted part-way resumes from its stored units: none runs twice, and the merge equals the unsharded run", async () => {
  const log: string[] = [];
  const controller = new AbortController();
  let started = 0;
  const cases = suite(log, () => {
    if (++started === 4) controller.abort(new Interrupted());
  });
  const out = join(tmp, "killed");
  const first = await run(cases, { index: 1, count: 2 }, { out, signal: controller.signal });
  assert.equal(first.results.complete, false);
  const before = log.splice(0);
  assert.equal(before.length, 4);
  const stored = [...Deno.readDirSync(join(out, "units"))].length;
  assert.equal(stored, 3, "the three units finished before the interrupt are stored");
  const resumed = await run(cases, { index: 1, count: 2 }, { out, resume: true });
  assert.equal(resumed.results.complete, true);
  // the interrupted unit runs again, the finished ones never do
  assert.ok(log.includes(before[3]), `${before[3]} reran`);
  for (const key of before.slice(0, 3)) assert.ok(!log.includes(key), `${key} ran twice`);
  const other = await run(suite(), { index: 2, count: 2 });
  const merged = await mergeRun(
    [{ source: out, results: resumed.results }, { source: other.out, results: other.results }],
    lookup(cases),
  );
  assertSameRun(merged, whole.results, "resumed");
});

Deno.test("a corrupt, foreign or invalid unit file is run again with a one-line warning", async () => {
  const first = await run(suite(), { index: 1, count: 1 });
  const dir = join(first.out, "units");
  const files = [...Deno.readDirSync(dir)].map((e) => join(dir, e.name)).sort();
  await Deno.writeTextFile(files[0], "{ truncated");
  const rec = JSON.parse(await Deno.readTextFile(files[1]));
  rec.result = "not a unit result";
  await Deno.writeTextFile(files[1], JSON.stringify(rec));
  await Deno.remove(join(first.out, "results.json")); // keep only the store
  const log: string[] = [];
  const warnings: string[] = [];
  const saved = console.error;
  console.error = (...xs: unknown[]) => void warnings.push(xs.join(" "));
  try {
    await runPlan({
      cases: suite(log),
      profile: "smoke",
      seeds: null,
      baseSeed: 0,
      overrides: {},
      backend: "cpu",
      outDir: first.out,
      resume: true,
      shard: { index: 1, count: 1 },
      command: ["test"],
    });
  } finally {
    console.error = saved;
  }
  const lines = warnings.filter((w) => w.startsWith("claimbench: warning:"));
  assert.equal(lines.length, 2, warnings.join("\n"));
  assert.ok(lines.every((l) => !l.includes("\n") && /running .* again/.test(l)), lines.join("\n"));
  assert.match(lines.join("\n"), /not valid JSON/);
  assert.match(lines.join("\n"), /does not match the case's unit schema/);
  // the two bad units ran again, and the failing unit (failures are never stored)
  const rerun = log.filter((k) => !k.startsWith("u.fail/"));
  assert.equal(rerun.length, 2, `only the two bad units ran again: ${log.join(", ")}`);
  const again = await readResults(join(first.out, "results.json"));
  for (const id of whole.results.plan.cases) {
    assert.deepEqual(same(again.cases[id]), same(whole.results.cases[id]), id);
  }
});

Deno.test("a run into a folder whose unit store is not empty needs --resume", async () => {
  const first = await run(suite(), { index: 1, count: 1 });
  await Deno.remove(join(first.out, "results.json"));
  await assert.rejects(() => run(suite(), { index: 1, count: 1 }, { out: first.out }), /--resume/);
});

Deno.test("merge refuses shards that do not fit the plan: a unit twice, a unit of another shard, a missing unit, a tampered result, another plan", async () => {
  const cases = suite();
  const s1 = await run(cases, { index: 1, count: 2 });
  const s2 = await run(cases, { index: 2, count: 2 });
  const input = (edit: (a: Results, b: Results) => void) => {
    const a = structuredClone(s1.results), b = structuredClone(s2.results);
    edit(a, b);
    return [{ source: "s1", results: a }, { source: "s2", results: b }];
  };
  const rec = (r: Results) => r.units!.records[0];
  assert.ok(rec(s1.results) && rec(s2.results), "both shards hand units to merge");
  const bad: [string, (a: Results, b: Results) => void, RegExp][] = [
    ["twice", (a) => a.units!.records.push(rec(a)), /recorded twice in s1/],
    ["in two shards", (a, b) => b.units!.records.push(rec(a)), /recorded in s1 and in s2/],
    ["missing", (a) => (a.units!.records = []), /is missing from s1, a complete shard/],
    [
      "tampered",
      (a) => (rec(a).result = [{ seed: "x", xs: [] }]),
      /does not match the case's unit schema/,
    ],
    ["foreign key", (a) => (rec(a).key.baseSeed = 9), /holds another unit/],
    ["plan", (a, b) => (a.units!.planHash = b.units!.planHash = "0".repeat(64)), /unit plan/],
    ["case judged in two", (_a, b) => (b.cases["u.a"] = whole.results.cases["u.a"]), /u\.a/],
  ];
  for (const [label, edit, want] of bad) {
    await assert.rejects(
      () => mergeRun(input(edit), lookup(cases)),
      (e) => e instanceof MergeError && want.test(e.message),
      label,
    );
  }
  // an incomplete shard: the cases it leaves out are missing, and the merge says incomplete
  const partial = await mergeRun(
    input((a) => {
      a.complete = false;
      a.units!.records = [];
    }),
    lookup(cases),
  );
  assert.equal(partial.complete, false);
  await assert.rejects(
    () => mergeRun(input(() => {}), lookup(cases.slice(1))),
    /case u\.a is not in this suite/,
  );
});

globalThis.addEventListener("unload", () => Deno.removeSync(tmp, { recursive: true }));

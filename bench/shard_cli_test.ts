import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli, runMain, smokeRunArgs } from "./_cli_test_util.ts";
import { ALL_CASES } from "./registry.ts";

interface ShardPlanJson {
  cases: { id: string; units: number; judgedIn: string }[];
  shards: {
    shard: string;
    estimatedSeconds: number;
    units: { case: string; unit: string; estimatedSeconds: number }[];
    judges: string[];
  }[];
  units: number;
  meanSeconds: number;
  maxSeconds: number;
  maxOverMean: number;
  planHash: string;
}

Deno.test("list --shard-plan n: every unit of the quick profile in exactly one of n shards, times that add up", async () => {
  const text = await runMain(["list", "--shard-plan", "5", "--json"]);
  assert.equal(text.code, 0, text.stderr);
  const plan = JSON.parse(text.stdout) as ShardPlanJson;
  assert.equal(plan.shards.length, 5);
  const labels = plan.shards.flatMap((s) => s.units.map((u) => u.unit));
  assert.equal(labels.length, plan.units);
  assert.equal(new Set(labels).size, labels.length, "no unit twice");
  // every case is planned: judged in one shard, or by merge; its units are somewhere
  assert.deepEqual(plan.cases.map((c) => c.id), ALL_CASES.map((c) => c.id));
  for (const c of plan.cases) {
    assert.match(c.judgedIn, /^([1-5]\/5|merge)$/, c.id);
    assert.ok(c.units > 0, c.id);
    if (c.judgedIn !== "merge") {
      assert.ok(plan.shards[Number(c.judgedIn[0]) - 1].judges.includes(c.id), c.id);
    }
  }
  for (const s of plan.shards) {
    const sum = s.units.reduce((a, u) => a + u.estimatedSeconds, 0);
    assert.ok(Math.abs(sum - s.estimatedSeconds) < 0.01, s.shard);
  }
  const max = Math.max(...plan.shards.map((s) => s.estimatedSeconds));
  assert.ok(Math.abs(max - plan.maxSeconds) < 0.01);
  // the plain form: one header a shard, then the summary line
  const plain = await runMain(["list", "--shard-plan", "5"]);
  assert.equal(plain.stdout.match(/^shard \d\/5: ~\d+ s, \d+ of \d+ unit\(s\)$/gm)?.length, 5);
  assert.match(
    plain.stdout,
    /5 shard\(s\) of \d+ unit\(s\), quick profile: the largest ~\d+ s = [\d.]+ ×/,
  );
  // options that only make sense with a plan
  const bad = await runMain(["list", "--seeds", "3"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--seeds needs --shard-plan/);
  const zero = await runMain(["list", "--shard-plan", "0"]);
  assert.equal(zero.code, 2);
});

Deno.test("run --shard 2/3 prints its units, runs only them, and judges only the cases it holds whole", async () => {
  const dir = await Deno.makeTempDir();
  const out = join(dir, "s2");
  const r = await runCli(smokeRunArgs("mem.*,lt.*", "--shard", "2/3", "--out", out, "--no-report"));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^shard 2\/3: ~\d+ s, \d+ of \d+ unit\(s\)$/m);
  const plan = JSON.parse(
    (await runMain([
      "list",
      "--shard-plan",
      "3",
      "--profile",
      "smoke",
      "--case",
      "mem.*,lt.*",
      "--json",
    ])).stdout,
  ) as ShardPlanJson;
  const mine = plan.shards[1];
  for (const u of mine.units) assert.ok(r.stderr.includes(`  ${u.case}: `), u.unit);
  const results = JSON.parse(await Deno.readTextFile(join(out, "results.json")));
  assert.deepEqual(Object.keys(results.cases).sort(), [...mine.judges].sort());
  assert.equal(results.units.planHash, plan.planHash);
  assert.equal(results.units.assigned, mine.units.length);
  assert.equal(results.plan.cases.length, 6, "a shard lists every case of the run");
  await Deno.remove(dir, { recursive: true });
});

import assert from "node:assert/strict";
import { join } from "node:path";
import { comparable, runCli, smokeRunArgs, spawnCli } from "./_cli_test_util.ts";
import { readResults } from "../reports/schema.ts";

Deno.test("usage errors exit 2 and name the field and the allowed values", async (t) => {
  await t.step("--set nosuch=1", async () => {
    const r = await runCli([
      "run",
      "--case",
      "mem.transition",
      "--profile",
      "smoke",
      "--set",
      "nosuch=1",
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /nosuch/);
    assert.match(r.stderr, /Allowed fields: .*seeds/);
  });
  await t.step("--case nosuch", async () => {
    const r = await runCli(["run", "--case", "nosuch", "--profile", "smoke"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /"nosuch" is not a case id; did you mean .*\?/);
  });
  await t.step("--set seeds=-3", async () => {
    const r = await runCli([
      "run",
      "--case",
      "mem.transition",
      "--profile",
      "smoke",
      "--set",
      "seeds=-3",
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /seeds \(given -3\)/);
    assert.match(r.stderr, /allowed: an integer ≥ 1/);
  });
  await t.step("--profile bogus and --backend bogus", async () => {
    const a = await runCli(["run", "--profile", "bogus"]);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /allowed values are smoke, quick, full/);
    const b = await runCli(["run", "--backend", "metal"]);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /allowed values are auto, webgpu, cpu/);
  });
  await t.step("a bad CLAIMBENCH_CPU_WORKERS", async () => {
    const out = await Deno.makeTempDir();
    const r = await runCli(smokeRunArgs("fl.jump", "--out", out), {
      env: { CLAIMBENCH_CPU_WORKERS: "0" },
    });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /CLAIMBENCH_CPU_WORKERS="0": must be an integer ≥ 1/);
    assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/, "no stack trace");
    await Deno.remove(out, { recursive: true });
  });
  await t.step("unknown option and unknown command", async () => {
    const a = await runCli(["run", "--frobnicate"]);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /frobnicate/);
    const b = await runCli(["dance"]);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /allowed: list, run, report, reproduce, compare, merge, history/);
  });
});

Deno.test("--help on every command, and list", async () => {
  for (const cmd of ["list", "run", "report", "reproduce"]) {
    const r = await runCli([cmd, "--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /Usage: claimbench/);
  }
  const l = await runCli(["list", "--json"]);
  assert.equal(l.code, 0);
  const rows = JSON.parse(l.stdout) as { id: string; estimatedSeconds: number }[];
  assert.ok(rows.some((r) => r.id === "mem.transition"));
  assert.ok(rows.every((r) => Number.isFinite(r.estimatedSeconds)));
});

Deno.test("--backend webgpu without an adapter is a clear error; auto falls back to CPU and records why", async () => {
  const out = await Deno.makeTempDir();
  const env = { CLAIMBENCH_NO_GPU: "1" };
  const a = await runCli([
    "run",
    "--case",
    "mem.hellinger-onset",
    "--profile",
    "smoke",
    "--backend",
    "webgpu",
    "--out",
    join(out, "a"),
  ], { env });
  assert.equal(a.code, 2);
  assert.match(a.stderr, /--backend webgpu was requested but/);
  const b = await runCli([
    "run",
    "--case",
    "mem.hellinger-onset",
    "--profile",
    "smoke",
    "--out",
    join(out, "b"),
    "--no-report",
  ], { env });
  assert.equal(b.code, 0, b.stderr);
  assert.match(b.stderr, /running on the CPU path/);
  const res = await readResults(join(out, "b", "results.json"));
  assert.equal(res.provenance.backend, "cpu");
  assert.match(res.provenance.fallbackReason ?? "", /navigator\.gpu/);
  await Deno.remove(out, { recursive: true });
});

Deno.test("kill -9 part-way, then --resume: finished cases are kept and the result equals an uninterrupted run", async () => {
  const dir = await Deno.makeTempDir();
  const common = smokeRunArgs(
    "mem.*",
    "--no-report",
    "--quiet",
    "--set",
    "seeds=24",
    "--set",
    "originalSize=200",
  );
  const full = await runCli([...common, "--out", join(dir, "full")]);
  assert.equal(full.code, 0, full.stderr);
  const reference = await readResults(join(dir, "full", "results.json"));

  const killedDir = join(dir, "killed");
  const child = spawnCli([...common, "--out", killedDir]);
  const file = join(killedDir, "results.json");
  let killedAfterFirst = false;
  for (let i = 0; i < 2000; i++) {
    const text = await Deno.readTextFile(file).catch(() => null);
    if (text) {
      const n = Object.keys(JSON.parse(text).cases).length; // a reader never sees a partial file
      if (n >= 1) {
        try {
          child.kill("SIGKILL");
          killedAfterFirst = n === 1;
        } catch { /* already exited */ }
        break;
      }
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  await child.status;
  const partial = await readResults(file);
  assert.equal(partial.complete, false, "the killed run must not claim to be complete");
  const firstId = Object.keys(partial.cases)[0];
  const firstStarted = partial.cases[firstId].startedAt;
  const resumed = await runCli([...common, "--out", killedDir, "--resume"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  const final = await readResults(file);
  assert.equal(final.complete, true);
  assert.equal(final.cases[firstId].startedAt, firstStarted, "finished case was recomputed");
  for (const id of Object.keys(reference.cases)) {
    assert.deepEqual(
      comparable(final.cases[id]),
      comparable(reference.cases[id]),
      `case ${id} differs after resume`,
    );
  }
  if (!killedAfterFirst) {
    console.warn("note: the run finished before the kill; resume was tested on a complete run");
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("an existing results.json is never overwritten without --resume", async () => {
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(join(dir, "results.json"), "{}");
  const r = await runCli(smokeRunArgs("mem.hellinger-onset", "--out", dir));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /already exists/);
  assert.equal(await Deno.readTextFile(join(dir, "results.json")), "{}");
  const r2 = await runCli(smokeRunArgs("mem.hellinger-onset", "--out", dir, "--resume"));
  assert.equal(r2.code, 1);
  assert.match(r2.stderr, /not a claimbench results document/);
  assert.equal(await Deno.readTextFile(join(dir, "results.json")), "{}");
  await Deno.remove(dir, { recursive: true });
});

/**
 * Reliability: every case is deterministic on the CPU, kills at random points lose nothing,
 * and bad results files give clear errors without overwriting anything.
 */
import { decodeStored, judgeContext, judgeMeasurement, storeMeasurement } from "./judge.ts";
import { lintChart } from "../reports/chart_lint.ts";
import { encodeMeasurement } from "../reports/measurement_codec.ts";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ALL_CASES } from "./registry.ts";
import { resolveConfig } from "./config.ts";
import { makeTestContext } from "./testing.ts";
import { comparable, runCli, smokeRunArgs, spawnCli } from "./_cli_test_util.ts";
import { readResults } from "../reports/schema.ts";
import { fashionMnistAvailable } from "../datasets/fashion_mnist.ts";
import { writeFashionMnistFixture } from "../datasets/fashion_mnist_fixture.ts";

/**
 * The image cases read Fashion-MNIST: without the installed data set their determinism is
 * tested on the generated fixture (a temporary directory, passed as their `dataDir`).
 */
async function imageDataDir(): Promise<string | null> {
  if (await fashionMnistAvailable()) return null;
  const dir = await Deno.makeTempDir({ prefix: "claimbench_fmnist_" });
  await writeFashionMnistFixture(dir, { train: 120, test: 60 });
  return dir;
}

for (const c of ALL_CASES) {
  Deno.test(`determinism: ${c.id} gives bit-identical CPU results for the same seeds (smoke)`, async () => {
    const fixtureDir = c.id === "fl.noisy-image" || c.id === "cum.simplicity-bias"
      ? await imageDataDir()
      : null;
    const cfg = resolveConfig(c, "smoke", fixtureDir ? { dataDir: fixtureDir } : {});
    const seeds = Array.from({ length: c.defaultSeeds(cfg) }, (_, i) => i);
    const once = async () => {
      const measurement = await c.run(makeTestContext({ seeds }), cfg);
      const prediction = c.predict(cfg);
      const text = JSON.stringify({
        measurement: encodeMeasurement(measurement),
        prediction,
        verdict: c.judge({ measurement, prediction }, cfg, judgeContext(0)),
      });
      return { text, measurement };
    };
    try {
      const first = await once();
      assert.equal(first.text, (await once()).text);
      // the charts a reader sees, through the runner's path (stored measurement, schema, judge)
      const stored = storeMeasurement(c, first.measurement);
      const { charts } = judgeMeasurement(c, decodeStored(c, stored), cfg, {
        baseSeed: 0,
        alternatives: [],
        profile: "smoke",
      });
      for (const ch of charts) {
        const defects = await lintChart(ch.spec);
        assert.deepEqual(defects, [], `${c.id}, chart ${ch.id}: ${JSON.stringify(defects)}`);
      }
    } finally {
      if (fixtureDir) await Deno.remove(fixtureDir, { recursive: true });
    }
  });
}

Deno.test("kill -9 at random points of a multi-case run, then --resume: equals an uninterrupted run", async () => {
  const dir = await Deno.makeTempDir();
  const args = smokeRunArgs("mem.*,lt.nash-gap", "--no-report", "--quiet");
  const ref = await runCli([...args, "--out", join(dir, "ref")]);
  assert.equal(ref.code, 0, ref.stderr);
  const reference = await readResults(join(dir, "ref", "results.json"));
  let rng = 12345;
  const next = () => (rng = (rng * 1103515245 + 12345) % 2147483648) / 2147483648;
  for (let attempt = 0; attempt < 3; attempt++) {
    const out = join(dir, `killed-${attempt}`);
    const child = spawnCli([...args, "--out", out]);
    await new Promise((r) => setTimeout(r, 150 + next() * 1500));
    try {
      child.kill("SIGKILL");
    } catch { /* it finished already */ }
    await child.status;
    // whatever is on disk is either absent or a complete, valid document
    const file = join(out, "results.json");
    if (await Deno.stat(file).then(() => true, () => false)) await readResults(file);
    const resumed = await runCli([...args, "--out", out, "--resume"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    const final = await readResults(file);
    assert.equal(final.complete, true);
    for (const id of Object.keys(reference.cases)) {
      assert.deepEqual(
        comparable(final.cases[id]),
        comparable(reference.cases[id]),
        `attempt ${attempt}: ${id}`,
      );
    }
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("truncated, corrupt or wrong-version results: report, compare, merge and --resume fail clearly and overwrite nothing", async () => {
  const dir = await Deno.makeTempDir();
  const good = join(dir, "good");
  const ok = await runCli(
    smokeRunArgs("mem.hellinger-onset", "--out", good, "--quiet", "--no-report"),
  );
  assert.equal(ok.code, 0, ok.stderr);
  const text = await Deno.readTextFile(join(good, "results.json"));
  const variants: Record<string, string> = {
    truncated: text.slice(0, Math.floor(text.length / 2)),
    corrupt: text.replace('"schema": "claimbench.results"', '"schema": 42'),
    "wrong-version": text.replace('"schemaVersion": 2', '"schemaVersion": 99'),
  };
  for (const [name, body] of Object.entries(variants)) {
    const sub = join(dir, name);
    await Deno.mkdir(sub);
    const file = join(sub, "results.json");
    await Deno.writeTextFile(file, body);
    const attempts = [
      ["report", file],
      ["compare", join(good, "results.json"), file],
      ["merge", file, join(good, "results.json"), "--out", join(dir, `merged-${name}`)],
      smokeRunArgs("mem.hellinger-onset", "--out", sub, "--resume", "--quiet"),
    ];
    for (const a of attempts) {
      const r = await runCli(a);
      assert.ok(r.code === 1 || r.code === 2, `${name} ${a[0]}: exit ${r.code}`);
      assert.match(
        r.stderr,
        name === "wrong-version"
          ? /schemaVersion 99/
          : /not valid JSON|not a claimbench results document|truncated/,
        `${name} ${a[0]}: ${r.stderr}`,
      );
      assert.doesNotMatch(r.stderr, /^\s+at /m, `${name} ${a[0]} printed a stack trace`);
      assert.equal(await Deno.readTextFile(file), body, `${name} ${a[0]} modified the file`);
    }
    assert.deepEqual([...Deno.readDirSync(sub)].map((e) => e.name), ["results.json"]);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a diverging run forced through --set ends as a run error with its step and observable; the other cases go on", async () => {
  const dir = await Deno.makeTempDir();
  const out = join(dir, "diverge");
  const r = await runCli(
    smokeRunArgs(
      "fl.balance,mem.hellinger-onset",
      "--out",
      out,
      "--quiet",
      "--no-report",
      "--set",
      "lrDiffusion=100",
    ),
  );
  assert.ok(r.code === 0, r.stderr); // run errors are recorded, not case errors
  const res = await readResults(join(out, "results.json"));
  const fl = res.cases["fl.balance"];
  assert.equal(fl.status, "done");
  assert.ok(fl.runErrors.length > 0, "expected diverged runs");
  for (const e of fl.runErrors) {
    assert.ok(e.step !== null && e.step >= 0, `step recorded: ${JSON.stringify(e)}`);
    assert.equal(e.observable, "loss");
  }
  assert.ok(fl.verdict.findings.some((f) => /individual run\(s\) failed/.test(f)));
  assert.equal(res.cases["mem.hellinger-onset"].status, "done");
  await Deno.remove(dir, { recursive: true });
});

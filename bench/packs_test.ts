import assert from "node:assert/strict";
import { join } from "node:path";
import { suiteWithPacks } from "./packs.ts";
import { writeScaffold } from "./scaffold.ts";
import { runOf } from "./_fake_case_test_util.ts";
import type { AnyCase } from "./case.ts";
import { ALL_CASES } from "./registry.ts";
import { UsageError } from "./usage_error.ts";
import { packRecords } from "./packs.ts";
import { writeReport } from "../reports/write_report.ts";

const EXAMPLE = new URL("../examples/double-descent/mod.ts", import.meta.url);

const runSmoke = (cases: AnyCase[], packs: ReturnType<typeof packRecords> = []) =>
  runOf(cases, { baseSeed: 0, packs });

Deno.test("the example pack loads by URL, runs at the smoke profile and gets a verdict and a report", async () => {
  const { cases, packs } = await suiteWithPacks(ALL_CASES, [EXAMPLE.href], { readFile: false });
  assert.equal(packs.length, 1);
  assert.equal(packs[0].name, "double-descent");
  assert.match(packs[0].sha256, /^[0-9a-f]{64}$/);
  const dd = cases.find((c) => c.id === "double-descent:dd.min-norm-peak");
  assert.ok(dd, "namespaced by pack");
  const { outDir, results } = await runSmoke([dd], packRecords(packs));
  const r = results.cases["double-descent:dd.min-norm-peak"];
  assert.equal(r.status, "done");
  assert.ok(["reproduced", "not reproduced", "inconclusive"].includes(r.verdict.status));
  assert.equal(results.provenance.packs[0].location, EXAMPLE.href);
  await writeReport(results, outDir);
  assert.ok((await Deno.stat(join(outDir, "report.html"))).isFile);
});

Deno.test("claimbench new: a pack outside the repository passes its own tests and runs at smoke", async () => {
  const root = await Deno.makeTempDir();
  const dir = join(root, "mypack");
  const files = await writeScaffold(dir, "mine.claim");
  assert.deepEqual(files.map((f) => f.slice(dir.length + 1)).sort(), [
    "README.md",
    "claim.ts",
    "claim_test.ts",
    "deno.json",
    "mod.ts",
  ]);
  const test = await new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", "--quiet"],
    cwd: dir,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const out = new TextDecoder().decode(test.stdout) + new TextDecoder().decode(test.stderr);
  assert.equal(test.code, 0, out);
  assert.match(out, /3 passed/);
  const { cases } = await suiteWithPacks([], [join(dir, "mod.ts")], { readFile: false });
  assert.deepEqual(cases.map((c) => c.id), ["mypack:mine.claim"]);
  const { results } = await runSmoke(cases);
  assert.equal(results.cases["mypack:mine.claim"].status, "done");
  await assert.rejects(() => writeScaffold(dir, "mine.claim"), /not empty/);
  await assert.rejects(() => writeScaffold(join(root, "x"), "Bad Id"), UsageError);
});

Deno.test("a pack that fails to load, exports no case, or collides is a usage error naming it", async () => {
  const root = await Deno.makeTempDir();
  await assert.rejects(
    () => suiteWithPacks([], [join(root, "missing.ts")], { readFile: false }),
    /--pack .*missing\.ts: cannot read it/,
  );
  await Deno.writeTextFile(join(root, "empty.ts"), "export const cases = [];\n");
  await assert.rejects(
    () => suiteWithPacks([], [join(root, "empty.ts")], { readFile: false }),
    /--pack .*empty\.ts: exports no `cases`/,
  );
  await Deno.writeTextFile(join(root, "broken.ts"), "export const cases = [{ id: 'x' }];\n");
  await assert.rejects(
    () => suiteWithPacks([], [join(root, "broken.ts")], { readFile: false }),
    /not a valid case: x: run is not a function/,
  );
  await Deno.writeTextFile(join(root, "syntax.ts"), "export const cases = [;\n");
  await assert.rejects(
    () => suiteWithPacks([], [join(root, "syntax.ts")], { readFile: false }),
    /--pack .*syntax\.ts: failed to load/,
  );
  // the same pack name and id from two folders collide
  const copy = join(root, "copy");
  await Deno.mkdir(copy);
  await Deno.writeTextFile(
    join(copy, "mod.ts"),
    `export { cases, name } from ${JSON.stringify(EXAMPLE.href)};\n`,
  );
  await assert.rejects(
    () => suiteWithPacks([], [EXAMPLE.href, join(copy, "mod.ts")], { readFile: false }),
    /case id double-descent:dd\.min-norm-peak is already taken/,
  );
  // claimbench.json lists packs relative to itself
  await Deno.writeTextFile(
    join(root, "claimbench.json"),
    JSON.stringify({ packs: [EXAMPLE.href] }),
  );
  const { packs } = await suiteWithPacks([], [], { cwd: root });
  assert.equal(packs.length, 1);
  await Deno.writeTextFile(join(root, "claimbench.json"), JSON.stringify({ packs: [1] }));
  await assert.rejects(() => suiteWithPacks([], [], { cwd: root }), /"packs" must be a list/);
});

import assert from "node:assert/strict";
import { join } from "node:path";
import { rejudgeResults } from "./rejudge.ts";
import { cmdRejudge } from "./cmd_rejudge.ts";
import { readResults } from "../reports/schema.ts";
import { meanCase, runOf } from "./_fake_case_test_util.ts";

Deno.test("rejudge with the same code gives byte-identical verdicts, charts and robustness", async () => {
  const cases = [meanCase("t.a"), meanCase("t.b")];
  const { results } = await runOf(cases);
  assert.equal(results.cases["t.a"].verdict.status, "reproduced");
  assert.equal(results.cases["t.a"].alternatives.length, 1, "the run alternative was measured");
  assert.equal(results.cases["t.a"].verdict.robustness?.rows.length, 2);
  const again = rejudgeResults(results, (id) => cases.find((c) => c.id === id) ?? null, {
    commit: null,
  });
  assert.deepEqual(again.changes, []);
  for (const id of ["t.a", "t.b"]) {
    assert.equal(
      JSON.stringify(again.results.cases[id].verdict),
      JSON.stringify(results.cases[id].verdict),
    );
    assert.deepEqual(again.results.cases[id].charts, results.cases[id].charts);
  }
  // the censored value survived the file: stored as "Infinity", not null
  assert.equal((results.cases["t.a"].measurement as { censored: unknown }).censored, "Infinity");
  assert.equal(again.results.cases["t.a"].verdict.checks[1].value, null); // jsonSafe in the doc
});

Deno.test("rejudge lists exactly the verdicts a changed judge changes", async () => {
  const { outDir, results } = await runOf([meanCase("t.a"), meanCase("t.b")]);
  const changed = [meanCase("t.a"), meanCase("t.b", 5)];
  const again = rejudgeResults(results, (id) => changed.find((c) => c.id === id) ?? null, {
    commit: null,
  });
  assert.deepEqual(again.changes, [
    { caseId: "t.b", check: null, from: "reproduced", to: "not reproduced" },
    { caseId: "t.b", check: "mean", from: "reproduced", to: "not reproduced" },
  ]);
  // the command writes the re-judged results and lists the change
  const logs: string[] = [];
  const orig = console.log;
  console.log = (s: string) => logs.push(s);
  try {
    assert.equal(await cmdRejudge([outDir, "--no-report"], changed), 0);
  } finally {
    console.log = orig;
  }
  assert.deepEqual(logs.filter((l) => l.startsWith("changed:")), [
    "changed: t.b: reproduced → not reproduced",
    'changed: t.b: check "mean": reproduced → not reproduced',
  ]);
  const written = await readResults(join(outDir, "rejudged", "results.json"));
  assert.equal(written.cases["t.b"].verdict.status, "not reproduced");
  assert.ok(written.cases["t.b"].judge?.rejudgedAt);
});

Deno.test("rejudge refuses a measurement from another case version or one that breaks its schema", async () => {
  const { results } = await runOf([meanCase("t.a")]);
  const v2 = rejudgeResults(results, () => meanCase("t.a", 0, 2), { commit: null });
  assert.equal(v2.results.cases["t.a"].status, "error");
  assert.match(
    v2.results.cases["t.a"].error?.message ?? "",
    /case version 1, this code is version 2/,
  );
  const broken = structuredClone(results);
  (broken.cases["t.a"].measurement as { xs: unknown }).xs = "oops";
  const r = rejudgeResults(broken, () => meanCase("t.a"), { commit: null });
  assert.equal(r.results.cases["t.a"].status, "error");
  assert.match(r.results.cases["t.a"].error?.message ?? "", /does not match its schema: xs/);
});

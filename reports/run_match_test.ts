import assert from "node:assert/strict";
import { fixtureResults } from "./fixture_results.ts";
import { describeMismatch, printable, runMismatches, seriesGroup } from "./run_match.ts";
import { runStoreOf } from "./run_store.ts";
import { buildHistory, historyChart } from "./history.ts";
import { historyMarkdown } from "./history_md.ts";
import { historyHtml } from "./history_html.ts";
import type { Results } from "./schema.ts";

function run(id: string, createdAt: string, edit: (r: Results) => void = () => {}): Results {
  const r = structuredClone(fixtureResults());
  r.runId = id;
  r.createdAt = r.updatedAt = createdAt;
  edit(r);
  return r;
}

function quick(r: Results): void {
  r.plan.profile = "quick";
  for (const c of Object.values(r.cases)) c.profile = "quick";
}

Deno.test("runMismatches: the same profile and versions pair; other profiles or versions do not", () => {
  const a = run("a", "2025-01-01T00:00:00Z");
  assert.deepEqual(runMismatches(a, run("b", "2025-01-02T00:00:00Z")), []);
  const q = run("q", "2025-01-02T00:00:00Z", quick);
  const m = runMismatches(a, q);
  assert.deepEqual(m, [{ caseId: null, field: "profile", a: "smoke", b: "quick" }]);
  assert.equal(describeMismatch(m[0]), "profile: A smoke, B quick");
  const v = run("v", "2025-01-02T00:00:00Z", (r) => void (r.cases["fl.balance"].version = 2));
  assert.deepEqual(runMismatches(a, v).map(describeMismatch), [
    "fl.balance: case version: A v1, B v2",
  ]);
  // a case-level profile (merged runs) counts when the plans agree
  const c = run("c", "2025-01-02T00:00:00Z", (r) => void (r.cases["fl.balance"].profile = "full"));
  assert.deepEqual(runMismatches(a, c).map(describeMismatch), [
    "fl.balance: profile: A smoke, B full",
  ]);
});

Deno.test("printable: escape sequences and newlines from a file never reach the terminal raw", () => {
  assert.equal(printable("run\u001b[2J\nx\u202e"), "run?[2J?x?");
  assert.equal(printable("x".repeat(50), 10), "xxxxxxxxx…");
  assert.equal(
    describeMismatch({ caseId: "a\u001b[31m", field: "version", a: "v1", b: "v2" }),
    "a?[31m: case version: A v1, B v2",
  );
});

Deno.test("history: runs of another profile or case version are separate series, with a note", async () => {
  const h = buildHistory(
    await runStoreOf([
      { source: "a.json", results: run("a", "2025-01-01T00:00:00Z") },
      { source: "q.json", results: run("q", "2025-01-02T00:00:00Z", quick) },
      {
        source: "b.json",
        results: run("b", "2025-01-03T00:00:00Z", (r) => {
          r.cases["fl.balance"].verdict.checks[0].status = "not reproduced";
        }),
      },
    ]),
  );
  const slope = h.series.filter((s) => s.caseId === "fl.balance" && s.check === "slope");
  assert.deepEqual(slope.map((s) => s.group), [
    "profile smoke, case v1",
    "profile quick, case v1",
  ]);
  // the smoke series pairs runs a and b only; the quick run is not a point of it
  assert.deepEqual(slope[0].points.map((p) => p.run), [0, 2]);
  assert.deepEqual(slope[1].points.map((p) => p.run), [1]);
  assert.deepEqual(slope[0].changes, [{ run: 2, from: "reproduced", to: "not reproduced" }]);
  assert.deepEqual(slope[1].changes, []);
  assert(
    h.notes.some((n) => /^fl\.balance: runs of profile smoke, case v1; profile quick/.test(n)),
  );
  const md = historyMarkdown(h);
  assert.match(md, /## Separate series/);
  assert.match(md, /`fl\.balance` slope \(primary\) \[profile quick, case v1\]/);
  assert.match(historyHtml(h, {}, null), /<h2>Separate series<\/h2>/);
  const spec = historyChart(slope[1], h.runs) as { title: { subtitle: string } };
  assert.match(spec.title.subtitle, /profile quick, case v1/);
});

Deno.test("history: another case version starts a separate series of that case only", async () => {
  const h = buildHistory(
    await runStoreOf([
      { source: "a.json", results: run("a", "2025-01-01T00:00:00Z") },
      {
        source: "v.json",
        results: run("v", "2025-01-02T00:00:00Z", (r) => void (r.cases["fl.balance"].version = 2)),
      },
    ]),
  );
  const groups = (
    id: string,
  ) => [...new Set(h.series.filter((s) => s.caseId === id).map((s) => s.group))];
  assert.deepEqual(groups("fl.balance"), ["profile smoke, case v1", "profile smoke, case v2"]);
  const other = h.cases.find((id) => id !== "fl.balance")!;
  assert.deepEqual(groups(other), ["profile smoke, case v1"]);
  assert.equal(h.notes.length, 1);
});

Deno.test("history: one profile and version gives one series per check and no note", async () => {
  const h = buildHistory(
    await runStoreOf([
      { source: "a.json", results: run("a", "2025-01-01T00:00:00Z") },
      { source: "b.json", results: run("b", "2025-01-02T00:00:00Z") },
    ]),
  );
  assert.deepEqual(h.notes, []);
  const names = h.series.map((s) => `${s.caseId}/${s.check}`);
  assert.equal(new Set(names).size, names.length);
  assert.doesNotMatch(historyMarkdown(h), /Separate series/);
  assert.equal(seriesGroup(run("a", "2025-01-01T00:00:00Z").cases["fl.balance"]).version, 1);
});

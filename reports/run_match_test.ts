import assert from "node:assert/strict";
import { fixtureResults } from "./_fixture_test_util.ts";
import { describeMismatch, printable, runMismatches, seriesGroup } from "./run_match.ts";
import { buildHistory, historyChart } from "./history.ts";
import { historyMarkdown } from "./history_md.ts";
import { historyHtml } from "./history_html.ts";
import type { Results } from "./schema.ts";
import { join } from "node:path";
import { cmdCompare } from "../bench/cmd_compare.ts";
import { UsageError } from "../bench/usage_error.ts";

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

Deno.test("history: runs of another profile or case version are separate series, with a note", () => {
  const h = buildHistory([
    { source: "a.json", results: run("a", "2025-01-01T00:00:00Z") },
    { source: "q.json", results: run("q", "2025-01-02T00:00:00Z", quick) },
    {
      source: "b.json",
      results: run("b", "2025-01-03T00:00:00Z", (r) => {
        r.cases["fl.balance"].verdict.checks[0].status = "not reproduced";
      }),
    },
  ]);
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

Deno.test("history: another case version starts a separate series of that case only", () => {
  const h = buildHistory([
    { source: "a.json", results: run("a", "2025-01-01T00:00:00Z") },
    {
      source: "v.json",
      results: run("v", "2025-01-02T00:00:00Z", (r) => void (r.cases["fl.balance"].version = 2)),
    },
  ]);
  const groups = (
    id: string,
  ) => [...new Set(h.series.filter((s) => s.caseId === id).map((s) => s.group))];
  assert.deepEqual(groups("fl.balance"), ["profile smoke, case v1", "profile smoke, case v2"]);
  const other = h.cases.find((id) => id !== "fl.balance")!;
  assert.deepEqual(groups(other), ["profile smoke, case v1"]);
  assert.equal(h.notes.length, 1);
});

Deno.test("history: one profile and version gives one series per check and no note", () => {
  const h = buildHistory([
    { source: "a.json", results: run("a", "2025-01-01T00:00:00Z") },
    { source: "b.json", results: run("b", "2025-01-02T00:00:00Z") },
  ]);
  assert.deepEqual(h.notes, []);
  const names = h.series.map((s) => `${s.caseId}/${s.check}`);
  assert.equal(new Set(names).size, names.length);
  assert.doesNotMatch(historyMarkdown(h), /Separate series/);
  assert.equal(seriesGroup(run("a", "2025-01-01T00:00:00Z").cases["fl.balance"]).version, 1);
});

// compare refuses to pair such runs (exit 2 through UsageError, naming both runs) unless
// --allow-mismatch: fixture documents on disk, no runs.
const tmp = await Deno.makeTempDir({ prefix: "claimbench-mismatch-" });

async function write(name: string, edit: (r: Results) => void): Promise<string> {
  const r = structuredClone(fixtureResults());
  r.runId = name;
  edit(r);
  const dir = join(tmp, name);
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(join(dir, "results.json"), JSON.stringify(r));
  return dir;
}

async function quietly<T>(f: () => Promise<T>): Promise<{ value: T; err: string }> {
  const log = console.log, error = console.error;
  let err = "";
  console.log = () => {};
  console.error = (...a: unknown[]) => void (err += a.join(" ") + "\n");
  try {
    return { value: await f(), err };
  } finally {
    console.log = log;
    console.error = error;
  }
}

const smokeDir = await write("smoke-run", () => {});
const quickDir = await write("quick-run", quick);
const v2 = await write("v2-run", (r) => void (r.cases["fl.balance"].version = 2));

Deno.test("compare: runs of different profiles are refused (usage error = exit 2), both named", async () => {
  const out = join(tmp, "cmp-refused");
  await assert.rejects(
    () => cmdCompare([smokeDir, quickDir, "--out", out, "--quiet", "--no-svg"]),
    (e: unknown) => {
      assert(e instanceof UsageError);
      assert.match(e.message, /smoke-run\/results\.json, run smoke-run/);
      assert.match(e.message, /quick-run\/results\.json, run quick-run/);
      assert.match(e.message, /profile: A smoke, B quick/);
      assert.match(e.message, /--allow-mismatch/);
      return true;
    },
  );
  // nothing half-written
  await assert.rejects(() => Deno.stat(out), Deno.errors.NotFound);
});

Deno.test("compare: another case version is refused, naming the case", async () => {
  await assert.rejects(
    () => cmdCompare([smokeDir, v2, "--out", join(tmp, "cmp-v2"), "--quiet", "--no-svg"]),
    /fl\.balance: case version: A v1, B v2/,
  );
});

Deno.test("compare --allow-mismatch compares anyway and says so in the outputs", async () => {
  const out = join(tmp, "cmp-allowed");
  const { value } = await quietly(() =>
    cmdCompare([smokeDir, quickDir, "--out", out, "--quiet", "--no-svg", "--allow-mismatch"])
  );
  assert(value === 0 || value === 1);
  const md = await Deno.readTextFile(join(out, "compare.md"));
  assert.match(md, /compared despite a mismatch \(--allow-mismatch\): profile: A smoke, B quick/);
  const json = JSON.parse(await Deno.readTextFile(join(out, "compare.json")));
  assert(json.notes.some((n: string) => /--allow-mismatch/.test(n)));
});

Deno.test("compare: runs of one profile and version still pair without the flag", async () => {
  const same = await write("smoke-again", () => {});
  const { value, err } = await quietly(() =>
    cmdCompare([smokeDir, same, "--out", join(tmp, "cmp-same"), "--quiet", "--no-svg"])
  );
  assert.equal(value, 0, err);
});

Deno.test("cleanup", async () => {
  await Deno.remove(tmp, { recursive: true });
});

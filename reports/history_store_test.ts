/**
 * `history` through DuckDB gives the series the JSON-reading history gave: the reference below
 * is that earlier implementation (documents in memory, plain loops), and the store reads a
 * folder of synthetic runs, some with tidy tables beside them and some without.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadDuckDB } from "../deps.ts";
import { caseStatus, runInfo } from "./format.ts";
import { buildHistory, type History, type HistorySeries, runAxisLabel } from "./history.ts";
import { loadRunStore, type RunDocument } from "./run_store.ts";
import { seriesGroup } from "./run_match.ts";
import type { Results } from "./schema.ts";
import { syntheticRun } from "./synthetic_runs.ts";
import { checksRows, provenanceRow } from "./tidy.ts";
import { writeTidyTables } from "./tidy_write.ts";

/** The history as it was built from the results documents before the run store (reference). */
function referenceHistory(inputs: RunDocument[]): Omit<History, "skipped"> {
  const sorted = [...inputs].sort((a, b) =>
    a.results.createdAt.localeCompare(b.results.createdAt) ||
    a.results.runId.localeCompare(b.results.runId) || a.source.localeCompare(b.source)
  );
  const seen = new Set<string>();
  const kept = sorted.filter((s) => {
    const key = `${s.results.runId}|${s.results.createdAt}|${s.results.updatedAt}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
  const runs = kept.map((s, i) => ({
    index: i,
    ...runInfo(s.results, runAxisLabel(i, s.results.createdAt, s.results.provenance.git.commit)),
    source: s.source,
  }));
  const cases: string[] = [];
  const verdicts: History["verdicts"] = {};
  const byKey = new Map<string, HistorySeries>();
  const groups = new Map<string, string[]>();
  kept.forEach((s, i) => {
    for (const [id, c] of Object.entries(s.results.cases)) {
      if (!cases.includes(id)) cases.push(id);
      (verdicts[id] ??= {})[i] = caseStatus(c);
      const group = seriesGroup(c).label;
      const g = groups.get(id) ?? [];
      if (!g.includes(group)) groups.set(id, [...g, group]);
      const names = new Map<string, number>();
      for (const k of c.verdict.checks) {
        const n = names.get(k.name) ?? 0;
        names.set(k.name, n + 1);
        const name = n ? `${k.name} #${n + 1}` : k.name;
        const key = `${id}\u0000${group}\u0000${name}`;
        let series = byKey.get(key);
        if (!series) {
          series = { caseId: id, check: name, group, primary: k.primary, points: [], changes: [] };
          byKey.set(key, series);
        }
        series.primary ||= k.primary;
        series.points.push({
          run: i,
          status: c.status === "error" ? "error" : k.status,
          value: k.value,
          ci: k.ci,
          band: k.band,
        });
      }
    }
  });
  const series = [...byKey.values()].sort((a, b) =>
    cases.indexOf(a.caseId) - cases.indexOf(b.caseId)
  );
  for (const s of series) {
    for (let j = 1; j < s.points.length; j++) {
      const p = s.points[j - 1], q = s.points[j];
      if (p.status !== q.status) s.changes.push({ run: q.run, from: p.status, to: q.status });
    }
  }
  const notes = cases.flatMap((id) => {
    const g = groups.get(id) ?? [];
    return g.length > 1
      ? [
        `${id}: runs of ${g.join("; ")} are separate series (another profile or case version ` +
        "is another statistic: not paired, no verdict change across them)",
      ]
      : [];
  });
  return { runs, cases, verdicts, series, notes };
}

/** Synthetic run `i`, varied where the store could lose something. */
function variedRun(i: number): Results {
  const r = syntheticRun(i);
  const bal = r.cases["fl.balance"];
  // a non-primary check whose own status changes (its shown status stays `info`)
  if (i % 5 === 2) bal.verdict.checks[1].status = "not reproduced";
  // the same check name twice in one verdict
  if (i % 4 === 1) bal.verdict.checks.push({ ...bal.verdict.checks[0], value: 9 });
  // another case version: a separate series of that case
  if (i >= 20) r.cases["mem.transition"].version = 2;
  return r;
}

async function writeRun(root: string, r: Results, withTables: boolean): Promise<string> {
  const dir = join(root, r.runId);
  await Deno.mkdir(dir, { recursive: true });
  const file = join(dir, "results.json");
  await Deno.writeTextFile(file, JSON.stringify(r));
  if (withTables) {
    await writeTidyTables(
      { runs: [], checks: checksRows(r), provenance: [provenanceRow(r)] },
      dir,
      ["parquet"],
    );
  }
  return file;
}

const N = 24;

async function folderOfRuns(): Promise<{ root: string; inputs: RunDocument[] }> {
  const root = await Deno.makeTempDir({ prefix: "claimbench-history-store-" });
  const inputs: RunDocument[] = [];
  // written out of time order; every third run has its tables beside it
  for (const i of [...Array(N).keys()].reverse()) {
    const r = variedRun(i);
    inputs.push({ source: await writeRun(root, r, i % 3 === 0), results: r });
  }
  // a run saved again as a baseline: the same run, kept once
  const base = join(root, "baselines");
  await Deno.mkdir(base);
  const again = variedRun(7);
  await Deno.writeTextFile(join(base, "nightly.json"), JSON.stringify(again));
  inputs.push({ source: join(base, "nightly.json"), results: again });
  // JSON of another kind is ignored; a corrupt results.json is skipped with its reason
  await Deno.writeTextFile(join(root, "notes.json"), '{"a": 1}');
  await Deno.mkdir(join(root, "broken"));
  await Deno.writeTextFile(join(root, "broken", "results.json"), '{"schema": "claimbench.results"');
  return { root, inputs };
}

Deno.test("history over a folder of runs through DuckDB: the same series as the JSON-reading history", async () => {
  const { root, inputs } = await folderOfRuns();
  try {
    const store = await loadRunStore(root, { documents: "all" });
    assert.equal(store.fromJson, N + 1 - Math.ceil(N / 3), "runs without tables read from JSON");
    const hist = buildHistory(store);
    const { skipped, ...rest } = hist;
    const expected = referenceHistory(inputs);
    assert.deepEqual(rest, expected);
    // what the comparison covers is really there
    assert.equal(hist.runs.length, N);
    assert.ok(hist.series.some((s) => /^slope #2$/.test(s.check)), "a repeated check name");
    const mono = hist.series.find((s) => s.caseId === "fl.balance" && !s.primary)!;
    assert.ok(mono.changes.some((c) => c.to === "not reproduced"), "non-primary statuses kept");
    assert.ok(hist.series.some((s) => s.group === "profile quick, case v1"));
    assert.ok(hist.notes.some((n) => n.startsWith("mem.transition: runs of")));
    assert.ok(hist.verdicts["mem.onset"][0] === "error", "a case without checks keeps its verdict");
    assert.equal(skipped.length, 2, skipped.join("\n"));
    assert.match(
      skipped.join("\n"),
      /run-0007\/results\.json: the same run as .*baselines\/nightly\.json/,
    );
    assert.match(skipped.join("\n"), /broken\/results\.json is not valid JSON/);
    // --allow-mismatch joins the profiles and versions into one series per check, with a note
    const joined = buildHistory(store, { allowMismatch: true });
    const slope = joined.series.filter((s) => s.caseId === "fl.balance" && s.check === "slope");
    assert.equal(slope.length, 1);
    assert.equal(slope[0].points.length, N);
    assert.ok(joined.notes.some((n) => /joined into one series \(--allow-mismatch\)/.test(n)));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("run store: tables of an older claimbench (a column missing) are read from the JSON", async () => {
  const root = await Deno.makeTempDir({ prefix: "claimbench-history-store-" });
  try {
    const r = variedRun(1);
    const file = await writeRun(root, r, true);
    const fresh = await loadRunStore(root);
    assert.equal(fresh.fromJson, 0);
    // rewrite checks.parquet without check_index, as an older claimbench wrote it
    const chk = join(root, r.runId, "checks.parquet");
    const duck = await loadDuckDB();
    const db = await duck.DuckDBInstance.create(":memory:");
    const con = await db.connect();
    await con.run(
      `COPY (SELECT * EXCLUDE (check_index) FROM read_parquet('${chk}')) TO '${chk}.tmp' (FORMAT parquet)`,
    );
    con.closeSync();
    db.closeSync();
    await Deno.rename(`${chk}.tmp`, chk);
    const old = await loadRunStore(root);
    assert.equal(old.fromJson, 1);
    assert.deepEqual(old.checks, fresh.checks);
    assert.equal(old.runs[0].source, file);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

/**
 * Many runs through DuckDB: every run under a folder (from many machines and commits) is read
 * through its tidy tables (`checks.parquet`, `provenance.parquet` beside its results.json), with
 * no server. A run without tables (or with tables older than its results.json) gets them written
 * into a cache folder first. Queries run in DuckDB; the results come back as plain rows.
 * @module
 */
import { join, relative } from "node:path";
import { loadDuckDB } from "../deps.ts";
import { parseResults, ResultsFileError } from "./schema.ts";
import { checksRows, provenanceRow, type TidyRow } from "./tidy.ts";
import { writeTidyTables } from "./tidy_write.ts";
import { SKIP_DIRS } from "./history.ts";

/** One run of the store. */
export interface StoreRun {
  /** Index in time order. */
  index: number;
  runId: string;
  createdAt: string;
  updatedAt: string;
  complete: boolean;
  profile: string;
  commit: string | null;
  hostname: string;
  adapter: string | null;
  backend: string;
  /** The run's folder (where its results.json and report.html are). */
  dir: string;
  /** Whether the folder has a report.html. */
  hasReport: boolean;
}

/** One check of one run. */
export interface StoreCheck {
  run: number;
  caseId: string;
  caseVersion: number;
  profile: string;
  check: string;
  primary: boolean;
  status: string;
  value: number | null;
  ciLo: number | null;
  ciHi: number | null;
  bandLo: number | null;
  bandHi: number | null;
  caseVerdict: string;
  robustness: string | null;
  configModified: boolean;
}

/** The latest verdict of a case on one machine. */
export interface MatrixCell {
  caseId: string;
  machine: string;
  verdict: string;
  commit: string | null;
  createdAt: string;
  runs: number;
}

/** What {@link loadRunStore} found. */
export interface RunStore {
  runs: StoreRun[];
  checks: StoreCheck[];
  matrix: MatrixCell[];
  /** Files skipped, with the reason. */
  skipped: string[];
  /** Runs whose tables had to be written into the cache first. */
  tablesWritten: number;
}

async function mtime(p: string): Promise<number | null> {
  return await Deno.stat(p).then((s) => (s.isFile ? s.mtime?.getTime() ?? 0 : null), () => null);
}

async function findRunDirs(dir: string, skipDirs: Set<string>): Promise<string[]> {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(d));
    } catch (e) {
      if (d === dir) {
        throw new ResultsFileError(`cannot read ${dir}: ${e instanceof Error ? e.message : e}`);
      }
      continue;
    }
    if (entries.some((e) => e.isFile && e.name === "results.json")) out.push(d);
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory && !SKIP_DIRS.has(e.name) && !e.name.startsWith(".") && !skipDirs.has(p)) {
        stack.push(p);
      }
    }
  }
  return out.sort();
}

const sql = (s: string) => `'${s.replace(/'/g, "''")}'`;
const num = (v: unknown): number | null =>
  v === null || v === undefined ? null : typeof v === "bigint" ? Number(v) : Number(v);

/**
 * Read every run under `dir` through DuckDB. Tables missing or stale beside a results.json are
 * written under `cacheDir` (which is never searched for runs).
 */
export async function loadRunStore(dir: string, cacheDir: string): Promise<RunStore> {
  const skipped: string[] = [];
  const files: { dir: string; checks: string; provenance: string }[] = [];
  // runs without (fresh) tables: their rows go into one cached table pair, keyed back by run
  const cached = { checks: [] as TidyRow[], provenance: [] as TidyRow[] };
  const cachedDirs = new Map<string, string>();
  for (const d of await findRunDirs(dir, new Set([cacheDir]))) {
    const res = join(d, "results.json");
    const resTime = await mtime(res);
    const chk = join(d, "checks.parquet"), prov = join(d, "provenance.parquet");
    const [tc, tp] = [await mtime(chk), await mtime(prov)];
    if (resTime !== null && tc !== null && tp !== null && tc >= resTime && tp >= resTime) {
      files.push({ dir: d, checks: chk, provenance: prov });
      continue;
    }
    let text: string;
    try {
      text = await Deno.readTextFile(res);
    } catch (e) {
      skipped.push(`${res}: ${e instanceof Error ? e.message : e}`);
      continue;
    }
    try {
      const results = parseResults(text, res);
      cached.checks.push(...checksRows(results));
      cached.provenance.push(provenanceRow(results));
      cachedDirs.set(`${results.runId}\u0000${results.createdAt}`, d);
    } catch (e) {
      skipped.push(e instanceof Error ? e.message.split("\n")[0] : String(e));
    }
  }
  if (cached.provenance.length) {
    await Deno.mkdir(cacheDir, { recursive: true });
    await writeTidyTables({ runs: [], ...cached }, cacheDir, ["parquet"]);
    files.push({
      dir: "",
      checks: join(cacheDir, "checks.parquet"),
      provenance: join(cacheDir, "provenance.parquet"),
    });
  }
  const tablesWritten = cached.provenance.length;
  if (!files.length) return { runs: [], checks: [], matrix: [], skipped, tablesWritten };
  const duck = await loadDuckDB();
  const db = await duck.DuckDBInstance.create(":memory:");
  const con = await db.connect();
  try {
    const list = (k: "checks" | "provenance") => `[${files.map((f) => sql(f[k])).join(", ")}]`;
    await con.run(
      `CREATE TABLE prov AS SELECT * FROM read_parquet(${
        list("provenance")
      }, filename = true, union_by_name = true)`,
    );
    await con.run(
      `CREATE TABLE chk AS SELECT * FROM read_parquet(${
        list("checks")
      }, filename = true, union_by_name = true)`,
    );
    // one row per run (the same run saved twice, e.g. as a baseline, is kept once), time order
    const runRows = (await con.runAndReadAll(
      `SELECT min(filename) AS filename, run_id, created_at, any_value(updated_at) AS updated_at,
         bool_and(complete) AS complete, any_value(profile) AS profile, any_value("commit") AS "commit",
         any_value(hostname) AS hostname, any_value(adapter) AS adapter, any_value(backend) AS backend
       FROM prov GROUP BY run_id, created_at, updated_at ORDER BY created_at, run_id`,
    )).getRowObjects();
    const byFile = new Map(files.map((f) => [f.provenance, f]));
    const runs: StoreRun[] = [];
    const runIndex = new Map<string, number>();
    for (const r of runRows) {
      const f = byFile.get(String(r.filename))!;
      const runDir = f.dir || cachedDirs.get(`${r.run_id}\u0000${r.created_at}`) || dir;
      const index = runs.length;
      runIndex.set(`${r.run_id}\u0000${r.created_at}`, index);
      runs.push({
        index,
        runId: String(r.run_id),
        createdAt: String(r.created_at),
        updatedAt: String(r.updated_at),
        complete: Boolean(r.complete),
        profile: String(r.profile),
        commit: r.commit === null ? null : String(r.commit),
        hostname: String(r.hostname),
        adapter: r.adapter === null ? null : String(r.adapter),
        backend: String(r.backend),
        dir: relative(dir, runDir) || ".",
        hasReport: (await mtime(join(runDir, "report.html"))) !== null,
      });
    }
    const checkRows = (await con.runAndReadAll(
      `SELECT DISTINCT ON (run_id, created_at, case_id, "check") run_id, created_at, case_id,
         case_version, profile, "check", "primary", status, value, ci_lo, ci_hi, band_lo, band_hi,
         case_verdict, robustness, config_modified
       FROM chk ORDER BY created_at, run_id, case_id, "check"`,
    )).getRowObjects();
    const checks: StoreCheck[] = checkRows.map((r) => ({
      run: runIndex.get(`${r.run_id}\u0000${r.created_at}`) ?? -1,
      caseId: String(r.case_id),
      caseVersion: num(r.case_version) ?? 0,
      profile: String(r.profile),
      check: String(r.check),
      primary: Boolean(r.primary),
      status: String(r.status),
      value: num(r.value),
      ciLo: num(r.ci_lo),
      ciHi: num(r.ci_hi),
      bandLo: num(r.band_lo),
      bandHi: num(r.band_hi),
      caseVerdict: String(r.case_verdict),
      robustness: r.robustness === null ? null : String(r.robustness),
      configModified: Boolean(r.config_modified),
    })).filter((c) => c.run >= 0);
    const matrix = (await con.runAndReadAll(
      `SELECT case_id, hostname || coalesce(' · ' || adapter, ' · cpu') AS machine,
         arg_max(case_verdict, created_at) AS verdict, arg_max("commit", created_at) AS "commit",
         max(created_at) AS created_at, count(DISTINCT run_id) AS runs
       FROM (SELECT DISTINCT run_id, created_at, case_id, case_verdict, "commit", hostname, adapter FROM chk)
       GROUP BY ALL ORDER BY case_id, machine`,
    )).getRowObjects().map((r) => ({
      caseId: String(r.case_id),
      machine: String(r.machine),
      verdict: String(r.verdict),
      commit: r.commit === null ? null : String(r.commit),
      createdAt: String(r.created_at),
      runs: num(r.runs) ?? 0,
    }));
    return { runs, checks, matrix, skipped, tablesWritten };
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

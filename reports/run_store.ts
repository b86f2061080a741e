/**
 * Many runs through DuckDB: every run under a folder (from many machines and commits) is read
 * through its tidy tables (`checks.parquet`, `provenance.parquet` beside its results.json), with
 * no server. A run without tables (or with tables older than its results.json, or written by an
 * older claimbench without a column) is read from its JSON and its rows appended to the same
 * in-memory tables. Deduplication, time order and the per-machine matrix are DuckDB queries;
 * the results come back as plain rows. `history` and `publish` both read runs this way.
 * @module
 */
import { basename, dirname, join, relative } from "node:path";
import { loadDuckDB } from "../deps.ts";
import { readRegularTextFile } from "./safe_json.ts";
import { parseResults, type Results, ResultsFileError } from "./schema.ts";
import { checksRows, type Column, provenanceRow, TIDY_TABLES, type TidyRow } from "./tidy.ts";

import type { DuckDBAppender, DuckDBConnection as Connection } from "@duckdb/node-api";

/** Folders never searched for runs (dependencies, git, chart outputs); hidden ones neither. */
export const SKIP_DIRS: ReadonlySet<string> = new Set([
  "node_modules",
  ".git",
  "charts",
  "compare-charts",
  "history-charts",
]);

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
  /** The results document it was read from (or whose tables were read), as found under the root. */
  source: string;
  /** The run's folder relative to the root (where its results.json and report.html are). */
  dir: string;
  /** Whether the folder has a report.html. */
  hasReport: boolean;
}

/** One check of one run (or, `checkIndex === null`, the verdict row of a case without checks). */
export interface StoreCheck {
  run: number;
  caseId: string;
  caseVersion: number;
  profile: string;
  check: string;
  /** The check's place in its case's verdict; null for a case without checks. */
  checkIndex: number | null;
  primary: boolean;
  /** The shown status (`info` for a non-primary check). */
  status: string;
  /** The check judged against its band (also for a non-primary check). */
  bandStatus: string;
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
  /** In run order, then in each run's row order (its cases, then their checks, as stored). */
  checks: StoreCheck[];
  matrix: MatrixCell[];
  /** Files skipped, with the reason (unreadable, not a results document, the same run twice). */
  skipped: string[];
  /** Runs read from their results JSON (no fresh tables beside it). */
  fromJson: number;
}

/** Which files count as runs. */
export interface RunStoreOptions {
  /**
   * `results.json` (default): each folder's results.json; `all`: every `*.json` results
   * document (saved baselines too: a run saved twice is kept once).
   */
  documents?: "results.json" | "all";
}

/** A results document read from JSON, or already in memory. */
export interface RunDocument {
  source: string;
  results: Results;
}

async function mtime(p: string): Promise<number | null> {
  return await Deno.stat(p).then((s) => (s.isFile ? s.mtime?.getTime() ?? 0 : null), () => null);
}

const errText = (e: unknown) => e instanceof Error ? e.message.split("\n")[0] : String(e);

/** Candidate files under `dir` in a stable order, and unreadable folders as skipped lines. */
async function findFiles(
  dir: string,
  all: boolean,
): Promise<{ files: string[]; skipped: string[] }> {
  const files: string[] = [], skipped: string[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(d));
    } catch (e) {
      if (d === dir) throw new ResultsFileError(`cannot read ${dir}: ${errText(e)}`);
      skipped.push(`${d}: ${errText(e)}`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith(".")) await walk(p);
      } else if (
        e.isFile &&
        (e.name === "results.json" ||
          (all && e.name.endsWith(".json") && !e.name.endsWith(".vl.json")))
      ) files.push(p);
    }
  };
  await walk(dir);
  return { files, skipped };
}

/** A results.json whose tables beside it are at least as new as it. */
async function freshTables(res: string): Promise<{ checks: string; provenance: string } | null> {
  if (basename(res) !== "results.json") return null;
  const d = dirname(res);
  const checks = join(d, "checks.parquet"), provenance = join(d, "provenance.parquet");
  const [tr, tc, tp] = [await mtime(res), await mtime(checks), await mtime(provenance)];
  return tr !== null && tc !== null && tp !== null && tc >= tr && tp >= tr
    ? { checks, provenance }
    : null;
}

/** Read a results document; `null` (silently) for JSON of another kind not named results.json. */
async function readDocument(p: string): Promise<RunDocument | string | null> {
  let text: string;
  try {
    text = await readRegularTextFile(p);
  } catch (e) {
    return `${p}: ${errText(e)}`;
  }
  if (!/"schema"\s*:\s*"claimbench\.results"/.test(text.slice(0, 4096))) {
    return basename(p) === "results.json" ? `${p}: not a claimbench results document` : null;
  }
  try {
    return { source: p, results: parseResults(text, p) };
  } catch (e) {
    return errText(e);
  }
}

const sql = (s: string) => `'${s.replace(/'/g, "''")}'`;
const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
const num = (v: unknown): number | null => v === null || v === undefined ? null : Number(v);
const str = (v: unknown): string | null => v === null || v === undefined ? null : String(v);

type Table = "checks" | "provenance";
const TABLE: Record<Table, string> = { checks: "chk", provenance: "prov" };

/** The declared columns each of `paths` lacks (a table of an older claimbench), by path. */
async function missingColumns(con: Connection, paths: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < paths.length; i += 256) {
    const chunk = paths.slice(i, i + 256);
    const rows = (await con.runAndReadAll(
      `SELECT file_name, name FROM parquet_schema([${chunk.map(sql).join(", ")}])`,
    )).getRowObjects();
    const names = new Map<string, Set<string>>();
    for (const r of rows) {
      const f = String(r.file_name);
      (names.get(f) ?? names.set(f, new Set()).get(f)!).add(String(r.name));
    }
    for (const p of chunk) {
      const have = names.get(p) ?? new Set();
      const cols = p.endsWith("checks.parquet") ? TIDY_TABLES.checks : TIDY_TABLES.provenance;
      const lack = cols.filter((c) => !have.has(c.name)).map((c) => c.name);
      if (lack.length) out.set(p, lack);
    }
  }
  return out;
}

function appendValue(ap: DuckDBAppender, c: Column, v: unknown): void {
  if (v === null || v === undefined) return ap.appendNull();
  if (c.type === "VARCHAR") return ap.appendVarchar(String(v));
  if (c.type === "BOOLEAN") return ap.appendBoolean(Boolean(v));
  if (c.type === "BIGINT") return ap.appendBigInt(BigInt(Math.trunc(Number(v))));
  const x = Number(v);
  return Number.isFinite(x) ? ap.appendDouble(x) : ap.appendNull();
}

/**
 * Fill `chk` and `prov` from parquet files and in-memory documents, then query runs (one per
 * run id × createdAt × updatedAt, the copy with the first source kept), checks and the matrix.
 */
async function queryStore(
  con: Connection,
  root: string,
  tables: { source: string; checks: string; provenance: string }[],
  docs: RunDocument[],
  skipped: string[],
): Promise<RunStore> {
  for (const t of ["checks", "provenance"] as Table[]) {
    const cols = TIDY_TABLES[t];
    await con.run(
      `CREATE TABLE ${TABLE[t]} (${
        cols.map((c) => `${ident(c.name)} ${c.type}`).join(", ")
      }, source VARCHAR, doc BIGINT, ord BIGINT)`,
    );
    if (tables.length) {
      await con.run(
        "CREATE OR REPLACE TEMP TABLE files (filename VARCHAR, source VARCHAR, doc BIGINT)",
      );
      const ap = await con.createAppender("files");
      tables.forEach((f, i) => {
        ap.appendVarchar(f[t]);
        ap.appendVarchar(f.source);
        ap.appendBigInt(BigInt(i));
        ap.endRow();
      });
      ap.flushSync();
      ap.closeSync();
      await con.run(
        `INSERT INTO ${TABLE[t]} SELECT ${
          cols.map((c) => `p.${ident(c.name)}`).join(", ")
        }, f.source, f.doc, p.file_row_number FROM read_parquet([${
          tables.map((f) => sql(f[t])).join(", ")
        }], filename = true, file_row_number = true, union_by_name = true) p JOIN files f USING (filename)`,
      ).catch((e) => {
        throw new ResultsFileError(`cannot read the ${t} tables under ${root}: ${errText(e)}`);
      });
    }
    if (docs.length) {
      const ap = await con.createAppender(TABLE[t]);
      for (const [j, d] of docs.entries()) {
        const rows: TidyRow[] = t === "checks" ? checksRows(d.results) : [provenanceRow(d.results)];
        rows.forEach((r, i) => {
          for (const c of cols) appendValue(ap, c, r[c.name]);
          ap.appendVarchar(d.source);
          ap.appendBigInt(BigInt(tables.length + j));
          ap.appendBigInt(BigInt(i));
          ap.endRow();
        });
      }
      ap.flushSync();
      ap.closeSync();
    }
  }
  // one copy of each run (the same run saved twice, e.g. as a baseline), in time order
  await con.run(
    `CREATE TABLE kept AS
     SELECT *, row_number() OVER (ORDER BY created_at, run_id, source, doc) - 1 AS idx
     FROM (SELECT * FROM prov QUALIFY row_number() OVER (
       PARTITION BY run_id, created_at, updated_at ORDER BY source, doc) = 1)`,
  );
  for (
    const r of (await con.runAndReadAll(
      `SELECT p.source, k.source AS kept FROM prov p JOIN kept k
         USING (run_id, created_at, updated_at) WHERE p.doc <> k.doc ORDER BY k.idx, p.source, p.doc`,
    )).getRowObjects()
  ) skipped.push(`${r.source}: the same run as ${r.kept} (kept once)`);
  const runRows = (await con.runAndReadAll(`SELECT * FROM kept ORDER BY idx`)).getRowObjects();
  const runs: StoreRun[] = [];
  for (const r of runRows) {
    const source = String(r.source);
    const runDir = dirname(source);
    runs.push({
      index: runs.length,
      runId: String(r.run_id),
      createdAt: String(r.created_at),
      updatedAt: String(r.updated_at),
      complete: Boolean(r.complete),
      profile: String(r.profile),
      commit: str(r.commit),
      hostname: String(r.hostname),
      adapter: str(r.adapter),
      backend: String(r.backend),
      source,
      dir: relative(root, runDir) || ".",
      hasReport: (await mtime(join(runDir, "report.html"))) !== null,
    });
  }
  const checks: StoreCheck[] = (await con.runAndReadAll(
    `SELECT k.idx, c.* FROM chk c JOIN kept k USING (doc) ORDER BY k.idx, c.ord`,
  )).getRowObjects().map((r) => ({
    run: Number(r.idx),
    caseId: String(r.case_id),
    caseVersion: num(r.case_version) ?? 0,
    profile: String(r.profile),
    check: String(r.check),
    checkIndex: num(r.check_index),
    primary: Boolean(r.primary),
    status: String(r.status),
    bandStatus: String(r.band_status),
    value: num(r.value),
    ciLo: num(r.ci_lo),
    ciHi: num(r.ci_hi),
    bandLo: num(r.band_lo),
    bandHi: num(r.band_hi),
    caseVerdict: String(r.case_verdict),
    robustness: str(r.robustness),
    configModified: Boolean(r.config_modified),
  }));
  const matrix = (await con.runAndReadAll(
    `SELECT case_id, hostname || coalesce(' · ' || adapter, ' · cpu') AS machine,
       arg_max(case_verdict, created_at) AS verdict, arg_max("commit", created_at) AS "commit",
       max(created_at) AS created_at, count(DISTINCT run_id) AS runs
     FROM (SELECT DISTINCT c.run_id, c.created_at, c.case_id, c.case_verdict, c."commit", c.hostname,
             c.adapter FROM chk c JOIN kept USING (doc))
     GROUP BY ALL ORDER BY case_id, machine`,
  )).getRowObjects().map((r) => ({
    caseId: String(r.case_id),
    machine: String(r.machine),
    verdict: String(r.verdict),
    commit: str(r.commit),
    createdAt: String(r.created_at),
    runs: num(r.runs) ?? 0,
  }));
  return { runs, checks, matrix, skipped, fromJson: docs.length };
}

async function withConnection<T>(f: (con: Connection) => Promise<T>): Promise<T> {
  const duck = await loadDuckDB();
  const db = await duck.DuckDBInstance.create(":memory:");
  const con = await db.connect();
  try {
    return await f(con);
  } finally {
    con.closeSync();
    db.closeSync();
  }
}

/**
 * Read every run under `dir` through DuckDB: tables beside a results.json when fresh, else the
 * results JSON. Throws a {@link ResultsFileError} when `dir` itself cannot be read.
 *
 * @example
 * ```ts ignore
 * import { loadRunStore } from "./run_store.ts";
 * const store = await loadRunStore("results", { documents: "all" });
 * console.log(store.runs.length, store.checks.length);
 * ```
 */
export async function loadRunStore(dir: string, opts: RunStoreOptions = {}): Promise<RunStore> {
  const { files, skipped } = await findFiles(dir, opts.documents === "all");
  const tabled: { source: string; checks: string; provenance: string }[] = [];
  const viaJson: string[] = [];
  for (const f of files) {
    const t = await freshTables(f);
    if (t) tabled.push({ source: f, ...t });
    else viaJson.push(f);
  }
  return await withConnection(async (con) => {
    // tables a reader cannot use (unreadable, or of an older claimbench) → the JSON instead
    let usable = tabled;
    if (tabled.length) {
      const lacking = await missingColumns(con, tabled.flatMap((t) => [t.checks, t.provenance]))
        .catch(() => null);
      if (lacking === null) {
        usable = [];
        for (const t of tabled) {
          const one = await missingColumns(con, [t.checks, t.provenance]).catch(() => null);
          if (one?.size === 0) usable.push(t);
        }
      } else usable = tabled.filter((t) => !lacking.has(t.checks) && !lacking.has(t.provenance));
      const kept = new Set(usable.map((t) => t.source));
      for (const t of tabled) if (!kept.has(t.source)) viaJson.push(t.source);
    }
    const docs: RunDocument[] = [];
    for (const f of viaJson.sort()) {
      const d = await readDocument(f);
      if (typeof d === "string") skipped.push(d);
      else if (d) docs.push(d);
    }
    if (!usable.length && !docs.length) {
      return { runs: [], checks: [], matrix: [], skipped, fromJson: 0 };
    }
    return await queryStore(con, dir, usable, docs, skipped);
  });
}

/** A store over documents already in memory (the same queries, no files). */
export async function runStoreOf(docs: RunDocument[]): Promise<RunStore> {
  if (!docs.length) return { runs: [], checks: [], matrix: [], skipped: [], fromJson: 0 };
  return await withConnection((con) => queryStore(con, ".", [], docs, []));
}

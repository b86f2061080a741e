/**
 * The tidy tables of a results document, for pandas, R and DuckDB: `runs` (one row per case ×
 * seed × grid point × observable), `checks` (one row per check of each case) and `provenance`
 * (one row per run). Column names, types and meanings are declared once here ({@link TIDY_TABLES})
 * and documented from this declaration. Pure: rows in, rows out; writing is elsewhere.
 * @module
 */
import { caseStatus, robustnessLabel, shownCheckStatus } from "./format.ts";
import type { Results } from "./schema.ts";

/** A column's type, as DuckDB names it. */
export type ColumnType = "VARCHAR" | "DOUBLE" | "BIGINT" | "BOOLEAN";

/** One declared column. */
export interface Column {
  name: string;
  type: ColumnType;
  doc: string;
}

/** A tidy row: column name → value (null when missing). */
export type TidyRow = Record<string, string | number | boolean | null>;

/** One measured value of one run, as a case's `tidyRuns` gives it. */
export interface TidyRunInput {
  seed: number | null;
  point: Record<string, string | number>;
  observable: string;
  value: number | null;
  unit: string;
}

const RUN_KEYS: Column[] = [
  { name: "run_id", type: "VARCHAR", doc: "the run's id (its output folder's name)" },
  { name: "case_id", type: "VARCHAR", doc: "the case, e.g. mem.transition" },
  { name: "case_version", type: "BIGINT", doc: "the case's version" },
  { name: "profile", type: "VARCHAR", doc: "smoke, quick or full" },
];

/** The three tables and their columns. */
export const TIDY_TABLES: Record<"runs" | "checks" | "provenance", Column[]> = {
  runs: [
    ...RUN_KEYS,
    { name: "backend", type: "VARCHAR", doc: "webgpu or cpu, as this case ran" },
    { name: "config_hash", type: "VARCHAR", doc: "SHA-256 of the case's resolved config" },
    {
      name: "config_modified",
      type: "BOOLEAN",
      doc: "true when --set/--config/--seeds changed it",
    },
    { name: "seed", type: "BIGINT", doc: "the seed of the run; null for a quantity over seeds" },
    { name: "point", type: "VARCHAR", doc: 'the grid point as JSON, e.g. {"d":32,"ratio":1.5}' },
    { name: "observable", type: "VARCHAR", doc: "what was measured, e.g. delta_positive" },
    { name: "value", type: "DOUBLE", doc: "the measured value; null when NaN or ±∞" },
    {
      name: "value_text",
      type: "VARCHAR",
      doc: "'NaN', 'Infinity' or '-Infinity' when value is null",
    },
    { name: "unit", type: "VARCHAR", doc: "the unit of value ('1' for dimensionless)" },
  ],
  checks: [
    ...RUN_KEYS,
    { name: "created_at", type: "VARCHAR", doc: "when the run started (ISO 8601)" },
    { name: "commit", type: "VARCHAR", doc: "git commit of the suite" },
    { name: "hostname", type: "VARCHAR", doc: "the machine" },
    { name: "backend", type: "VARCHAR", doc: "webgpu or cpu, as this case ran" },
    { name: "adapter", type: "VARCHAR", doc: "the WebGPU adapter's description, if any" },
    { name: "check", type: "VARCHAR", doc: "the check's name" },
    {
      name: "check_index",
      type: "BIGINT",
      doc: "the check's place in the case's verdict (0, 1, ...); null for the one row of a case " +
        "without checks, which carries the case's headline statistic",
    },
    { name: "primary", type: "BOOLEAN", doc: "whether it decides the case's verdict" },
    { name: "status", type: "VARCHAR", doc: "the check's status (info for non-primary checks)" },
    {
      name: "band_status",
      type: "VARCHAR",
      doc: "the check judged against its band, for non-primary checks too (whose status is info)",
    },
    { name: "value", type: "DOUBLE", doc: "the statistic's point estimate" },
    { name: "ci_lo", type: "DOUBLE", doc: "95% CI, lower end (null: -∞ or undefined)" },
    { name: "ci_hi", type: "DOUBLE", doc: "95% CI, upper end (null: +∞ or undefined)" },
    { name: "band_lo", type: "DOUBLE", doc: "tolerance band, lower edge (null: -∞)" },
    { name: "band_hi", type: "DOUBLE", doc: "tolerance band, upper edge (null: +∞)" },
    { name: "reason", type: "VARCHAR", doc: "why the check could not decide, if it could not" },
    { name: "case_verdict", type: "VARCHAR", doc: "the case's verdict" },
    { name: "robustness", type: "VARCHAR", doc: "'robust' or 'depends on <choice>'" },
    {
      name: "config_modified",
      type: "BOOLEAN",
      doc: "true when --set/--config/--seeds changed it",
    },
  ],
  provenance: [
    { name: "run_id", type: "VARCHAR", doc: "the run's id" },
    { name: "created_at", type: "VARCHAR", doc: "when the run started" },
    { name: "updated_at", type: "VARCHAR", doc: "when it last wrote results" },
    { name: "complete", type: "BOOLEAN", doc: "whether every planned case has a result" },
    { name: "profile", type: "VARCHAR", doc: "smoke, quick or full" },
    { name: "suite_version", type: "VARCHAR", doc: "claimbench version" },
    { name: "commit", type: "VARCHAR", doc: "git commit" },
    { name: "dirty", type: "BOOLEAN", doc: "uncommitted changes in the tree" },
    { name: "deno", type: "VARCHAR", doc: "Deno version" },
    { name: "os", type: "VARCHAR", doc: "operating system" },
    { name: "cpu_model", type: "VARCHAR", doc: "CPU model" },
    { name: "cpu_count", type: "BIGINT", doc: "logical CPUs" },
    { name: "hostname", type: "VARCHAR", doc: "machine name" },
    { name: "backend", type: "VARCHAR", doc: "the run's backend" },
    { name: "adapter", type: "VARCHAR", doc: "WebGPU adapter description" },
    { name: "adapter_fallback", type: "BOOLEAN", doc: "software (fallback) adapter" },
    { name: "base_seed", type: "BIGINT", doc: "--base-seed" },
    { name: "shard", type: "VARCHAR", doc: "i/n" },
  ],
};

/** `runs` rows of one case from its tidy inputs. */
export function runsRows(
  results: Results,
  caseId: string,
  inputs: readonly TidyRunInput[],
): TidyRow[] {
  const c = results.cases[caseId];
  return inputs.map((r) => ({
    run_id: results.runId,
    case_id: caseId,
    case_version: c.version,
    profile: c.profile,
    backend: c.backend,
    config_hash: c.configHash,
    config_modified: c.configModified.length > 0,
    seed: r.seed,
    point: JSON.stringify(r.point),
    observable: r.observable,
    value: r.value !== null && Number.isFinite(r.value) ? r.value : null,
    value_text: r.value !== null && !Number.isFinite(r.value) ? String(r.value) : null,
    unit: r.unit,
  }));
}

/** `checks` rows: one per check of each case (a failed case gives one row, its verdict). */
export function checksRows(results: Results): TidyRow[] {
  const p = results.provenance;
  const rows: TidyRow[] = [];
  for (const [id, c] of Object.entries(results.cases)) {
    const base = {
      run_id: results.runId,
      case_id: id,
      case_version: c.version,
      profile: c.profile,
      created_at: results.createdAt,
      commit: p.git.commit,
      hostname: p.hostname,
      backend: c.backend,
      adapter: p.adapter?.description ?? null,
      case_verdict: caseStatus(c),
      robustness: robustnessLabel(c) || null,
      config_modified: c.configModified.length > 0,
    };
    const checks = c.verdict.checks;
    if (!checks.length) {
      rows.push({
        ...base,
        check: c.verdict.statistic,
        check_index: null,
        primary: true,
        status: caseStatus(c),
        band_status: c.verdict.status,
        value: c.verdict.value,
        ci_lo: c.verdict.ci[0],
        ci_hi: c.verdict.ci[1],
        band_lo: c.verdict.band[0],
        band_hi: c.verdict.band[1],
        reason: c.error?.message ?? null,
      });
    }
    checks.forEach((k, i) => {
      rows.push({
        ...base,
        check: k.name,
        check_index: i,
        primary: k.primary,
        status: shownCheckStatus(k),
        band_status: k.status,
        value: k.value,
        ci_lo: k.ci[0],
        ci_hi: k.ci[1],
        band_lo: k.band[0],
        band_hi: k.band[1],
        reason: k.reason || null,
      });
    });
  }
  return rows;
}

/** The one `provenance` row of a run. */
export function provenanceRow(results: Results): TidyRow {
  const p = results.provenance;
  return {
    run_id: results.runId,
    created_at: results.createdAt,
    updated_at: results.updatedAt,
    complete: results.complete,
    profile: results.plan.profile,
    suite_version: p.suiteVersion,
    commit: p.git.commit,
    dirty: p.git.dirty,
    deno: p.deno,
    os: `${p.os} ${p.osRelease}`,
    cpu_model: p.cpuModel,
    cpu_count: p.cpuCount,
    hostname: p.hostname,
    backend: p.backend,
    adapter: p.adapter?.description ?? null,
    adapter_fallback: p.adapter?.isFallbackAdapter ?? null,
    base_seed: results.plan.baseSeed,
    shard: `${results.plan.shard.index}/${results.plan.shard.count}`,
  };
}

/**
 * A generic `runs` breakdown of a measurement for cases that do not declare `tidyRuns`: every
 * numeric leaf, its JSON path as the observable, no seed or grid point, unit unknown.
 */
export function flattenMeasurement(measurement: unknown): TidyRunInput[] {
  const out: TidyRunInput[] = [];
  const stack: [unknown, string][] = [[measurement, ""]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === "number") {
      out.push({ seed: null, point: {}, observable: path || "value", value: v, unit: "" });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`]);
    } else if (v && typeof v === "object") {
      const keys = Object.keys(v as object);
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push([
          (v as Record<string, unknown>)[keys[i]],
          path ? `${path}.${keys[i]}` : keys[i],
        ]);
      }
    }
  }
  return out;
}

/** The columns of the three tables as Markdown, for the docs. */
export function tidyColumnsMarkdown(): string {
  const out: string[] = [];
  for (const [table, cols] of Object.entries(TIDY_TABLES)) {
    out.push(`### \`${table}\``, "", "| column | type | meaning |", "| --- | --- | --- |");
    for (const c of cols) {
      out.push(`| \`${c.name}\` | ${c.type} | ${c.doc.replace(/\|/g, "\\|")} |`);
    }
    out.push("");
  }
  return out.join("\n");
}

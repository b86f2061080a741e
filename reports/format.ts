/**
 * Plain-text formatting shared by the report writers (numbers, intervals, verdict labels,
 * case order, chart file names). Output is unescaped text: each writer escapes it for its
 * own format. Nothing here computes a statistic.
 * @module
 */
import { slug } from "./escape.ts";
import type { CaseResult, Check, Results, Verdict, VerdictStatus } from "./schema.ts";

/** The four verdicts in report order. */
export const STATUSES: readonly VerdictStatus[] = [
  "reproduced",
  "not reproduced",
  "inconclusive",
  "error",
];

/** Emoji-free text markers of the verdicts (Markdown, console). */
export const STATUS_MARKER: Record<VerdictStatus, string> = {
  "reproduced": "[PASS]",
  "not reproduced": "[FAIL]",
  "inconclusive": "[????]",
  "error": "[ERR!]",
};

/** Marker and status text, e.g. `[PASS] reproduced`. */
export function verdictLabel(status: VerdictStatus): string {
  return `${STATUS_MARKER[status]} ${status}`;
}

/** A number for people: 4 significant digits, exponent form when very large or small; null is `n/a`. */
export function fmtNum(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || Number.isNaN(v)) return "n/a";
  if (v === Infinity) return "+inf";
  if (v === -Infinity) return "-inf";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (Number.isInteger(v) && a < 1e7) return String(v);
  if (a >= 1e6 || a < 1e-3) return v.toExponential(digits - 1).replace(/\.?0+e/, "e");
  return String(Number(v.toPrecision(digits)));
}

/** An interval `[lo, hi]`; null ends print as n/a. */
export function fmtInterval(iv: readonly [number | null, number | null]): string {
  return `[${fmtNum(iv[0])}, ${fmtNum(iv[1])}]`;
}

/** A tolerance band `[lo, hi]`; null ends are the open ends -inf/+inf. */
export function fmtBand(band: readonly [number | null, number | null]): string {
  const lo = band[0] === null ? "-inf" : fmtNum(band[0]);
  const hi = band[1] === null ? "+inf" : fmtNum(band[1]);
  return `[${lo}, ${hi}]`;
}

/** `value [lo, hi] in band [a, b]` for a verdict or a check. */
export function fmtStatistic(v: Pick<Verdict | Check, "value" | "ci" | "band">): string {
  return `${fmtNum(v.value)} (95% CI ${fmtInterval(v.ci)}; band ${fmtBand(v.band)})`;
}

/** The headline of a verdict: `statistic = value (95% CI ...; band ...)`. */
export function fmtHeadline(v: Verdict): string {
  if (v.statistic === "none" && v.value === null) return "none";
  return `${v.statistic} = ${fmtStatistic(v)}`;
}

/** A commit for display: its first 12 characters, or `unknown`. */
export function fmtCommit(commit: string | null | undefined): string {
  return commit?.slice(0, 12) ?? "unknown";
}

/** Seconds as `850 ms`, `12.3 s`, `4 min 5 s`. */
export function fmtDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return "n/a";
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 120) return `${Number(seconds.toPrecision(3))} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds - 60 * m)} s`;
}

/** Bytes as GiB/MiB. */
export function fmtBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes <= 0) return "n/a";
  const gib = bytes / 2 ** 30;
  return gib >= 1
    ? `${Number(gib.toPrecision(3))} GiB`
    : `${Number((bytes / 2 ** 20).toPrecision(3))} MiB`;
}

/** A config value as short text (JSON for objects and arrays). */
export function fmtValue(v: unknown): string {
  if (v === undefined) return "";
  if (typeof v === "string") return v;
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "n/a";
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 200 ? s.slice(0, 197) + "..." : s;
}

/** The status that a case shows: a failed case is `error` whatever its verdict says. */
export function caseStatus(c: CaseResult): VerdictStatus {
  return c.status === "error" ? "error" : c.verdict.status;
}

/** The error message of a case in `error` (its error, else its first finding). */
export function caseErrorMessage(c: CaseResult): string {
  return c.error?.message ?? c.verdict.findings[0] ?? "the case failed without a message";
}

/** The headline of a case for its claims-table row: `n/a` for a failed case without a statistic. */
export function fmtCaseHeadline(c: CaseResult): string {
  return caseStatus(c) === "error" && c.verdict.statistic === "none"
    ? "n/a"
    : fmtHeadline(c.verdict);
}

/** The findings a case shows (a failed case's error message is shown on its own, not here). */
export function caseFindings(c: CaseResult): string[] {
  return caseStatus(c) === "error"
    ? c.verdict.findings.filter((f) => f !== caseErrorMessage(c))
    : c.verdict.findings;
}

/**
 * The key findings of a case for its claims-table row, one line each: the error message of a
 * failed case; else the first two findings, `(+n more)`, and the count of failed runs.
 */
export function keyFindings(c: CaseResult): string[] {
  if (caseStatus(c) === "error") return [caseErrorMessage(c)];
  const f = c.verdict.findings;
  const out = f.slice(0, 2);
  if (f.length > 2) out.push(`(+${f.length - 2} more)`);
  if (c.runErrors.length) out.push(`${c.runErrors.length} failed run(s)`);
  return out;
}

/** A cell of a case table as text: empty for a missing value, numbers via {@link fmtNum}. */
export function fmtCell(v: string | number | null | undefined): string {
  return v === null || v === undefined ? "" : typeof v === "number" ? fmtNum(v) : v;
}

/** A table as text: its header and rows, every cell unescaped (each writer escapes it). */
export interface TextTable {
  header: string[];
  rows: string[][];
}

/**
 * The status a check shows: its own for a primary check; `info` for the others, which never
 * carry a verdict badge.
 */
export function shownCheckStatus(k: Pick<Check, "primary" | "status">): VerdictStatus | "info" {
  return k.primary ? k.status : "info";
}

/** The checks of a case; the Verdict column holds the shown status ({@link shownCheckStatus}). */
export function checksTable(c: CaseResult): TextTable {
  return {
    header: ["Check", "Primary", "Verdict", "Value", "95% CI", "Band", "Note"],
    rows: c.verdict.checks.map((k) => [
      k.name,
      k.primary ? "yes" : "no",
      shownCheckStatus(k),
      fmtNum(k.value),
      fmtInterval(k.ci),
      fmtBand(k.band),
      [k.reason ? `inconclusive: ${k.reason}.` : "", k.note].filter(Boolean).join(" "),
    ]),
  };
}

/**
 * The robustness label of a case: `robust`, `depends on <choice>`, or empty when the case
 * declares no alternatives (or failed).
 */
export function robustnessLabel(c: CaseResult): string {
  return caseStatus(c) === "error" ? "" : c.verdict.robustness?.label ?? "";
}

/** `modified config (a, b)` when the user set config fields of this case, else empty. */
export function modifiedLabel(c: CaseResult): string {
  return c.configModified.length ? `modified config (${c.configModified.join(", ")})` : "";
}

/** The labels of a case's verdict for a one-line display: robustness and modified config. */
export function verdictLabels(c: CaseResult): string[] {
  return [robustnessLabel(c), modifiedLabel(c)].filter(Boolean);
}

/** The robustness table of a case: the verdict under each declared alternative of our choices. */
export function robustnessTable(c: CaseResult): TextTable {
  const rows = c.verdict.robustness?.rows ?? [];
  return {
    header: ["Choice", "Value", "", "Evaluated by", "Verdict", "Headline statistic", "95% CI"],
    rows: rows.map((r) => [
      r.choice,
      fmtValue(r.value),
      r.isDefault ? "default" : "alternative",
      r.needs === "judge" ? "re-judging the measurement" : "a run with this value",
      r.status,
      `${r.statistic} = ${fmtNum(r.estimate)}`,
      r.note ? `${fmtInterval(r.ci)} (${r.note})` : fmtInterval(r.ci),
    ]),
  };
}

/** The run errors of a case. */
export function runErrorsTable(c: CaseResult): TextTable {
  return {
    header: ["Run", "Step", "Observable", "Message"],
    rows: c.runErrors.map((e) => [
      e.run,
      e.step === null ? "" : String(e.step),
      e.observable ?? "",
      e.message,
    ]),
  };
}

/** The hyperparameters of a case ({@link paramRows}); the Source column holds the source. */
export function paramsTable(c: CaseResult): TextTable {
  return {
    header: ["Parameter", "Value", "Source", "Note"],
    rows: paramRows(c).map((p) => [p.name, p.value, p.source, p.note]),
  };
}

/** The phase timings of a case. */
export function timingsTable(c: CaseResult): TextTable {
  return {
    header: ["Phase", "Time"],
    rows: Object.entries(c.timings).map(([k, v]) => [k, fmtDuration(v)]),
  };
}

/** One of a case's own tables, at most `maxRows` rows. */
export function dataTable(t: CaseResult["tables"][number], maxRows = Infinity): TextTable {
  return {
    header: t.columns,
    rows: t.rows.slice(0, maxRows).map((r) => t.columns.map((_, i) => fmtCell(r[i]))),
  };
}

/** A run, as the comparison and the history name it. */
export interface RunInfo {
  label: string;
  runId: string;
  createdAt: string;
  commit: string | null;
  backend: string;
  profile: string;
  complete: boolean;
}

/** The {@link RunInfo} of a results document; `label` defaults to its run id. */
export function runInfo(r: Results, label?: string): RunInfo {
  return {
    label: label ?? r.runId,
    runId: r.runId,
    createdAt: r.createdAt,
    commit: r.provenance.git.commit,
    backend: r.provenance.backend,
    profile: r.plan.profile,
    complete: r.complete,
  };
}

/** Case ids in report order: the plan's order first, then any other results, then nothing else. */
export function orderedCaseIds(results: Results): string[] {
  const ids = results.plan.cases.filter((id) => Object.hasOwn(results.cases, id));
  for (const id of Object.keys(results.cases)) if (!ids.includes(id)) ids.push(id);
  return ids;
}

/**
 * Planned cases that have no result yet (an incomplete or interrupted run). In a shard, only the
 * cases it judges itself count: the others are judged in another shard or by `merge`.
 */
export function missingCaseIds(results: Results): string[] {
  const here = results.units && results.plan.shard.count > 1 ? new Set(results.units.cases) : null;
  return results.plan.cases.filter((id) =>
    !Object.hasOwn(results.cases, id) && (here === null || here.has(id))
  );
}

/** Counts of each verdict over the results' cases. */
export function statusCounts(results: Results): Record<VerdictStatus, number> {
  const counts = { "reproduced": 0, "not reproduced": 0, "inconclusive": 0, "error": 0 };
  for (const c of Object.values(results.cases)) counts[caseStatus(c)]++;
  return counts;
}

/**
 * The claims table of a run: a row a case in report order, then a row a planned case without a
 * result. Verdict holds the case's status, or `not run`; Key findings holds its lines
 * ({@link keyFindings}) joined by newlines.
 */
export function claimsTable(results: Results): TextTable {
  const rows = orderedCaseIds(results).map((id) => {
    const c = results.cases[id];
    return [
      id,
      c.paper,
      c.claim,
      caseStatus(c),
      fmtCaseHeadline(c),
      keyFindings(c).join("\n"),
      verdictLabels(c).join("; "),
    ];
  });
  for (const id of missingCaseIds(results)) {
    rows.push([id, "", "", "not run", "n/a", "no result in this document", ""]);
  }
  return {
    header: [
      "Case",
      "Paper",
      "Claim",
      "Verdict",
      "Headline statistic (95% CI; band)",
      "Key findings",
      "Robustness to our choices; config",
    ],
    rows,
  };
}

/**
 * The tally of a run, in report order: each verdict that occurs (`3 reproduced`), then the
 * planned cases without a result (`1 not run`, status `none`).
 */
export function statusTally(
  results: Results,
): { status: VerdictStatus | "none"; label: string }[] {
  const counts = statusCounts(results);
  const out: { status: VerdictStatus | "none"; label: string }[] = STATUSES
    .filter((s) => counts[s] > 0)
    .map((s) => ({ status: s, label: `${counts[s]} ${s}` }));
  const missing = missingCaseIds(results).length;
  if (missing) out.push({ status: "none", label: `${missing} not run` });
  return out;
}

/** The key of a chart within a results document: `<caseId>--<chartId>`. */
export function chartKey(caseId: string, chartId: string): string {
  return `${caseId}--${chartId}`;
}

/** File stem of a chart's files under `charts/`: the chart key with unsafe characters replaced. */
export function chartFileStem(caseId: string, chartId: string): string {
  return slug(chartKey(caseId, chartId));
}

/** The hyperparameter rows of a case: every config key and every declared param, in config order. */
export function paramRows(
  c: CaseResult,
): { name: string; value: string; source: string; note: string }[] {
  const names = [...Object.keys(c.config)];
  for (const k of Object.keys(c.params)) if (!names.includes(k)) names.push(k);
  return names.map((name) => {
    const p = c.params[name];
    return {
      name,
      value: name in c.config ? fmtValue(c.config[name]) : "",
      source: p?.source ?? "undeclared",
      note: p?.note ?? "",
    };
  });
}

/** One-line description of the backend: `webgpu` or `cpu (fallback: reason)`. */
export function fmtBackend(results: Results): string {
  const p = results.provenance;
  const req = p.backendRequested !== p.backend ? ` (requested ${p.backendRequested})` : "";
  return `${p.backend}${req}${p.fallbackReason ? `; fallback: ${p.fallbackReason}` : ""}`;
}

/** One-line description of the WebGPU adapter, or `none`. */
export function fmtAdapter(results: Results): string {
  const a = results.provenance.adapter;
  if (!a) return "none";
  const parts = [a.description, a.vendor, a.architecture, a.device].filter((s) => s !== "");
  const uniq = parts.filter((s, i) => parts.indexOf(s) === i);
  return `${uniq.join(" / ") || "unnamed adapter"}; isFallbackAdapter: ${a.isFallbackAdapter}${
    a.backendHint ? `; backend ${a.backendHint}` : ""
  }`;
}

/** One-line description of the git state. */
export function fmtGit(results: Results): string {
  const g = results.provenance.git;
  if (!g.commit) return "unknown (not a git checkout)";
  const dirty = g.dirty === null ? "" : g.dirty ? ", dirty" : ", clean";
  return `${g.commit}${g.branch ? ` (${g.branch}${dirty})` : dirty ? ` (${dirty.slice(2)})` : ""}`;
}

/** The provenance as label/value pairs, in display order (plain text). */
export function provenanceRows(results: Results): [string, string][] {
  const p = results.provenance;
  const plan = results.plan;
  const seeds = plan.seeds === null ? "profile default" : String(plan.seeds);
  const overrides = Object.keys(plan.overrides).length ? JSON.stringify(plan.overrides) : "none";
  return [
    ["Run id", results.runId],
    ["Suite version", p.suiteVersion],
    ["Git commit", fmtGit(results)],
    ["Deno", `${p.deno} (V8 ${p.v8}, TypeScript ${p.typescript})`],
    ["Backend", fmtBackend(results)],
    ["Adapter", fmtAdapter(results)],
    ["OS", `${p.os} ${p.arch} ${p.osRelease}`],
    [
      "CPU",
      `${p.cpuModel} x ${p.cpuCount}${
        p.cpuWorkers ? `; ${p.cpuWorkers} CPU workers` : ""
      }; memory ${fmtBytes(p.memoryBytes)}`,
    ],
    ["Host", p.hostname],
    ["Profile", plan.profile],
    ["Seeds", `${seeds}; base seed ${plan.baseSeed}`],
    ["Overrides", overrides],
    ["Shard", `${plan.shard.index} of ${plan.shard.count}`],
    ["Command", p.command.join(" ")],
    ["CI", p.ci ? "yes" : "no"],
    ["Created", results.createdAt],
    ["Updated", results.updatedAt],
    ["Complete", results.complete ? "yes" : "no"],
  ];
}

/** Seeds as compact ranges: [0,1,2,3,7,9,10] → "0–3, 7, 9–10". */
export function fmtSeeds(seeds: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < seeds.length;) {
    let j = i;
    while (j + 1 < seeds.length && seeds[j + 1] === seeds[j] + 1) j++;
    out.push(j > i ? `${seeds[i]}–${seeds[j]}` : String(seeds[i]));
    i = j + 1;
  }
  return out.join(", ");
}

const SUPERSCRIPT: Record<string, string> = {
  "0": "⁰",
  "1": "¹",
  "2": "²",
  "3": "³",
  "4": "⁴",
  "5": "⁵",
  "6": "⁶",
  "7": "⁷",
  "8": "⁸",
  "9": "⁹",
  "-": "⁻",
};

/**
 * `base` to the power `k` as a reader writes it: `d` for k = 1, `d³`, `T⁻²`; a non-integer
 * power keeps a caret (`d^1.5`), which has no superscript point.
 */
export function powerText(base: string, k: number): string {
  if (k === 1) return base;
  return Number.isInteger(k)
    ? base + [...String(k)].map((c) => SUPERSCRIPT[c]).join("")
    : `${base}^${k}`;
}

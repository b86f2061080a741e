/**
 * History of many runs (nightlies): every run under a folder, read through DuckDB over the
 * runs' tidy tables ({@link RunStore}), in time order, turned into one series per claim check
 * (value and 95% CI per run, its band and verdict) with the runs where the verdict changed, plus
 * one Vega-Lite trend chart per series. {@link buildHistory} and {@link historyChart} are pure.
 * @module
 */
import type { RunInfo } from "./format.ts";
import type { VerdictStatus } from "./schema.ts";
import type { RunStore } from "./run_store.ts";
import { groupLabel } from "./run_match.ts";
import { BAND_COLOR } from "./charts.ts";

/** A run on the time axis. */
export interface HistoryRun extends RunInfo {
  index: number;
  /** Axis label: `#3 01-02 14:05 abc1234` (month-day hour:minute UTC, short commit). */
  label: string;
  /** The results file it came from. */
  source: string;
}

/** One run's value of a check. */
export interface HistoryPoint {
  run: number;
  status: VerdictStatus;
  value: number | null;
  ci: [number | null, number | null];
  band: [number | null, number | null];
}

/** One check (or a case's overall verdict, `check === null`) over the runs. */
export interface HistorySeries {
  caseId: string;
  /** The check's name. */
  check: string;
  /**
   * The profile and case version of its runs, e.g. `profile quick, case v1`: runs of another
   * profile or case version measure another statistic and form a separate series.
   */
  group: string;
  primary: boolean;
  points: HistoryPoint[];
  /** Runs where the status differs from the previous run that has this check. */
  changes: { run: number; from: VerdictStatus; to: VerdictStatus }[];
}

/** The whole history. */
export interface History {
  runs: HistoryRun[];
  /** Case ids in first-seen order. */
  cases: string[];
  /** Each case's verdict per run index (absent = not in that run). */
  verdicts: Record<string, Record<number, VerdictStatus>>;
  series: HistorySeries[];
  /** Visible notes: cases whose runs were split into separate series (profiles, versions). */
  notes: string[];
  /** Files skipped (unreadable, not a results document, duplicates). */
  skipped: string[];
}

/** A run's label on a trend chart's time axis: `#3 01-02 14:05 abc1234`. */
export function runAxisLabel(index: number, createdAt: string, commit: string | null): string {
  return `#${index + 1} ${createdAt.replace("T", " ").slice(5, 16)} ${
    commit?.slice(0, 7) ?? "no-git"
  }`;
}

/** Fill `s.changes`: the points (in run order) whose status differs from the previous one. */
export function markStatusChanges(s: Pick<HistorySeries, "points" | "changes">): void {
  for (let j = 1; j < s.points.length; j++) {
    const p = s.points[j - 1], q = s.points[j];
    if (p.status !== q.status) s.changes.push({ run: q.run, from: p.status, to: q.status });
  }
}

const STATUSES: ReadonlySet<string> = new Set([
  "reproduced",
  "not reproduced",
  "inconclusive",
  "error",
]);

/** A status read from a table as one of the four verdicts (anything else: inconclusive). */
export function asStatus(s: string): VerdictStatus {
  return (STATUSES.has(s) ? s : "inconclusive") as VerdictStatus;
}

/** The runs of a store, in time order, as the trend charts name them. */
export function historyRuns(store: RunStore): HistoryRun[] {
  return store.runs.map((r) => ({
    index: r.index,
    label: runAxisLabel(r.index, r.createdAt, r.commit),
    runId: r.runId,
    createdAt: r.createdAt,
    commit: r.commit,
    backend: r.backend,
    profile: r.profile,
    complete: r.complete,
    source: r.source,
  }));
}

/** The group of the series joined across profiles and case versions by `--allow-mismatch`. */
export const MIXED_GROUP = "profiles and case versions mixed (--allow-mismatch)";

/**
 * One series per check of the store's runs (already one copy of each run, in time order): each
 * case's checks by name (a repeated name in one verdict becomes `name #2`), separate series per
 * profile and case version unless `allowMismatch`, verdict changes marked, and a note for each
 * case whose runs were split (or, with `allowMismatch`, joined).
 */
export function buildHistory(store: RunStore, opts: { allowMismatch?: boolean } = {}): History {
  const runs = historyRuns(store);
  const cases: string[] = [];
  const verdicts: History["verdicts"] = {};
  const byKey = new Map<string, HistorySeries>();
  const groups = new Map<string, string[]>();
  // repeated check names within one case of one run: `name`, `name #2`, ...
  let names = new Map<string, number>(), at = "";
  for (const k of store.checks) {
    const id = k.caseId;
    if (!cases.includes(id)) cases.push(id);
    (verdicts[id] ??= {})[k.run] = asStatus(k.caseVerdict);
    const real = groupLabel(k.profile, k.caseVersion);
    const seen = groups.get(id) ?? [];
    if (!seen.includes(real)) groups.set(id, [...seen, real]);
    if (k.checkIndex === null) continue; // a case without checks: its verdict only
    if (at !== `${k.run}\u0000${id}`) names = new Map(), at = `${k.run}\u0000${id}`;
    const n = names.get(k.check) ?? 0;
    names.set(k.check, n + 1);
    const name = n ? `${k.check} #${n + 1}` : k.check;
    const group = opts.allowMismatch ? MIXED_GROUP : real;
    const key = `${id}\u0000${group}\u0000${name}`;
    let series = byKey.get(key);
    if (!series) {
      series = { caseId: id, check: name, group, primary: k.primary, points: [], changes: [] };
      byKey.set(key, series);
    }
    series.primary ||= k.primary;
    series.points.push({
      run: k.run,
      status: k.caseVerdict === "error" ? "error" : asStatus(k.bandStatus),
      value: k.value,
      ci: [k.ciLo, k.ciHi],
      band: [k.bandLo, k.bandHi],
    });
  }
  const series = [...byKey.values()].sort((a, b) =>
    cases.indexOf(a.caseId) - cases.indexOf(b.caseId)
  );
  for (const s of series) markStatusChanges(s);
  const notes = cases.flatMap((id) => {
    const g = groups.get(id) ?? [];
    if (g.length < 2) return [];
    return opts.allowMismatch
      ? [
        `${id}: runs of ${g.join("; ")} are joined into one series (--allow-mismatch): their ` +
        "values are different statistics, and a verdict change across them is no regression",
      ]
      : [
        `${id}: runs of ${g.join("; ")} are separate series (another profile or case version ` +
        "is another statistic: not paired, no verdict change across them)",
      ];
  });
  return { runs, cases, verdicts, series, notes, skipped: [...store.skipped] };
}

/** Colours of the verdicts (as in the HTML report). */
export const STATUS_COLORS: Record<VerdictStatus, string> = {
  "reproduced": "#1a7f37",
  "not reproduced": "#cf222e",
  "inconclusive": "#9a6700",
  "error": "#8250df",
};

const fin = (x: number | null): x is number => x !== null && Number.isFinite(x);

/**
 * The trend chart of one series: per run (x, in time order) the value as a point coloured by
 * its verdict, the 95% CI as an error bar, the band shaded, and a dashed rule labelled with
 * the new verdict wherever it changed. Non-finite values are drawn as triangles at the finite
 * CI end; open CI or band ends are drawn to the plot's edge.
 */
export function historyChart(s: HistorySeries, runs: HistoryRun[]): Record<string, unknown> {
  const finite = s.points.flatMap((p) => [p.value, p.ci[0], p.ci[1], p.band[0], p.band[1]])
    .filter(fin);
  const min = finite.length ? Math.min(...finite) : 0;
  const max = finite.length ? Math.max(...finite) : 1;
  const pad = (max - min) * 0.08 || Math.abs(max) * 0.1 || 1;
  const lo = min - pad, hi = max + pad;
  const rows = s.points.map((p) => {
    const r = runs[p.run];
    const shown = fin(p.value) ? p.value : fin(p.ci[0]) ? p.ci[0] : fin(p.ci[1]) ? p.ci[1] : null;
    return {
      run: r.label,
      runId: r.runId,
      commit: r.commit ?? "unknown",
      status: p.status,
      value: fin(p.value) ? p.value : null,
      shown,
      censored: !fin(p.value),
      valueText: fin(p.value) ? String(Number(p.value.toPrecision(4))) : "non-finite",
      ciLo: p.ci[0] ?? lo,
      ciHi: p.ci[1] ?? hi,
      ciText: `[${p.ci[0] ?? "-inf"}, ${p.ci[1] ?? "+inf"}]`,
      bandLo: p.band[0] ?? lo,
      bandHi: p.band[1] ?? hi,
      bandText: `[${p.band[0] ?? "-inf"}, ${p.band[1] ?? "+inf"}]`,
    };
  });
  const order = runs.map((r) => r.label);
  const x = {
    field: "run",
    type: "ordinal",
    sort: order,
    title: "run (time order)",
    axis: { labelAngle: -35, labelLimit: 400 },
  };
  const y = {
    type: "quantitative",
    scale: { domain: [lo, hi], zero: false, nice: false },
    title: "value (95% CI)",
  };
  const statusColor = {
    field: "status",
    type: "nominal",
    title: "verdict",
    scale: { domain: Object.keys(STATUS_COLORS), range: Object.values(STATUS_COLORS) },
  };
  const tooltip = [
    { field: "runId" },
    { field: "commit" },
    { field: "status" },
    { field: "valueText", title: "value" },
    { field: "ciText", title: "95% CI" },
    { field: "bandText", title: "band" },
  ];
  // labels of changes at nearby runs would overprint: three rows, in turn; in the right half
  // of the runs a label reads leftwards of its rule (it would run into the legend)
  const changes = s.changes.map((c, i) => ({
    run: runs[c.run].label,
    label: `→ ${c.to}`,
    to: c.to,
    py: 2 + 13 * (i % 3),
    right: c.run >= runs.length / 2,
  }));
  const layer: Record<string, unknown>[] = [
    {
      mark: { type: "bar", opacity: 0.12, width: { band: 0.9 } },
      encoding: {
        x,
        y: { ...y, field: "bandLo" },
        y2: { field: "bandHi" },
        fill: {
          datum: "tolerance band",
          type: "nominal",
          scale: { range: [BAND_COLOR] },
          legend: { title: null, symbolType: "square", symbolOpacity: 0.3 },
        },
      },
    },
    {
      mark: { type: "line", color: "#8c959f", strokeWidth: 1 },
      encoding: { x, y: { ...y, field: "value" } },
    },
    {
      mark: { type: "errorbar", ticks: true, color: "#57606a" },
      encoding: { x, y: { ...y, field: "ciLo" }, y2: { field: "ciHi" } },
    },
    {
      mark: { type: "point", filled: true, size: 70, opacity: 1 },
      encoding: {
        x,
        y: { ...y, field: "shown" },
        color: statusColor,
        shape: {
          field: "censored",
          type: "nominal",
          title: "value",
          scale: { domain: [false, true], range: ["circle", "triangle-up"] },
          legend: {
            labelExpr: "datum.label === 'true' ? 'non-finite (at CI end)' : 'finite'",
            labelLimit: 400,
          },
        },
        tooltip,
      },
    },
  ];
  if (changes.length) {
    layer.push(
      {
        data: { values: changes },
        mark: { type: "rule", strokeDash: [4, 3], strokeWidth: 1.5 },
        encoding: { x, color: { ...statusColor, field: "to" } },
      },
      ...[false, true].filter((right) => changes.some((c) => c.right === right)).map((right) => ({
        data: { values: changes.filter((c) => c.right === right) },
        mark: {
          type: "text",
          align: right ? "right" : "left",
          dx: right ? -4 : 4,
          fontSize: 10,
          baseline: "top",
        },
        encoding: {
          x,
          y: { field: "py", type: "quantitative", scale: null },
          text: { field: "label" },
          color: { ...statusColor, field: "to" },
        },
      })),
    );
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: {
      text: s.check,
      subtitle: `${s.caseId} · ${s.group}${s.primary ? " · primary" : ""}`,
    },
    data: { values: rows },
    width: Math.max(260, Math.min(900, 60 * runs.length)),
    height: 200,
    layer,
  };
}

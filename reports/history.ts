/**
 * History of many runs (nightlies): every results document under a folder, ordered by
 * `createdAt`, turned into one series per claim check (value and 95% CI per run, its band and
 * verdict) with the runs where the verdict changed, plus one Vega-Lite trend chart per
 * series. Loading is in {@link loadHistoryRuns}; {@link buildHistory} and
 * {@link historyChart} are pure.
 * @module
 */
import { join } from "node:path";
import { caseStatus, type RunInfo, runInfo } from "./format.ts";
import { readRegularTextFile } from "./safe_json.ts";
import { STAGING_PREFIX } from "./staged_dir.ts";
import { parseResults, type Results, ResultsFileError, type VerdictStatus } from "./schema.ts";
import { seriesGroup } from "./run_match.ts";

/** A run found on disk. */
export interface HistoryInput {
  source: string;
  results: Results;
}

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

/** Folders never searched for runs (dependencies, git, chart outputs). */
export const SKIP_DIRS: ReadonlySet<string> = new Set([
  "node_modules",
  ".git",
  "charts",
  "compare-charts",
  "history-charts",
]);

/**
 * Every claimbench results document under `dir` (recursively: `*.json` files whose content
 * declares `"schema": "claimbench.results"`), and the ones skipped with the reason. A JSON file
 * of another kind is ignored silently; a corrupt or invalid results document is skipped with
 * its error.
 */
export async function loadHistoryRuns(
  dir: string,
): Promise<{ inputs: HistoryInput[]; skipped: string[] }> {
  const inputs: HistoryInput[] = [];
  const skipped: string[] = [];
  const walk = async (d: string): Promise<void> => {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(d));
    } catch (e) {
      if (d === dir) {
        throw new ResultsFileError(`cannot read ${dir}: ${e instanceof Error ? e.message : e}`);
      }
      skipped.push(`${d}: ${e instanceof Error ? e.message : e}`);
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory && !SKIP_DIRS.has(e.name) && !e.name.startsWith(STAGING_PREFIX)) {
        await walk(p);
      } else if (e.isFile && e.name.endsWith(".json") && !e.name.endsWith(".vl.json")) {
        const text = await readRegularTextFile(p).catch(() => "");
        if (!/"schema"\s*:\s*"claimbench\.results"/.test(text.slice(0, 4096))) {
          if (e.name === "results.json") skipped.push(`${p}: not a claimbench results document`);
          continue;
        }
        try {
          inputs.push({ source: p, results: parseResults(text, p) });
        } catch (err) {
          skipped.push(err instanceof Error ? err.message.split("\n")[0] : String(err));
        }
      }
    }
  };
  await walk(dir);
  return { inputs, skipped };
}

/** A run's label on a trend chart's time axis: `#3 01-02 14:05 abc1234`. */
export function runAxisLabel(index: number, createdAt: string, commit: string | null): string {
  return `#${index + 1} ${createdAt.replace("T", " ").slice(5, 16)} ${
    commit?.slice(0, 7) ?? "no-git"
  }`;
}

function runLabel(i: number, r: Results): string {
  return runAxisLabel(i, r.createdAt, r.provenance.git.commit);
}

/** Fill `s.changes`: the points (in run order) whose status differs from the previous one. */
export function markStatusChanges(s: Pick<HistorySeries, "points" | "changes">): void {
  for (let j = 1; j < s.points.length; j++) {
    const p = s.points[j - 1], q = s.points[j];
    if (p.status !== q.status) s.changes.push({ run: q.run, from: p.status, to: q.status });
  }
}

/**
 * Order runs by `createdAt` (then run id), drop duplicates (the same run saved twice, e.g. as a
 * baseline: same run id, createdAt and updatedAt), and build one series per check.
 */
export function buildHistory(inputs: HistoryInput[]): History {
  const skipped: string[] = [];
  const sorted = [...inputs].sort((a, b) =>
    a.results.createdAt.localeCompare(b.results.createdAt) ||
    a.results.runId.localeCompare(b.results.runId) || a.source.localeCompare(b.source)
  );
  const seen = new Map<string, string>();
  const kept: HistoryInput[] = [];
  for (const s of sorted) {
    const key = `${s.results.runId}|${s.results.createdAt}|${s.results.updatedAt}`;
    const prev = seen.get(key);
    if (prev !== undefined) {
      skipped.push(`${s.source}: the same run as ${prev} (kept once)`);
      continue;
    }
    seen.set(key, s.source);
    kept.push(s);
  }
  const runs: HistoryRun[] = kept.map((s, i) => ({
    index: i,
    ...runInfo(s.results, runLabel(i, s.results)),
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
      const seen = groups.get(id) ?? [];
      if (!seen.includes(group)) groups.set(id, [...seen, group]);
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
  for (const s of series) markStatusChanges(s);
  const notes = cases.flatMap((id) => {
    const g = groups.get(id) ?? [];
    return g.length > 1
      ? [
        `${id}: runs of ${g.join("; ")} are separate series (another profile or case version ` +
        "is another statistic: not paired, no verdict change across them)",
      ]
      : [];
  });
  return { runs, cases, verdicts, series, notes, skipped };
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
  const changes = s.changes.map((c) => ({ run: runs[c.run].label, label: `→ ${c.to}`, to: c.to }));
  const layer: Record<string, unknown>[] = [
    {
      mark: { type: "bar", opacity: 0.12, color: "#2a9d8f", width: { band: 0.9 } },
      encoding: { x, y: { ...y, field: "bandLo" }, y2: { field: "bandHi" } },
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
      {
        data: { values: changes },
        mark: { type: "text", align: "left", dx: 4, dy: 10, fontSize: 10, baseline: "top" },
        encoding: {
          x,
          y: { value: 0 },
          text: { field: "label" },
          color: { ...statusColor, field: "to" },
        },
      },
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

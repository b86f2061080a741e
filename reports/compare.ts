/**
 * Compare two runs (A = before/baseline, B = after): per claim, each check's change B − A
 * with a 95% CI, verdict changes, provenance differences, and a regression gate that fires
 * only when a change clears the noise. Pure: two results documents in, a {@link Comparison}
 * out; the writers (`compare_md.ts`, `compare_html.ts`) only render it.
 *
 * Method (also written into every comparison, see {@link COMPARE_METHOD}):
 * - The results store, per check, a point estimate and a 95% CI, not the raw bootstrap
 *   resamples, and each case's per-seed measurement has a case-specific layout that is not
 *   re-analysed here. So the CI of a change is built from the two stored CIs.
 * - Both values finite: MOVER (Zou & Donner 2008) — lower = d − √((b−b_lo)² + (a_hi−a)²),
 *   upper = d + √((b_hi−b)² + (a−a_lo)²). Near-exact for independent runs (different seeds
 *   or machines); conservative (too wide) when the runs share seeds, whose estimates are
 *   positively correlated.
 * - A value non-finite (stored as null, e.g. a crossing beyond the grid): no point change;
 *   the change's interval is the Minkowski difference [b_lo − a_hi, b_hi − a_lo] of the
 *   CIs. It covers the change whenever both CIs cover. JSON stores ±∞ as null, so a null CI
 *   end is read as −∞ or +∞ as the recorded verdict against the band requires
 *   ({@link ciReadings}); the change is significant only if every such reading excludes 0.
 * - Regression gate (like asv and criterion.rs: significant AND larger than a threshold):
 *   a primary check's verdict got worse (reproduced → inconclusive → not reproduced) AND
 *   the change's CI excludes 0 AND |change| > threshold; or the check/case ended in
 *   `error` in B but not in A; or the check's tolerance band itself changed and the verdict
 *   got worse (the claim was judged against a different tolerance: not noise). Default
 *   threshold: 10% of the band's width when both band ends are finite, else 10% of |A's
 *   value|, else 0; overridable per case (absolute, or a percentage).
 * @module
 */
import { caseStatus, orderedCaseIds, type RunInfo, runInfo } from "./format.ts";
import { type OverlayMode, overlaySpecs } from "./compare_charts.ts";
import { globMatch } from "./glob.ts";
import { safeSpec } from "./sanitize_spec.ts";
import type { CaseResult, Check, Results, VerdictStatus } from "./schema.ts";

/** A per-case regression threshold: an absolute change, or a fraction of the scale. */
export type Threshold =
  | { kind: "absolute"; value: number }
  | { kind: "relative"; fraction: number };

/** The default threshold: 10% of the band width (or of |A value|). */
export const DEFAULT_THRESHOLD: Threshold = { kind: "relative", fraction: 0.1 };

/** Options of {@link compareResults}. */
export interface CompareOptions {
  /**
   * Thresholds by case id or glob (`*`, `?`); the first matching entry wins, in insertion
   * order; unmatched cases use {@link DEFAULT_THRESHOLD}.
   */
  thresholds?: Record<string, Threshold>;
  /** Short labels of the two runs in charts and tables (default "A" and "B"). */
  labels?: { a?: string; b?: string };
}

/** The change B − A of one statistic. Null ends of `ci` are −∞/+∞; null `value` = unknown. */
export interface Change {
  value: number | null;
  ci: [number | null, number | null];
  /** `mover` (both values finite), `interval` (a value non-finite), `none` (one side missing). */
  method: "mover" | "interval" | "none";
  /** The CI excludes 0. */
  significant: boolean;
  /** |change| (or, when unknown, the CI's distance from 0) exceeds the threshold. */
  material: boolean;
  /** The threshold applied (absolute units of the statistic). */
  threshold: number;
  /** How the threshold was derived, e.g. `10% of band width 1.5`. */
  thresholdNote: string;
  /** A caveat on reading the change (non-finite values), or "". */
  note: string;
}

/** One check (or a case's headline) in A and B. */
export interface CheckComparison {
  name: string;
  primary: boolean;
  a: Check | null;
  b: Check | null;
  change: Change;
  bandChanged: boolean;
  /** Verdict movement: `worse`, `better`, `same`, `added` (only in B), `removed` (only in A). */
  movement: "worse" | "better" | "same" | "added" | "removed";
  regression: boolean;
  /** Why it is (or is not) a regression, in one sentence. */
  reason: string;
}

/** One provenance field that differs. */
export interface FieldDiff {
  field: string;
  a: string;
  b: string;
}

/** One case in A and B. */
export interface CaseComparison {
  id: string;
  paper: string;
  claim: string;
  inA: boolean;
  inB: boolean;
  statusA: VerdictStatus | null;
  statusB: VerdictStatus | null;
  movement: CheckComparison["movement"];
  /** The headline statistic (the verdict's own value, CI and band). */
  headline: CheckComparison | null;
  checks: CheckComparison[];
  /** Case-level differences: version, config hash, seeds, backend, profile. */
  differences: FieldDiff[];
  /** Whether the raw measurements are byte-identical, and what that means here. */
  measurement: { identical: boolean | null; note: string };
  regression: boolean;
  /** One line per regression of this case. */
  reasons: string[];
  /** Lines worth reading that do not fail the gate (noise-level verdict changes, ...). */
  notes: string[];
  /** The case's charts with both runs in one spec (see `compare_charts.ts`). */
  charts: ChartComparison[];
}

/** A chart of both runs. */
export interface ChartComparison {
  id: string;
  title: string;
  mode: OverlayMode;
  /** How to read it (which run is faded, or why it is side by side). */
  note: string;
  spec: Record<string, unknown>;
}

export type { RunInfo };

/** The comparison of two runs. */
export interface Comparison {
  a: RunInfo;
  b: RunInfo;
  cases: CaseComparison[];
  /** Run-level provenance and plan differences. */
  provenance: FieldDiff[];
  /** Every regression, one line each (`<case>: <reason>`); the gate fails when non-empty. */
  regressions: string[];
  /** Run-level notes (incomplete runs, cases only in one run). */
  notes: string[];
  /** How changes and the gate are computed (plain text). */
  method: string;
}

/** The method, as written into every comparison. */
export const COMPARE_METHOD = [
  "Changes are B − A. Results keep each check's estimate and 95% CI, not raw resamples, and " +
  "per-seed measurements have case-specific layouts that are not re-analysed here, so the CI " +
  "of a change is built from the two stored CIs.",
  "Both values finite: MOVER (Zou & Donner 2008): d − √((b−b_lo)² + (a_hi−a)²) to " +
  "d + √((b_hi−b)² + (a−a_lo)²) — near-exact for independent runs, conservative (wider) when " +
  "the runs share seeds.",
  "A value non-finite (∞ or undefined, stored as null): no point change; the interval is " +
  "[b_lo − a_hi, b_hi − a_lo], which covers the change whenever both CIs do. JSON stores ±∞ " +
  "as null, so a null CI end is read as −∞ or +∞ as the recorded verdict against the band " +
  "requires; the change counts as significant only if every such reading excludes 0.",
  "Regression = a primary check's verdict got worse (reproduced → inconclusive → not " +
  "reproduced) AND the change's CI excludes 0 AND |change| > threshold; or a check/case ends " +
  "in error in B but not in A; or the check's tolerance band changed and its verdict got " +
  "worse. Verdict changes inside the noise are listed, never failed.",
  "Default threshold: 10% of the band width when both band ends are finite, else 10% of " +
  "|A value|, else 0 (any significant change); override per case with --threshold " +
  "<case|glob>=<number|percent>.",
].join("\n");

const RANK: Record<VerdictStatus, number> = {
  "reproduced": 0,
  "inconclusive": 1,
  "not reproduced": 2,
  "error": 3,
};

/** The threshold for `caseId`: the first matching entry of `thresholds`, else the default. */
export function thresholdFor(
  caseId: string,
  thresholds: Record<string, Threshold> = {},
): Threshold {
  if (Object.hasOwn(thresholds, caseId)) return thresholds[caseId];
  for (const [k, t] of Object.entries(thresholds)) if (globMatch(k, caseId)) return t;
  return DEFAULT_THRESHOLD;
}

const fin = (x: number | null | undefined): x is number =>
  typeof x === "number" && Number.isFinite(x);
const lo = (x: number | null) => (x === null ? -Infinity : x);
const hi = (x: number | null) => (x === null ? Infinity : x);
const store = (x: number) => (Number.isFinite(x) ? x : null);
const short = (x: number) => String(Number(x.toPrecision(3)));

/** The absolute threshold for a check, from the rule and A's band/value. */
export function resolveThreshold(
  t: Threshold,
  a: Pick<Check, "value" | "band"> | null,
): { value: number; note: string } {
  if (t.kind === "absolute") return { value: t.value, note: `absolute ${short(t.value)}` };
  const pct = `${short(100 * t.fraction)}%`;
  if (a && fin(a.band[0]) && fin(a.band[1]) && a.band[1] > a.band[0]) {
    const w = a.band[1] - a.band[0];
    return { value: t.fraction * w, note: `${pct} of band width ${short(w)}` };
  }
  if (a && fin(a.value) && a.value !== 0) {
    return { value: t.fraction * Math.abs(a.value), note: `${pct} of |A| = ${short(a.value)}` };
  }
  return { value: 0, note: "0 (no finite band width or A value to scale by)" };
}

type Est = Pick<Check, "value" | "ci"> & Partial<Pick<Check, "status" | "band">>;

/**
 * The numeric CIs a stored check may stand for. JSON keeps ±∞ and NaN all as null, so a null
 * CI end may be −∞ or +∞; the readings kept are those consistent with the recorded status
 * against the band (reproduced: CI inside the band; not reproduced: entirely outside). With
 * no consistent reading (a forced status, NaN), the unbounded one: null lo = −∞, hi = +∞.
 */
export function ciReadings(c: Est): [number, number][] {
  const [l, h] = c.ci;
  const unbounded: [number, number] = [lo(l), hi(h)];
  if ((l !== null && h !== null) || fin(c.value) || !c.status || !c.band) return [unbounded];
  const ends = (x: number | null) => (x === null ? [-Infinity, Infinity] : [x]);
  const bLo = lo(c.band[0]), bHi = hi(c.band[1]);
  const out: [number, number][] = [];
  for (const x of ends(l)) {
    for (const y of ends(h)) {
      if (x > y) continue;
      const st = x >= bLo && y <= bHi
        ? "reproduced"
        : y < bLo || x > bHi
        ? "not reproduced"
        : "inconclusive";
      if (st === c.status) out.push([x, y]);
    }
  }
  // inconclusive may also stand for a NaN end: the unbounded reading
  if (c.status === "inconclusive" && !out.some(([x, y]) => x === -Infinity && y === Infinity)) {
    out.push(unbounded);
  }
  return out.length ? out : [unbounded];
}

/**
 * The change B − A of two estimates with 95% CIs (see the module doc for the method).
 *
 * @example
 * ```ts
 * import { changeOf } from "./compare.ts";
 * const c = changeOf(
 *   { value: 1, ci: [0.9, 1.1] },
 *   { value: 2, ci: [1.9, 2.1] },
 *   { value: 0.1, note: "absolute 0.1" },
 * );
 * c.significant && c.material; // true: CI ≈ [0.86, 1.14]
 * ```
 */
export function changeOf(
  a: Est | null,
  b: Est | null,
  threshold: { value: number; note: string },
): Change {
  const base = { threshold: threshold.value, thresholdNote: threshold.note, note: "" };
  if (!a || !b) {
    return {
      value: null,
      ci: [null, null],
      method: "none",
      significant: false,
      material: false,
      ...base,
    };
  }
  if (fin(a.value) && fin(b.value)) {
    const d = b.value - a.value;
    const bDown = Math.max(0, b.value - lo(b.ci[0])), bUp = Math.max(0, hi(b.ci[1]) - b.value);
    const aDown = Math.max(0, a.value - lo(a.ci[0])), aUp = Math.max(0, hi(a.ci[1]) - a.value);
    const L = d - Math.hypot(bDown, aUp), U = d + Math.hypot(bUp, aDown);
    const significant = L > 0 || U < 0;
    return {
      value: d,
      ci: [store(L), store(U)],
      method: "mover",
      significant,
      material: significant && Math.abs(d) > threshold.value,
      ...base,
    };
  }
  // A value is non-finite: Minkowski difference of the CIs, over every consistent reading of
  // their null ends; significant only when every reading excludes 0.
  let L = Infinity, U = -Infinity, significant = true, magnitude = Infinity;
  for (const [al, ah] of ciReadings(a)) {
    for (const [bl, bh] of ciReadings(b)) {
      let x = bl - ah, y = bh - al;
      if (Number.isNaN(x)) x = -Infinity;
      if (Number.isNaN(y)) y = Infinity;
      L = Math.min(L, x);
      U = Math.max(U, y);
      const excludes = x > 0 || y < 0;
      significant &&= excludes;
      magnitude = Math.min(magnitude, excludes ? Math.min(Math.abs(x), Math.abs(y)) : 0);
    }
  }
  const note = significant && L <= 0 && U >= 0
    ? "a non-finite change of unknown sign: JSON keeps ±∞ as null; every reading of the null " +
      "CI ends consistent with the recorded verdicts excludes 0"
    : "a value is non-finite (null): interval from the two CIs, no point change";
  return {
    value: null,
    ci: [store(L), store(U)],
    method: "interval",
    significant,
    material: significant && magnitude > threshold.value,
    ...base,
    note,
  };
}

const sameBand = (a: Check["band"], b: Check["band"]) => a[0] === b[0] && a[1] === b[1];

function fmtBandShort(b: Check["band"]): string {
  return `[${b[0] === null ? "-inf" : short(b[0])}, ${b[1] === null ? "+inf" : short(b[1])}]`;
}

/** A change as text: `+0.12 (95% CI [0.05, 0.19])`; non-finite changes say so. */
export function fmtChange(c: Change): string {
  if (c.method === "none") return "n/a";
  const e = (x: number | null, inf: string) => (x === null ? inf : short(x));
  const v = c.value === null ? "non-finite" : `${c.value >= 0 ? "+" : ""}${short(c.value)}`;
  const ci = c.significant && (c.ci[0] ?? -Infinity) <= 0 && (c.ci[1] ?? Infinity) >= 0
    ? "sign unknown, every reading excludes 0"
    : `95% CI [${e(c.ci[0], "-inf")}, ${e(c.ci[1], "+inf")}]`;
  return `${v} (${ci})`;
}

/** Compare one check (or headline) of A and B and apply the gate. */
export function compareCheck(
  name: string,
  a: Check | null,
  b: Check | null,
  t: Threshold,
): CheckComparison {
  const primary = (a?.primary ?? false) || (b?.primary ?? false);
  const change = changeOf(a, b, resolveThreshold(t, a ?? b));
  const bandChanged = !!a && !!b && !sameBand(a.band, b.band);
  const out: CheckComparison = {
    name,
    primary,
    a,
    b,
    change,
    bandChanged,
    movement: "same",
    regression: false,
    reason: "",
  };
  if (!a || !b) {
    out.movement = a ? "removed" : "added";
    out.reason = a ? "only in A (check renamed or removed)" : "only in B (new check)";
    return out;
  }
  const ra = RANK[a.status], rb = RANK[b.status];
  out.movement = rb > ra ? "worse" : rb < ra ? "better" : "same";
  const moved = `${a.status} → ${b.status}`;
  if (out.movement !== "worse") {
    out.reason = out.movement === "better"
      ? `improved: ${moved}`
      : change.significant && change.material
      ? `verdict unchanged (${b.status}); change ${fmtChange(change)} is significant`
      : `verdict unchanged (${b.status})`;
    return out;
  }
  if (!primary) {
    out.reason = `${moved} on a secondary check (informational, never gated)`;
    return out;
  }
  if (b.status === "error") {
    out.regression = true;
    out.reason = `${moved}: the check ended in error`;
  } else if (bandChanged) {
    out.regression = true;
    out.reason = `${moved}: the tolerance band changed from ${fmtBandShort(a.band)} to ${
      fmtBandShort(b.band)
    } (not noise: the claim is judged against a different tolerance)`;
  } else if (change.significant && change.material) {
    out.regression = true;
    out.reason = `${moved}; change ${fmtChange(change)}: significant (its CI excludes 0) and ` +
      `larger than the threshold ${short(change.threshold)} (${change.thresholdNote})`;
  } else {
    out.reason = `${moved}, but within noise: change ${fmtChange(change)} ${
      change.significant
        ? `is below the threshold ${short(change.threshold)} (${change.thresholdNote})`
        : "has a CI that includes 0"
    }`;
  }
  return out;
}

/** Pair checks by name (repeated names by their occurrence), A's order first. */
function pairChecks(a: Check[], b: Check[]): [string, Check | null, Check | null][] {
  const key = (list: Check[]) => {
    const seen = new Map<string, number>();
    return list.map((c) => {
      const n = seen.get(c.name) ?? 0;
      seen.set(c.name, n + 1);
      return n ? `${c.name}#${n + 1}` : c.name;
    });
  };
  const ka = key(a), kb = key(b);
  const out: [string, Check | null, Check | null][] = ka.map((k, i) => {
    const j = kb.indexOf(k);
    return [k, a[i], j >= 0 ? b[j] : null];
  });
  kb.forEach((k, j) => {
    if (!ka.includes(k)) out.push([k, null, b[j]]);
  });
  return out;
}

function headlineCheck(c: CaseResult): Check | null {
  const v = c.verdict;
  if (c.status === "error" && v.statistic === "none") return null;
  return {
    name: v.statistic,
    status: caseStatus(c),
    value: v.value,
    ci: v.ci,
    band: v.band,
    primary: true,
    note: "",
    reason: "",
  };
}

const str = (v: unknown) =>
  v === null || v === undefined ? "none" : typeof v === "string" ? v : JSON.stringify(v);

function diffFields(pairs: [string, unknown, unknown][]): FieldDiff[] {
  return pairs.filter(([, a, b]) => str(a) !== str(b)).map(([field, a, b]) => ({
    field,
    a: str(a),
    b: str(b),
  }));
}

/** Run-level provenance and plan differences. */
export function provenanceDiff(a: Results, b: Results): FieldDiff[] {
  const pa = a.provenance, pb = b.provenance;
  const ad = (r: Results) => r.provenance.adapter;
  return diffFields([
    ["suite version", pa.suiteVersion, pb.suiteVersion],
    ["git commit", pa.git.commit, pb.git.commit],
    ["git dirty", pa.git.dirty, pb.git.dirty],
    ["git branch", pa.git.branch, pb.git.branch],
    ["deno", pa.deno, pb.deno],
    ["v8", pa.v8, pb.v8],
    ["typescript", pa.typescript, pb.typescript],
    ["os", `${pa.os} ${pa.arch} ${pa.osRelease}`, `${pb.os} ${pb.arch} ${pb.osRelease}`],
    ["cpu", `${pa.cpuModel} x ${pa.cpuCount}`, `${pb.cpuModel} x ${pb.cpuCount}`],
    ["host", pa.hostname, pb.hostname],
    ["backend requested", pa.backendRequested, pb.backendRequested],
    ["backend", pa.backend, pb.backend],
    ["fallback reason", pa.fallbackReason, pb.fallbackReason],
    ["adapter", ad(a)?.description ?? null, ad(b)?.description ?? null],
    [
      "adapter vendor/architecture",
      ad(a) ? `${ad(a)!.vendor}/${ad(a)!.architecture}` : null,
      ad(b) ? `${ad(b)!.vendor}/${ad(b)!.architecture}` : null,
    ],
    [
      "adapter isFallbackAdapter",
      ad(a)?.isFallbackAdapter ?? null,
      ad(b)?.isFallbackAdapter ?? null,
    ],
    ["adapter backend", ad(a)?.backendHint ?? null, ad(b)?.backendHint ?? null],
    ["CI", pa.ci, pb.ci],
    ["profile", a.plan.profile, b.plan.profile],
    ["seeds", a.plan.seeds ?? "profile default", b.plan.seeds ?? "profile default"],
    ["base seed", a.plan.baseSeed, b.plan.baseSeed],
    ["overrides", a.plan.overrides, b.plan.overrides],
    [
      "shard",
      `${a.plan.shard.index}/${a.plan.shard.count}`,
      `${b.plan.shard.index}/${b.plan.shard.count}`,
    ],
  ]);
}

function measurementNote(a: CaseResult, b: CaseResult, sameCommit: boolean) {
  if (a.measurement === null || b.measurement === null) {
    return { identical: null, note: "no measurement in one of the runs" };
  }
  const identical = JSON.stringify(a.measurement) === JSON.stringify(b.measurement);
  const sameInputs = a.configHash === b.configHash && str(a.seeds) === str(b.seeds);
  const cpu = a.backend === "cpu" && b.backend === "cpu";
  if (identical) {
    return {
      identical,
      note: "raw measurements are identical" +
        (sameInputs ? " (same config and seeds)" : " although config or seeds differ"),
    };
  }
  if (sameInputs && cpu && sameCommit) {
    return {
      identical,
      note: "raw measurements differ although config, seeds, commit and the CPU backend are the " +
        "same: the CPU path should be bit-for-bit deterministic",
    };
  }
  return {
    identical,
    note: "raw measurements differ (" +
      [
        a.configHash !== b.configHash ? "config differs" : "",
        str(a.seeds) !== str(b.seeds) ? "seeds differ" : "",
        !cpu ? "a GPU backend is involved" : "",
        !sameCommit ? "code may differ" : "",
      ].filter(Boolean).join(", ") + "); they are not re-analysed: their layout is case-specific",
  };
}

function chartsOf(
  a: CaseResult | undefined,
  b: CaseResult | undefined,
  labels: { a: string; b: string },
): ChartComparison[] {
  const ids = (a?.charts ?? []).map((c) => c.id);
  for (const c of b?.charts ?? []) if (!ids.includes(c.id)) ids.push(c.id);
  return ids.map((id) => {
    const ca = a?.charts.find((c) => c.id === id), cb = b?.charts.find((c) => c.id === id);
    // Sanitized before they are combined (and again when written: see write_charts/_page).
    const [sa, sb] = [ca, cb].map((c) => (c ? safeSpec(c.spec) : null));
    const { mode, spec, note } = overlaySpecs(sa, sb, { labels });
    return { id, title: (cb ?? ca)!.title, mode, note, spec };
  });
}

function compareCase(
  id: string,
  a: CaseResult | undefined,
  b: CaseResult | undefined,
  t: Threshold,
  sameCommit: boolean,
  labels: { a: string; b: string },
): CaseComparison {
  const any = (b ?? a)!;
  const statusA = a ? caseStatus(a) : null, statusB = b ? caseStatus(b) : null;
  const out: CaseComparison = {
    id,
    paper: any.paper,
    claim: any.claim,
    inA: !!a,
    inB: !!b,
    statusA,
    statusB,
    movement: !a ? "added" : !b ? "removed" : "same",
    headline: null,
    checks: [],
    differences: [],
    measurement: { identical: null, note: "" },
    regression: false,
    reasons: [],
    notes: [],
    charts: chartsOf(a, b, labels),
  };
  if (!a || !b) {
    out.notes.push(a ? "only in A: no result in B" : "only in B: no result in A");
    out.checks = (a ?? b)!.verdict.checks.map((k) =>
      compareCheck(k.name, a ? k : null, b ? k : null, t)
    );
    return out;
  }
  out.movement = RANK[statusB!] > RANK[statusA!]
    ? "worse"
    : RANK[statusB!] < RANK[statusA!]
    ? "better"
    : "same";
  out.differences = diffFields([
    ["case version", a.version, b.version],
    ["config hash", a.configHash, b.configHash],
    ["seeds", a.seeds, b.seeds],
    ["backend", a.backend, b.backend],
    ["profile", a.profile, b.profile],
  ]);
  for (const key of new Set([...Object.keys(a.config), ...Object.keys(b.config)])) {
    if (str(a.config[key]) !== str(b.config[key])) {
      out.differences.push({
        field: `config.${key}`,
        a: str(a.config[key]),
        b: str(b.config[key]),
      });
    }
  }
  out.measurement = measurementNote(a, b, sameCommit);
  out.checks = pairChecks(a.verdict.checks, b.verdict.checks).map(([k, ca, cb]) =>
    compareCheck(k, ca, cb, t)
  );
  const ha = headlineCheck(a), hb = headlineCheck(b);
  out.headline = ha || hb ? compareCheck(b.verdict.statistic, ha, hb, t) : null;
  if (statusB === "error" && statusA !== "error") {
    out.regression = true;
    out.reasons.push(
      `the case ended in error in B (was ${statusA} in A): ${
        b.error?.message ?? b.verdict.findings[0] ?? "no message"
      }`,
    );
  } else {
    const primaryPairs = out.checks.filter((c) => c.primary && c.a && c.b);
    for (const c of primaryPairs.filter((c) => c.regression)) {
      out.regression = true;
      out.reasons.push(`check "${c.name}": ${c.reason}`);
    }
    // No primary check could be paired (renamed by a config change): gate on the headline.
    if (!primaryPairs.length && out.headline?.regression) {
      out.regression = true;
      out.reasons.push(`headline "${out.headline.name}": ${out.headline.reason}`);
    }
    for (const c of primaryPairs.filter((c) => c.movement === "worse" && !c.regression)) {
      out.notes.push(`check "${c.name}": ${c.reason}`);
    }
  }
  const unpaired = out.checks.filter((c) => c.primary && (!c.a || !c.b));
  if (unpaired.length) {
    out.notes.push(
      `${unpaired.length} primary check(s) appear in only one run (renamed by a config change?): ${
        unpaired.map((c) => `"${c.name}" ${c.a ? "(A only)" : "(B only)"}`).join(", ")
      }`,
    );
  }
  if (a.runErrors.length !== b.runErrors.length) {
    out.notes.push(`failed runs: ${a.runErrors.length} in A, ${b.runErrors.length} in B`);
  }
  return out;
}

/**
 * Compare run A (before, e.g. a baseline) with run B (after).
 *
 * @example
 * ```ts ignore
 * import { compareResults } from "./compare.ts";
 * import { readResults } from "./schema.ts";
 * const cmp = compareResults(await readResults("a/results.json"), await readResults("b/results.json"));
 * if (cmp.regressions.length) console.log(cmp.regressions.join("\n"));
 * ```
 */
export function compareResults(a: Results, b: Results, opts: CompareOptions = {}): Comparison {
  const ids = orderedCaseIds(a);
  for (const id of orderedCaseIds(b)) if (!ids.includes(id)) ids.push(id);
  const sameCommit = a.provenance.git.commit !== null &&
    a.provenance.git.commit === b.provenance.git.commit &&
    !a.provenance.git.dirty && !b.provenance.git.dirty;
  const labels = { a: opts.labels?.a ?? "A", b: opts.labels?.b ?? "B" };
  const cases = ids.map((id) =>
    compareCase(
      id,
      Object.hasOwn(a.cases, id) ? a.cases[id] : undefined,
      Object.hasOwn(b.cases, id) ? b.cases[id] : undefined,
      thresholdFor(id, opts.thresholds),
      sameCommit,
      labels,
    )
  );
  const notes: string[] = [];
  if (!a.complete) notes.push("run A is incomplete: some planned cases have no result");
  if (!b.complete) notes.push("run B is incomplete: some planned cases have no result");
  const onlyA = cases.filter((c) => !c.inB).map((c) => c.id);
  const onlyB = cases.filter((c) => !c.inA).map((c) => c.id);
  if (onlyA.length) notes.push(`cases only in A (not compared, not gated): ${onlyA.join(", ")}`);
  if (onlyB.length) notes.push(`cases only in B (not compared, not gated): ${onlyB.join(", ")}`);
  return {
    a: runInfo(a, labels.a),
    b: runInfo(b, labels.b),
    cases,
    provenance: provenanceDiff(a, b),
    regressions: cases.flatMap((c) => c.reasons.map((r) => `${c.id}: ${r}`)),
    notes,
    method: COMPARE_METHOD,
  };
}

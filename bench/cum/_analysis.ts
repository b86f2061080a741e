/**
 * Statistics of the Paper B cases: per-run sample complexity n* with censoring, the step-size
 * selection at each d, and the exponent k of n* ∝ d^k with a stratified bootstrap CI.
 *
 * Censoring (stated in every verdict): a run that never crosses the threshold, or crosses but does
 * not *hold* it (median overlap over the last `holdFraction` of its logged steps below the
 * threshold), is censored at its cap: n* > cap. The per-d statistic is the median n* with censored
 * runs ranked above every finished run, which is exact while fewer than half of the runs at that d
 * are censored. When a median is censored, the cap is used in its place: a lower bound on that
 * median. If only the largest d's are censored, the fitted slope is then a lower bound on k and the
 * CI's upper end is +∞; if a smaller d is censored while a larger one is not, or every d is
 * censored, the fit is not a bound either way and the CI is (−∞, +∞). Failed (non-finite) runs are dropped.
 * @module
 */
import { bootstrapGroups, type Estimate, linearFit } from "../../reports/stats.ts";
import type { RunSet } from "./_experiment.ts";

/**
 * Which runs count as holding a direction: "run" — each run must hold it (its own median over the
 * last `holdFraction` of logs at or above the threshold; a run that does not is censored); "median"
 * — the step size counts at d when the median over seeds of those hold values is at or above the
 * threshold, and each run's n* is then its first crossing (a run that never crosses is censored).
 */
export type HoldRule = "run" | "median";

/** How a run's n* is read off. */
export type NStarRule =
  | { kind: "fixed"; hold: HoldRule }
  | {
    /** Threshold = factor × plateau (median over runs of the hold value), read off the logs. */
    kind: "relative";
    factor: number;
    /** The direction counts as not learned when the plateau is below floor/√d (0: no floor). */
    floor: number;
    hold: HoldRule;
  };

/** A direction of the planted pair. */
export type Dir = "u" | "v";

/** Median of the last `frac` of a logged curve (at least one point). */
export function holdValue(log: number[], frac: number): number {
  const m = Math.max(1, Math.ceil(frac * log.length));
  return medianOf(log.slice(log.length - m));
}

/**
 * Sort `s` in place (numeric order, ±Infinity at the ends, NaN last) and return how many entries
 * are not NaN.
 */
function sortNumeric(s: Float64Array): number {
  s.sort();
  let n = s.length;
  while (n > 0 && Number.isNaN(s[n - 1])) n--;
  return n;
}

function medianSorted(s: Float64Array, n: number): number {
  if (!n) return NaN;
  const h = n >> 1;
  if (n % 2) return s[h];
  if (s[h] === Infinity) return Infinity;
  return (s[h - 1] + s[h]) / 2;
}

function quantileSorted(s: Float64Array, n: number, q: number): number {
  return n ? s[Math.max(0, Math.ceil(q * n) - 1)] : NaN;
}

/** Median with ±Infinity allowed; NaN entries dropped; NaN for an empty input. */
export function medianOf(xs: ArrayLike<number>): number {
  const s = Float64Array.from(xs);
  return medianSorted(s, sortNumeric(s));
}

/** Per-seed hold values (NaN for failed runs). */
export function holds(set: RunSet, dir: Dir, frac: number): number[] {
  const logs = dir === "u" ? set.logU : set.logV;
  return logs.map((l, i) => (set.failedAt[i] !== null ? NaN : holdValue(l, frac)));
}

/** The threshold a set is judged against for `dir`, or null when the direction is not learned. */
export function thresholdOf(set: RunSet, dir: Dir, rule: NStarRule, frac: number): number | null {
  const fixed = dir === "u" ? set.thresholdU : set.thresholdV;
  if (rule.kind === "fixed") return fixed;
  const plateau = medianOf(holds(set, dir, frac));
  if (!(plateau >= rule.floor / Math.sqrt(set.d))) return null;
  return rule.factor * plateau;
}

/**
 * Per-seed n*: the first step above the threshold, when the run holds it (hold rule "run") or the
 * median run does (hold rule "median"); Infinity when censored (never crossed, did not hold, or the
 * direction is not learned); NaN for failed runs.
 */
export function nStars(set: RunSet, dir: Dir, rule: NStarRule, frac: number): number[] {
  const thr = thresholdOf(set, dir, rule, frac);
  const hs = holds(set, dir, frac);
  const logs = dir === "u" ? set.logU : set.logV;
  const cross = dir === "u" ? set.crossU : set.crossV;
  const medianHolds = thr !== null && medianOf(hs) >= thr;
  return hs.map((h, i) => {
    if (Number.isNaN(h)) return NaN;
    if (thr === null) return Infinity;
    if (rule.hold === "run" ? !(h >= thr) : !medianHolds) return Infinity;
    if (rule.kind === "fixed") return cross[i] ?? Infinity;
    const l = logs[i].findIndex((x) => x >= thr);
    return l < 0 ? Infinity : (l + 1) * set.logEvery;
  });
}

/**
 * n* of the runs of a set that did not fail (+∞ = censored, see {@link nStars}) and how many of
 * them learned `dir` (finite n*).
 */
export function learnedRuns(
  set: RunSet,
  dir: Dir,
  rule: NStarRule,
  frac: number,
): { ns: number[]; learned: number } {
  const ns = nStars(set, dir, rule, frac).filter((x) => !Number.isNaN(x));
  return { ns, learned: ns.filter(Number.isFinite).length };
}

/**
 * Lower quantile (type 1: the ⌈q·n⌉-th smallest) with ±Infinity allowed and NaN dropped; exact
 * under censoring as long as fewer than (1 − q)·n values are censored.
 */
export function quantileOf(xs: ArrayLike<number>, q: number): number {
  const s = Float64Array.from(xs);
  return quantileSorted(s, sortNumeric(s), q);
}

/** Median (q = 0.5, the default) or another quantile `q` of n* over the seeds in `idx`. */
export function medianNStar(ns: ArrayLike<number>, idx?: ArrayLike<number>, q = 0.5): number {
  let pick: Float64Array;
  if (idx) {
    pick = new Float64Array(idx.length);
    for (let j = 0; j < idx.length; j++) pick[j] = ns[idx[j]];
  } else pick = Float64Array.from(ns);
  const n = sortNumeric(pick);
  return q === 0.5 ? medianSorted(pick, n) : quantileSorted(pick, n, q);
}

/** Per d: the step sizes tried, their median n*, and the winner. */
export interface DimSelection {
  d: number;
  cap: number;
  perStep: {
    c: number;
    a: number;
    median: number;
    censored: number;
    failed: number;
    runs: number;
  }[];
  /** Index into perStep of the step size with the smallest median (first on ties). */
  best: number;
  median: number;
}

/** The sets of one variant, grouped by d (ascending), each group's sets in step-size order. */
export function byDim(sets: RunSet[], variant: string): RunSet[][] {
  const ds = [...new Set(sets.filter((s) => s.variant === variant).map((s) => s.d))].sort((a, b) =>
    a - b
  );
  return ds.map((d) => sets.filter((s) => s.variant === variant && s.d === d));
}

/** Step-size selection at each d, for n* of `dir`. */
export function selectSteps(
  groups: RunSet[][],
  dir: Dir,
  rule: NStarRule,
  frac: number,
  q = 0.5,
): DimSelection[] {
  return groups.map((g) => {
    const perStep = g.map((s) => {
      const ns = nStars(s, dir, rule, frac);
      return {
        c: s.c,
        a: s.a,
        median: medianNStar(ns, undefined, q),
        censored: ns.filter((x) => x === Infinity).length,
        failed: ns.filter((x) => Number.isNaN(x)).length,
        runs: ns.length,
      };
    });
    let best = 0;
    perStep.forEach((p, j) => {
      if (p.median < perStep[best].median) best = j;
    });
    return { d: g[0].d, cap: g[0].cap, perStep, best, median: perStep[best].median };
  });
}

/** A slope fit that knows about censored medians. */
export interface ExponentFit {
  k: number;
  /** "exact": no censored median; "lower": only the largest d's censored; "none": not a bound. */
  bound: "exact" | "lower" | "none";
}

/** Fit log n* = k log d + b with censored medians replaced by their caps. */
export function fitExponent(ds: number[], medians: number[], caps: number[]): ExponentFit {
  const cens = medians.map((m) => m === Infinity);
  const y = medians.map((m, i) => Math.log(m === Infinity ? caps[i] : m));
  const fit = linearFit(ds.map(Math.log), y);
  const first = cens.indexOf(true);
  // a lower bound needs at least one uncensored d below the censored ones, which must be the largest
  const bound = first < 0
    ? "exact"
    : first > 0 && cens.slice(first).every(Boolean)
    ? "lower"
    : "none";
  // every d censored: the slope of the caps says nothing about n*
  return { k: cens.every(Boolean) ? NaN : fit.slope, bound };
}

/** The exponent with its bootstrap CI (seeds resampled within each d; step size re-selected). */
export interface ExponentEstimate extends Estimate {
  bound: ExponentFit["bound"];
  /** Fraction of resamples whose fit had a censored median. */
  censoredResamples: number;
}

/**
 * Bootstrap of k: resample seeds within each d (the same indices for every step size, which share
 * seeds), recompute each step size's median, take the best per d, fit. Censoring as in the module
 * doc: a censored point estimate opens the CI to +∞ (lower bound) or to (−∞, +∞) (no bound); a
 * resample whose censoring gives no bound counts as −∞ (conservative for lo); when more than 2.5%
 * of resamples had a censored median, hi is +∞ (their slopes are only lower bounds).
 */
export function exponentCI(
  groups: RunSet[][],
  dir: Dir,
  rule: NStarRule,
  frac: number,
  resamples: number,
  seed: number,
  q = 0.5,
): ExponentEstimate {
  const ns = groups.map((g) => g.map((s) => nStars(s, dir, rule, frac)));
  const ds = groups.map((g) => g[0].d), caps = groups.map((g) => g[0].cap);
  let censoredResamples = 0;
  const stat = (idx: Int32Array[]) => {
    const med = ns.map((perStep, j) => Math.min(...perStep.map((x) => medianNStar(x, idx[j], q))));
    if (med.some((m) => m === Infinity)) censoredResamples++;
    const fit = fitExponent(ds, med, caps);
    // a resample whose censoring gives no bound carries no information on k: −∞ only lowers lo
    return fit.bound === "none" ? -Infinity : fit.k;
  };
  const est = bootstrapGroups(groups.map((g) => g[0].seeds.length), stat, {
    resamples,
    seed,
    keepInfinite: true,
  });
  const point = fitExponent(
    ds,
    ns.map((p) => Math.min(...p.map((x) => medianNStar(x, undefined, q)))),
    caps,
  );
  const censFrac = censoredResamples / (resamples + 1);
  return {
    value: point.k,
    lo: point.bound === "none" ? -Infinity : est.lo,
    // lower-bound resamples can only pull the upper percentile down: open it when they matter
    hi: point.bound === "exact" && censFrac <= 0.025 ? est.hi : Infinity,
    bound: point.bound,
    censoredResamples: censFrac,
  };
}

/**
 * Distribution-free 95% CI of a median from order statistics (no resampling, so no seed):
 * [x_(l), x_(n+1−l)] with the largest l such that P(Bin(n, ½) < l) ≤ 2.5%. Censored values
 * (Infinity) rank last, so a censored upper order statistic gives hi = Infinity. NaN dropped; with
 * fewer than 6 values the interval is the full range.
 */
export function medianCI(ns: number[]): Estimate {
  const s = ns.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  const n = s.length;
  if (!n) return { value: NaN, lo: NaN, hi: NaN };
  // cumulative Bin(n, ½) probabilities, in log space to stay finite for large n
  let l = 1, cdf = 0, logC = 0;
  for (let i = 0; i < n; i++) {
    cdf += Math.exp(logC - n * Math.LN2); // P(B ≤ i)
    if (cdf > 0.025) break;
    l = i + 1;
    logC += Math.log((n - i) / (i + 1));
  }
  l = Math.min(l, Math.ceil(n / 2));
  return { value: medianOf(s), lo: s[l - 1], hi: s[n - l] };
}

/** Median curve and quartiles of a set's logged overlaps (failed runs dropped). */
export function curveQuartiles(
  set: RunSet,
  dir: Dir,
): { step: number; median: number; q1: number; q3: number }[] {
  const logs = (dir === "u" ? set.logU : set.logV).filter((_, i) => set.failedAt[i] === null);
  if (!logs.length) return [];
  return logs[0].map((_, l) => {
    const col = logs.map((r) => r[l]).sort((a, b) => a - b);
    const q = (p: number) => col[Math.min(col.length - 1, Math.floor(p * (col.length - 1) + 0.5))];
    return { step: (l + 1) * set.logEvery, median: medianOf(col), q1: q(0.25), q3: q(0.75) };
  });
}

/**
 * What a config asks of the stored sets. The judge-only alternatives of our choices are views of
 * the same runs: a subset of the step-size grid, a lower step cap (runs truncated: logs and
 * crossings past it dropped) or another overlap threshold (first crossings read off the logs, at
 * log resolution, instead of the exact in-run crossing).
 */
export interface SetView {
  dims: readonly number[];
  stepSizes: readonly { c: number; a: number }[];
  /** The step cap at d. */
  cap(d: number): number;
  thresholdU: number;
  thresholdV: number;
}

/** First logged step with overlap > thr, or null. */
function logCrossing(log: number[], thr: number, every: number): number | null {
  const l = log.findIndex((x) => x > thr);
  return l < 0 ? null : (l + 1) * every;
}

/**
 * The stored sets as a run of the config `v` would have recorded them (see {@link SetView}): main
 * sets restricted to `v.dims` × `v.stepSizes`. Throws when `v` needs runs that were not measured
 * (a step size or d outside the stored grid, or a cap above the stored one).
 */
export function viewSets(sets: RunSet[], v: SetView): RunSet[] {
  const out: RunSet[] = [];
  for (const d of v.dims) {
    for (const st of v.stepSizes) {
      if (!sets.some((s) => s.variant === "main" && s.d === d && s.c === st.c && s.a === st.a)) {
        throw new Error(`needs a run: d=${d}, c=${st.c}, a=${st.a} was not measured`);
      }
    }
  }
  for (const s of sets) {
    if (
      s.variant === "main" &&
      (!v.dims.includes(s.d) || !v.stepSizes.some((st) => st.c === s.c && st.a === s.a))
    ) continue;
    const cap = v.cap(s.d);
    if (cap > s.cap) {
      throw new Error(`needs a run: cap ${cap} at d=${s.d} is above the measured cap ${s.cap}`);
    }
    const nLogs = cap < s.cap ? Math.floor(cap / s.logEvery) : s.logU[0]?.length ?? 0;
    const logU = s.logU.map((l) => l.slice(0, nLogs));
    const logV = s.logV.map((l) => l.slice(0, nLogs));
    const within = (x: number | null) => (x !== null && x <= cap ? x : null);
    out.push({
      ...s,
      cap,
      thresholdU: v.thresholdU,
      thresholdV: v.thresholdV,
      crossU: v.thresholdU === s.thresholdU
        ? s.crossU.map(within)
        : logU.map((l) => logCrossing(l, v.thresholdU, s.logEvery)),
      crossV: v.thresholdV === s.thresholdV
        ? s.crossV.map(within)
        : logV.map((l) => logCrossing(l, v.thresholdV, s.logEvery)),
      failedAt: s.failedAt.map(within),
      logU,
      logV,
    });
  }
  return out;
}

/**
 * Leave-one-seed-out influence on a statistic of the sets: the seeds whose removal (from every set
 * that has them) alone moves `stat` outside its CI [lo, hi]. `stat` gets the sets with one seed
 * dropped; seeds present in no set are skipped.
 */
export function influentialSeeds(
  sets: RunSet[][],
  stat: (groups: RunSet[][]) => number,
  ci: { lo: number; hi: number },
): { seed: number; without: number }[] {
  const seeds = [...new Set(sets.flatMap((g) => g.flatMap((s) => s.seeds)))].sort((a, b) => a - b);
  const drop = (s: RunSet, seed: number): RunSet => {
    const keep = s.seeds.map((x, i) => (x === seed ? -1 : i)).filter((i) => i >= 0);
    const pick = <T>(xs: T[]) => keep.map((i) => xs[i]);
    return {
      ...s,
      seeds: pick(s.seeds),
      crossU: pick(s.crossU),
      crossV: pick(s.crossV),
      failedAt: pick(s.failedAt),
      logU: pick(s.logU),
      logV: pick(s.logV),
    };
  };
  const out: { seed: number; without: number }[] = [];
  for (const seed of seeds) {
    const without = stat(sets.map((g) => g.map((s) => drop(s, seed))));
    if (without < ci.lo || without > ci.hi) out.push({ seed, without });
  }
  return out;
}

/** Point estimate of k (no bootstrap), for {@link influentialSeeds}. */
export function exponentPoint(
  groups: RunSet[][],
  dir: Dir,
  rule: NStarRule,
  frac: number,
  q = 0.5,
): number {
  const ds = groups.map((g) => g[0].d), caps = groups.map((g) => g[0].cap);
  const med = groups.map((g) =>
    Math.min(...g.map((s) => medianNStar(nStars(s, dir, rule, frac), undefined, q)))
  );
  const fit = fitExponent(ds, med, caps);
  return fit.bound === "none" ? NaN : fit.k;
}

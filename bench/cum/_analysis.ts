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

/** How a run's n* is read off. */
export type NStarRule =
  | { kind: "fixed" }
  | {
    /** Threshold = factor × plateau (median over runs of the hold value), read off the logs. */
    kind: "relative";
    factor: number;
    /** The direction counts as not learned when the plateau is below floor/√d. */
    floor: number;
  };

/** A direction of the planted pair. */
export type Dir = "u" | "v";

/** Median of the last `frac` of a logged curve (at least one point). */
export function holdValue(log: number[], frac: number): number {
  const m = Math.max(1, Math.ceil(frac * log.length));
  return medianOf(log.slice(log.length - m));
}

/** Median with ±Infinity allowed; NaN entries dropped; NaN for an empty input. */
export function medianOf(xs: ArrayLike<number>): number {
  const s = Array.from(xs).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  const h = s.length >> 1;
  if (s.length % 2) return s[h];
  if (s[h] === Infinity) return Infinity;
  return (s[h - 1] + s[h]) / 2;
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
 * Per-seed n*: the first step above the threshold when the run also holds it; Infinity when
 * censored (never crossed, did not hold, or the direction is not learned); NaN for failed runs.
 */
export function nStars(set: RunSet, dir: Dir, rule: NStarRule, frac: number): number[] {
  const thr = thresholdOf(set, dir, rule, frac);
  const hs = holds(set, dir, frac);
  const logs = dir === "u" ? set.logU : set.logV;
  const cross = dir === "u" ? set.crossU : set.crossV;
  return hs.map((h, i) => {
    if (Number.isNaN(h)) return NaN;
    if (thr === null || !(h >= thr)) return Infinity;
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
  const s = Array.from(xs).filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s[Math.max(0, Math.ceil(q * s.length) - 1)];
}

/** Median (q = 0.5, the default) or another quantile `q` of n* over the seeds in `idx`. */
export function medianNStar(ns: number[], idx?: ArrayLike<number>, q = 0.5): number {
  const stat = (xs: ArrayLike<number>) => (q === 0.5 ? medianOf(xs) : quantileOf(xs, q));
  if (!idx) return stat(ns);
  const pick = new Float64Array(idx.length);
  for (let j = 0; j < idx.length; j++) pick[j] = ns[idx[j]];
  return stat(pick);
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

/** Bootstrap CI of a median n* (for charts); censored bounds are Infinity. */
export function medianCI(ns: number[], resamples: number, seed: number): Estimate {
  const est = bootstrapGroups([ns.length], ([i]) => medianNStar(ns, i), {
    resamples,
    seed,
    keepInfinite: true,
  });
  return { value: medianOf(ns), lo: est.lo, hi: est.hi };
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

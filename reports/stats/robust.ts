/**
 * Robust paired differences (mean, 20% trimmed mean, median) and influential seeds.
 * @module
 */
import { checkSameLength } from "./_defaults.ts";
import { median } from "./descriptive.ts";
import { bootstrap } from "./resampling.ts";
import type { BootstrapOptions, Estimate, Interval } from "./types.ts";

/** A location estimator for paired differences: the mean, a trimmed mean, or the median. */
export type RobustEstimator = "mean" | "trimmed20" | "median";

/**
 * `estimator` of `xs[idx]` (all of `xs` when `idx` is omitted); NaN entries are dropped, `NaN`
 * when none is left. "trimmed20" drops ⌊0.2 n⌋ values from each end before averaging.
 */
export function location(
  xs: ArrayLike<number>,
  estimator: RobustEstimator,
  idx?: ArrayLike<number>,
): number {
  const v: number[] = [];
  const n = idx ? idx.length : xs.length;
  for (let i = 0; i < n; i++) {
    const x = xs[idx ? idx[i] : i];
    if (!Number.isNaN(x)) v.push(x);
  }
  if (!v.length) return NaN;
  if (estimator === "median") return median(v);
  v.sort((a, b) => a - b);
  const k = estimator === "trimmed20" ? Math.floor(0.2 * v.length) : 0;
  let s = 0;
  for (let i = k; i < v.length - k; i++) s += v[i];
  return s / (v.length - 2 * k);
}

/**
 * Paired difference `b − a` summarised by `estimator` (NaN pairs dropped), with a percentile
 * bootstrap CI over pairs.
 * @example
 * ```ts
 * // one runaway pair barely moves the 20% trimmed mean
 * robustPairedDifference([1, 1, 1, 1, 1], [2, 2, 2, 2, 30], "trimmed20").value; // 1
 * ```
 */
export function robustPairedDifference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  estimator: RobustEstimator,
  opts?: BootstrapOptions,
): Estimate {
  checkSameLength(a, b, "robustPairedDifference");
  const d = Array.from({ length: a.length }, (_, i) => b[i] - a[i]);
  const e = bootstrap(d.length, (idx) => location(d, estimator, idx), opts);
  return { value: e.value, lo: e.lo, hi: e.hi };
}

/**
 * Leave-one-out influence: the units (seeds) whose removal alone moves `stat` outside `ci`
 * (its confidence interval on all `n` units). `stat` takes unit indices, as in {@link bootstrap}.
 * @example
 * ```ts
 * const xs = [1, 1.1, 0.9, 1, 40];
 * const m = (idx: Int32Array) => Array.from(idx, (i) => xs[i]).reduce((s, v) => s + v) / idx.length;
 * influentialSeeds(xs.length, m, { lo: 5, hi: 20 }); // [{ index: 4, without: 1 }]
 * ```
 */
export function influentialSeeds(
  n: number,
  stat: (idx: Int32Array) => number,
  ci: Interval,
): { index: number; without: number }[] {
  const out: { index: number; without: number }[] = [];
  if (n < 2 || !(ci.lo <= ci.hi)) return out;
  const idx = new Int32Array(n - 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0, k = 0; j < n; j++) if (j !== i) idx[k++] = j;
    const without = stat(idx);
    if (without < ci.lo || without > ci.hi) out.push({ index: i, without });
  }
  return out;
}

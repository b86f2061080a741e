/**
 * Descriptive statistics: mean, variance, quantiles, median (NaN for empty input, like R).
 * @module
 */

/** Arithmetic mean (left-to-right summation); `NaN` for an empty input. */
export function mean(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i];
  return s / n;
}

/** Unbiased sample variance (divisor n - 1, two-pass algorithm); `NaN` when n < 2. */
export function variance(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const m = mean(xs);
  let ss = 0;
  let comp = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i] - m;
    ss += d * d;
    comp += d;
  }
  // Corrected two-pass formula: removes the rounding error left in `m`.
  return (ss - (comp * comp) / n) / (n - 1);
}

export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  if (lo >= n - 1) return sorted[n - 1];
  const frac = h - lo;
  const a = sorted[lo];
  const b = sorted[lo + 1];
  if (frac === 0 || a === b) return a;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return frac < 0.5 ? a : b;
  return a + frac * (b - a);
}

/**
 * Sample quantile with linear interpolation between order statistics
 * (Hyndman & Fan type 7, R's default). Does not mutate the input.
 *
 * Returns `NaN` for an empty input, for any `NaN` in the input, or for `q`
 * outside [0, 1].
 *
 * @example
 * ```ts
 * quantile([1, 2, 3, 4], 0.5); // 2.5
 * quantile([10, 20, 30], 0.25); // 15
 * ```
 */
export function quantile(xs: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 1)) return NaN;
  const n = xs.length;
  if (n === 0) return NaN;
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = xs[i];
    if (Number.isNaN(v)) return NaN;
    sorted[i] = v;
  }
  sorted.sort();
  return quantileSorted(sorted, q);
}

/** Sample median (type-7 quantile at 0.5); `NaN` for an empty input. */
export function median(xs: ArrayLike<number>): number {
  return quantile(xs, 0.5);
}

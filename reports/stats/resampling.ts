/**
 * Resampling: the seeded PRNG and percentile bootstraps (plain, grouped, paired).
 * @module
 */
import { checkSameLength, resolveBootstrapOptions } from "./_defaults.ts";
import { quantileSorted } from "./descriptive.ts";
import type { BootstrapOptions, Estimate, Interval } from "./types.ts";

/**
 * A deterministic PRNG for resampling (mulberry32), seeded by an integer.
 *
 * The seed is truncated to a 32-bit integer (`seed | 0`), so seeds that agree
 * modulo 2^32 give the same stream. Returns uniform doubles in [0, 1) with
 * 32 bits of randomness each.
 *
 * @example
 * ```ts
 * const rng = makeResampleRng(42);
 * const u = rng(); // 0 <= u < 1, identical on every run
 * ```
 */
export function makeResampleRng(seed: number): () => number {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be finite, got ${seed}`);
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function percentileInterval(
  stats: Float64Array,
  finite: number,
  resamples: number,
  level: number,
): Interval {
  if (finite * 2 < resamples) return { lo: NaN, hi: NaN };
  const sorted = stats.subarray(0, finite).sort();
  const alpha = 1 - level;
  return { lo: quantileSorted(sorted, alpha / 2), hi: quantileSorted(sorted, 1 - alpha / 2) };
}

/**
 * Percentile bootstrap.
 *
 * Resamples indices 0..n-1 with replacement `resamples` times and calls
 * `stat(indices)` on each resample. Non-finite statistics (NaN, ±Infinity)
 * are dropped. Returns `value = stat(identity)` and the CI from the
 * type-7 percentiles (α/2, 1-α/2) of the finite resampled statistics; if
 * fewer than half of them are finite, `lo`/`hi` are `NaN`.
 * `finiteFraction` is the fraction of resamples with a finite statistic.
 *
 * The index buffer passed to `stat` is reused between calls: copy it if you
 * need to keep it. Deterministic for a given `seed`.
 *
 * @example
 * ```ts
 * const xs = [2.1, 2.5, 1.9, 3.2, 2.8];
 * const est = bootstrap(xs.length, (idx) => {
 *   let s = 0;
 *   for (const i of idx) s += xs[i];
 *   return s / idx.length;
 * });
 * // est.value === mean(xs); est.lo <= est.value <= est.hi
 * ```
 */
export function bootstrap(
  n: number,
  stat: (idx: Int32Array) => number,
  opts?: BootstrapOptions,
): Estimate & { finiteFraction: number } {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be an integer >= 0, got ${n}`);
  const { resamples, level, seed } = resolveBootstrapOptions(opts);
  const identity = new Int32Array(n);
  for (let i = 0; i < n; i++) identity[i] = i;
  const value = stat(identity);
  const keep = opts?.keepInfinite ? (v: number) => !Number.isNaN(v) : Number.isFinite;
  const rng = makeResampleRng(seed);
  const idx = new Int32Array(n);
  const stats = new Float64Array(resamples);
  let finite = 0;
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) idx[i] = Math.floor(rng() * n);
    const s = stat(idx);
    if (keep(s)) stats[finite++] = s;
  }
  const ci = percentileInterval(stats, finite, resamples, level);
  return { value, lo: ci.lo, hi: ci.hi, finiteFraction: finite / resamples };
}

/**
 * Stratified percentile bootstrap: like {@link bootstrap}, but for a
 * statistic of several groups, each resampled independently (with
 * replacement, keeping its size `sizes[g]`). `stat` receives one index
 * array per group. Index buffers are reused between calls.
 */
export function bootstrapGroups(
  sizes: number[],
  stat: (idx: Int32Array[]) => number,
  opts?: BootstrapOptions,
): Estimate & { finiteFraction: number } {
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 0) {
      throw new RangeError(`group sizes must be integers >= 0, got ${s}`);
    }
  }
  const { resamples, level, seed } = resolveBootstrapOptions(opts);
  const identity = sizes.map((s) => {
    const a = new Int32Array(s);
    for (let i = 0; i < s; i++) a[i] = i;
    return a;
  });
  const value = stat(identity);
  const keep = opts?.keepInfinite ? (v: number) => !Number.isNaN(v) : Number.isFinite;
  const rng = makeResampleRng(seed);
  const idx = sizes.map((s) => new Int32Array(s));
  const stats = new Float64Array(resamples);
  let finite = 0;
  for (let b = 0; b < resamples; b++) {
    for (let g = 0; g < sizes.length; g++) {
      const arr = idx[g];
      const s = sizes[g];
      for (let i = 0; i < s; i++) arr[i] = Math.floor(rng() * s);
    }
    const v = stat(idx);
    if (keep(v)) stats[finite++] = v;
  }
  const ci = percentileInterval(stats, finite, resamples, level);
  return { value, lo: ci.lo, hi: ci.hi, finiteFraction: finite / resamples };
}

/**
 * Paired difference `mean(b - a)` with a percentile-bootstrap CI over pairs.
 * Arrays must have equal length.
 */
export function pairedDifference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  opts?: BootstrapOptions,
): Estimate {
  checkSameLength(a, b, "pairedDifference");
  const n = a.length;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = b[i] - a[i];
  const est = bootstrap(n, (idx) => {
    if (idx.length === 0) return NaN;
    let s = 0;
    for (let i = 0; i < idx.length; i++) s += d[idx[i]];
    return s / idx.length;
  }, opts);
  return { value: est.value, lo: est.lo, hi: est.hi };
}

/**
 * Interval estimates in closed form: Wilson score interval, Student t interval of a mean.
 * @module
 */
import { checkLevel, DEFAULT_LEVEL } from "./_defaults.ts";
import { mean, variance } from "./descriptive.ts";
import { normalQuantile, studentTQuantile } from "./distributions.ts";
import type { Estimate } from "./types.ts";

/**
 * Wilson score interval for a binomial proportion.
 *
 * `value = successes / n`. For n = 0 returns `{ value: NaN, lo: 0, hi: 1 }`.
 * Bounds are clamped to [0, 1] and are exactly 0 (resp. 1) when
 * successes = 0 (resp. n). Non-integer counts (e.g. weighted) are accepted.
 *
 * @example
 * ```ts
 * wilson(8, 10); // { value: 0.8, lo: ≈0.4902, hi: ≈0.9433 }
 * ```
 */
export function wilson(successes: number, n: number, level: number = DEFAULT_LEVEL): Estimate {
  checkLevel(level);
  if (!(n >= 0) || !Number.isFinite(n)) throw new RangeError(`n must be finite and >= 0, got ${n}`);
  if (!(successes >= 0 && successes <= n)) {
    throw new RangeError(`successes must be in [0, n], got ${successes} of ${n}`);
  }
  if (n === 0) return { value: NaN, lo: 0, hi: 1 };
  const z = normalQuantile((1 + level) / 2);
  const phat = successes / n;
  const z2n = (z * z) / n;
  const denom = 1 + z2n;
  const center = (phat + z2n / 2) / denom;
  const half = (z * Math.sqrt((phat * (1 - phat)) / n + z2n / (4 * n))) / denom;
  const lo = successes === 0 ? 0 : Math.max(0, center - half);
  const hi = successes === n ? 1 : Math.min(1, center + half);
  return { value: phat, lo, hi };
}

/**
 * Mean with a Student-t confidence interval `mean ± t(1-α/2, n-1) · s/√n`.
 *
 * n = 0 gives all `NaN`; n = 1 gives the value with `NaN` bounds.
 */
export function meanCI(xs: ArrayLike<number>, level: number = DEFAULT_LEVEL): Estimate {
  checkLevel(level);
  const n = xs.length;
  const value = mean(xs);
  if (n < 2) return { value, lo: NaN, hi: NaN };
  const half = studentTQuantile((1 + level) / 2, n - 1) * Math.sqrt(variance(xs) / n);
  return { value, lo: value - half, hi: value + half };
}

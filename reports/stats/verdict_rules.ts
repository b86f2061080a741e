/**
 * Verdict rules: classifying an estimate against a band, combining check statuses.
 * @module
 */
import type { Interval, VerdictStatus } from "./types.ts";

/**
 * Compare a confidence interval to a tolerance band `[bandLo, bandHi]`
 * (either end may be ±Infinity):
 * - `"reproduced"` if the CI lies inside the band (`lo >= bandLo && hi <= bandHi`);
 * - `"not reproduced"` if the CI lies entirely outside (`hi < bandLo || lo > bandHi`);
 * - `"inconclusive"` otherwise, or if any bound is `NaN`.
 *
 * Throws a `RangeError` if `bandLo > bandHi`.
 *
 * @example
 * ```ts
 * classifyAgainstBand({ lo: 1.9, hi: 2.1 }, [1.8, 2.2]); // "reproduced"
 * classifyAgainstBand({ lo: 0.1, hi: 0.3 }, [1.8, 2.2]); // "not reproduced"
 * ```
 */
export function classifyAgainstBand(
  ci: Interval,
  band: [number, number],
): Exclude<VerdictStatus, "error"> {
  const [bandLo, bandHi] = band;
  if (bandLo > bandHi) throw new RangeError(`band is empty: [${bandLo}, ${bandHi}]`);
  const { lo, hi } = ci;
  if ([lo, hi, bandLo, bandHi].some(Number.isNaN)) return "inconclusive";
  if (lo >= bandLo && hi <= bandHi) return "reproduced";
  if (hi < bandLo || lo > bandHi) return "not reproduced";
  return "inconclusive";
}

/**
 * Combine several check statuses into one: any `"error"` → `"error"`; else any
 * `"not reproduced"` → `"not reproduced"`; else all `"reproduced"` →
 * `"reproduced"`; otherwise (including an empty list) `"inconclusive"`.
 */
export function combineStatuses(statuses: VerdictStatus[]): VerdictStatus {
  if (statuses.length === 0) return "inconclusive";
  if (statuses.includes("error")) return "error";
  if (statuses.includes("not reproduced")) return "not reproduced";
  if (statuses.every((s) => s === "reproduced")) return "reproduced";
  return "inconclusive";
}

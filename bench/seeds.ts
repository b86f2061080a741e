/**
 * The seed set of a run, validated before any work: `--seeds` (or a case's default from its
 * config) seeds starting at `--base-seed`, every one a safe integer (the results schema stores
 * seeds as integers within ±2^53) and at most {@link MAX_SEEDS} of them.
 * @module
 */
import type { AnyCase } from "./case.ts";
import { z } from "../deps.ts";
import { UsageError } from "./usage_error.ts";

/** The most seeds (trials) one case may run per grid point. */
export const MAX_SEEDS = 100_000;

/** The smallest `--seeds` (a confidence interval needs two). */
export const MIN_SEEDS = 2;

function integerOption(name: string, s: string, min: number, max: number): number {
  const n = /^\s*[+]?\d+\s*$/.test(s) ? Number(s) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(
      `--${name} ${JSON.stringify(s)}: expected a whole number from ${min} to ${max}`,
    );
  }
  return n;
}

/** `--seeds`: null when absent, else an integer in [{@link MIN_SEEDS}, {@link MAX_SEEDS}]. */
export function parseSeedsOption(s: string | undefined): number | null {
  return s === undefined ? null : integerOption("seeds", s, MIN_SEEDS, MAX_SEEDS);
}

/** `--base-seed`: 0 when absent, else an integer in [0, 2^53 − 1]. */
export function parseBaseSeed(s: string | undefined): number {
  return s === undefined ? 0 : integerOption("base-seed", s, 0, Number.MAX_SAFE_INTEGER);
}

/**
 * The seeds of a case: `count` of them from `baseSeed`. Throws a {@link UsageError} naming
 * the case when the count is out of range or the last seed is not a safe integer.
 */
export function caseSeeds(caseId: string, baseSeed: number, count: number): number[] {
  if (!Number.isSafeInteger(count) || count < 1 || count > MAX_SEEDS) {
    throw new UsageError(
      `${caseId}: ${count} seeds per grid point (from --seeds or its config); allowed 1 to ${MAX_SEEDS}`,
    );
  }
  const last = baseSeed + (count - 1); // (base + count) - 1 could round back into range
  if (!Number.isSafeInteger(baseSeed) || !Number.isSafeInteger(last)) {
    throw new UsageError(
      `${caseId}: ${count} seeds from ${baseSeed} go past 2^53 − 1 ` +
        `(${Number.MAX_SAFE_INTEGER}); use --base-seed ≤ ${Number.MAX_SAFE_INTEGER - count + 1}`,
    );
  }
  return Array.from({ length: count }, (_, k) => baseSeed + k);
}

/** The seeds of every case of a plan, checked before any work (see {@link caseSeeds}). */
export function planSeeds(
  cases: readonly AnyCase[],
  configs: readonly Record<string, unknown>[],
  seeds: number | null,
  baseSeed: number,
): number[][] {
  return cases.map((c, i) => caseSeeds(c.id, baseSeed, seeds ?? c.defaultSeeds(configs[i])));
}

/**
 * The one seed-count config field every case uses (`seeds`): independent repetitions per grid
 * point, from 1 to {@link MAX_SEEDS}; `--seeds` overrides it. `what` says what one seed is.
 */
export function seedCountField(what: string): z.ZodNumber {
  return z.number().int().min(1).max(MAX_SEEDS).describe(`${what}; --seeds overrides`);
}

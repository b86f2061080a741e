/**
 * Defaults and argument checks shared by the statistics modules (internal).
 * @module
 */
import type { BootstrapOptions } from "./types.ts";

const DEFAULT_RESAMPLES = 2000;
export const DEFAULT_LEVEL = 0.95;
const DEFAULT_SEED = 12345;

export function checkLevel(level: number): void {
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
  }
}

export function checkSameLength(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  if (a.length !== b.length) {
    throw new RangeError(`${what}: length mismatch (${a.length} vs ${b.length})`);
  }
}

export function resolveBootstrapOptions(
  opts: BootstrapOptions | undefined,
): { resamples: number; level: number; seed: number } {
  const resamples = opts?.resamples ?? DEFAULT_RESAMPLES;
  const level = opts?.level ?? DEFAULT_LEVEL;
  const seed = opts?.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  }
  checkLevel(level);
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be finite, got ${seed}`);
  return { resamples, level, seed };
}

/**
 * Work units made of seed batches: consecutive slices of a case's seeds, each keyed by its seed
 * range (`seeds=0-9`), costed by the case's own estimate of that many seeds.
 * @module
 */
import type { UnitSpec } from "./case.ts";

/** Consecutive batches of at most `size` seeds, in order (an empty list gives no batch). */
export function seedBatches(seeds: readonly number[], size: number): number[][] {
  if (!Number.isSafeInteger(size) || size < 1) {
    throw new RangeError(`seed batch size must be a whole number ≥ 1, got ${size}`);
  }
  const out: number[][] = [];
  for (let i = 0; i < seeds.length; i += size) out.push(seeds.slice(i, i + size));
  return out;
}

/**
 * The key of a seed batch: `seeds=a-b` for consecutive seeds a…b, `seeds=a` for one seed, else
 * `seeds=a,b,c` (seeds are whole numbers ≥ 0, so the key holds only `A-Za-z0-9=;,._-`).
 */
export function seedsKey(seeds: readonly number[]): string {
  if (!seeds.length || !seeds.every((s) => Number.isSafeInteger(s) && s >= 0)) {
    throw new RangeError(`unit seeds must be whole numbers ≥ 0, got [${seeds.join(", ")}]`);
  }
  const consecutive = seeds.every((s, i) => s === seeds[0] + i);
  return `seeds=${
    consecutive && seeds.length > 1 ? `${seeds[0]}-${seeds[seeds.length - 1]}` : seeds.join(",")
  }`;
}

/**
 * Units of at most `size` seeds each; `cost(n)` is the estimated seconds of a unit of `n` seeds
 * (the case's estimate of a run with that many seeds).
 */
export function seedBatchUnits(
  seeds: readonly number[],
  size: number,
  cost: (seedCount: number) => number,
): UnitSpec[] {
  return seedBatches(seeds, size).map((batch) => ({
    key: seedsKey(batch),
    seeds: batch,
    cost: cost(batch.length),
  }));
}

/**
 * Seeds per unit so that `count` seeds split into at least `minUnits` units of at most
 * `maxSeconds` each, given a unit's cost `cost(n)` for n seeds (increasing in n); at least 1.
 */
export function seedsPerUnit(
  count: number,
  cost: (seedCount: number) => number,
  maxSeconds: number,
  minUnits = 1,
): number {
  let size = Math.max(1, Math.ceil(count / Math.max(1, minUnits)));
  while (size > 1 && cost(size) > maxSeconds) size--;
  return size;
}

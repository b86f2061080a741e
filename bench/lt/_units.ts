/**
 * Work-unit helpers of the Paper D cases: a unit is a batch of evaluation seeds; per-seed rows of
 * the units' results are stacked in plan order, and what every unit computes alike (β grid,
 * checkpoints, tuning) is checked to agree before it is taken from the first unit.
 * @module
 */
import type { UnitPart, UnitSpec } from "../case.ts";
import { seedBatchUnits } from "../seed_batches.ts";

/**
 * Seed-batch units of at most `size` seeds; the first unit's `part` is `{ preview: 1 }`: it alone
 * keeps the first seed's samples for the scatter charts.
 */
export function ltSeedUnits(
  seeds: readonly number[],
  size: number,
  cost: (seedCount: number) => number,
): UnitSpec[] {
  return seedBatchUnits(seeds, size, cost).map((u, i) => (i === 0 ? { ...u, part: PREVIEW } : u));
}

const PREVIEW = { preview: 1 } as const;

/** Whether a unit keeps the first seed's samples (the first unit of the plan). */
export function keepsPreview(unit: UnitSpec): boolean {
  return unit.part?.preview === 1;
}

/** The rows of field `f` of every part's result, in plan order. */
export function stackRows<U, K extends keyof U>(
  parts: readonly UnitPart<U>[],
  f: K,
): U[K] extends readonly (infer R)[] ? R[] : never {
  return parts.flatMap((p) => p.result[f] as unknown[]) as never;
}

/**
 * Field `f` of the first part's result, after checking that every part computed the same value
 * (units of one config must agree on what does not depend on their seeds).
 */
export function agreed<U, K extends keyof U>(
  caseId: string,
  parts: readonly UnitPart<U>[],
  f: K,
): U[K] {
  if (!parts.length) throw new Error(`${caseId}: no unit results to assemble`);
  const first = JSON.stringify(parts[0].result[f]);
  for (const p of parts) {
    if (JSON.stringify(p.result[f]) !== first) {
      throw new Error(
        `${caseId}: unit ${p.unit.key} computed another ${String(f)} than unit ${
          parts[0].unit.key
        }`,
      );
    }
  }
  return parts[0].result[f];
}

/** Field `f` of the first unit's result (what only it keeps), or a clear error when it is null. */
export function fromFirstUnit<U, K extends keyof U>(
  caseId: string,
  parts: readonly UnitPart<U>[],
  f: K,
): NonNullable<U[K]> {
  const v = parts[0]?.result[f];
  if (v === null || v === undefined) {
    throw new Error(`${caseId}: the first unit kept no ${String(f)}`);
  }
  return v;
}

/**
 * The units of a case that picks β (or τ) on independent tuning replicates before it evaluates:
 * a unit's seeds are evaluated at the tuned values, so every unit repeats the tuning (the same
 * replicates, the same numbers: a pure function of the config), and the units must agree on it.
 * To keep that repetition cheap, the evaluation seeds are split only when their cost is at least
 * three times the tuning's per extra unit. `tuneSeconds` is the tuning's estimated cost,
 * `evalSeconds(n)` the evaluation's for n seeds.
 */
export function tunedSeedUnits(
  seeds: readonly number[],
  tuneSeconds: number,
  evalSeconds: (seedCount: number) => number,
): UnitSpec[] {
  const n = seeds.length;
  const units = Math.min(n, Math.max(1, Math.floor(evalSeconds(n) / (3 * tuneSeconds))));
  return ltSeedUnits(seeds, Math.ceil(n / units), (k) => tuneSeconds + evalSeconds(k));
}

/** The summed cost of {@link tunedSeedUnits} for `count` seeds: the case's estimate. */
export function tunedSeconds(
  count: number,
  tuneSeconds: number,
  evalSeconds: (seedCount: number) => number,
): number {
  const seeds = Array.from({ length: count }, (_, i) => i);
  return tunedSeedUnits(seeds, tuneSeconds, evalSeconds).reduce((s, u) => s + u.cost, 0);
}

/**
 * Helpers for the work units of Paper A's experiments: seed batches and the parts of a unit key
 * (`seeds=0-4`, `field=value`), in the characters a unit key allows.
 * @module
 */
import { seedBatches as batches } from "../seed_batches.ts";
export { seedsKey } from "../seed_batches.ts";

/** Seeds per work unit: at the quick profile one batch holds every seed (GPU batching stays). */
export const SEEDS_PER_UNIT = 5;

/** Consecutive batches of at most `size` seeds (default {@link SEEDS_PER_UNIT}), in order. */
export function seedBatches(seeds: readonly number[], size = SEEDS_PER_UNIT): number[][] {
  return batches(seeds, size);
}

/** Throws when a config list that names units (e.g. `ns`) holds a value twice. */
export function distinct(field: string, values: readonly (string | number)[]): void {
  const twice = values.find((v, i) => values.indexOf(v) !== i);
  if (twice !== undefined) {
    throw new RangeError(`${field} holds ${JSON.stringify(twice)} twice: each names its own units`);
  }
}

/** Characters a unit key may hold. */
const KEY_CHARS = /^[A-Za-z0-9=;,._-]+$/;

/**
 * A unit key from its parts (`model`, `n=20`, …) joined by `;`; throws when a value would need
 * a character a key cannot hold.
 */
export function unitKey(...parts: string[]): string {
  const key = parts.join(";");
  if (!KEY_CHARS.test(key)) throw new RangeError(`unit key ${JSON.stringify(key)}`);
  return key;
}

/** `field=value` for each of `fields` of `config` (numbers and plain strings), in that order. */
export function fieldParts(config: Record<string, unknown>, fields: readonly string[]): string[] {
  return fields.map((k) => `${k}=${String(config[k])}`);
}

/** The fields of `config` named by `fields`, as a new object (in that order). */
export function pick(
  config: Record<string, unknown>,
  fields: readonly string[],
): Record<string, unknown> {
  return Object.fromEntries(fields.map((k) => [k, config[k]]));
}

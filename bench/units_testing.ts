/**
 * Test helpers for cases with work units: a canonical hash of a measurement (to pin it against the
 * code before a conversion), running a case through an explicit plan, and the checks every plan
 * must pass (unique keys, every seed once, costs summing to the case's estimate).
 * @module
 */
import assert from "node:assert/strict";
import type { AnyCase, UnitPart, UnitSpec } from "./case.ts";
import { decodeMeasurement, encodeMeasurement } from "../reports/measurement_codec.ts";
import { makeTestContext } from "./testing.ts";
import { seedsKey } from "./seed_batches.ts";
import { resolveConfig } from "./config.ts";
import { CALIBRATION } from "./estimate.ts";

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v !== null && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, canonical(o[k])]));
  }
  return v;
}

/**
 * SHA-256 (hex) of a measurement as stored (non-finite numbers as strings, typed arrays as
 * arrays) with object keys sorted: equal hashes mean equal numbers, bit for bit.
 */
export async function measurementHash(m: unknown): Promise<string> {
  const json = JSON.stringify(canonical(encodeMeasurement(m)));
  const h = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(json));
  return Array.from(new Uint8Array(h), (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Seeds 0 … n−1. */
export function firstSeeds(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * The plan re-cut into units of at most `size` seeds (default one); a unit's `part` stays with its
 * first piece and its cost is shared by seed (to check that assembling does not depend on how the
 * seeds are batched).
 */
export function splitPlan(plan: readonly UnitSpec[], size = 1): UnitSpec[] {
  return plan.flatMap((u) => {
    const pieces: UnitSpec[] = [];
    for (let i = 0; i < u.seeds.length; i += size) {
      const seeds = u.seeds.slice(i, i + size);
      pieces.push({
        key: seedsKey(seeds),
        seeds,
        cost: (u.cost * seeds.length) / u.seeds.length,
        ...(i === 0 && u.part ? { part: u.part } : {}),
      });
    }
    return pieces;
  });
}

/**
 * Run the units of `plan` on the CPU (each in a fresh test context with the unit's seeds), pass
 * every result through its stored form (encoded, decoded, validated by the result schema), and
 * assemble them, as the runner does with stored units.
 */
export async function runPlan(
  c: AnyCase,
  config: Record<string, unknown>,
  plan: readonly UnitSpec[],
): Promise<{ measurement: unknown; parts: UnitPart<unknown>[] }> {
  const units = c.units!;
  const parts: UnitPart<unknown>[] = [];
  for (const unit of plan) {
    const result = await units.run(makeTestContext({ seeds: [...unit.seeds] }), config, unit);
    const stored = JSON.parse(JSON.stringify(encodeMeasurement(result)));
    const back = units.resultSchema.parse(decodeMeasurement(stored));
    assert.deepEqual(back, result, `${c.id} ${unit.key}: the stored result differs`);
    parts.push({ unit, result: back });
  }
  return { measurement: units.assemble(config, parts), parts };
}

/** Whether a value holds a typed array anywhere (unit results must be plain JSON data). */
export function hasTypedArray(v: unknown): boolean {
  if (ArrayBuffer.isView(v)) return true;
  if (Array.isArray(v)) return v.some(hasTypedArray);
  if (v !== null && typeof v === "object") return Object.values(v).some(hasTypedArray);
  return false;
}

/**
 * The checks every plan must pass: keys unique and made of `A-Za-z0-9=;,._-`, every seed in
 * exactly one unit and in order, costs positive and summing to the case's estimate.
 */
export function assertPlanWellFormed(
  c: AnyCase,
  config: Record<string, unknown>,
  seeds: readonly number[],
): UnitSpec[] {
  const plan = c.units!.plan(config, seeds);
  assert.ok(plan.length >= 1, `${c.id}: empty plan`);
  const keys = plan.map((u) => u.key);
  assert.equal(new Set(keys).size, keys.length, `${c.id}: duplicate unit keys ${keys}`);
  for (const k of keys) assert.match(k, /^[A-Za-z0-9=;,._-]+$/, `${c.id}: unit key ${k}`);
  assert.deepEqual(plan.flatMap((u) => u.seeds), [...seeds], `${c.id}: seeds not covered once`);
  for (const u of plan) assert.ok(u.cost > 0 && Number.isFinite(u.cost), `${c.id} ${u.key} cost`);
  const sum = plan.reduce((s, u) => s + u.cost, 0);
  const est = c.estimateSeconds(config);
  assert.ok(
    Math.abs(sum - est) <= 1e-9 * est,
    `${c.id}: unit costs sum to ${sum}, estimate ${est}`,
  );
  return plan;
}

/**
 * The most calibrated seconds one unit may take at the quick profile: half the mean shard at
 * n = 8 of the quick profile's calibrated total (~1000 s on 2026-12-02), so that 8 shards can
 * balance (the ≤ 1.3× bound itself is tested on the real plan in unit_plan_test.ts). It was 40 s
 * against the 2026-11-23 calibration, which measured the cases before their quick-profile
 * alternatives and underestimated them 2–10×.
 */
export const QUICK_UNIT_MAX_SECONDS = 60;

/**
 * The sizing rule of units at the quick profile, in calibrated seconds (the case's estimate times
 * its factor in bench/calibration.json): no unit over {@link QUICK_UNIT_MAX_SECONDS}, and a case
 * of 60 s or more split into at least 4 units.
 */
export function assertQuickUnitSizes(c: AnyCase): void {
  const config = resolveConfig(c, "quick", {});
  const plan = assertPlanWellFormed(c, config, firstSeeds(c.defaultSeeds(config)));
  const factor = CALIBRATION.cases[c.id]?.factor ?? 1;
  for (const u of plan) {
    assert.ok(
      u.cost * factor <= QUICK_UNIT_MAX_SECONDS,
      `${c.id} ${u.key}: ${(u.cost * factor).toFixed(1)} s at quick`,
    );
  }
  if (c.estimateSeconds(config) * factor >= 60) {
    assert.ok(plan.length >= 4, `${c.id}: ${plan.length} units for a case of 60 s or more`);
  }
}

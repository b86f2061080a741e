/**
 * A {@link CaseContext} for tests and benches: CPU or WebGPU, fixed seeds, silent progress.
 * @module
 */
import type { AnyCase, CaseContext, Profile } from "./case.ts";
import { storeMeasurement } from "./judge.ts";
import type { RunError } from "../reports/schema.ts";
import { detachedContext } from "./detached_context.ts";

/** Options of {@link makeTestContext}. */
export interface TestContextOptions {
  seeds?: number[];
  device?: GPUDevice | null;
  baseSeed?: number;
}

/** A context that records run errors and timings in the returned object for inspection. */
export function makeTestContext(
  opts: TestContextOptions = {},
): CaseContext & { runErrors: RunError[]; timings: Record<string, number> } {
  return detachedContext(opts);
}

/**
 * Synthetic measurements for the mutation tests of one case's judge (`judge_mutation_test.ts`):
 * one that satisfies the claim, and for each primary check one that violates it.
 */
export interface JudgeFixture {
  /** The case's id. */
  caseId: string;
  /** The profile whose config the measurements are built for (default "quick"). */
  profile?: Profile;
  /** A measurement that satisfies the claim: the judge must say "reproduced". */
  satisfying(config: Record<string, unknown>): unknown;
  /**
   * Per primary check (its name matched by `check`), a measurement that violates it: the judge
   * must say "not reproduced", with every matching primary check "not reproduced".
   */
  violating: { check: RegExp; measurement(config: Record<string, unknown>): unknown }[];
}

/**
 * A deterministic number in [−1, 1] for integer ids (a hash; no state): the per-run jitter of
 * synthetic measurements in judge fixtures.
 */
export function wobble(...ids: number[]): number {
  let h = 2166136261;
  for (const i of ids) {
    h ^= i + 0x9e3779b9;
    h = Math.imul(h, 16777619) >>> 0;
    h ^= h >>> 13;
  }
  return (h % 20001) / 10000 - 1;
}

/** SHA-256 (hex) of a value's JSON. */
export async function sha256Json(value: unknown): Promise<string> {
  const h = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(JSON.stringify(value)));
  return [...new Uint8Array(h)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** What {@link runFingerprint} returns. */
export interface RunFingerprint {
  /** SHA-256 of the stored measurement's JSON (without the omitted fields). */
  measurement: string;
  /** Run errors recorded. */
  errors: number;
  /** SHA-256 of the run errors' JSON, sorted (their order may follow the units). */
  errorsHash: string;
}

/**
 * Run a case on the CPU and fingerprint what it measured, for bit-identity tests (e.g. a case's
 * measurement before and after a refactoring): `omit` names top-level measurement fields that
 * are timings, not measurements.
 */
export async function runFingerprint(
  c: AnyCase,
  config: Record<string, unknown>,
  seeds: number[],
  opts: { baseSeed?: number; omit?: readonly string[] } = {},
): Promise<RunFingerprint> {
  const ctx = makeTestContext({ seeds, baseSeed: opts.baseSeed ?? 0 });
  const stored = storeMeasurement(c, await c.run(ctx, config)) as Record<string, unknown>;
  const kept = Object.fromEntries(
    Object.entries(stored).filter(([k]) => !(opts.omit ?? []).includes(k)),
  );
  const errors = ctx.runErrors.map((e) => JSON.stringify(e)).sort();
  return {
    measurement: await sha256Json(kept),
    errors: errors.length,
    errorsHash: await sha256Json(errors),
  };
}

/**
 * A {@link CaseContext} for tests and benches: CPU or WebGPU, fixed seeds, silent progress.
 * @module
 */
import type { CaseContext } from "./case.ts";
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

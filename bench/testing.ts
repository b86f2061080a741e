/**
 * A {@link CaseContext} for tests and benches: CPU or WebGPU, fixed seeds, silent progress.
 * @module
 */
import type { CaseContext } from "./case.ts";
import type { RunError } from "../reports/schema.ts";
import { PhiloxStream } from "../models/gpu/philox.ts";

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
  const runErrors: RunError[] = [];
  const timings: Record<string, number> = {};
  const base = opts.baseSeed ?? 0;
  return {
    backend: opts.device ? "webgpu" : "cpu",
    device: opts.device ?? null,
    seeds: opts.seeds ?? [0, 1, 2],
    stream: (name, ...ids) => new PhiloxStream(base, name, ...ids),
    progress: () => {},
    runError: (e) => void runErrors.push(e),
    timing: (name, s) => void (timings[name] = (timings[name] ?? 0) + s),
    now: () => performance.now(),
    signal: new AbortController().signal,
    runErrors,
    timings,
  };
}

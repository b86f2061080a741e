/**
 * A case context on its own: streams from a base seed, run errors and timings collected in the
 * returned object, silent progress. The runner builds its context from it (adding its progress
 * bar); worker tasks (`models/cpu/pool.ts`) rebuild one from `ctx.baseSeed` so that code written
 * against a {@link CaseContext} draws the same numbers in a worker as in the runner; tests use it
 * through `makeTestContext`.
 * @module
 */
import type { CaseContext } from "./case.ts";
import type { RunError } from "../reports/schema.ts";
import { PhiloxStream } from "../datasets/philox.ts";

/** Options of {@link detachedContext}. */
export interface DetachedContextOptions {
  seeds?: readonly number[];
  device?: GPUDevice | null;
  baseSeed?: number;
  signal?: AbortSignal;
}

/** A context that records run errors and timings in the returned object. */
export function detachedContext(
  opts: DetachedContextOptions = {},
): CaseContext & { runErrors: RunError[]; timings: Record<string, number> } {
  const runErrors: RunError[] = [];
  const timings: Record<string, number> = {};
  const base = opts.baseSeed ?? 0;
  return {
    backend: opts.device ? "webgpu" : "cpu",
    device: opts.device ?? null,
    seeds: opts.seeds ?? [0, 1, 2],
    baseSeed: base,
    stream: (name, ...ids) => new PhiloxStream(base, name, ...ids),
    progress: () => {},
    runError: (e) => void runErrors.push(e),
    timing: (name, s) => void (timings[name] = (timings[name] ?? 0) + s),
    now: () => performance.now(),
    signal: opts.signal ?? new AbortController().signal,
    runErrors,
    timings,
  };
}

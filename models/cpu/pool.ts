/**
 * The CPU paths' use of Web Workers: independent tasks (chunks of training runs,
 * sampler slots, seeds) run on every core. A task is a module URL, the name of an exported
 * function `fn(input, report?)` and its (structured-cloneable) input; `report(units)` forwards
 * progress to {@link PoolOptions.onProgress}; outputs come back in input order, so results do
 * not depend on the number of workers. With one worker (or one task) everything runs inline.
 *
 * The worker count is `CLAIMBENCH_CPU_WORKERS` when set (an integer ≥ 1), otherwise the number of
 * logical cores (`navigator.hardwareConcurrency`).
 * @module
 */
import { type RunAllOptions, runAllWarm, sharedWarmPool, WarmPool } from "./warm_pool.ts";

/** Options of {@link runInWorkers}: those of `runAllWarm`, the worker count, `fresh`. */
export interface PoolOptions<O, I = unknown> extends RunAllOptions<O, I> {
  /** Workers to start (default {@link cpuWorkerCount}); capped at the number of tasks. */
  workers?: number;
  /**
   * Start this call's own workers (closed when it ends) instead of using the shared warm pool:
   * for tasks that block on other tasks of the call (each must get a worker of its own even when
   * another call runs at the same time).
   */
  fresh?: boolean;
}

function workersEnv(): string | undefined {
  try {
    return Deno.env.get("CLAIMBENCH_CPU_WORKERS");
  } catch {
    return undefined; // no --allow-env: use the core count
  }
}

/**
 * Workers the CPU paths use: `CLAIMBENCH_CPU_WORKERS` (or `env`, for tests) or the logical core
 * count.
 */
export function cpuWorkerCount(env: string | undefined = workersEnv()): number {
  if (env !== undefined && env !== "") {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(
        `CLAIMBENCH_CPU_WORKERS=${JSON.stringify(env)}: must be an integer ≥ 1`,
      );
    }
    return n;
  }
  return Math.max(1, navigator.hardwareConcurrency || 1);
}

/**
 * Run `fn(input)` of `module` for every input, spread over workers; resolves to the outputs in
 * input order. The workers are the process's warm pool of that size (`./warm_pool.ts`): they,
 * their imported modules and compiled kernels outlive the call, so a case's units pay the
 * start-up once (unless {@link PoolOptions.fresh}). The first failing task rejects the whole call
 * (and closes that pool).
 */
export async function runInWorkers<I, O>(
  module: URL,
  fn: string,
  inputs: I[],
  opts: PoolOptions<O, I> = {},
): Promise<O[]> {
  const workers = opts.workers ?? cpuWorkerCount();
  const count = Math.min(workers, inputs.length);
  if (count <= 1) return await runInline(module, fn, inputs, opts);
  if (!opts.fresh) return await runAllWarm<I, O>(sharedWarmPool(workers), module, fn, inputs, opts);
  const own = new WarmPool(count);
  try {
    return await runAllWarm<I, O>(own, module, fn, inputs, opts);
  } finally {
    own.close();
  }
}

async function runInline<I, O>(
  module: URL,
  fn: string,
  inputs: I[],
  opts: PoolOptions<O, I>,
): Promise<O[]> {
  const mod = await import(module.href);
  const outs: O[] = [];
  for (const [i, input] of inputs.entries()) {
    if (opts.signal?.aborted) throw new Error("aborted");
    outs.push(await mod[fn](input, (units: number) => opts.onProgress?.(i, units)));
    opts.onResult?.(i, outs[i]);
  }
  return outs;
}

/** Split `items` into at most `parts` contiguous chunks of near-equal length (none empty). */
export function chunks<T>(items: T[], parts: number): T[][] {
  const k = Math.max(1, Math.min(parts, items.length));
  const out: T[][] = [];
  for (let c = 0; c < k; c++) {
    out.push(
      items.slice(Math.floor((c * items.length) / k), Math.floor(((c + 1) * items.length) / k)),
    );
  }
  return out;
}

/** Concatenate typed arrays of one kind (chunk outputs back into one array, in order). */
export function concatTyped<T extends Float64Array | Float32Array | Int32Array | Uint32Array>(
  parts: T[],
): T {
  const total = parts.reduce((s, p) => s + p.length, 0);
  const Ctor = parts[0].constructor as new (n: number) => T;
  const out = new Ctor(total);
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
}

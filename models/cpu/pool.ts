/**
 * A small pool of Web Workers for the CPU paths: independent tasks (chunks of training runs,
 * sampler slots, seeds) run on every core. A task is a module URL, the name of an exported
 * function `fn(input, report?)` and its (structured-cloneable) input; `report(units)` forwards
 * progress to {@link PoolOptions.onProgress}; outputs come back in input order, so results do
 * not depend on the number of workers. With one worker (or one task) everything runs inline.
 *
 * The worker count is `CLAIMBENCH_CPU_WORKERS` when set (an integer ≥ 1), otherwise the number of
 * logical cores (`navigator.hardwareConcurrency`).
 * @module
 */

/** Options of {@link runInWorkers}. */
export interface PoolOptions<O> {
  /** Workers to start (default {@link cpuWorkerCount}); capped at the number of tasks. */
  workers?: number;
  /** Called once per finished task, in completion order. */
  onResult?: (index: number, out: O) => void;
  /** Called when a task reports progress (the task function's second argument). */
  onProgress?: (index: number, units: number) => void;
  /** Aborting terminates every worker and rejects with "aborted". */
  signal?: AbortSignal;
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

interface Reply {
  id: number;
  ok?: boolean;
  progress?: number;
  out?: unknown;
  message?: string;
}

/**
 * Run `fn(input)` of `module` for every input, spread over workers; resolves to the outputs in
 * input order. The first failing task rejects the whole call (its message names the task).
 */
export async function runInWorkers<I, O>(
  module: URL,
  fn: string,
  inputs: I[],
  opts: PoolOptions<O> = {},
): Promise<O[]> {
  const count = Math.min(opts.workers ?? cpuWorkerCount(), inputs.length);
  if (count <= 1) return await runInline(module, fn, inputs, opts);
  const outs = new Array<O>(inputs.length);
  const workers: Worker[] = [];
  let next = 0, finished = 0, settled = false;
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (e: Error) => {
        if (!settled) (settled = true, reject(e));
      };
      const onAbort = () => fail(new Error("aborted"));
      if (opts.signal?.aborted) return onAbort();
      opts.signal?.addEventListener("abort", onAbort, { once: true });
      const feed = (w: Worker) => {
        if (next >= inputs.length) return;
        const id = next++;
        w.postMessage({ id, module: module.href, fn, input: inputs[id] });
      };
      for (let k = 0; k < count; k++) {
        const w = new Worker(new URL("./_worker.ts", import.meta.url).href, { type: "module" });
        workers.push(w);
        w.onmessage = (e: MessageEvent<Reply>) => {
          const r = e.data;
          if (r.progress !== undefined) return opts.onProgress?.(r.id, r.progress);
          if (!r.ok) {
            return fail(new Error(`${fn} (task ${r.id} of ${inputs.length}): ${r.message}`));
          }
          outs[r.id] = r.out as O;
          opts.onResult?.(r.id, outs[r.id]);
          if (++finished === inputs.length) {
            settled = true;
            opts.signal?.removeEventListener("abort", onAbort);
            resolve();
          } else feed(w);
        };
        w.onerror = (e: ErrorEvent) => {
          e.preventDefault();
          fail(new Error(`${fn}: worker failed: ${e.message}`));
        };
        feed(w);
      }
    });
  } finally {
    for (const w of workers) w.terminate();
  }
  return outs;
}

async function runInline<I, O>(
  module: URL,
  fn: string,
  inputs: I[],
  opts: PoolOptions<O>,
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

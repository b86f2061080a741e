/**
 * A pool of Web Workers that outlives one batch of tasks: tasks are submitted one at a time
 * ({@link WarmPool.run}, a promise each, run first-in first-out on the next free worker) and the
 * workers stay up between batches, so a run of many short batches (the work units of a case)
 * pays each worker's start and the JIT warm-up of its modules once, not once per batch.
 * Measured on `mem.transition`'s host tasks (one unit: 15 tasks, ~0.5 s of CPU warm): fresh
 * workers per unit cost 0.72–0.88 s of CPU, warm ones ~0.5 s.
 *
 * The workers are closed after `idleMs` without a task (an idle worker keeps the process alive) or
 * by {@link WarmPool.close}; a later task starts fresh ones. A failing task rejects its own promise
 * only; a worker that dies rejects its tasks and is replaced. The workers run `./_worker.ts`, the
 * protocol of {@link ./pool.ts}.
 * @module
 */

interface Job {
  id: number;
  module: string;
  fn: string;
  input: unknown;
  transfer: Transferable[];
  resolve: (out: unknown) => void;
  reject: (e: Error) => void;
  onProgress?: (units: number) => void;
  /** The batch the task belongs to (see {@link WarmPool.drop}). */
  batch?: object;
}

interface Slot {
  worker: Worker;
  /** Tasks posted to the worker and not finished, in posting order (at most `depth`). */
  jobs: Job[];
}

interface Reply {
  id: number;
  ok?: boolean;
  progress?: number;
  out?: unknown;
  message?: string;
}

/** Default idle time (ms) after which the workers are closed. */
export const WARM_POOL_IDLE_MS = 1000;

/** Persistent workers; see the module doc. */
export class WarmPool {
  readonly size: number;
  readonly idleMs: number;
  readonly depth: number;
  #slots: Slot[] = [];
  #queue: Job[] = [];
  #nextId = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /**
   * At most `size` workers (≥ 1), closed after `idleMs` ms without a task; each worker is sent up
   * to `depth` tasks at once (it runs them one after the other): with 2, a worker finds its next
   * task waiting even when this thread is busy (e.g. blocked in a WebGPU submit on llvmpipe) as it
   * finishes one.
   */
  constructor(size: number, opts: { idleMs?: number; depth?: number } = {}) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`pool size ${size}`);
    this.size = size;
    this.idleMs = opts.idleMs ?? WARM_POOL_IDLE_MS;
    this.depth = Math.max(1, Math.floor(opts.depth ?? 1));
  }

  /** Workers now running (0 before the first task and after an idle close). */
  get workers(): number {
    return this.#slots.length;
  }

  /**
   * Run `fn(input, report)` of `module` on a worker; resolves to its output. `transfer` lists
   * buffers of `input` to move instead of copy. A failing task rejects its promise only.
   */
  run<I, O>(
    module: URL,
    fn: string,
    input: I,
    opts: { onProgress?: (units: number) => void; transfer?: Transferable[]; batch?: object } = {},
  ): Promise<O> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    return new Promise<O>((resolve, reject) => {
      this.#queue.push({
        id: this.#nextId++,
        module: module.href,
        fn,
        input,
        transfer: opts.transfer ?? [],
        resolve: resolve as (out: unknown) => void,
        reject,
        onProgress: opts.onProgress,
        batch: opts.batch,
      });
      this.#feed();
    });
  }

  /**
   * Remove the queued tasks of `batch` (they reject with "dropped"); its running tasks finish, and
   * the other batches' tasks are untouched.
   */
  drop(batch: object): void {
    const gone = this.#queue.filter((j) => j.batch === batch);
    this.#queue = this.#queue.filter((j) => j.batch !== batch);
    for (const j of gone) j.reject(new Error("dropped"));
    this.armIdleTimer();
  }

  /** Terminate every worker; queued and running tasks reject with "closed". */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const pending = [...this.#queue, ...this.#slots.flatMap((s) => s.jobs)];
    this.#queue = [];
    for (const s of this.#slots) s.worker.terminate();
    this.#slots = [];
    for (const j of pending) j.reject(new Error("closed"));
  }

  #feed(): void {
    while (this.#queue.length) {
      // the least loaded worker below `depth`; a new one while some worker is busy
      let slot: Slot | undefined;
      for (const s of this.#slots) {
        if (s.jobs.length < this.depth && (!slot || s.jobs.length < slot.jobs.length)) slot = s;
      }
      if ((!slot || slot.jobs.length > 0) && this.#slots.length < this.size) slot = this.#spawn();
      if (!slot) return;
      const job = this.#queue.shift()!;
      slot.jobs.push(job);
      const { id, module, fn, input } = job;
      slot.worker.postMessage({ id, module, fn, input }, job.transfer);
    }
    this.armIdleTimer();
  }

  /** Start the idle timer when no worker has a task (none while {@link holdWarmWorkers} holds). */
  armIdleTimer(): void {
    if (holds > 0 || this.#timer || !this.#slots.length) return;
    if (this.#slots.every((s) => !s.jobs.length)) {
      this.#timer = setTimeout(() => this.close(), this.idleMs);
    }
  }

  #spawn(): Slot {
    const worker = new Worker(new URL("./_worker.ts", import.meta.url).href, { type: "module" });
    const slot: Slot = { worker, jobs: [] };
    worker.onmessage = (e: MessageEvent<Reply>) => {
      const r = e.data, k = slot.jobs.findIndex((j) => j.id === r.id);
      if (k < 0) return;
      const job = slot.jobs[k];
      if (r.progress !== undefined) return job.onProgress?.(r.progress);
      slot.jobs.splice(k, 1);
      if (r.ok) job.resolve(r.out);
      else job.reject(new Error(`${job.fn}: ${r.message}`));
      this.#feed();
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      worker.terminate();
      this.#slots = this.#slots.filter((s) => s !== slot);
      for (const job of slot.jobs) job.reject(new Error(`${job.fn}: worker failed: ${e.message}`));
      slot.jobs = [];
      this.#feed();
    };
    this.#slots.push(slot);
    return slot;
  }
}

const shared = new Map<string, WarmPool>();
let holds = 0;

/**
 * Keep the idle workers of every pool up until the returned function is called (each hold
 * counts): a benchmark's repetitions then run on warm workers, as the peer's in-process
 * libraries are warm, however long the peer's turn between them takes.
 */
export function holdWarmWorkers(): () => void {
  holds++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    holds--;
    for (const pool of shared.values()) pool.armIdleTimer();
  };
}

/**
 * The process's shared pool of `size` workers sent `depth` tasks at once: one per (size, depth),
 * so concurrent callers that ask for different shapes never close each other's workers. A pool
 * closes its idle workers after {@link WARM_POOL_IDLE_MS} and restarts them on the next task.
 */
export function sharedWarmPool(size: number, depth = 1): WarmPool {
  const key = `${size}x${depth}`;
  let pool = shared.get(key);
  if (!pool) shared.set(key, pool = new WarmPool(size, { depth }));
  return pool;
}

/**
 * Close every shared pool's workers (the next task starts fresh ones). The runner calls it after
 * each case, so workers keep no case's module state or WebAssembly memory into the next one.
 */
export function closeSharedWarmPools(): void {
  for (const pool of shared.values()) pool.close();
}

/** Options of {@link runAllWarm}. */
export interface RunAllOptions<O, I = unknown> {
  /** Called once per finished task, in completion order. */
  onResult?: (index: number, out: O) => void;
  /** Called when a task reports progress (the task function's second argument). */
  onProgress?: (index: number, units: number) => void;
  /** Aborting closes the pool (its tasks stop) and rejects with "aborted". */
  signal?: AbortSignal;
  /** Buffers of an input to move to its worker instead of copying (the caller's become detached). */
  transfer?: (input: I) => Transferable[];
}

/**
 * `fn(input)` of `module` for every input on `pool`, like `runInWorkers` (`./pool.ts`) but on
 * warm workers: resolves to the outputs in input order. The first failing task rejects the call
 * and drops the call's queued tasks (its running ones finish; other callers sharing the pool are
 * untouched); aborting closes the pool, so every task on it stops.
 */
export async function runAllWarm<I, O>(
  pool: WarmPool,
  module: URL,
  fn: string,
  inputs: readonly I[],
  opts: RunAllOptions<O, I> = {},
): Promise<O[]> {
  if (opts.signal?.aborted) throw new Error("aborted");
  const onAbort = () => pool.close();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  const batch = {};
  try {
    return await Promise.all(inputs.map(async (input, i) => {
      const out = await pool.run<I, O>(module, fn, input, {
        batch,
        transfer: opts.transfer?.(input),
        onProgress: opts.onProgress && ((u) => opts.onProgress!(i, u)),
      }).catch((e: Error) => {
        const why = e.message.startsWith(`${fn}: `) ? e.message.slice(fn.length + 2) : e.message;
        throw new Error(`${fn} (task ${i} of ${inputs.length}): ${why}`);
      });
      opts.onResult?.(i, out);
      return out;
    }));
  } catch (e) {
    pool.drop(batch);
    throw opts.signal?.aborted ? new Error("aborted") : e;
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
  }
}

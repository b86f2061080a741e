/**
 * A pool of Web Workers that outlives one batch of tasks: tasks are submitted one at a time
 * ({@link WarmPool.run}, a promise each, run first-in first-out on the next free worker) and the
 * workers stay up between batches, so a run of many short batches (the work units of a case)
 * pays each worker's start and the JIT warm-up of its modules once, not once per batch.
 * Measured on `mem.transition`'s host tasks (one unit: 15 tasks, ~0.5 s of CPU warm): fresh
 * workers per unit cost 0.72–0.88 s of CPU, warm ones ~0.5 s.
 *
 * The workers are closed after `idleMs` without a task (an idle worker keeps the process alive),
 * by {@link WarmPool.close}, or when one fails; a later task starts fresh ones. The workers run
 * `./_worker.ts`, the protocol of {@link ./pool.ts}.
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
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

interface Reply {
  id: number;
  ok?: boolean;
  progress?: number;
  out?: unknown;
  message?: string;
}

/** Default idle time (ms) after which the workers are closed. */
export const WARM_POOL_IDLE_MS = 2000;

/** Persistent workers; see the module doc. */
export class WarmPool {
  readonly size: number;
  readonly idleMs: number;
  #slots: Slot[] = [];
  #queue: Job[] = [];
  #nextId = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** At most `size` workers (≥ 1), closed after `idleMs` ms without a task. */
  constructor(size: number, idleMs = WARM_POOL_IDLE_MS) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`pool size ${size}`);
    this.size = size;
    this.idleMs = idleMs;
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
    opts: { onProgress?: (units: number) => void; transfer?: Transferable[] } = {},
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
      });
      this.#feed();
    });
  }

  /** Terminate every worker; queued and running tasks reject with "closed". */
  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const pending = [...this.#queue, ...this.#slots.flatMap((s) => (s.job ? [s.job] : []))];
    this.#queue = [];
    for (const s of this.#slots) s.worker.terminate();
    this.#slots = [];
    for (const j of pending) j.reject(new Error("closed"));
  }

  #feed(): void {
    while (this.#queue.length) {
      let slot = this.#slots.find((s) => !s.job);
      if (!slot && this.#slots.length < this.size) slot = this.#spawn();
      if (!slot) return;
      const job = this.#queue.shift()!;
      slot.job = job;
      const { id, module, fn, input } = job;
      slot.worker.postMessage({ id, module, fn, input }, job.transfer);
    }
    if (this.#slots.every((s) => !s.job) && this.#slots.length && this.#timer === undefined) {
      this.#timer = setTimeout(() => this.close(), this.idleMs);
    }
  }

  #spawn(): Slot {
    const worker = new Worker(new URL("./_worker.ts", import.meta.url).href, { type: "module" });
    const slot: Slot = { worker, job: null };
    worker.onmessage = (e: MessageEvent<Reply>) => {
      const r = e.data, job = slot.job;
      if (!job || r.id !== job.id) return;
      if (r.progress !== undefined) return job.onProgress?.(r.progress);
      slot.job = null;
      if (r.ok) job.resolve(r.out);
      else job.reject(new Error(`${job.fn}: ${r.message}`));
      this.#feed();
    };
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      const job = slot.job;
      worker.terminate();
      this.#slots = this.#slots.filter((s) => s !== slot);
      job?.reject(new Error(`${job.fn}: worker failed: ${e.message}`));
      this.#feed();
    };
    this.#slots.push(slot);
    return slot;
  }
}

let shared: WarmPool | undefined;

/**
 * The process's shared pool of `size` workers (a new one when the size changes; the old one is
 * closed). Closed pools restart their workers on the next task.
 */
export function sharedWarmPool(size: number): WarmPool {
  if (shared?.size !== size) {
    shared?.close();
    shared = new WarmPool(size);
  }
  return shared;
}

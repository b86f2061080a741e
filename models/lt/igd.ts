/**
 * Individual gradient descent (IGD) on the mutual-learning game: every class steps at once from
 * the same iterate, each on a minibatch of its pool's draws (or on its whole pool), and the exact
 * Nash gap is recorded at checkpoints.
 * @module
 */
import { type BestResponder, classGaps, type Pool } from "./game.ts";
import { IGD_CHUNK, type IgdKernel } from "./igd_steps.ts";
import { wasmIgdStepper } from "./igd_wasm.ts";

/** Options of {@link runIgd}. */
export interface IgdOptions {
  beta: number;
  ridge: number;
  /** Iterations T_max. */
  steps: number;
  /** Minibatch size per class (ignored when fullBatch). */
  batch: number;
  fullBatch: boolean;
  /** Step of class y at iteration t (0-based): lr / (L_y √(t+1)), L_y the loss's smoothness. */
  lr: number;
  /** Smoothness L_y = 2 λ_max(H_y)/m² per class (pass the same for every β to keep steps paired). */
  smoothness: number[];
  /** Step schedule: "invsqrt" (η_t ∝ 1/√(t+1), the theory's) or "constant". */
  schedule: "invsqrt" | "constant";
  /** Sorted iteration counts at which to record the gap (T = number of steps taken). */
  checkpoints: number[];
  /**
   * Key of the Philox stream of the minibatch indices, read from its start
   * (`PhiloxStream.fromKey`): the same key gives every β the same minibatches (paired runs).
   */
  drawKey: readonly [number, number];
  signal?: AbortSignal;
}

/** Gap trajectory of one IGD run. */
export interface IgdResult {
  /** Nash gap of the iterate after T steps, per checkpoint. */
  gap: number[];
  /** Best (smallest) gap among the recorded iterates up to T. */
  best: number[];
  /** Per-class gaps at the last checkpoint. */
  lastClassGaps: number[];
  /** First step at which a non-finite value appeared, or null. */
  failedAt: number | null;
  /** Final iterate. */
  A: Float64Array[];
}

/**
 * Run IGD from A = 0 and record exact Nash gaps (`br` must be the game at `opts.beta`); `kernel`
 * takes the steps between checkpoints (default: WebAssembly, the reference's bits).
 */
export function runIgd(
  pool: Pool,
  br: BestResponder,
  opts: IgdOptions,
  kernel: IgdKernel = wasmIgdStepper,
): IgdResult {
  const stepper = kernel(pool, br, opts);
  const gap: number[] = [], best: number[] = [];
  let bestSoFar = Infinity, ci = 0, failedAt: number | null = null, lastClassGaps: number[] = [];
  const cps = opts.checkpoints;
  const record = (t: number) => {
    while (ci < cps.length && cps[ci] === t) {
      const g = stepper.classGaps?.() ?? classGaps(br, stepper.iterate());
      const G = Math.max(...g);
      if (!Number.isFinite(G) && failedAt === null) failedAt = t;
      bestSoFar = Math.min(bestSoFar, G);
      gap.push(G), best.push(bestSoFar), lastClassGaps = g;
      ci++;
    }
  };
  record(0);
  for (let t = 0; t < opts.steps && ci < cps.length;) {
    if (opts.signal?.aborted) throw new Error("aborted");
    // the next step count that records (a checkpoint that is never reached runs to the end)
    const next = Number.isInteger(cps[ci]) && cps[ci] > t ? cps[ci] : opts.steps;
    const stop = Math.min(next, opts.steps, t + IGD_CHUNK);
    stepper.steps(t, stop);
    t = stop;
    record(t);
    if (failedAt !== null) break;
  }
  return { gap, best, lastClassGaps, failedAt, A: stepper.iterate().map((a) => a.slice()) };
}

/** Checkpoints 0 and round(2^{k/perOctave}) up to `steps`, unique and sorted. */
export function geometricCheckpoints(steps: number, perOctave: number): number[] {
  const s = new Set<number>([0]);
  for (let k = 0;; k++) {
    const v = Math.round(Math.pow(2, k / perOctave));
    if (v > steps) break;
    s.add(v);
  }
  s.add(steps);
  return [...s].sort((a, b) => a - b);
}

/**
 * CPU trainer (f64): full-batch GD of every run of a batch, logging S, N and the loss at steps 0,
 * logEvery, …, steps. By default every step of a run runs in WebAssembly (`train_wasm.ts`); with
 * `kernels` it is the step loop here, the reference (`JS_ROWS`), with the same bits. The WebGPU
 * kernel (`gd_kernel.ts`) follows the same order.
 * @module
 */
import {
  type FlBatch,
  type FlResult,
  logCount,
  neuronCount,
  rowCount,
  rowWeights,
  signalNoise,
} from "./batch.ts";
import { diffusionLossGrad, type LossGrad } from "./diffusion.ts";
import { classifierLossGrad } from "./classifier.ts";
import { type RowKernels, WASM_ROWS } from "./rows_wasm.ts";
import { trainRunWasm } from "./train_wasm.ts";
import { chunks, concatTyped, cpuWorkerCount, runInWorkers } from "../cpu/pool.ts";

/** Options of {@link trainCpu}. */
export interface CpuTrainOptions {
  /** Called after each run with the number of runs done. */
  onRun?: (done: number) => void;
  signal?: AbortSignal;
  /**
   * Row kernels of a step-by-step loop in JS (`JS_ROWS` is the reference, `WASM_ROWS` its
   * WebAssembly kernels with copies per step). Default: none, every step of a run in WebAssembly
   * (`train_wasm.ts`). All three give the same bits.
   */
  kernels?: RowKernels;
}

/** Loss and gradient of one run of the batch at W. */
export function lossGrad(
  b: FlBatch,
  W: Float64Array,
  run: FlBatch["runs"][number],
  weights: Float64Array,
  k: RowKernels = WASM_ROWS,
): LossGrad {
  return b.model === "diffusion"
    ? diffusionLossGrad(W, run.X, weights, {
      m: b.m,
      d: b.d,
      R: rowCount(b.n),
      alpha: b.alpha,
      beta: b.beta,
    }, k)
    : classifierLossGrad(W, run.X, run.y, b.m, b.d, b.q, k);
}

/**
 * Train every run of the batch. A run whose loss turns non-finite stops there: its remaining
 * logs are NaN and `failedAt[run]` is the step (−1 when it finished).
 */
export function trainCpu(b: FlBatch, opts: CpuTrainOptions = {}): FlResult & {
  failedAt: Int32Array;
} {
  const L = logCount(b);
  const M = neuronCount(b.model, b.m);
  const size = M * b.d;
  const logs = new Float64Array(b.runs.length * L * 3).fill(NaN);
  const Wout = new Float64Array(b.runs.length * size);
  const failedAt = new Int32Array(b.runs.length).fill(-1);
  b.runs.forEach((run, ri) => {
    if (opts.signal?.aborted) throw new Error("aborted");
    if (!opts.kernels) {
      failedAt[ri] = trainRunWasm(
        b,
        run,
        logs.subarray(ri * L * 3, (ri + 1) * L * 3),
        Wout.subarray(ri * size, (ri + 1) * size),
      );
      opts.onRun?.(ri + 1);
      return;
    }
    const W = Float64Array.from(run.W0);
    const weights = rowWeights(run.y);
    for (let t = 0; t <= b.steps; t++) {
      const { loss, grad, P } = lossGrad(b, W, run, weights, opts.kernels);
      if (!Number.isFinite(loss)) {
        failedAt[ri] = t;
        break;
      }
      if (t % b.logEvery === 0) {
        const [S, N] = signalNoise(P, M, b.n);
        logs.set([S, N, loss], (ri * L + t / b.logEvery) * 3);
      }
      if (t === b.steps) break;
      for (let k = 0; k < size; k++) W[k] -= b.lr * grad[k];
    }
    Wout.set(W, ri * size);
    opts.onRun?.(ri + 1);
  });
  return { logs, logPoints: L, W: Wout, failedAt };
}

/** What {@link trainCpu} returns. */
export type CpuTrainResult = ReturnType<typeof trainCpu>;

/**
 * {@link trainCpu} with the runs spread over CPU workers (`runInWorkers`, the process's warm
 * pool): the same numbers bit for bit, whatever the worker count; `onRun` counts finished runs
 * chunk by chunk.
 */
export async function trainCpuParallel(
  b: FlBatch,
  opts: CpuTrainOptions & { workers?: number } = {},
): Promise<CpuTrainResult> {
  const workers = opts.workers ?? cpuWorkerCount();
  if (workers <= 1 || b.runs.length < 2) return trainCpu(b, opts);
  const parts = chunks(b.runs, workers * 4);
  let done = 0;
  const outs = await runInWorkers<FlBatch, CpuTrainResult>(
    new URL(import.meta.url),
    "trainCpu",
    parts.map((runs) => ({ ...b, runs })),
    { workers, signal: opts.signal, onResult: (i) => opts.onRun?.(done += parts[i].length) },
  );
  return {
    logs: concatTyped(outs.map((o) => o.logs)),
    logPoints: outs[0].logPoints,
    W: concatTyped(outs.map((o) => o.W)),
    failedAt: concatTyped(outs.map((o) => o.failedAt)),
  };
}

/**
 * Online projected SGD (pSGD) of the tied autoencoder denoiser D(x_t) = Σ_k w_k σ(⟨w_k, x_t⟩)
 * on the mixed cumulant model: the CPU reference (f64). The WGSL kernel in `sgd_kernel.ts`
 * runs the same algorithm on the same Philox stream (f32).
 *
 * One step t = 1, 2, …: draw (x, x_t) with {@link mcmStepSample} (u = e₁, v = e₂), take the
 * gradient of ‖Σ_k w_k σ(λ_k) − x‖², λ_k = ⟨w_k, x_t⟩,
 *   ∇_{w_k} = 2 (σ_k r + σ'_k (σ_k − ⟨w_k, x⟩) x_t),   r = Σ_j w_j σ_j − x
 * (using ⟨w_k, r⟩ = σ_k − ⟨w_k, x⟩ for orthonormal rows), step w_k ← w_k − η ∇_{w_k}, then
 * Gram–Schmidt the rows back to an orthonormal set (K = 1: renormalise to the unit sphere).
 * Initial rows: Gaussian (Philox counter (j, k, 1, 0)), Gram–Schmidt: uniform on the sphere.
 * @module
 */
import { type McmParams, mcmStepSample } from "../../datasets/mixed_cumulant.ts";
import { chunks, concatTyped, cpuWorkerCount, runInWorkers } from "../cpu/pool.ts";
import { normal2FromU32, philox4x32 } from "../../datasets/philox.ts";
import { runOneWasm } from "./sgd_wasm.ts";

/** Activation σ of the denoiser. `linear` is the control that only sees the covariance. */
export type Activation = "tanh" | "linear";

/** All activations, in kernel code order. */
export const ACTIVATIONS: readonly Activation[] = ["tanh", "linear"];

/** A batch of runs that share everything but their key and step size. */
export interface SgdBatch {
  d: number;
  /** Neurons (1–4), kept orthonormal. */
  K: number;
  act: Activation;
  data: McmParams;
  /** Signal level of the noised input x_t = αx + sqrt(1−α²)ε. */
  alpha: number;
  /** Steps (= samples) per run. */
  cap: number;
  /** Overlaps are logged every `logEvery` steps (at steps logEvery, 2·logEvery, …, ≤ cap). */
  logEvery: number;
  /** First-crossing thresholds on max_k |⟨w_k,u⟩| and max_k |⟨w_k,v⟩|. */
  thresholdU: number;
  thresholdV: number;
  runs: { key: readonly [number, number]; eta: number }[];
}

/** Per run: first crossings, logged overlaps, failure step. */
export interface SgdBatchResult {
  /** First step with max_k |⟨w_k,u⟩| > thresholdU, or 0 when never. */
  crossU: Uint32Array;
  crossV: Uint32Array;
  /** Step at which the weights became non-finite (0 = never). */
  failedAt: Uint32Array;
  /** Logged overlaps, row-major [run][log], log l at step (l+1)·logEvery. */
  logU: Float32Array;
  logV: Float32Array;
  /** Number of log points per run. */
  logs: number;
}

/** Number of log points of a batch. */
export function logCount(b: Pick<SgdBatch, "cap" | "logEvery">): number {
  return Math.floor(b.cap / b.logEvery);
}

/** σ and σ' of an activation. */
export function activate(act: Activation, l: number): [number, number] {
  if (act === "linear") return [l, 1];
  const t = Math.tanh(l);
  return [t, 1 - t * t];
}

/** Initial orthonormal rows (K×d, row-major) of the run keyed by `key`. */
export function initialWeights(key: readonly [number, number], d: number, K: number): Float64Array {
  const w = new Float64Array(K * d);
  const r = new Uint32Array(4);
  for (let k = 0; k < K; k++) {
    for (let j = 0; j < Math.ceil(d / 2); j++) {
      philox4x32(j, k, 1, 0, key[0], key[1], r);
      const [a, b] = normal2FromU32(r[0], r[1]);
      w[k * d + 2 * j] = a;
      if (2 * j + 1 < d) w[k * d + 2 * j + 1] = b;
    }
  }
  gramSchmidt(w, d, K);
  return w;
}

/** Orthonormalise the K rows of `w` in place (classical order, one pass). */
export function gramSchmidt(w: Float64Array | Float32Array, d: number, K: number): void {
  for (let k = 0; k < K; k++) {
    const o = k * d;
    for (let j = 0; j < k; j++) {
      let dot = 0;
      for (let i = 0; i < d; i++) dot += w[o + i] * w[j * d + i];
      for (let i = 0; i < d; i++) w[o + i] -= dot * w[j * d + i];
    }
    let n = 0;
    for (let i = 0; i < d; i++) n += w[o + i] * w[o + i];
    const inv = 1 / Math.sqrt(n);
    for (let i = 0; i < d; i++) w[o + i] *= inv;
  }
}

/** A zeroed result for `runs` runs with `logs` logged overlaps each. */
export function emptyResult(runs: number, logs: number): SgdBatchResult {
  return {
    crossU: new Uint32Array(runs),
    crossV: new Uint32Array(runs),
    failedAt: new Uint32Array(runs),
    logU: new Float32Array(runs * logs),
    logV: new Float32Array(runs * logs),
    logs,
  };
}

/** How the CPU path runs: the WebAssembly kernel (default) or the plain-JS reference loop. */
export type CpuEngine = "wasm" | "js";

/**
 * Train every run of the batch on the CPU (f64). `onProgress(stepsDone)` is called every few
 * thousand steps of each run; `signal` aborts between steps. `engine` "wasm" (default) and
 * "js" give the same bits.
 */
export function runSgdCpu(
  b: SgdBatch,
  onProgress?: (steps: number) => void,
  signal?: AbortSignal,
  engine: CpuEngine = "wasm",
): SgdBatchResult {
  const { d, K, cap, logEvery } = b;
  const L = logCount(b);
  const n = b.runs.length;
  const res = emptyResult(n, L);
  if (engine === "wasm") {
    for (let run = 0; run < n; run++) {
      runOneWasm(b, run, initialWeights(b.runs[run].key, d, K), res, onProgress, signal);
    }
    return res;
  }
  const x = new Float64Array(d), xt = new Float64Array(d), scratch = new Uint32Array(4);
  const lam = new Float64Array(K), mu = new Float64Array(K);
  const sg = new Float64Array(K), sp = new Float64Array(K);
  for (let run = 0; run < n; run++) {
    const { key, eta } = b.runs[run];
    const w = initialWeights(key, d, K);
    for (let t = 1; t <= cap; t++) {
      if ((t & 4095) === 0) {
        if (signal?.aborted) throw new DOMException("aborted", "AbortError");
        onProgress?.(4096);
      }
      mcmStepSample(key, t, d, b.data, b.alpha, x, xt, scratch);
      for (let k = 0; k < K; k++) {
        let l = 0, m = 0;
        const o = k * d;
        for (let i = 0; i < d; i++) l += w[o + i] * xt[i], m += w[o + i] * x[i];
        lam[k] = l, mu[k] = m;
        const [s, ds] = activate(b.act, l);
        sg[k] = s, sp[k] = ds;
      }
      for (let i = 0; i < d; i++) {
        let r = -x[i];
        for (let k = 0; k < K; k++) r += w[k * d + i] * sg[k];
        for (let k = 0; k < K; k++) {
          w[k * d + i] -= eta * 2 * (sg[k] * r + sp[k] * (sg[k] - mu[k]) * xt[i]);
        }
      }
      gramSchmidt(w, d, K);
      let ou = 0, ov = 0;
      for (let k = 0; k < K; k++) {
        ou = Math.max(ou, Math.abs(w[k * d])), ov = Math.max(ov, Math.abs(w[k * d + 1]));
      }
      if (!Number.isFinite(ou) || !Number.isFinite(ov)) {
        res.failedAt[run] = t;
        break;
      }
      if (res.crossU[run] === 0 && ou > b.thresholdU) res.crossU[run] = t;
      if (res.crossV[run] === 0 && ov > b.thresholdV) res.crossV[run] = t;
      if (t % logEvery === 0) {
        const l = t / logEvery - 1;
        res.logU[run * L + l] = ou, res.logV[run * L + l] = ov;
      }
    }
    onProgress?.(cap % 4096);
  }
  return res;
}

/** {@link runSgdCpu} for one batch, as a worker task. */
export function runSgdCpuTask(b: SgdBatch): SgdBatchResult {
  return runSgdCpu(b);
}

/**
 * {@link runSgdCpu} with the runs spread over CPU workers (`models/cpu/pool.ts`): the same result
 * bit for bit, whatever the worker count; `onProgress` gets a chunk's steps when it finishes.
 */
export async function runSgdCpuParallel(
  b: SgdBatch,
  opts: { onProgress?: (steps: number) => void; signal?: AbortSignal; workers?: number } = {},
): Promise<SgdBatchResult> {
  const workers = opts.workers ?? cpuWorkerCount();
  if (workers <= 1 || b.runs.length < 2) return runSgdCpu(b, opts.onProgress, opts.signal);
  const parts = chunks(b.runs, workers * 4);
  const outs = await runInWorkers<SgdBatch, SgdBatchResult>(
    new URL(import.meta.url),
    "runSgdCpuTask",
    parts.map((runs) => ({ ...b, runs })),
    {
      workers,
      signal: opts.signal,
      onResult: (i) => opts.onProgress?.(parts[i].length * b.cap),
    },
  );
  const cat = <K extends "crossU" | "crossV" | "failedAt" | "logU" | "logV">(k: K) =>
    concatTyped(outs.map((o) => o[k])) as SgdBatchResult[K];
  return {
    crossU: cat("crossU"),
    crossV: cat("crossV"),
    failedAt: cat("failedAt"),
    logU: cat("logU"),
    logV: cat("logV"),
    logs: outs[0].logs,
  };
}

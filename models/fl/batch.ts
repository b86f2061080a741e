/**
 * The shared shape of Paper A's training runs: a batch of independent full-batch GD runs of one
 * model on two-patch data, stored as "rows" so both backends see the same layout.
 *
 * Rows of a run's data matrix X (R = n + 2 rows of length d): rows 0…n−1 are the noise patches
 * ξ_i, row n is the signal patch of class +1, row n+1 the signal patch of class −1. Sample i is
 * the pair (row i, row {@link signalRow}(i)). Both models' gradients are linear combinations of
 * rows, and the signal patch, shared by a class, is processed once per class instead of once
 * per sample.
 * @module
 */
import {
  signalPatch,
  type TwoPatchSample,
  type TwoPatchVariant,
} from "../../datasets/two_patch.ts";

/** The two networks. */
export type FlModel = "diffusion" | "classifier";

/** One run: data rows, labels and the initial weights. */
export interface FlRun {
  /** R × d rows (see the module doc). */
  X: Float64Array;
  /** Labels ±1 of the n samples. */
  y: Int8Array;
  /** Initial weights, M × d (M = m for the diffusion model, 2m for the classifier). */
  W0: Float64Array;
}

/** A batch of runs that share every hyperparameter (one dispatch advances all of them). */
export interface FlBatch {
  model: FlModel;
  d: number;
  n: number;
  /** Neurons (per class j for the classifier). */
  m: number;
  /** GD steps. */
  steps: number;
  /** Log S, N and the loss every this many steps (must divide `steps`). */
  logEvery: number;
  /** Learning rate η. */
  lr: number;
  /** Diffusion: x_t = α x + β ε. */
  alpha: number;
  beta: number;
  /** Classifier: σ = ReLU^q. */
  q: number;
  runs: FlRun[];
}

/** What training returns: logs and the final weights of every run. */
export interface FlResult {
  /** Per run, per log point: S, N, loss (runs × L × 3). */
  logs: Float64Array;
  /** Log points L (steps 0, logEvery, …, steps). */
  logPoints: number;
  /** Final weights, runs × M × d. */
  W: Float64Array;
}

/** Rows R of a run's data matrix. */
export function rowCount(n: number): number {
  return n + 2;
}

/** Neurons M (rows of W) of a model. */
export function neuronCount(model: FlModel, m: number): number {
  return model === "diffusion" ? m : 2 * m;
}

/** The row of sample i's signal patch. */
export function signalRow(n: number, label: number): number {
  return label > 0 ? n : n + 1;
}

/** Log points of a batch (validates that logEvery divides steps). */
export function logCount(b: Pick<FlBatch, "steps" | "logEvery">): number {
  if (b.steps % b.logEvery !== 0) {
    throw new RangeError(`logEvery (${b.logEvery}) must divide steps (${b.steps})`);
  }
  return b.steps / b.logEvery + 1;
}

/** The data rows X of a sample at signal norm ‖μ‖. */
export function buildRows(
  s: TwoPatchSample,
  variant: TwoPatchVariant,
  d: number,
  muNorm: number,
): Float64Array {
  const n = s.y.length;
  const X = new Float64Array(rowCount(n) * d);
  X.set(s.xi);
  X.set(signalPatch(variant, 1, d, muNorm), n * d);
  X.set(signalPatch(variant, -1, d, muNorm), (n + 1) * d);
  return X;
}

/** Diffusion loss weight of each row: 1/n per noise row, n_c/n per class signal row. */
export function rowWeights(y: Int8Array): Float64Array {
  const n = y.length;
  const w = new Float64Array(rowCount(n));
  for (let i = 0; i < n; i++) {
    w[i] = 1 / n;
    w[signalRow(n, y[i])] += 1 / n;
  }
  return w;
}

/**
 * Signal and noise learning from the inner products P (M × R, P[r·R + j] = ⟨w_r, X_j⟩):
 * S = mean over the two signal rows of max_r |⟨w_r, μ⟩| (for the signed variant both rows are
 * ±μ, so this is max_r |⟨w_r, μ⟩|), N = (1/n) Σ_i max_r |⟨w_r, ξ_i⟩|.
 */
export function signalNoise(P: ArrayLike<number>, M: number, n: number): [number, number] {
  const R = rowCount(n);
  const colMax = (j: number) => {
    let v = 0;
    for (let r = 0; r < M; r++) v = Math.max(v, Math.abs(P[r * R + j]));
    return v;
  };
  let N = 0;
  for (let i = 0; i < n; i++) N += colMax(i);
  return [(colMax(n) + colMax(n + 1)) / 2, N / n];
}

/** P = W Xᵀ (M × R) in f64. */
export function innerProducts(
  W: Float64Array,
  X: Float64Array,
  M: number,
  R: number,
  d: number,
  out: Float64Array = new Float64Array(M * R),
): Float64Array {
  for (let r = 0; r < M; r++) {
    for (let j = 0; j < R; j++) {
      let s = 0;
      const wo = r * d, xo = j * d;
      for (let k = 0; k < d; k++) s += W[wo + k] * X[xo + k];
      out[r * R + j] = s;
    }
  }
  return out;
}

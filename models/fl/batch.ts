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

/**
 * P = W Xᵀ (M × R) in f64: two rows of W against four rows of X per pass (each product summed
 * over k in order, so the blocking does not change the result).
 */
export function innerProducts(
  W: Float64Array,
  X: Float64Array,
  M: number,
  R: number,
  d: number,
  out: Float64Array = new Float64Array(M * R),
): Float64Array {
  let r = 0;
  for (; r + 1 < M; r += 2) {
    const wa = r * d, wb = wa + d, oa = r * R, ob = oa + R;
    let j = 0;
    for (; j + 3 < R; j += 4) {
      const x0 = j * d, x1 = x0 + d, x2 = x1 + d, x3 = x2 + d;
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
      for (let k = 0; k < d; k++) {
        const u = W[wa + k], v = W[wb + k];
        const y0 = X[x0 + k], y1 = X[x1 + k], y2 = X[x2 + k], y3 = X[x3 + k];
        a0 += u * y0, a1 += u * y1, a2 += u * y2, a3 += u * y3;
        b0 += v * y0, b1 += v * y1, b2 += v * y2, b3 += v * y3;
      }
      out[oa + j] = a0, out[oa + j + 1] = a1, out[oa + j + 2] = a2, out[oa + j + 3] = a3;
      out[ob + j] = b0, out[ob + j + 1] = b1, out[ob + j + 2] = b2, out[ob + j + 3] = b3;
    }
    for (; j < R; j++) {
      out[oa + j] = dot(W, wa, X, j * d, d);
      out[ob + j] = dot(W, wb, X, j * d, d);
    }
  }
  for (; r < M; r++) for (let j = 0; j < R; j++) out[r * R + j] = dot(W, r * d, X, j * d, d);
  return out;
}

function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) s += a[ao + k] * b[bo + k];
  return s;
}

/**
 * out[r] += scale · Σ_j C[r·R + j] · X[j] for r < M (rows of length d): the gradient's "combination
 * of data rows". Zero coefficients are skipped; the others are applied four rows at a time.
 */
export function addRowCombinations(
  out: Float64Array,
  C: Float64Array,
  X: Float64Array,
  M: number,
  R: number,
  d: number,
  scale = 1,
): void {
  const js = new Int32Array(R), cs = new Float64Array(R);
  for (let r = 0; r < M; r++) {
    let nz = 0;
    for (let j = 0; j < R; j++) {
      const c = C[r * R + j];
      if (c !== 0) (js[nz] = j * d, cs[nz++] = scale * c);
    }
    const go = r * d;
    let t = 0;
    for (; t + 3 < nz; t += 4) {
      const x0 = js[t], x1 = js[t + 1], x2 = js[t + 2], x3 = js[t + 3];
      const c0 = cs[t], c1 = cs[t + 1], c2 = cs[t + 2], c3 = cs[t + 3];
      for (let k = 0; k < d; k++) {
        out[go + k] += c0 * X[x0 + k] + c1 * X[x1 + k] + c2 * X[x2 + k] + c3 * X[x3 + k];
      }
    }
    for (; t < nz; t++) {
      const xo = js[t], c = cs[t];
      for (let k = 0; k < d; k++) out[go + k] += c * X[xo + k];
    }
  }
}

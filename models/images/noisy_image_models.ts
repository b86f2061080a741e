/**
 * Paper A's two models on two-patch data whose first patch differs per sample (a real image)
 * and whose second patch is Gaussian noise: full-batch GD with S and N logged over training.
 *
 * The diffusion model's closed-form loss and gradient are `models/fl/diffusion.ts`'s
 * {@link diffusionLossGrad} over all 2n patches (weight 1/n each). The classifier is the K-class
 * version of Paper A's CNN with a fixed second layer: F_j(x) = (1/m) Σ_r Σ_p σ(⟨w_{j,r}, x⁽ᵖ⁾⟩),
 * softmax cross-entropy over j = 1…K (for K = 2 this is exactly the logistic loss on
 * F_{+1} − F_{−1}), σ = ReLU^q from `models/fl/classifier.ts`.
 *
 * Training runs every heavy step in WebAssembly (`models/fl/rows_wasm.ts`: the rows, their
 * transposed block, W, P and the gradient stay in its memory for the whole run); the softmax and
 * its coefficients are JS on views of that memory. {@link trainNoisyImage}'s "js" engine is the
 * reference, and both give the same bits (tested).
 * @module
 */
import { diffusionLossGrad, type LossGrad } from "../fl/diffusion.ts";
import { innerProducts } from "../fl/batch.ts";
import {
  innerProductsWasm,
  JS_ROWS,
  ResidentRows,
  type RowKernels,
  rowsWasm as rows,
} from "../fl/rows_wasm.ts";

/** Data of one run: n image patches, n noise patches (each n × d) and labels in 0…K−1. */
export interface TwoPatchImages {
  images: Float64Array;
  noise: Float64Array;
  labels: Uint8Array;
  n: number;
  d: number;
}

/** The rows [images; noise] (2n × d). */
export function stackRows(s: TwoPatchImages): Float64Array {
  const X = new Float64Array(2 * s.n * s.d);
  X.set(s.images);
  X.set(s.noise, s.n * s.d);
  return X;
}

/** ReLU(z)^q: `reluPow(z, q)[0]` of `models/fl/classifier.ts` (p = z^(q−1), p·z), no array. */
function actValue(z: number, q: number): number {
  return z <= 0 ? 0 : z ** (q - 1) * z;
}

/**
 * The softmax part of the K-class classifier from P = W Xᵀ (K·m × 2n): adds ∂L/∂P to `coef`
 * (K·m × 2n, zero on entry) and returns the loss. σ and σ' of an entry share one power
 * p = P^(q−1) (`reluPow`'s p·z and q·p), kept in `base` (same length as P).
 */
function multiClassTerms(
  P: Float64Array,
  coef: Float64Array,
  labels: Uint8Array,
  K: number,
  m: number,
  q: number,
  base: Float64Array = new Float64Array(P.length),
): number {
  const n = labels.length, R = 2 * n;
  for (let e = 0; e < P.length; e++) base[e] = P[e] <= 0 ? 0 : P[e] ** (q - 1);
  const act = (e: number) => (P[e] <= 0 ? 0 : base[e] * P[e]);
  const der = (e: number) => (P[e] <= 0 ? 0 : q * base[e]);
  const F = new Float64Array(K), p = new Float64Array(K);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < K; j++) {
      let f = 0;
      for (let r = j * m; r < (j + 1) * m; r++) f += act(r * R + i) + act(r * R + n + i);
      F[j] = f / m;
    }
    let mx = -Infinity;
    for (let j = 0; j < K; j++) mx = Math.max(mx, F[j]);
    let z = 0;
    for (let j = 0; j < K; j++) z += p[j] = Math.exp(F[j] - mx);
    for (let j = 0; j < K; j++) p[j] /= z;
    loss += (mx + Math.log(z) - F[labels[i]]) / n;
    // ∂L/∂F_j = (p_j − [j = y_i]) / n; ∂F_j/∂P[r, row] = σ'(P) / m
    for (let j = 0; j < K; j++) {
      const g = (p[j] - (j === labels[i] ? 1 : 0)) / (n * m);
      for (let r = j * m; r < (j + 1) * m; r++) {
        coef[r * R + i] += g * der(r * R + i);
        coef[r * R + n + i] += g * der(r * R + n + i);
      }
    }
  }
  return loss;
}

/**
 * Loss and gradient of the K-class classifier at W (K·m × d; rows j·m … j·m+m−1 are class j's
 * filters) on rows X = [images; noise] (2n × d). The JS reference.
 */
export function multiClassLossGrad(
  W: Float64Array,
  X: Float64Array,
  labels: Uint8Array,
  K: number,
  m: number,
  d: number,
  q: number,
): LossGrad {
  const n = labels.length, R = 2 * n, M = K * m;
  const P = innerProducts(W, X, M, R, d);
  const coef = new Float64Array(M * R);
  const loss = multiClassTerms(P, coef, labels, K, m, q);
  const grad = new Float64Array(M * d);
  for (let r = 0; r < M; r++) {
    for (let j = 0; j < R; j++) {
      const c = coef[r * R + j];
      if (c === 0) continue;
      for (let k = 0; k < d; k++) grad[r * d + k] += c * X[j * d + k];
    }
  }
  return { loss, grad, P };
}

/** Class predictions of the classifier on two-patch samples. */
export function multiClassAccuracy(
  W: Float64Array,
  s: TwoPatchImages,
  K: number,
  m: number,
  q: number,
): number {
  const P = innerProductsWasm(W, stackRows(s), K * m, 2 * s.n, s.d); // innerProducts' bits
  const R = 2 * s.n;
  let correct = 0;
  for (let i = 0; i < s.n; i++) {
    let best = -1, bestF = -Infinity;
    for (let j = 0; j < K; j++) {
      let f = 0;
      for (let r = j * m; r < (j + 1) * m; r++) {
        f += actValue(P[r * R + i], q) + actValue(P[r * R + s.n + i], q);
      }
      if (f > bestF) (bestF = f), (best = j);
    }
    if (best === s.labels[i]) correct++;
  }
  return correct / s.n;
}

/**
 * Signal learning per class, S_c = max_r |⟨w_r, μ̄_c⟩| against the class-mean images μ̄ (C × d),
 * and noise learning N = (1/n) Σ_i max_r |⟨w_r, ξ_i⟩|, over all M rows of W.
 */
export function signalNoiseImages(
  W: Float64Array,
  M: number,
  d: number,
  classMeans: Float64Array,
  noise: Float64Array,
  n: number,
): { S: number[]; N: number } {
  const C = classMeans.length / d;
  const Ps = innerProducts(W, classMeans, M, C, d);
  const Pn = innerProducts(W, noise, M, n, d);
  return signalNoiseOf(Ps, C, Pn, n, 0, M, n);
}

/**
 * S and N of {@link signalNoiseImages} from the products: Ps = W μ̄ᵀ (M × C) and the noise
 * products, columns off … off+n−1 of P (M × cols).
 */
function signalNoiseOf(
  Ps: Float64Array,
  C: number,
  P: Float64Array,
  cols: number,
  off: number,
  M: number,
  n: number,
): { S: number[]; N: number } {
  const colMax = (Q: Float64Array, width: number, j: number) => {
    let v = 0;
    for (let r = 0; r < M; r++) v = Math.max(v, Math.abs(Q[r * width + j]));
    return v;
  };
  const S = Array.from({ length: C }, (_, c) => colMax(Ps, C, c));
  let N = 0;
  for (let i = 0; i < n; i++) N += colMax(P, cols, off + i);
  return { S, N: N / n };
}

/** One GD run's hyperparameters. */
export interface NoisyImageRun {
  model: "diffusion" | "classifier";
  /** Classes (the classifier has K·m filters; the diffusion model m). */
  K: number;
  m: number;
  q: number;
  alpha: number;
  beta: number;
  lr: number;
  steps: number;
  logEvery: number;
}

/** Logs of one run: S per class, N and the loss at steps 0, logEvery, …; failure step or −1. */
export interface NoisyImageLog {
  steps: number[];
  S: number[][];
  N: number[];
  loss: number[];
  failedAt: number;
  W: Float64Array;
}

/** The CPU engines of {@link trainNoisyImage}: WebAssembly (default) or the JS reference. */
export type NoisyImageEngine = "wasm" | "js";

/**
 * Full-batch GD of one run from W0, logging S (per class) and N; `engine` "js" is the reference
 * (JS row kernels, a loop over steps), "wasm" runs the steps in WebAssembly with the same bits.
 */
export function trainNoisyImage(
  run: NoisyImageRun,
  data: TwoPatchImages,
  W0: Float64Array,
  classMeans: Float64Array,
  signal?: AbortSignal,
  engine: NoisyImageEngine = "wasm",
): NoisyImageLog {
  return engine === "wasm"
    ? trainResident(run, data, W0, classMeans, signal)
    : trainReference(run, data, W0, classMeans, signal, JS_ROWS);
}

function newLog(W: Float64Array): NoisyImageLog {
  return { steps: [], S: [], N: [], loss: [], failedAt: -1, W };
}

function pushLog(log: NoisyImageLog, t: number, sn: { S: number[]; N: number }, loss: number) {
  log.steps.push(t);
  log.S.push(sn.S);
  log.N.push(sn.N);
  log.loss.push(loss);
}

const isLogStep = (run: NoisyImageRun, t: number) => t % run.logEvery === 0 || t === run.steps;

function trainReference(
  run: NoisyImageRun,
  data: TwoPatchImages,
  W0: Float64Array,
  classMeans: Float64Array,
  signal: AbortSignal | undefined,
  kernels: RowKernels,
): NoisyImageLog {
  const { n, d } = data;
  const X = stackRows(data);
  const M = run.model === "diffusion" ? run.m : run.K * run.m;
  const weights = new Float64Array(2 * n).fill(1 / n);
  const W = Float64Array.from(W0);
  const log = newLog(W);
  for (let t = 0; t <= run.steps; t++) {
    if (signal?.aborted) throw new Error("aborted");
    const { loss, grad } = run.model === "diffusion"
      ? diffusionLossGrad(W, X, weights, {
        m: run.m,
        d,
        R: 2 * n,
        alpha: run.alpha,
        beta: run.beta,
      }, kernels)
      : multiClassLossGrad(W, X, data.labels, run.K, run.m, d, run.q);
    if (!Number.isFinite(loss)) {
      log.failedAt = t;
      break;
    }
    if (isLogStep(run, t)) {
      pushLog(log, t, signalNoiseImages(W, M, d, classMeans, data.noise, n), loss);
    }
    if (t === run.steps) break;
    for (let k = 0; k < W.length; k++) W[k] -= run.lr * grad[k];
  }
  return log;
}

/**
 * The "wasm" engine: rows X = [images; noise], the class means, their transposed blocks, W, P,
 * the coefficients and the gradient resident in WebAssembly memory; S and N at a log step from
 * the class-mean products and the noise columns of the step's own P (the same dot products).
 */
function trainResident(
  run: NoisyImageRun,
  data: TwoPatchImages,
  W0: Float64Array,
  classMeans: Float64Array,
  signal: AbortSignal | undefined,
): NoisyImageLog {
  const { n, d } = data, R = 2 * n, C = classMeans.length / d, m = run.m;
  const diffusion = run.model === "diffusion";
  const M = diffusion ? m : run.K * m, size = M * d;
  const mem = new ResidentRows();
  const xp = mem.put(stackRows(data)), xt = mem.alloc(rows.innerScratch(R, d));
  const cm = mem.put(classMeans), cmt = mem.alloc(rows.innerScratch(C, d));
  const wp = mem.put(W0.subarray(0, size));
  const pp = mem.alloc(8 * M * R), psp = mem.alloc(8 * M * C), cp = mem.alloc(8 * M * R);
  const gp = mem.alloc(8 * size);
  const wts = diffusion ? mem.put(new Float64Array(R).fill(1 / n)) : 0;
  const Gp = diffusion ? mem.alloc(8 * m * m) : 0, Hp = diffusion ? mem.alloc(8 * m * m) : 0;
  const sp = mem.alloc(
    diffusion ? rows.diffusionGradScratch(m, R, d) : rows.combineScratch(M, R),
  );
  rows.transposeRows(xp, xt, R, d);
  rows.transposeRows(cm, cmt, C, d);
  const P = mem.f64(pp, M * R), Ps = mem.f64(psp, M * C);
  const coef = mem.f64(cp, M * R), grad = mem.f64(gp, size);
  const base = new Float64Array(M * R);
  const log = newLog(new Float64Array(0));
  for (let t = 0; t <= run.steps; t++) {
    if (signal?.aborted) throw new Error("aborted");
    let loss: number;
    if (diffusion) {
      loss = rows.diffusionLossGrad(
        wp,
        xp,
        xt,
        wts,
        pp,
        Gp,
        cp,
        Hp,
        gp,
        sp,
        m,
        R,
        d,
        run.alpha,
        run.beta,
      );
    } else {
      rows.productsT(wp, xt, pp, M, R, d, 0);
      coef.fill(0);
      loss = multiClassTerms(P, coef, data.labels, run.K, m, run.q, base);
      grad.fill(0);
      rows.addRowsInOrder(gp, cp, xp, sp, M, R, d);
    }
    if (!Number.isFinite(loss)) {
      log.failedAt = t;
      break;
    }
    if (isLogStep(run, t)) {
      rows.productsT(wp, cmt, psp, M, C, d, 0);
      pushLog(log, t, signalNoiseOf(Ps, C, P, R, n, M, n), loss);
    }
    if (t === run.steps) break;
    rows.gdUpdate(wp, gp, size, run.lr);
  }
  log.W = mem.f64(wp, size).slice();
  return log;
}

/** One run of `fl.noisy-image` as a self-contained job (a CPU worker task). */
export interface NoisyImageJob {
  run: NoisyImageRun;
  data: TwoPatchImages;
  W0: Float64Array;
  classMeans: Float64Array;
  /** Held-out data for the classifier's test accuracy (null: not measured). */
  testData: TwoPatchImages | null;
}

/** Train one job and, for a classifier that finished, measure its test accuracy. */
export function trainNoisyImageJob(
  job: NoisyImageJob,
): { log: NoisyImageLog; testAccuracy: number | null } {
  const log = trainNoisyImage(job.run, job.data, job.W0, job.classMeans);
  const acc = job.testData && log.failedAt < 0
    ? multiClassAccuracy(log.W, job.testData, job.run.K, job.run.m, job.run.q)
    : null;
  return { log, testAccuracy: acc };
}

/**
 * Paper A's two models on two-patch data whose first patch differs per sample (a real image)
 * and whose second patch is Gaussian noise: full-batch GD with S and N logged over training.
 *
 * The diffusion model's closed-form loss and gradient are `models/fl/diffusion.ts`'s
 * {@link diffusionLossGrad} over all 2n patches (weight 1/n each). The classifier is the K-class
 * version of Paper A's CNN with a fixed second layer: F_j(x) = (1/m) Σ_r Σ_p σ(⟨w_{j,r}, x⁽ᵖ⁾⟩),
 * softmax cross-entropy over j = 1…K (for K = 2 this is exactly the logistic loss on
 * F_{+1} − F_{−1}), σ = ReLU^q from `models/fl/classifier.ts`.
 * @module
 */
import { diffusionLossGrad, type LossGrad } from "../fl/diffusion.ts";
import { reluPow } from "../fl/classifier.ts";
import { innerProducts } from "../fl/batch.ts";

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

/**
 * Loss and gradient of the K-class classifier at W (K·m × d; rows j·m … j·m+m−1 are class j's
 * filters) on rows X = [images; noise] (2n × d).
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
  const F = new Float64Array(K), p = new Float64Array(K);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < K; j++) {
      let f = 0;
      for (let r = j * m; r < (j + 1) * m; r++) {
        f += reluPow(P[r * R + i], q)[0] + reluPow(P[r * R + n + i], q)[0];
      }
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
        coef[r * R + i] += g * reluPow(P[r * R + i], q)[1];
        coef[r * R + n + i] += g * reluPow(P[r * R + n + i], q)[1];
      }
    }
  }
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
  const P = innerProducts(W, stackRows(s), K * m, 2 * s.n, s.d);
  const R = 2 * s.n;
  let correct = 0;
  for (let i = 0; i < s.n; i++) {
    let best = -1, bestF = -Infinity;
    for (let j = 0; j < K; j++) {
      let f = 0;
      for (let r = j * m; r < (j + 1) * m; r++) {
        f += reluPow(P[r * R + i], q)[0] + reluPow(P[r * R + s.n + i], q)[0];
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
  const colMax = (P: Float64Array, cols: number, j: number) => {
    let v = 0;
    for (let r = 0; r < M; r++) v = Math.max(v, Math.abs(P[r * cols + j]));
    return v;
  };
  const S = Array.from({ length: C }, (_, c) => colMax(Ps, C, c));
  let N = 0;
  for (let i = 0; i < n; i++) N += colMax(Pn, n, i);
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

/** Full-batch GD of one run from W0, logging S (per class) and N. */
export function trainNoisyImage(
  run: NoisyImageRun,
  data: TwoPatchImages,
  W0: Float64Array,
  classMeans: Float64Array,
  signal?: AbortSignal,
): NoisyImageLog {
  const { n, d } = data;
  const X = stackRows(data);
  const M = run.model === "diffusion" ? run.m : run.K * run.m;
  const weights = new Float64Array(2 * n).fill(1 / n);
  const W = Float64Array.from(W0);
  const log: NoisyImageLog = { steps: [], S: [], N: [], loss: [], failedAt: -1, W };
  for (let t = 0; t <= run.steps; t++) {
    if (signal?.aborted) throw new Error("aborted");
    const { loss, grad } = run.model === "diffusion"
      ? diffusionLossGrad(W, X, weights, {
        m: run.m,
        d,
        R: 2 * n,
        alpha: run.alpha,
        beta: run.beta,
      })
      : multiClassLossGrad(W, X, data.labels, run.K, run.m, d, run.q);
    if (!Number.isFinite(loss)) {
      log.failedAt = t;
      break;
    }
    if (t % run.logEvery === 0 || t === run.steps) {
      const { S, N } = signalNoiseImages(W, M, d, classMeans, data.noise, n);
      log.steps.push(t);
      log.S.push(S);
      log.N.push(N);
      log.loss.push(loss);
    }
    if (t === run.steps) break;
    for (let k = 0; k < W.length; k++) W[k] -= run.lr * grad[k];
  }
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

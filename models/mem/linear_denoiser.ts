/**
 * Paper C's linear one-step denoiser: least squares (with intercept, minimum-norm when
 * n ≤ d) from noised x_T back to x_0, and the Gaussian it generates.
 * @module
 */
import { crossprod, matmul, pinvSymmetric, transpose } from "../linalg.ts";
import { symmetricEigenWasm } from "./eigen_wasm.ts";

/** The fitted map x̂_0 = β0 + β1 x_T. */
export interface DenoiserFit {
  beta0: Float64Array;
  /** d×d, row-major: output coordinate i = Σ_j β1[i,j] x_T[j]. */
  beta1: Float64Array;
  /** Rank of the centred design. */
  rank: number;
}

function columnMeans(x: Float64Array, n: number, d: number): Float64Array {
  const m = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) m[k] += x[i * d + k];
  for (let k = 0; k < d; k++) m[k] /= n;
  return m;
}

function centred(x: Float64Array, n: number, d: number, m: Float64Array): Float64Array {
  const c = new Float64Array(n * d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) c[i * d + k] = x[i * d + k] - m[k];
  return c;
}

/**
 * Minimum-norm least squares of `y` (n×d) on `[1, x]` (x n×d): centre both, then
 * β1ᵀ = (XcᵀXc)⁺ Xcᵀ Yc and β0 = ȳ − β1 x̄ (the intercept is not penalised). The eigen
 * decomposition of the pseudo-inverse runs in WebAssembly (`eigen_wasm.ts`, the reference's bits).
 */
export function fitLinearDenoiser(
  x: Float64Array,
  y: Float64Array,
  n: number,
  d: number,
): DenoiserFit {
  const xm = columnMeans(x, n, d), ym = columnMeans(y, n, d);
  const xc = centred(x, n, d, xm), yc = centred(y, n, d, ym);
  const { inv, rank } = pinvSymmetric(crossprod(xc, xc, n, d, d), d, 1e-10, symmetricEigenWasm);
  const b1t = matmul(inv, crossprod(xc, yc, n, d, d), d, d, d); // β1ᵀ (d×d)
  const beta1 = transpose(b1t, d, d);
  const beta0 = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = ym[i];
    for (let j = 0; j < d; j++) s -= beta1[i * d + j] * xm[j];
    beta0[i] = s;
  }
  return { beta0, beta1, rank };
}

/** Which product forms the generated covariance: the paper's β1β1ᵀ or the authors' code's β1ᵀβ1. */
export type CovarianceConvention = "bbT" | "bTb";

/** The generated Gaussian N(μ, Σ). */
export interface GeneratedGaussian {
  mean: Float64Array;
  cov: Float64Array;
  s2: number;
}

/** Options of {@link generatedGaussian}. */
export interface ForwardProcess {
  /** e^{-T}. */
  decay: number;
  /** Variance of the added noise, l (1 − e^{-2T}). */
  noiseVar: number;
}

/**
 * μ = β0 + β1 (e^{-T} mean(train)), s² = e^{-2T} v̄ + noiseVar (v̄: mean over dimensions of the
 * unbiased per-dimension variance of the training set), Σ = s² β1β1ᵀ (or β1ᵀβ1).
 */
export function generatedGaussian(
  fit: DenoiserFit,
  train: Float64Array,
  n: number,
  d: number,
  fp: ForwardProcess,
  convention: CovarianceConvention,
): GeneratedGaussian {
  const m = columnMeans(train, n, d);
  let vbar = 0;
  for (let k = 0; k < d; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += (train[i * d + k] - m[k]) ** 2;
    vbar += n > 1 ? s / (n - 1) : 0;
  }
  vbar /= d;
  const s2 = fp.decay * fp.decay * vbar + fp.noiseVar;
  const mean = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = fit.beta0[i];
    for (let j = 0; j < d; j++) s += fit.beta1[i * d + j] * fp.decay * m[j];
    mean[i] = s;
  }
  const b = fit.beta1, bt = transpose(b, d, d);
  const prod = convention === "bbT" ? matmul(b, bt, d, d, d) : matmul(bt, b, d, d, d);
  for (let i = 0; i < d * d; i++) prod[i] *= s2;
  // symmetrise against rounding
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const a = 0.5 * (prod[i * d + j] + prod[j * d + i]);
      prod[i * d + j] = a, prod[j * d + i] = a;
    }
  }
  return { mean, cov: prod, s2 };
}

/**
 * Sample-quality metrics for low-dimensional classes: the Fréchet distance between Gaussian fits,
 * and a kernel-density estimate of KL(true ‖ generated) for 1-D / 2-D samples.
 * @module
 */
import { symmetricEigen } from "../linalg.ts";

/** Mean and unbiased covariance (d×d) of n×d row-major samples. */
export function gaussianFit(
  x: ArrayLike<number>,
  d: number,
  offset = 0,
  n = (x.length - offset) / d,
): {
  mean: Float64Array;
  cov: Float64Array;
} {
  const mean = new Float64Array(d), cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++) for (let q = 0; q < d; q++) mean[q] += x[offset + i * d + q];
  for (let q = 0; q < d; q++) mean[q] /= n;
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const da = x[offset + i * d + a] - mean[a];
      for (let b = 0; b < d; b++) cov[a * d + b] += da * (x[offset + i * d + b] - mean[b]);
    }
  }
  for (let k = 0; k < d * d; k++) cov[k] /= n - 1;
  return { mean, cov };
}

/** Symmetric PSD square root (negative eigenvalues from round-off clamped to 0). */
function sqrtPsd(a: Float64Array, d: number): Float64Array {
  const { values, vectors } = symmetricEigen(a, d);
  const out = new Float64Array(d * d);
  for (let k = 0; k < d; k++) {
    const s = Math.sqrt(Math.max(0, values[k]));
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) out[i * d + j] += s * vectors[i * d + k] * vectors[j * d + k];
    }
  }
  return out;
}

/** Fréchet distance ‖μ1 − μ2‖² + tr(Σ1 + Σ2 − 2 (Σ1^{1/2} Σ2 Σ1^{1/2})^{1/2}). */
export function frechetGaussian(
  m1: Float64Array,
  c1: Float64Array,
  m2: Float64Array,
  c2: Float64Array,
  d: number,
): number {
  let s = 0;
  for (let q = 0; q < d; q++) s += (m1[q] - m2[q]) ** 2;
  const r1 = sqrtPsd(c1, d);
  const mid = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let v = 0;
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < d; b++) v += r1[i * d + a] * c2[a * d + b] * r1[b * d + j];
      }
      mid[i * d + j] = v;
    }
  }
  const r = sqrtPsd(mid, d);
  for (let q = 0; q < d; q++) s += c1[q * d + q] + c2[q * d + q] - 2 * r[q * d + q];
  return Math.max(0, s);
}

/** Fréchet distance between the Gaussian fits of two sample sets (n×d row-major). */
export function frechetSamples(x: ArrayLike<number>, y: ArrayLike<number>, d: number): number {
  const a = gaussianFit(x, d), b = gaussianFit(y, d);
  return frechetGaussian(a.mean, a.cov, b.mean, b.cov, d);
}

/** Silverman's rule bandwidth for an isotropic Gaussian kernel on n×d samples. */
export function silvermanBandwidth(x: ArrayLike<number>, d: number): number {
  const { cov } = gaussianFit(x, d);
  const n = x.length / d;
  let v = 0;
  for (let q = 0; q < d; q++) v += cov[q * d + q];
  const sd = Math.sqrt(v / d);
  return sd * Math.pow(4 / ((d + 2) * n), 1 / (d + 4));
}

/** log of the Gaussian-KDE density of `ref` (bandwidth h) at point `x` (offset `xo`). */
function logKde(
  ref: ArrayLike<number>,
  d: number,
  h: number,
  x: ArrayLike<number>,
  xo: number,
): number {
  const n = ref.length / d, inv = 1 / (2 * h * h);
  let mx = -Infinity;
  const e = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let q2 = 0;
    for (let q = 0; q < d; q++) q2 += (x[xo + q] - ref[i * d + q]) ** 2;
    e[i] = -q2 * inv;
    if (e[i] > mx) mx = e[i];
  }
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(e[i] - mx);
  return mx + Math.log(s / n) - 0.5 * d * Math.log(2 * Math.PI * h * h);
}

/**
 * KL(true ‖ generated) by kernel density: mean over held-out true points `evalPts` of
 * log p̂_true(x) − log p̂_gen(x), with p̂_true fitted on `trueRef`, each KDE with its own Silverman
 * bandwidth. Biased for small samples (both KDEs are smoothed); used for comparisons at equal sizes.
 */
export function kdeKl(
  trueRef: ArrayLike<number>,
  gen: ArrayLike<number>,
  evalPts: ArrayLike<number>,
  d: number,
): number {
  const ht = silvermanBandwidth(trueRef, d), hg = silvermanBandwidth(gen, d);
  const n = evalPts.length / d;
  let s = 0;
  for (let i = 0; i < n; i++) {
    s += logKde(trueRef, d, ht, evalPts, i * d) - logKde(gen, d, hg, evalPts, i * d);
  }
  return s / n;
}

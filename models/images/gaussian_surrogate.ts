/**
 * The Gaussian surrogate of an image set: the Gaussian with the set's exact mean and
 * covariance (population normalization, 1/n), sampled as x = μ + L z through a Cholesky
 * factor L of the covariance. A pixel that never varies makes the covariance singular; then the
 * smallest diagonal jitter (a multiple of 10 of 1e-10 · mean variance) that makes it positive
 * definite is added, and reported.
 * @module
 */
import { cholesky } from "../linalg.ts";
import type { PhiloxStream } from "../../datasets/philox.ts";

/** Mean and covariance (row-major d×d) of `count` rows of `images` (d values each). */
export function meanAndCovariance(
  images: Float32Array,
  count: number,
  d: number,
): { mean: Float64Array; cov: Float64Array } {
  if (count < 1) throw new RangeError("meanAndCovariance needs at least one image");
  if (images.length < count * d) throw new RangeError("images holds fewer than count·d values");
  const mean = new Float64Array(d);
  for (let n = 0; n < count; n++) {
    for (let k = 0; k < d; k++) mean[k] += images[n * d + k];
  }
  for (let k = 0; k < d; k++) mean[k] /= count;
  // upper triangle of Σ (x − μ)(x − μ)ᵀ, one centred row at a time
  const cov = new Float64Array(d * d);
  const c = new Float64Array(d);
  for (let n = 0; n < count; n++) {
    for (let k = 0; k < d; k++) c[k] = images[n * d + k] - mean[k];
    for (let i = 0; i < d; i++) {
      const ci = c[i];
      if (ci === 0) continue;
      const row = i * d;
      for (let j = i; j < d; j++) cov[row + j] += ci * c[j];
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const v = cov[i * d + j] / count;
      cov[i * d + j] = v;
      cov[j * d + i] = v;
    }
  }
  return { mean, cov };
}

/** A fitted surrogate: mean, covariance, its Cholesky factor and the jitter that was needed. */
export interface GaussianSurrogate {
  d: number;
  mean: Float64Array;
  cov: Float64Array;
  /** Lower Cholesky factor of cov + jitter·I. */
  chol: Float64Array;
  /** Diagonal jitter added (0 when the covariance was positive definite). */
  jitter: number;
}

/** Fit the surrogate to `count` images of `d` pixels. */
export function fitGaussianSurrogate(
  images: Float32Array,
  count: number,
  d: number,
): GaussianSurrogate {
  const { mean, cov } = meanAndCovariance(images, count, d);
  let l = cholesky(cov, d);
  let jitter = 0;
  if (!l) {
    let meanVar = 0;
    for (let i = 0; i < d; i++) meanVar += cov[i * d + i];
    meanVar = Math.max(meanVar / d, 1e-300);
    for (let e = -10; e <= -2 && !l; e++) {
      jitter = meanVar * 10 ** e;
      const a = cov.slice();
      for (let i = 0; i < d; i++) a[i * d + i] += jitter;
      l = cholesky(a, d);
    }
    if (!l) throw new Error("covariance is not positive semi-definite (Cholesky failed)");
  }
  return { d, mean, cov, chol: l, jitter };
}

/** Draw `count` samples (count·d values, row-major) from the surrogate. */
export function sampleSurrogate(
  s: GaussianSurrogate,
  count: number,
  rng: PhiloxStream,
): Float32Array {
  const { d, mean, chol } = s;
  const out = new Float32Array(count * d);
  const z = new Float64Array(d);
  for (let n = 0; n < count; n++) {
    for (let k = 0; k < d; k++) z[k] = rng.normal();
    for (let i = 0; i < d; i++) {
      let v = mean[i];
      const row = i * d;
      for (let k = 0; k <= i; k++) v += chol[row + k] * z[k];
      out[n * d + i] = v;
    }
  }
  return out;
}

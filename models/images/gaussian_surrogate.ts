/**
 * The Gaussian surrogate of an image set: the Gaussian with the set's exact mean and
 * covariance (population normalization, 1/n), sampled as x = μ + L z through a Cholesky
 * factor L of the covariance. A pixel that never varies makes the covariance singular; then the
 * smallest diagonal jitter (a multiple of 10 of 1e-10 · mean variance) that makes it positive
 * definite is added, and reported.
 * @module
 */
import { cholesky } from "../linalg.ts";
import * as moments from "../wasm/moments.wasm";
import { WasmArena } from "../wasm/arena.ts";
import type { PhiloxStream } from "../../datasets/philox.ts";

/** Bytes of images copied into WebAssembly memory per call. */
const COPY_BYTES = 1 << 20;

const arena = new WasmArena(moments.memory as WebAssembly.Memory, moments.heapBase());

/** Mean and covariance (row-major d×d) of `count` rows of `images` (d values each). */
export function meanAndCovariance(
  images: Float32Array,
  count: number,
  d: number,
): { mean: Float64Array; cov: Float64Array } {
  const mean = imageMean(images, count, d);
  // the centred outer products in WebAssembly (the same bits as the JS loop below), the images
  // copied in a chunk at a time
  arena.reset();
  const chunk = Math.min(count, Math.max(1, Math.floor(COPY_BYTES / (4 * d))));
  const mp = arena.put(mean), cp = arena.alloc(8 * d), covp = arena.alloc(8 * d * d);
  const xp = arena.alloc(4 * chunk * d);
  arena.f64(covp, d * d).fill(0);
  for (let n0 = 0; n0 < count; n0 += chunk) {
    const n = Math.min(chunk, count - n0);
    arena.f32(xp, n * d).set(images.subarray(n0 * d, (n0 + n) * d));
    moments.centredOuterAdd(xp, n, d, mp, cp, covp);
  }
  return { mean, cov: symmetrize(arena.f64(covp, d * d).slice(), d, count) };
}

/** {@link meanAndCovariance} in plain JS (the reference of its WebAssembly path). */
export function meanAndCovarianceJs(
  images: Float32Array,
  count: number,
  d: number,
): { mean: Float64Array; cov: Float64Array } {
  const mean = imageMean(images, count, d);
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
  return { mean, cov: symmetrize(cov, d, count) };
}

/** The mean image (checking the arguments). */
function imageMean(images: Float32Array, count: number, d: number): Float64Array {
  if (count < 1) throw new RangeError("meanAndCovariance needs at least one image");
  if (images.length < count * d) throw new RangeError("images holds fewer than count·d values");
  const mean = new Float64Array(d);
  for (let n = 0; n < count; n++) {
    for (let k = 0; k < d; k++) mean[k] += images[n * d + k];
  }
  for (let k = 0; k < d; k++) mean[k] /= count;
  return mean;
}

/** The covariance from the upper triangle of the centred sums: divided by count, mirrored. */
function symmetrize(cov: Float64Array, d: number, count: number): Float64Array {
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      const v = cov[i * d + j] / count;
      cov[i * d + j] = v;
      cov[j * d + i] = v;
    }
  }
  return cov;
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

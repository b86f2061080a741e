/**
 * Dense solves for the game's small linear systems (sizes ≤ a few hundred): LU with partial
 * pivoting for the non-symmetric Nash / CBDM stationarity systems, Cholesky solves for the
 * symmetric positive definite best-response systems, and the largest eigenvalue by power iteration.
 * @module
 */
import { cholesky } from "../linalg.ts";

/** Solve A X = B for X (A n×n, B n×r, row-major); throws when A is numerically singular. */
export function luSolve(a: Float64Array, n: number, b: Float64Array, r: number): Float64Array {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let k = 0; k < n; k++) {
    let piv = k, best = Math.abs(m[k * n + k]);
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(m[i * n + k]);
      if (v > best) best = v, piv = i;
    }
    if (!(best > 0)) throw new Error(`luSolve: singular matrix at column ${k}`);
    if (piv !== k) {
      for (let j = 0; j < n; j++) {
        const t = m[k * n + j];
        m[k * n + j] = m[piv * n + j], m[piv * n + j] = t;
      }
      for (let j = 0; j < r; j++) {
        const t = x[k * r + j];
        x[k * r + j] = x[piv * r + j], x[piv * r + j] = t;
      }
    }
    const inv = 1 / m[k * n + k];
    for (let i = k + 1; i < n; i++) {
      const f = m[i * n + k] * inv;
      if (f === 0) continue;
      for (let j = k + 1; j < n; j++) m[i * n + j] -= f * m[k * n + j];
      for (let j = 0; j < r; j++) x[i * r + j] -= f * x[k * r + j];
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    for (let j = 0; j < r; j++) {
      let s = x[k * r + j];
      for (let i = k + 1; i < n; i++) s -= m[k * n + i] * x[i * r + j];
      x[k * r + j] = s / m[k * n + k];
    }
  }
  return x;
}

/** A Cholesky factor ready for repeated solves. */
export interface CholeskyFactor {
  n: number;
  l: Float64Array;
}

/** Factor a symmetric positive definite matrix; throws when it is not PD. */
export function choleskyFactor(a: Float64Array, n: number): CholeskyFactor {
  const l = cholesky(a, n);
  if (!l) throw new Error("choleskyFactor: matrix is not positive definite (increase the ridge)");
  return { n, l };
}

/** Solve (L Lᵀ) X = B for X (B n×r, row-major). */
export function choleskySolve(f: CholeskyFactor, b: Float64Array, r: number): Float64Array {
  const { n, l } = f;
  const x = Float64Array.from(b);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < r; j++) {
      let s = x[i * r + j];
      for (let k = 0; k < i; k++) s -= l[i * n + k] * x[k * r + j];
      x[i * r + j] = s / l[i * n + i];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    for (let j = 0; j < r; j++) {
      let s = x[i * r + j];
      for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k * r + j];
      x[i * r + j] = s / l[i * n + i];
    }
  }
  return x;
}

/** Largest eigenvalue of a symmetric PSD n×n matrix (power iteration from a fixed start). */
export function largestEigenvalue(a: Float64Array, n: number, iters = 200): number {
  let v = new Float64Array(n).fill(1 / Math.sqrt(n));
  let lam = 0;
  for (let it = 0; it < iters; it++) {
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j] * v[j];
      w[i] = s;
    }
    let norm = 0;
    for (let i = 0; i < n; i++) norm += w[i] * w[i];
    norm = Math.sqrt(norm);
    if (norm === 0) return 0;
    for (let i = 0; i < n; i++) w[i] /= norm;
    const done = Math.abs(norm - lam) <= 1e-12 * norm;
    lam = norm;
    v = w;
    if (done) break;
  }
  return lam;
}

/**
 * Minimum-norm least squares on isotropic Gaussian data, and its asymptotic test risk
 * (Hastie, Montanari, Rosset and Tibshirani, "Surprises in high-dimensional ridgeless least
 * squares interpolation", Ann. Statist. 2022, Theorem 1 with Σ = I).
 * @module
 */

/** Solve the symmetric positive-definite system A x = b (A is k×k, row-major) by Cholesky. */
export function choleskySolve(a: Float64Array, b: Float64Array, k: number): Float64Array {
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * k + j];
      for (let m = 0; m < j; m++) s -= l[i * k + m] * l[j * k + m];
      l[i * k + j] = i === j ? Math.sqrt(s) : s / l[j * k + j];
    }
  }
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = b[i];
    for (let m = 0; m < i; m++) s -= l[i * k + m] * y[m];
    y[i] = s / l[i * k + i];
  }
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = y[i];
    for (let m = i + 1; m < k; m++) s -= l[m * k + i] * x[m];
    x[i] = s / l[i * k + i];
  }
  return x;
}

/**
 * The minimum-norm least-squares fit β̂ = X⁺y of an n×p design (row-major): (XᵀX)⁻¹Xᵀy when
 * n > p, Xᵀ(XXᵀ)⁻¹y when n < p.
 */
export function minNormFit(x: Float64Array, y: Float64Array, n: number, p: number): Float64Array {
  if (n > p) {
    const g = new Float64Array(p * p), r = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      for (let a = 0; a < p; a++) {
        const xa = x[i * p + a];
        r[a] += xa * y[i];
        for (let b = 0; b <= a; b++) g[a * p + b] += xa * x[i * p + b];
      }
    }
    for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) g[b * p + a] = g[a * p + b];
    return choleskySolve(g, r, p);
  }
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let a = 0; a < p; a++) s += x[i * p + a] * x[j * p + a];
      g[i * n + j] = g[j * n + i] = s;
    }
  }
  const c = choleskySolve(g, y, n);
  const beta = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let a = 0; a < p; a++) beta[a] += x[i * p + a] * c[i];
  return beta;
}

/**
 * The asymptotic test risk E[(xᵀ(β̂ − β))²] of min-norm least squares with isotropic features,
 * γ = p/n, signal ‖β‖² = r², noise variance σ²: σ²γ/(1−γ) below the interpolation threshold,
 * r²(1 − 1/γ) + σ²/(γ − 1) above it, +∞ at γ = 1.
 */
export function asymptoticRisk(gamma: number, r2: number, sigma2: number): number {
  if (gamma < 1) return sigma2 * gamma / (1 - gamma);
  if (gamma > 1) return r2 * (1 - 1 / gamma) + sigma2 / (gamma - 1);
  return Infinity;
}

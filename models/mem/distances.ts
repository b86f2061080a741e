/**
 * Distances of Paper C in log space: the squared Hellinger distance between two Gaussians,
 * and the L2 distance between a Gaussian and a kernel-smoothed empirical density, returned as
 * a signed log-magnitude so that enormous normalisers (ε ≪ 1 in high d) never overflow.
 * @module
 */
import {
  cholesky,
  forwardSubstitute,
  logDetFromCholesky,
  logDetPsd,
  logSumExp,
} from "../linalg.ts";
import { gaussianFactor, logGaussianDensitiesWasm, ResidentRows } from "./densities_wasm.ts";
import { symmetricEigenWasm } from "./eigen_wasm.ts";

/**
 * Squared Hellinger distance H² = 1 − BC between N(μ1, Σ1) and N(μ2, Σ2), with
 * BC = exp(−D_B), D_B = ⅛ δᵀΣ̄⁻¹δ + ½ (log det Σ̄ − ½ log det Σ1 − ½ log det Σ2), Σ̄ = (Σ1+Σ2)/2.
 * All determinants in log space; a singular Σ1 gives log det = −∞ and H² = 1 exactly. The eigen
 * decompositions of the log determinants run in WebAssembly (`eigen_wasm.ts`, the same bits).
 */
export function hellinger2(
  mu1: Float64Array,
  cov1: Float64Array,
  mu2: Float64Array,
  cov2: Float64Array,
  d: number,
): number {
  const avg = new Float64Array(d * d);
  for (let i = 0; i < d * d; i++) avg[i] = 0.5 * (cov1[i] + cov2[i]);
  const l = cholesky(avg, d);
  if (!l) return 1; // Σ̄ singular: both singular in a shared direction; treat as disjoint support
  const delta = new Float64Array(d);
  for (let i = 0; i < d; i++) delta[i] = mu1[i] - mu2[i];
  forwardSubstitute(l, d, delta);
  let maha = 0;
  for (let i = 0; i < d; i++) maha += delta[i] * delta[i];
  const ld1 = logDetPsd(cov1, d, symmetricEigenWasm), ld2 = logDetPsd(cov2, d, symmetricEigenWasm);
  if (ld1 === -Infinity || ld2 === -Infinity) return 1;
  const db = maha / 8 + 0.5 * (logDetFromCholesky(l, d) - 0.5 * ld1 - 0.5 * ld2);
  return -Math.expm1(-db);
}

/** log N(x_i; μ, C) for each row of `x` (rows × d), C positive definite. */
export function logGaussianDensities(
  x: Float64Array,
  rows: number,
  d: number,
  mu: Float64Array,
  cov: Float64Array,
): Float64Array {
  const { l, norm } = gaussianFactor(cov, d);
  const out = new Float64Array(rows);
  const r = new Float64Array(d);
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < d; k++) r[k] = x[i * d + k] - mu[k];
    forwardSubstitute(l, d, r);
    let q = 0;
    for (let k = 0; k < d; k++) q += r[k] * r[k];
    out[i] = norm - 0.5 * q;
  }
  return out;
}

/** A real number as sign and log of its magnitude. */
export interface SignedLog {
  sign: -1 | 0 | 1;
  log: number;
}

/** a − b for positive a, b given as logs. */
export function logDiff(logA: number, logB: number): SignedLog {
  if (logA === logB) return { sign: 0, log: -Infinity };
  return logA > logB
    ? { sign: 1, log: logA + Math.log1p(-Math.exp(logB - logA)) }
    : { sign: -1, log: logB + Math.log1p(-Math.exp(logA - logB)) };
}

/** Compare two signed logs: positive when x > y. */
export function compareSignedLog(x: SignedLog, y: SignedLog): number {
  if (x.sign !== y.sign) return x.sign - y.sign;
  if (x.sign === 0) return 0;
  return x.sign * (x.log - y.log);
}

/**
 * log of the self term of {@link kernelL2Distance}, (1/N²) Σ_ij N(x_i; x_j, 2ε²I), from
 * `logPairSum` = log Σ_ij exp(−‖x_i − x_j‖²/(4ε²)) (the kernel-sum kernel's output).
 */
export function logKernelSelf(logPairSum: number, rows: number, d: number, eps: number): number {
  return logPairSum - 2 * Math.log(rows) - 0.5 * d * Math.log(4 * Math.PI * eps * eps);
}

/**
 * log of the cross term of {@link kernelL2Distance}, (2/N) Σ_i N(x_i; μ, Σ + ε²I). `x` is the
 * rows themselves or a {@link ResidentRows} copy of them (evaluated without copying again).
 */
export function logKernelCross(
  x: Float64Array | ResidentRows,
  rows: number,
  d: number,
  eps: number,
  mu: Float64Array,
  cov: Float64Array,
): number {
  const c = Float64Array.from(cov);
  for (let i = 0; i < d; i++) c[i * d + i] += eps * eps;
  const dens = x instanceof ResidentRows
    ? x.logGaussianDensities(mu, c)
    : logGaussianDensitiesWasm(x, rows, d, mu, c);
  return Math.log(2) - Math.log(rows) + logSumExp(dens);
}

/**
 * E(X) = ‖N(μ, Σ) − ρ_X‖²_{L2} without the constant ∫N(μ,Σ)² term:
 * (1/N²) Σ_ij N(x_i; x_j, 2ε²I) − (2/N) Σ_i N(x_i; μ, Σ + ε²I).
 * `logPairSum` = log Σ_ij exp(−‖x_i − x_j‖²/(4ε²)) (from the kernel-sum kernel). The densities
 * run in WebAssembly (`densities_wasm.ts`, the bits of {@link logGaussianDensities}).
 */
export function kernelL2Distance(
  x: Float64Array,
  rows: number,
  d: number,
  eps: number,
  mu: Float64Array,
  cov: Float64Array,
  logPairSum: number,
): SignedLog {
  return logDiff(
    logKernelSelf(logPairSum, rows, d, eps),
    logKernelCross(x, rows, d, eps, mu, cov),
  );
}

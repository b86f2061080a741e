/**
 * The random-features score network of Paper D, one per class:
 * s_y(x, t) = (1/m) A_y ReLU(W_y x + U_y e(t) + b_y), with W_y, U_y, b_y random and frozen and
 * A_y (d×m) trainable; plus the OU forward process, the time grid and the time embedding e(t).
 * @module
 */
import type { PhiloxStream } from "../../datasets/philox.ts";

/** OU noise level σ̄_t = √(1 − e^{−2t}). */
export function sigmaBar(t: number): number {
  return Math.sqrt(-Math.expm1(-2 * t));
}

/**
 * The fixed time grid on [tMin, tEnd]: geometric (denser near tMin, where the score changes
 * fastest) or uniform; `points` values, ascending.
 */
export function timeGrid(
  tMin: number,
  tEnd: number,
  points: number,
  spacing: "geometric" | "uniform",
): Float64Array {
  const g = new Float64Array(points);
  for (let k = 0; k < points; k++) {
    const u = points === 1 ? 0 : k / (points - 1);
    g[k] = spacing === "geometric" ? tMin * Math.pow(tEnd / tMin, u) : tMin + (tEnd - tMin) * u;
  }
  return g;
}

/**
 * Time embedding e(t) ∈ R^p: a cosine basis cos(π k τ), k = 0..p−1, in the log-time coordinate
 * τ = log(t/tMin)/log(tEnd/tMin) ∈ [0, 1] (k = 0 is the constant).
 */
export function timeEmbedding(
  t: number,
  tMin: number,
  tEnd: number,
  p: number,
  out?: Float64Array,
): Float64Array {
  const e = out ?? new Float64Array(p);
  const tau = Math.log(t / tMin) / Math.log(tEnd / tMin);
  for (let k = 0; k < p; k++) e[k] = Math.cos(Math.PI * k * tau);
  return e;
}

/** The frozen random part of one class's network. */
export interface RandomFeatures {
  /** Data dimension d. */
  d: number;
  /** Width m. */
  m: number;
  /** Time-embedding dimension p. */
  p: number;
  /** m×d, row-major. */
  W: Float64Array;
  /** m×p, row-major. */
  U: Float64Array;
  /** m. */
  b: Float64Array;
  tMin: number;
  tEnd: number;
}

/** Scales of the random weights: W ~ N(0, wScale²), U ~ N(0, uScale²), b ~ N(0, bScale²). */
export interface FeatureScales {
  wScale: number;
  uScale: number;
  bScale: number;
}

/** Draw one class's frozen features from `stream`. */
export function drawFeatures(
  stream: PhiloxStream,
  d: number,
  m: number,
  p: number,
  scales: FeatureScales,
  tMin: number,
  tEnd: number,
): RandomFeatures {
  const W = stream.fillNormal(new Float64Array(m * d), scales.wScale) as Float64Array;
  const U = stream.fillNormal(new Float64Array(m * p), scales.uScale) as Float64Array;
  const b = stream.fillNormal(new Float64Array(m), scales.bScale) as Float64Array;
  return { d, m, p, W, U, b, tMin, tEnd };
}

/** U e(t) + b for every grid time: an nT×m table (the time part of the pre-activation). */
export function timeBiasTable(f: RandomFeatures, grid: Float64Array): Float64Array {
  const { m, p } = f;
  const out = new Float64Array(grid.length * m);
  const e = new Float64Array(p);
  for (let k = 0; k < grid.length; k++) {
    timeEmbedding(grid[k], f.tMin, f.tEnd, p, e);
    for (let j = 0; j < m; j++) {
      let s = f.b[j];
      for (let q = 0; q < p; q++) s += f.U[j * p + q] * e[q];
      out[k * m + j] = s;
    }
  }
  return out;
}

/** φ = ReLU(W x + tb) into `out` (length m), where `tb` (offset `tbOff`) is a row of {@link timeBiasTable}. */
export function featuresAt(
  f: RandomFeatures,
  x: ArrayLike<number>,
  xOff: number,
  tb: Float64Array,
  tbOff: number,
  out: Float64Array,
  outOff = 0,
): void {
  const { d, m, W } = f;
  for (let j = 0; j < m; j++) {
    let h = tb[tbOff + j];
    for (let q = 0; q < d; q++) h += W[j * d + q] * x[xOff + q];
    out[outOff + j] = h > 0 ? h : 0;
  }
}

/** s = (1/m) A φ into `out` (length d); A is d×m row-major. */
export function scoreFromFeatures(
  A: Float64Array,
  d: number,
  m: number,
  phi: Float64Array,
  phiOff: number,
  out: Float64Array,
  outOff = 0,
): void {
  for (let q = 0; q < d; q++) {
    let s = 0;
    for (let j = 0; j < m; j++) s += A[q * m + j] * phi[phiOff + j];
    out[outOff + q] = s / m;
  }
}

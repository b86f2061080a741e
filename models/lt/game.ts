/**
 * The long-tailed training game of Paper D over random-features score networks.
 *
 * Each class y has a fixed pool of denoising draws (x_0 from its n_y samples, t on the grid,
 * ξ ~ N(0, I)); its empirical loss is
 *   L_y(A_y; A_{−y}) = mean_i λ(t_i) ‖s_y(x_i) + ξ_i/σ̄_i‖²
 *                    + (β/K) Σ_{c≠y} mean_i ω(t_i) ‖s_y(x_i) − sg(s_c(x_i))‖² + ρ ‖A_y‖²/m²,
 * with λ(t) = σ̄_t^power and ω(t) = e^t (the y' = y term of the uniform average is identically 0).
 * L_y is a convex quadratic in A_y: with a = A/m, L_y = tr(a H_y aᵀ) − 2 tr(a R_yᵀ) + const, so the
 * best response is the ridge least-squares solve a* = R_y H_y^{−1} and the Nash gap is exact:
 * gap_y = tr((a − a*) H_y (a − a*)ᵀ).
 *
 * CBDM (Qin et al. 2023) is a joint objective with stop-gradients, not a game; its training
 * fixed point solves a linear system of the same block form, see {@link cbdmSystem}.
 * @module
 */
import type { PhiloxStream } from "../../datasets/philox.ts";
import { type RandomFeatures, sigmaBar } from "./features.ts";
import { poolFeaturesWasm } from "./features_wasm.ts";
import { type CholeskyFactor, choleskyFactor, choleskySolve } from "./linsolve.ts";
import { luSolveWasm } from "./linsolve_wasm.ts";
import { weightedMoment } from "./moment_wasm.ts";

/** The draws of one class and every network's features at them. */
export interface PoolClass {
  /** Number of draws. */
  N: number;
  /** Grid index of each draw's time. */
  tIdx: Int32Array;
  /** x_t, N×d. */
  xt: Float64Array;
  /** DSM target −ξ/σ̄_t, N×d. */
  target: Float64Array;
  /** λ(t_i). */
  lambda: Float64Array;
  /** ω(t_i) = e^{t_i}. */
  omega: Float64Array;
  /** t_i / t_end, CBDM's weight before its τ. */
  cbdm: Float64Array;
  /** Features of network c at these draws: phi[c] is N×m. */
  phi: Float64Array[];
}

/** All classes' pools. */
export interface Pool {
  K: number;
  d: number;
  m: number;
  classes: PoolClass[];
}

/**
 * Build the pools: `drawsPerClass` draws per class (t uniform on the grid, fresh ξ), cycling
 * through the class's training samples (draw i uses sample i mod n_y, so every class's empirical
 * loss is estimated equally precisely); `tb[c]` is network c's {@link timeBiasTable}.
 */
export function buildPool(
  stream: PhiloxStream,
  data: Float64Array[],
  nets: RandomFeatures[],
  tb: Float64Array[],
  grid: Float64Array,
  drawsPerClass: number,
  lambdaPower: number,
): Pool {
  const K = nets.length, d = nets[0].d, m = nets[0].m;
  const tEnd = grid[grid.length - 1];
  const classes = data.map((x0): PoolClass => {
    const n = x0.length / d, N = drawsPerClass;
    const tIdx = new Int32Array(N), xt = new Float64Array(N * d), target = new Float64Array(N * d);
    const lambda = new Float64Array(N), omega = new Float64Array(N), cbdm = new Float64Array(N);
    for (let i = 0; i < N; i++) {
      const s = i % n;
      const k = stream.int(grid.length);
      const t = grid[k], a = Math.exp(-t), sb = sigmaBar(t);
      tIdx[i] = k;
      for (let q = 0; q < d; q++) {
        const xi = stream.normal();
        xt[i * d + q] = a * x0[s * d + q] + sb * xi;
        target[i * d + q] = -xi / sb;
      }
      lambda[i] = Math.pow(sb, lambdaPower);
      omega[i] = Math.exp(t);
      cbdm[i] = t / tEnd;
    }
    const phi = nets.map((f, c) => poolFeaturesWasm(f, xt, tIdx, tb[c], N));
    return { N, tIdx, xt, target, lambda, omega, cbdm, phi };
  });
  return { K, d, m, classes };
}

/** Which per-draw weight a statistic uses. */
export type WeightName = "lambda" | "omega" | "cbdm";

/** Second-moment statistics of the pools, computed on first use and cached. */
export class PoolStats {
  readonly pool: Pool;
  #cache = new Map<string, Float64Array>();

  /** Statistics of `pool`. */
  constructor(pool: Pool) {
    this.pool = pool;
  }

  /** M = mean_i w_i Φ_{y,a}[i] Φ_{y,b}[i]ᵀ over class y's draws (m×m, rows a-features). */
  moment(y: number, w: WeightName, a: number, b: number): Float64Array {
    const key = `${y}|${w}|${a}|${b}`;
    const hit = this.#cache.get(key);
    if (hit) return hit;
    const { m } = this.pool, pc = this.pool.classes[y];
    if (a > b) {
      const t = this.moment(y, w, b, a), out = new Float64Array(m * m);
      for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) out[i * m + j] = t[j * m + i];
      this.#cache.set(key, out);
      return out;
    }
    const out = weightedMoment(pc.phi[a], pc.phi[b], pc[w], pc.N, m, a === b);
    this.#cache.set(key, out);
    return out;
  }

  /** B_y = mean_i λ_i target_i φ_y(x_i)ᵀ (d×m). */
  targetMoment(y: number): Float64Array {
    const key = `B|${y}`;
    const hit = this.#cache.get(key);
    if (hit) return hit;
    const { m, d } = this.pool, pc = this.pool.classes[y], ph = pc.phi[y];
    const out = new Float64Array(d * m);
    for (let i = 0; i < pc.N; i++) {
      for (let q = 0; q < d; q++) {
        const v = pc.lambda[i] * pc.target[i * d + q] / pc.N;
        for (let j = 0; j < m; j++) out[q * m + j] += v * ph[i * m + j];
      }
    }
    this.#cache.set(key, out);
    return out;
  }
}

/**
 * A linear stationarity system in block form: for every class y,
 * a_y H_y − Σ_{c≠y} a_c O_{y,c} = rhs_y, with a = A/m (d×m), H_y symmetric m×m.
 * For the mutual-learning game, H_y is the Hessian/2 of L_y in a_y and R_y(A) = rhs_y + Σ a_c O_{y,c}.
 */
export interface StationarySystem {
  K: number;
  d: number;
  m: number;
  H: Float64Array[];
  /** O[y][c] (null on the diagonal). */
  O: (Float64Array | null)[][];
  rhs: Float64Array[];
}

function addScaled(out: Float64Array, a: Float64Array, s: number): void {
  if (s !== 0) { for (let i = 0; i < out.length; i++) out[i] += s * a[i]; }
}

/** The mutual-learning game at strength β with ridge ρ (ω(t) = e^t, y' uniform over the K classes). */
export function mutualSystem(stats: PoolStats, beta: number, ridge: number): StationarySystem {
  const { K, d, m } = stats.pool;
  const H: Float64Array[] = [], O: (Float64Array | null)[][] = [], rhs: Float64Array[] = [];
  for (let y = 0; y < K; y++) {
    const h = Float64Array.from(stats.moment(y, "lambda", y, y));
    if (beta !== 0) addScaled(h, stats.moment(y, "omega", y, y), beta * (K - 1) / K);
    for (let j = 0; j < m; j++) h[j * m + j] += ridge;
    H.push(h);
    O.push(Array.from({ length: K }, (_, c) => {
      if (c === y) return null;
      const o = new Float64Array(m * m);
      if (beta !== 0) addScaled(o, stats.moment(y, "omega", c, y), beta / K);
      return o;
    }));
    rhs.push(stats.targetMoment(y));
  }
  return { K, d, m, H, O, rhs };
}

/**
 * The training fixed point of the CBDM regularizer (Qin et al. 2023) with per-class networks:
 * on class-y data, w_t ‖s_y − sg(s_{y'})‖² + ¼ w_t ‖sg(s_y) − s_{y'}‖², w_t = τ t/T, y' drawn
 * from the class frequencies π. Gradient flows into s_y from its own data (first term) and from
 * every other class q's data through the second term (weight ¼ π_y relative to class q's own loss);
 * dividing network y's stationarity equation by π_y gives per-class-normalized blocks:
 *   H_y = G^λ_y + τ(Σ_{c≠y} π_c) G^w_y + τ Σ_{q≠y} ¼ π_q E^w_{q,y} + ρI,
 *   O_{y,c} = τ π_c C^w_{y,c} + τ ¼ π_c (C^w_{c,y})ᵀ.
 */
export function cbdmSystem(
  stats: PoolStats,
  tau: number,
  priors: number[],
  ridge: number,
): StationarySystem {
  const { K, d, m } = stats.pool;
  const H: Float64Array[] = [], O: (Float64Array | null)[][] = [], rhs: Float64Array[] = [];
  for (let y = 0; y < K; y++) {
    const h = Float64Array.from(stats.moment(y, "lambda", y, y));
    if (tau !== 0) {
      let others = 0;
      for (let c = 0; c < K; c++) if (c !== y) others += priors[c];
      addScaled(h, stats.moment(y, "cbdm", y, y), tau * others);
      for (let q = 0; q < K; q++) {
        if (q !== y) addScaled(h, stats.moment(q, "cbdm", y, y), tau * 0.25 * priors[q]);
      }
    }
    for (let j = 0; j < m; j++) h[j * m + j] += ridge;
    H.push(h);
    O.push(Array.from({ length: K }, (_, c) => {
      if (c === y) return null;
      const o = new Float64Array(m * m);
      if (tau !== 0) {
        // C^w_{y,c} = moment(y, cbdm, c, y); (C^w_{c,y})ᵀ = moment(c, cbdm, c, y)
        addScaled(o, stats.moment(y, "cbdm", c, y), tau * priors[c]);
        addScaled(o, stats.moment(c, "cbdm", c, y), tau * 0.25 * priors[c]);
      }
      return o;
    }));
    rhs.push(stats.targetMoment(y));
  }
  return { K, d, m, H, O, rhs };
}

/**
 * Solve a stationarity system jointly (LU in WebAssembly, the bits of `luSolve`; Km unknowns per
 * output coordinate); returns A_y (= m a_y).
 */
export function solveStationary(sys: StationarySystem): Float64Array[] {
  const { K, d, m } = sys, n = K * m;
  const M = new Float64Array(n * n), B = new Float64Array(n * d);
  for (let y = 0; y < K; y++) {
    for (let c = 0; c < K; c++) {
      const blk = c === y ? sys.H[y] : sys.O[y][c]!;
      const s = c === y ? 1 : -1;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < m; j++) M[(y * m + i) * n + c * m + j] = s * blk[j * m + i];
      }
    }
    for (let i = 0; i < m; i++) {
      for (let q = 0; q < d; q++) B[(y * m + i) * d + q] = sys.rhs[y][q * m + i];
    }
  }
  const X = luSolveWasm(M, n, B, d);
  return Array.from({ length: K }, (_, c) => {
    const A = new Float64Array(d * m);
    for (let j = 0; j < m; j++) {
      for (let q = 0; q < d; q++) A[q * m + j] = m * X[(c * m + j) * d + q];
    }
    return A;
  });
}

/** Per-class best-response machinery of a game: the Cholesky factors of its H_y. */
export interface BestResponder {
  sys: StationarySystem;
  chol: CholeskyFactor[];
}

/** Factor every H_y once (they do not depend on the iterate). */
export function bestResponder(sys: StationarySystem): BestResponder {
  return { sys, chol: sys.H.map((h) => choleskyFactor(h, sys.m)) };
}

/** R_y(A) = rhs_y + Σ_{c≠y} (A_c/m) O_{y,c} (d×m). */
export function linearTerm(sys: StationarySystem, A: Float64Array[], y: number): Float64Array {
  const { K, d, m } = sys;
  const R = Float64Array.from(sys.rhs[y]);
  for (let c = 0; c < K; c++) {
    if (c === y) continue;
    const O = sys.O[y][c]!, Ac = A[c];
    for (let q = 0; q < d; q++) {
      for (let i = 0; i < m; i++) {
        const v = Ac[q * m + i] / m;
        if (v === 0) continue;
        for (let j = 0; j < m; j++) R[q * m + j] += v * O[i * m + j];
      }
    }
  }
  return R;
}

/** Class y's exact best response A*_y = m R_y H_y^{−1} to the others' A. */
export function bestResponse(br: BestResponder, A: Float64Array[], y: number): Float64Array {
  const { d, m } = br.sys;
  const R = linearTerm(br.sys, A, y);
  const Rt = new Float64Array(m * d);
  for (let q = 0; q < d; q++) for (let j = 0; j < m; j++) Rt[j * d + q] = R[q * m + j];
  const X = choleskySolve(br.chol[y], Rt, d);
  const out = new Float64Array(d * m);
  for (let q = 0; q < d; q++) for (let j = 0; j < m; j++) out[q * m + j] = m * X[j * d + q];
  return out;
}

/** tr(Δ H Δᵀ)/m² for Δ = A − B (d×m): the exact excess loss of A over the minimizer B. */
export function quadraticExcess(
  H: Float64Array,
  A: Float64Array,
  B: Float64Array,
  d: number,
  m: number,
): number {
  let s = 0;
  const delta = new Float64Array(m);
  for (let q = 0; q < d; q++) {
    for (let j = 0; j < m; j++) delta[j] = (A[q * m + j] - B[q * m + j]) / m;
    for (let i = 0; i < m; i++) {
      const di = delta[i];
      if (di === 0) continue;
      let r = 0;
      for (let j = 0; j < m; j++) r += H[i * m + j] * delta[j];
      s += di * r;
    }
  }
  return s;
}

/** Per-class gaps L_y(A) − min_B L_y(B; A_{−y}); the Nash gap is their maximum. */
export function classGaps(br: BestResponder, A: Float64Array[]): number[] {
  const { K, d, m } = br.sys;
  return Array.from(
    { length: K },
    (_, y) => quadraticExcess(br.sys.H[y], A[y], bestResponse(br, A, y), d, m),
  );
}

/** The Nash gap max_y [L_y(A_y; A_{−y}) − min_B L_y(B; A_{−y})]. */
export function nashGap(br: BestResponder, A: Float64Array[]): number {
  return Math.max(...classGaps(br, A));
}

/**
 * L_y(A_y; A_{−y}) summed directly over class y's draws (no quadratic-form shortcut), for tests
 * and reports: λ-weighted DSM + (β/K) Σ_{c≠y} ω-weighted distance to sg(s_c) + ρ‖A_y‖²/m².
 */
export function mutualLossDirect(
  pool: Pool,
  A: Float64Array[],
  y: number,
  beta: number,
  ridge: number,
): number {
  const { K, d, m } = pool, pc = pool.classes[y];
  let total = 0;
  for (let i = 0; i < pc.N; i++) {
    for (let q = 0; q < d; q++) {
      let sy = 0;
      for (let j = 0; j < m; j++) sy += A[y][q * m + j] * pc.phi[y][i * m + j];
      sy /= m;
      total += pc.lambda[i] * (sy - pc.target[i * d + q]) ** 2;
      for (let c = 0; c < K; c++) {
        if (c === y || beta === 0) continue;
        let sc = 0;
        for (let j = 0; j < m; j++) sc += A[c][q * m + j] * pc.phi[c][i * m + j];
        sc /= m;
        total += (beta / K) * pc.omega[i] * (sy - sc) ** 2;
      }
    }
  }
  let reg = 0;
  for (const v of A[y]) reg += v * v;
  return total / pc.N + ridge * reg / (m * m);
}

/**
 * The CBDM regularizer for one draw (Qin et al. 2023, official code), as a value:
 * w_t ‖s(x_t, y) − s(x_t, y')‖² + ¼ w_t ‖s(x_t, y) − s(x_t, y')‖² (the stop-gradients change only
 * which network each term trains), w_t = τ t/T.
 */
export function cbdmRegValue(
  sY: ArrayLike<number>,
  sYp: ArrayLike<number>,
  t: number,
  tEnd: number,
  tau: number,
): number {
  const w = tau * t / tEnd;
  let sq = 0;
  for (let q = 0; q < sY.length; q++) sq += (sY[q] - sYp[q]) ** 2;
  return w * sq + 0.25 * w * sq;
}

/**
 * The stop-gradient training gradient of the CBDM objective with respect to network y's a_y = A_y/m,
 * summed directly over the pools (expectation over y' ~ π taken exactly), per-class normalized as in
 * {@link cbdmSystem}: zero at the CBDM fixed point (a test of the block derivation).
 */
export function cbdmGradientDirect(
  pool: Pool,
  A: Float64Array[],
  y: number,
  tau: number,
  priors: number[],
  ridge: number,
): Float64Array {
  const { K, d, m } = pool;
  const g = new Float64Array(d * m);
  const score = (c: number, pc: PoolClass, i: number, q: number) => {
    let s = 0;
    for (let j = 0; j < m; j++) s += A[c][q * m + j] * pc.phi[c][i * m + j];
    return s / m;
  };
  for (let q0 = 0; q0 < K; q0++) {
    const pc = pool.classes[q0];
    for (let i = 0; i < pc.N; i++) {
      const w = tau * pc.cbdm[i];
      for (let q = 0; q < d; q++) {
        let r = 0;
        if (q0 === y) {
          const sy = score(y, pc, i, q);
          r = pc.lambda[i] * (sy - pc.target[i * d + q]);
          for (let c = 0; c < K; c++) if (c !== y) r += priors[c] * w * (sy - score(c, pc, i, q));
          for (let j = 0; j < m; j++) g[q * m + j] += r * pc.phi[y][i * m + j] / pc.N;
        } else {
          // data of class q0, y drawn as y' with prob π_y, weight ¼; normalized by π_y
          r = 0.25 * priors[q0] * w * (score(y, pc, i, q) - score(q0, pc, i, q));
          for (let j = 0; j < m; j++) g[q * m + j] += r * pc.phi[y][i * m + j] / pc.N;
        }
      }
    }
  }
  for (let i = 0; i < d * m; i++) g[i] += ridge * A[y][i] / m;
  return g;
}

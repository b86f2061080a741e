/**
 * Individual gradient descent (IGD) on the mutual-learning game: every class steps at once from
 * the same iterate, each on a minibatch of its pool's draws (or on its whole pool), and the exact
 * Nash gap is recorded at checkpoints.
 * @module
 */
import type { PhiloxStream } from "../../datasets/philox.ts";
import { type BestResponder, classGaps, linearTerm, type Pool } from "./game.ts";

/** Options of {@link runIgd}. */
export interface IgdOptions {
  beta: number;
  ridge: number;
  /** Iterations T_max. */
  steps: number;
  /** Minibatch size per class (ignored when fullBatch). */
  batch: number;
  fullBatch: boolean;
  /** Step of class y at iteration t (0-based): lr / (L_y √(t+1)), L_y the loss's smoothness. */
  lr: number;
  /** Smoothness L_y = 2 λ_max(H_y)/m² per class (pass the same for every β to keep steps paired). */
  smoothness: number[];
  /** Step schedule: "invsqrt" (η_t ∝ 1/√(t+1), the theory's) or "constant". */
  schedule: "invsqrt" | "constant";
  /** Sorted iteration counts at which to record the gap (T = number of steps taken). */
  checkpoints: number[];
  /** Minibatch indices; consumed identically for every β (paired runs). */
  stream: PhiloxStream;
  signal?: AbortSignal;
}

/** Gap trajectory of one IGD run. */
export interface IgdResult {
  /** Nash gap of the iterate after T steps, per checkpoint. */
  gap: number[];
  /** Best (smallest) gap among the recorded iterates up to T. */
  best: number[];
  /** Per-class gaps at the last checkpoint. */
  lastClassGaps: number[];
  /** First step at which a non-finite value appeared, or null. */
  failedAt: number | null;
  /** Final iterate. */
  A: Float64Array[];
}

/** Run IGD from A = 0 and record exact Nash gaps (`br` must be the game at `opts.beta`). */
export function runIgd(pool: Pool, br: BestResponder, opts: IgdOptions): IgdResult {
  const { K, d, m } = pool;
  const A = Array.from({ length: K }, () => new Float64Array(d * m));
  const grads = Array.from({ length: K }, () => new Float64Array(d * m));
  const sy = new Float64Array(d), sc = new Float64Array(d), r = new Float64Array(d);
  const gap: number[] = [], best: number[] = [];
  let bestSoFar = Infinity, ci = 0, failedAt: number | null = null, lastClassGaps: number[] = [];
  const record = (t: number) => {
    while (ci < opts.checkpoints.length && opts.checkpoints[ci] === t) {
      const g = classGaps(br, A);
      const G = Math.max(...g);
      if (!Number.isFinite(G) && failedAt === null) failedAt = t;
      bestSoFar = Math.min(bestSoFar, G);
      gap.push(G), best.push(bestSoFar), lastClassGaps = g;
      ci++;
    }
  };
  record(0);
  const { beta, ridge } = opts;
  for (let t = 0; t < opts.steps && ci < opts.checkpoints.length; t++) {
    if (opts.signal?.aborted) throw new Error("aborted");
    for (let y = 0; y < K; y++) {
      const g = grads[y];
      if (opts.fullBatch) {
        // ∇_A L_y = (2/m²) A H − (2/m) R_y(A)
        // row-wise (contiguous) accumulation of A H: the same sums, in a cache-friendly order
        const R = linearTerm(br.sys, A, y), H = br.sys.H[y], Ay = A[y];
        for (let k = 0; k < d * m; k++) g[k] = -(2 / m) * R[k];
        for (let q = 0; q < d; q++) {
          const row = q * m;
          for (let i = 0; i < m; i++) {
            const v = (2 / (m * m)) * Ay[row + i];
            if (v === 0) continue;
            const hi = i * m;
            for (let j = 0; j < m; j++) g[row + j] += v * H[hi + j];
          }
        }
        continue;
      }
      const pc = pool.classes[y];
      g.fill(0);
      for (let b = 0; b < opts.batch; b++) {
        const i = opts.stream.int(pc.N);
        const phi = pc.phi[y], off = i * m;
        for (let q = 0; q < d; q++) {
          let s = 0;
          for (let j = 0; j < m; j++) s += A[y][q * m + j] * phi[off + j];
          sy[q] = s / m;
          r[q] = pc.lambda[i] * (sy[q] - pc.target[i * d + q]);
        }
        if (beta !== 0) {
          for (let c = 0; c < K; c++) {
            if (c === y) continue;
            const pcf = pc.phi[c];
            for (let q = 0; q < d; q++) {
              let s = 0;
              for (let j = 0; j < m; j++) s += A[c][q * m + j] * pcf[off + j];
              sc[q] = s / m;
              r[q] += (beta / K) * pc.omega[i] * (sy[q] - sc[q]);
            }
          }
        }
        for (let q = 0; q < d; q++) {
          const v = (2 / m) * r[q] / opts.batch;
          if (v === 0) continue;
          for (let j = 0; j < m; j++) g[q * m + j] += v * phi[off + j];
        }
      }
      for (let k = 0; k < d * m; k++) g[k] += (2 * ridge / (m * m)) * A[y][k];
    }
    const decay = opts.schedule === "invsqrt" ? 1 / Math.sqrt(t + 1) : 1;
    for (let y = 0; y < K; y++) {
      const eta = opts.lr * decay / opts.smoothness[y];
      const Ay = A[y], g = grads[y];
      for (let k = 0; k < d * m; k++) Ay[k] -= eta * g[k];
    }
    record(t + 1);
    if (failedAt !== null) break;
  }
  return { gap, best, lastClassGaps, failedAt, A };
}

/** Checkpoints 0 and round(2^{k/perOctave}) up to `steps`, unique and sorted. */
export function geometricCheckpoints(steps: number, perOctave: number): number[] {
  const s = new Set<number>([0]);
  for (let k = 0;; k++) {
    const v = Math.round(Math.pow(2, k / perOctave));
    if (v > steps) break;
    s.add(v);
  }
  s.add(steps);
  return [...s].sort((a, b) => a - b);
}

/**
 * The steps of IGD between checkpoints (see `igd.ts`): the {@link IgdStepper} interface and the
 * reference {@link jsIgdStepper}, plain JS, one iteration at a time (`igd_wasm.ts` has the
 * WebAssembly stepper with the same bits).
 * @module
 */
import { PhiloxStream } from "../../datasets/philox.ts";
import { type BestResponder, linearTerm, type Pool } from "./game.ts";
import type { IgdOptions } from "./igd.ts";

/**
 * The IGD iterate and the steps that advance it: {@link jsIgdStepper} (the reference) or the
 * WebAssembly one of `igd_wasm.ts` (the same bits).
 */
export interface IgdStepper {
  /** Take steps t0, t0 + 1, …, t1 − 1 (0-based iteration counts). */
  steps(t0: number, t1: number): void;
  /** The current iterate A_y per class (d×m each; a copy or a live view). */
  iterate(): Float64Array[];
  /** The iterate's per-class gaps with the bits of `classGaps` (game.ts), when the stepper has them. */
  classGaps?(): number[];
}

/** Makes the stepper of a run, starting from A = 0. */
export type IgdKernel = (pool: Pool, br: BestResponder, opts: IgdOptions) => IgdStepper;

/** The reference steps in plain JS, one iteration at a time. */
export const jsIgdStepper: IgdKernel = (pool, br, opts) => {
  const { K, d, m } = pool;
  const A = Array.from({ length: K }, () => new Float64Array(d * m));
  const grads = Array.from({ length: K }, () => new Float64Array(d * m));
  const sy = new Float64Array(d), sc = new Float64Array(d), r = new Float64Array(d);
  const { beta, ridge } = opts;
  const stream = PhiloxStream.fromKey(opts.drawKey);
  const step = (t: number) => {
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
        const i = stream.int(pc.N);
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
  };
  return {
    steps(t0, t1) {
      for (let t = t0; t < t1; t++) {
        if (opts.signal?.aborted) throw new Error("aborted");
        step(t);
      }
    },
    iterate: () => A,
  };
};

/** Steps between abort checks of a stepper that runs many steps per call. */
export const IGD_CHUNK = 256;

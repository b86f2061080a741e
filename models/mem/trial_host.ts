/**
 * The host-side work of one Paper C trial at one d, as a CPU-worker task (`models/cpu/pool.ts`):
 * for every training-set size n, fit the linear denoiser, form the generated Gaussian under each
 * covariance convention, and measure tr(Σ)/d, H²(generated, true) and the log cross terms of the
 * kernel L2 distances (the self terms need the pair sums, which the caller adds). The same
 * functions in the same order as the serial loop it replaced, so the same bits in any worker;
 * the original set is copied into WebAssembly memory once per task ({@link ResidentRows}).
 * @module
 */
import {
  type CovarianceConvention,
  fitLinearDenoiser,
  generatedGaussian,
} from "./linear_denoiser.ts";
import { hellinger2, logKernelCross } from "./distances.ts";
import { ResidentRows } from "./densities_wasm.ts";
import { iidGaussian } from "../../datasets/iid_gaussian.ts";
import { PhiloxStream } from "../../datasets/philox.ts";

/** One trial at one d. */
export interface TrialHostTask {
  d: number;
  /** Training-set sizes, ascending in the grid's order. */
  ns: number[];
  /** The trial's pool of training rows (max n × d): the set of size n is its first n rows. */
  pool: Float64Array;
  /** The trial's forward-process noise (max n × d). */
  noise: Float64Array;
  /** The trial's original set (N × d), or null when the kernel distances are skipped. */
  orig: Float64Array | null;
  /** e^{-T}. */
  decay: number;
  /** Variance of the added noise. */
  noiseVar: number;
  /** √noiseVar, as the caller computed it. */
  noiseSd: number;
  dataMean: number;
  sigma: number;
  /** Kernel width of the original set. */
  epsOrig: number;
  conventions: CovarianceConvention[];
}

/**
 * What one (n, convention) measured, in the order the serial loop pushed it: `tr` (tr(Σ)/d) and
 * `h2` when they were computed, the log cross terms when the kernel distances ran, `error` when
 * something threw (after whatever was computed before).
 */
export interface TrialHostPoint {
  tr?: number;
  h2?: number;
  /** log (2/n) Σ_i N(x_i; μ, Σ + ε_n²I) over the training set. */
  crossTrain?: number;
  /** log (2/N) Σ_i N(x_i; μ, Σ + ε_N²I) over the original set. */
  crossOrig?: number;
  error?: string;
}

/** Kernel width of a set of n points in d dimensions: σ n^{-1/d}. */
export function kernelWidth(sigma: number, n: number, d: number): number {
  return sigma * Math.pow(n, -1 / d);
}

/**
 * Run one task: points[ri][ci] for training size ns[ri] and convention conventions[ci];
 * `report(ri + 1)` after each size.
 */
export function trialHostTask(
  t: TrialHostTask,
  report?: (sizesDone: number) => void,
): TrialHostPoint[][] {
  const { d, conventions } = t;
  const fp = { decay: t.decay, noiseVar: t.noiseVar };
  const trueMean = new Float64Array(d).fill(t.dataMean);
  const trueCov = new Float64Array(d * d);
  for (let i = 0; i < d; i++) trueCov[i * d + i] = t.sigma * t.sigma;
  const N = t.orig ? t.orig.length / d : 0;
  const orig = t.orig ? new ResidentRows(t.orig, N, d) : null;
  try {
    return t.ns.map((n, ri) => {
      const x0 = t.pool.subarray(0, n * d);
      const xT = new Float64Array(n * d);
      for (let i = 0; i < n * d; i++) xT[i] = t.decay * x0[i] - t.noiseSd * t.noise[i];
      const fit = fitLinearDenoiser(xT, x0, n, d);
      const out = conventions.map((c) => {
        const p: TrialHostPoint = {};
        try {
          const g = generatedGaussian(fit, x0, n, d, fp, c);
          let tr = 0;
          for (let i = 0; i < d; i++) tr += g.cov[i * d + i];
          if (!Number.isFinite(tr)) {
            throw new Error(`generated covariance is not finite (tr = ${tr})`);
          }
          p.tr = tr / d;
          p.h2 = hellinger2(g.mean, g.cov, trueMean, trueCov, d);
          if (orig) {
            p.crossTrain = logKernelCross(x0, n, d, kernelWidth(t.sigma, n, d), g.mean, g.cov);
            p.crossOrig = logKernelCross(orig, N, d, t.epsOrig, g.mean, g.cov);
          }
        } catch (e) {
          p.error = e instanceof Error ? e.message : String(e);
        }
        return p;
      });
      report?.(ri + 1);
      return out;
    });
  } finally {
    orig?.dispose();
  }
}

/** The draws of one trial at one d, by the keys of its named streams (`PhiloxStream.key`). */
export interface TrialDrawTask {
  d: number;
  /** Rows of the pool of training rows and of the noise (the largest n). */
  nMax: number;
  /** Rows of the original set (ignored when `originalKey` is null). */
  originalSize: number;
  dataMean: number;
  sigma: number;
  trainKey: [number, number];
  /** Null when the kernel distances are skipped (no original set). */
  originalKey: [number, number] | null;
  noiseKey: [number, number];
}

/** What {@link trialDrawTask} drew: the inputs of a {@link TrialHostTask} and of the pair sums. */
export interface TrialData {
  pool: Float64Array;
  orig: Float64Array | null;
  noise: Float64Array;
}

/**
 * Draw one trial's data (a worker task): the pool N(mean, σ²) from the train stream, the original
 * set N(mean, σ²) from the original stream, the noise N(0, 1) from the noise stream — the same
 * numbers as drawing them from the streams where the keys were made.
 */
export function trialDrawTask(t: TrialDrawTask): TrialData {
  const { d } = t;
  return {
    pool: iidGaussian(PhiloxStream.fromKey(t.trainKey), t.nMax, d, t.dataMean, t.sigma),
    orig: t.originalKey
      ? iidGaussian(PhiloxStream.fromKey(t.originalKey), t.originalSize, d, t.dataMean, t.sigma)
      : null,
    noise: iidGaussian(PhiloxStream.fromKey(t.noiseKey), t.nMax, d, 0, 1),
  };
}

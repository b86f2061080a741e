/**
 * The shared experiment of the Paper C cases: for each dimension d, trial and training-set
 * size n, fit the linear one-step denoiser, form the generated Gaussian under each covariance
 * convention, and measure Δ = E_TG − E_OG (sign only) and H²(generated, true).
 *
 * Design: within a trial, training sets for growing n are nested (the first n rows of one
 * draw) and share one original set (common random numbers), so P(Δ>0) curves are paired
 * across n and the bootstrap resamples whole trials.
 * @module
 */
import type { CaseContext } from "../case.ts";
import type { CovarianceConvention } from "../../models/mem/linear_denoiser.ts";
import { compareSignedLog, logDiff, logKernelSelf } from "../../models/mem/distances.ts";
import {
  kernelWidth,
  type TrialData,
  type TrialDrawTask,
  type TrialHostPoint,
  type TrialHostTask,
} from "../../models/mem/trial_host.ts";
import { packSets, pairSums } from "../../models/gpu/kernel_sum.ts";
import { cpuWorkerCount } from "../../models/cpu/pool.ts";
import { sharedWarmPool } from "../../models/cpu/warm_pool.ts";

/** The parameters of the experiment that both cases share. */
export interface MemExperimentConfig {
  dims: number[];
  ratios: number[];
  originalSize: number;
  T: number;
  dataMean: number;
  sigma: number;
  conventions: CovarianceConvention[];
}

/** Per convention, per trial (row) and ratio (column). */
export interface ConventionMeasurement {
  /** 1 when Δ > 0 (closer to the original set than to the training set), 0 otherwise, null on error. */
  deltaPositive: (0 | 1 | null)[][];
  /** Squared Hellinger distance to the true N(mean·1, σ²I). */
  h2: (number | null)[][];
  /** tr(Σ)/d of the generated Gaussian. */
  traceOverD: (number | null)[][];
}

/** Everything measured at one d. */
export interface DimMeasurement {
  d: number;
  ns: number[];
  /** n/d actually used (n rounded to an integer ≥ 2). */
  ratios: number[];
  conventions: Partial<Record<CovarianceConvention, ConventionMeasurement>>;
}

/** n for a ratio: round(ratio·d), at least 2 (the fit needs a variance). */
export function trainingSize(ratio: number, d: number): number {
  return Math.max(2, Math.round(ratio * d));
}

/** Host-side work of one (trial, n) at d, in rough operations: the fit, and the densities. */
function hostOps(cfg: MemExperimentConfig, d: number, withDelta: boolean): number {
  return 60 * d ** 3 + (withDelta ? cfg.conventions.length * cfg.originalSize * d * d / 2 : 0);
}

/**
 * Below this many host operations per run the tasks run inline (smoke): the CPU workers are warm
 * across units (`models/cpu/warm_pool.ts`), but their first start (a fresh isolate each, ~0.1 s of
 * CPU) costs more than such a run. `mem.transition`'s N = 1000 alternative (~2·10⁸ per unit) now
 * uses them, so its host tasks overlap its pair sums.
 */
export const MIN_WORKER_HOST_OPS = 5e7;

/** Options of {@link runMemExperiment}. */
export interface MemRunOptions {
  /**
   * CPU workers for the host-side tasks (default: {@link cpuWorkerCount} when the run's host work
   * reaches {@link MIN_WORKER_HOST_OPS}, else 1, inline). Any count gives the same bits.
   */
  workers?: number;
}

/**
 * Run the experiment. `withDelta=false` skips the kernel sums (H² only, cheap).
 * Progress counts (trial × ratio) units over all d.
 *
 * Each (d, trial) has two tasks (`models/mem/trial_host.ts`) on the process's warm CPU workers
 * (`models/cpu/warm_pool.ts`, kept across units), or inline for small runs: its draws, then its
 * host-side work (fits, generated Gaussians, H², the densities of the kernel distances' cross
 * terms). The pair sums (WebGPU or CPU) run here, each batch as soon as its trials are drawn, so
 * they overlap the draws and host tasks; on llvmpipe a submit blocks this thread until the
 * kernel is done, which is why nothing else runs here. Every number is computed by the same code
 * in the same order as in one serial loop, so the measurement depends neither on the workers nor
 * on the timing. Timings: `kernel_sum` is the wall time from the first draw queued to the last
 * pair sum read back, `fit_and_distances` to the last host task.
 */
export async function runMemExperiment(
  ctx: CaseContext,
  cfg: MemExperimentConfig,
  withDelta: boolean,
  opts: MemRunOptions = {},
): Promise<DimMeasurement[]> {
  const decay = Math.exp(-cfg.T), l = Math.exp(-2 * cfg.T);
  const fp = { decay, noiseVar: l * (1 - decay * decay) };
  const noiseSd = Math.sqrt(fp.noiseVar);
  const trials = ctx.seeds.length;
  // progress in estimated work: pair-dimensions of the kernel sums plus ~1000·d² per fit
  const fitWork = (d: number) => 1000 * d * d;
  const kernelWork = (d: number) =>
    withDelta
      ? (cfg.originalSize ** 2 + cfg.ratios.reduce((s, r) => s + trainingSize(r, d) ** 2, 0)) * d /
        2
      : 0;
  const totalUnits = cfg.dims.reduce(
    (s, d) => s + trials * (kernelWork(d) + cfg.ratios.length * fitWork(d)),
    0,
  );
  let done = 0;
  const N = cfg.originalSize;
  const hostWork = cfg.dims.reduce(
    (s, d) => s + trials * cfg.ratios.length * hostOps(cfg, d, withDelta),
    0,
  );
  const workers = opts.workers ?? (hostWork >= MIN_WORKER_HOST_OPS ? cpuWorkerCount() : 1);
  // two tasks per worker: a worker finds its next task waiting while this thread is blocked in a
  // WebGPU submit (llvmpipe runs a submit to completion on the calling thread)
  const pool = workers > 1 ? sharedWarmPool(workers, 2) : null;
  // the tasks stop when the run is aborted (the pool closes) or a part fails (this run's queued
  // tasks are dropped; the shared pool's other work is untouched)
  let stopped = false;
  const batch = {};
  const stop = (aborted: boolean) => {
    if (stopped) return;
    stopped = true;
    if (aborted) pool?.close();
    else pool?.drop(batch);
  };
  const onAbort = () => stop(true);
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  if (ctx.signal.aborted) stop(true);
  const task = <I, O>(fn: string, input: I, onProgress?: (units: number) => void): Promise<O> => {
    if (stopped) return Promise.reject(new Error("aborted"));
    return pool
      ? pool.run<I, O>(TRIAL_HOST_MODULE, fn, input, { onProgress, batch })
      : import(TRIAL_HOST_MODULE.href).then((m) => m[fn](input, onProgress) as O);
  };
  // largest d first: its pair sums and host tasks are the longest. Every trial's data is drawn
  // by a task (on the CPU workers when there are any) from its named streams' keys: the same
  // numbers as drawing them here. Each batch of pair sums starts once its trials are drawn (on
  // WebGPU the batches run one after the other on this thread, their readbacks overlapped); each
  // host task once its trial is drawn.
  const order = cfg.dims.map((_, k) => k).sort((a, b) => cfg.dims[b] - cfg.dims[a]);
  const grid: GridInfo[] = cfg.dims.map((d) => {
    const ns = cfg.ratios.map((r) => trainingSize(r, d));
    return { d, ns, epsOrig: kernelWidth(cfg.sigma, N, d) };
  });
  const data: Promise<TrialData>[][] = grid.map(() => []);
  for (const k of order) {
    const { d, ns } = grid[k];
    const nMax = Math.max(...ns);
    for (const seed of ctx.seeds) {
      data[k].push(task<TrialDrawTask, TrialData>("trialDrawTask", {
        d,
        nMax,
        originalSize: N,
        dataMean: cfg.dataMean,
        sigma: cfg.sigma,
        trainKey: ctx.stream("mem.train", seed, d).key,
        originalKey: withDelta ? ctx.stream("mem.original", seed, d).key : null,
        noiseKey: ctx.stream("mem.noise", seed, d).key,
      }));
    }
  }
  const kernelStarted = ctx.now();
  let serialPairs: Promise<unknown> = Promise.resolve();
  const sums: Promise<DimPairSums>[] = grid.map((g, k) => {
    if (!withDelta) return Promise.resolve({ orig: [], train: [] });
    return dimPairSums(ctx, cfg, g, data[k], (run) => {
      // the CPU path (its own workers per batch) runs one batch at a time
      if (ctx.device) return run();
      const p = serialPairs.then(run);
      serialPairs = p.catch(() => {});
      return p;
    }, (units) => ctx.progress(done += units, totalUnits, `d=${g.d} kernel sums`));
  });
  const pairsDone = Promise.all(sums).then((s) => {
    if (withDelta) ctx.timing("kernel_sum", (ctx.now() - kernelStarted) / 1000);
    return s;
  });
  const hostStarted = ctx.now();
  const host: Promise<TrialHostPoint[][]>[][] = grid.map(() => []);
  for (const k of order) {
    const g = grid[k];
    ctx.seeds.forEach((_, t) => {
      let sizesDone = 0;
      host[k][t] = data[k][t].then(({ pool: trainPool, orig, noise }) =>
        task<TrialHostTask, TrialHostPoint[][]>("trialHostTask", {
          d: g.d,
          ns: g.ns,
          pool: trainPool,
          noise,
          orig: withDelta ? orig : null,
          decay,
          noiseVar: fp.noiseVar,
          noiseSd,
          dataMean: cfg.dataMean,
          sigma: cfg.sigma,
          epsOrig: g.epsOrig,
          conventions: cfg.conventions,
        }, (sizes) => {
          done += (sizes - sizesDone) * fitWork(g.d), sizesDone = sizes;
          ctx.progress(done, totalUnits, `d=${g.d} fits`);
        })
      );
    });
  }
  const hostDone = Promise.all(host.map((h) => Promise.all(h))).then((outs) => {
    ctx.timing("fit_and_distances", (ctx.now() - hostStarted) / 1000);
    return outs;
  });
  let sumsOf: DimPairSums[], points: TrialHostPoint[][][][];
  try {
    [sumsOf, points] = await Promise.all([pairsDone, hostDone]);
  } catch (e) {
    stop(ctx.signal.aborted);
    throw ctx.signal.aborted ? new Error("aborted") : e;
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
  }
  return grid.map(({ d, ns, epsOrig }, k) => {
    const conv: Partial<Record<CovarianceConvention, ConventionMeasurement>> = {};
    for (const c of cfg.conventions) {
      conv[c] = { deltaPositive: [], h2: [], traceOverD: [] };
    }
    for (let t = 0; t < trials; t++) {
      for (const c of cfg.conventions) {
        conv[c]!.deltaPositive.push([]), conv[c]!.h2.push([]), conv[c]!.traceOverD.push([]);
      }
      ns.forEach((n, ri) => {
        cfg.conventions.forEach((c, ci) => {
          const p = points[k][t][ri][ci];
          let delta: 0 | 1 | null | undefined;
          if (p.error === undefined && withDelta) {
            const eTG = logDiff(
              logKernelSelf(sumsOf[k].train[t][ri], n, d, kernelWidth(cfg.sigma, n, d)),
              p.crossTrain!,
            );
            const eOG = logDiff(logKernelSelf(sumsOf[k].orig[t], N, d, epsOrig), p.crossOrig!);
            delta = compareSignedLog(eTG, eOG) > 0 ? 1 : 0;
          } else if (withDelta) delta = null;
          if (p.error !== undefined) {
            ctx.runError({
              run: `d=${d} n=${n} trial=${ctx.seeds[t]} ${c}`,
              step: null,
              observable: withDelta ? "Δ" : "H²",
              message: p.error,
            });
          }
          recordPoint(conv[c]!, t, p, delta);
        });
      });
    }
    return { d, ns, ratios: ns.map((n) => n / d), conventions: conv };
  });
}

/**
 * Append one (n, convention) point to trial `t`'s rows of a convention: exactly one entry per
 * row whatever failed — tr(Σ)/d and H² where they were computed (null where an error came
 * first), Δ's sign (`delta`, null on error) when Δ is measured.
 */
export function recordPoint(
  m: ConventionMeasurement,
  t: number,
  p: Pick<TrialHostPoint, "tr" | "h2" | "error">,
  delta: 0 | 1 | null | undefined,
): void {
  if (p.tr !== undefined || p.error !== undefined) m.traceOverD[t].push(p.tr ?? null);
  if (p.h2 !== undefined || p.error !== undefined) m.h2[t].push(p.h2 ?? null);
  if (delta !== undefined) m.deltaPositive[t].push(delta);
}

/** One d of the grid: its training-set sizes and the original set's kernel width. */
interface GridInfo {
  d: number;
  ns: number[];
  epsOrig: number;
}

/** Per trial, the log pair sum of the original set and those of the training sets. */
interface DimPairSums {
  orig: number[];
  train: number[][];
}

/**
 * Log pair sums of every original set and every training set at one d (WebGPU or CPU), batched
 * in chunks of trials (the same chunks, sets and order whatever the timing, so the same bits):
 * each chunk, once its trials' `data` are drawn, runs through `gate` (which may serialise the
 * chunks); `progress(units)` after each chunk.
 */
async function dimPairSums(
  ctx: CaseContext,
  cfg: MemExperimentConfig,
  { d, ns, epsOrig }: GridInfo,
  data: Promise<TrialData>[],
  gate: (run: () => Promise<Float64Array>) => Promise<Float64Array>,
  progress: (units: number) => void,
): Promise<DimPairSums> {
  const N = cfg.originalSize, trials = ctx.seeds.length;
  const orig: number[] = [], train: number[][] = [];
  const perTrialOps = (N * N * d + ns.reduce((s, n) => s + n * n * d, 0)) / 2;
  const chunk = Math.max(1, Math.floor(2e9 / perTrialOps));
  const chunks: Promise<void>[] = [];
  for (let t0 = 0; t0 < trials; t0 += chunk) {
    const t1 = Math.min(trials, t0 + chunk);
    chunks.push(
      Promise.all(data.slice(t0, t1)).then(async (drawn) => {
        const sets: Float64Array[] = [], scales: number[] = [];
        for (const { pool, orig } of drawn) {
          sets.push(orig!), scales.push(1 / (4 * epsOrig * epsOrig));
          for (const n of ns) {
            const eps = kernelWidth(cfg.sigma, n, d);
            sets.push(pool.subarray(0, n * d)), scales.push(1 / (4 * eps * eps));
          }
        }
        const sums = await gate(() => {
          if (ctx.signal.aborted) throw new Error("aborted");
          return pairSums(ctx.device, packSets(sets, d, scales));
        });
        progress((t1 - t0) * perTrialOps);
        let off = 0;
        for (let t = t0; t < t1; t++) {
          orig[t] = sums[off++];
          train[t] = ns.map(() => sums[off++]);
        }
      }),
    );
  }
  await Promise.all(chunks);
  if (ctx.signal.aborted) throw new Error("aborted");
  return { orig, train };
}

/** The module whose `trialHostTask` the workers run. */
const TRIAL_HOST_MODULE = new URL("../../models/mem/trial_host.ts", import.meta.url);

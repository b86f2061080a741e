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
import { iidGaussian } from "../../datasets/iid_gaussian.ts";
import type { CovarianceConvention } from "../../models/mem/linear_denoiser.ts";
import { compareSignedLog, logDiff, logKernelSelf } from "../../models/mem/distances.ts";
import {
  kernelWidth,
  type TrialHostPoint,
  type TrialHostTask,
} from "../../models/mem/trial_host.ts";
import { packSets, pairSums } from "../../models/gpu/kernel_sum.ts";
import { cpuWorkerCount, runInWorkers } from "../../models/cpu/pool.ts";

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
 * Below this many host operations per run the CPU workers' start-up (a fresh isolate each, ~0.1 s
 * of CPU) costs more than they save: the tasks run inline (smoke, and `mem.hellinger-onset`).
 */
export const MIN_WORKER_HOST_OPS = 2e8;

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
 * The host-side work (fits, generated Gaussians, H², the densities of the kernel distances' cross
 * terms) runs as one task per (d, trial) on the CPU workers (`models/mem/trial_host.ts`), started
 * before the pair sums so that it overlaps them; the pair sums (WebGPU or CPU) run here. Every
 * number is computed by the same code in the same order as in one serial loop, so the
 * measurement does not depend on the workers.
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
  // the data of every d and trial, drawn here from the run's named streams; each d's pair sums
  // start (WebGPU: run beside this thread) as soon as its data is drawn, the next d's data is
  // drawn meanwhile
  const grid: (GridData & { noises: Float64Array[] })[] = [];
  const sums: DimPairSums[] = [];
  let pairChain: Promise<void> = Promise.resolve();
  for (const d of cfg.dims) {
    const ns = cfg.ratios.map((r) => trainingSize(r, d));
    const nMax = Math.max(...ns);
    const pools: Float64Array[] = [], origs: Float64Array[] = [], noises: Float64Array[] = [];
    for (const seed of ctx.seeds) {
      pools.push(iidGaussian(ctx.stream("mem.train", seed, d), nMax, d, cfg.dataMean, cfg.sigma));
      if (withDelta) {
        origs.push(iidGaussian(ctx.stream("mem.original", seed, d), N, d, cfg.dataMean, cfg.sigma));
      }
      noises.push(iidGaussian(ctx.stream("mem.noise", seed, d), nMax, d, 0, 1));
    }
    const g = { d, ns, pools, origs, noises, epsOrig: kernelWidth(cfg.sigma, N, d) };
    const k = grid.push(g) - 1;
    sums.push({ orig: [], train: [] });
    if (withDelta) {
      pairChain = pairChain.then(async () => {
        sums[k] = await dimPairSums(ctx, cfg, g, (units) => {
          ctx.progress(done += units, totalUnits, `d=${d} kernel sums`);
        });
      });
      // let the pair sums reach their submission before this thread draws the next d
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }
  // a failure is handled where the chain is awaited, after the host tasks started
  pairChain.catch(() => {});
  // host tasks, largest d first (the longest tasks start first)
  const tasks: { k: number; t: number; input: TrialHostTask }[] = [];
  for (let k = grid.length - 1; k >= 0; k--) {
    const g = grid[k];
    for (let t = 0; t < trials; t++) {
      tasks.push({
        k,
        t,
        input: {
          d: g.d,
          ns: g.ns,
          pool: g.pools[t],
          noise: g.noises[t],
          orig: withDelta ? g.origs[t] : null,
          decay,
          noiseVar: fp.noiseVar,
          noiseSd,
          dataMean: cfg.dataMean,
          sigma: cfg.sigma,
          epsOrig: g.epsOrig,
          conventions: cfg.conventions,
        },
      });
    }
  }
  const hostWork = cfg.dims.reduce(
    (s, d) => s + trials * cfg.ratios.length * hostOps(cfg, d, withDelta),
    0,
  );
  const workers = opts.workers ?? (hostWork >= MIN_WORKER_HOST_OPS ? cpuWorkerCount() : 1);
  const hostStarted = ctx.now();
  const sizesDone = new Array<number>(tasks.length).fill(0);
  // the host tasks stop when the run is aborted or the pair sums fail
  const stopHost = new AbortController();
  const onAbort = () => stopHost.abort();
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  if (ctx.signal.aborted) stopHost.abort();
  const host = runInWorkers<TrialHostTask, TrialHostPoint[][]>(
    TRIAL_HOST_MODULE,
    "trialHostTask",
    tasks.map((x) => x.input),
    {
      workers,
      signal: stopHost.signal,
      onProgress: (i, sizes) => {
        const d = tasks[i].input.d;
        done += (sizes - sizesDone[i]) * fitWork(d), sizesDone[i] = sizes;
        ctx.progress(done, totalUnits, `d=${d} fits`);
      },
    },
  ).then((outs) => {
    ctx.timing("fit_and_distances", (ctx.now() - hostStarted) / 1000);
    return outs;
  });
  // keep a failure of the host tasks from going unhandled while the pair sums run
  host.catch(() => {});
  let outs: TrialHostPoint[][][];
  try {
    await pairChain;
    outs = await host;
  } catch (e) {
    stopHost.abort();
    throw e;
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
  }
  const points: TrialHostPoint[][][][] = grid.map(() => []);
  tasks.forEach((x, i) => (points[x.k][x.t] = outs[i]));
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
              logKernelSelf(sums[k].train[t][ri], n, d, kernelWidth(cfg.sigma, n, d)),
              p.crossTrain!,
            );
            const eOG = logDiff(logKernelSelf(sums[k].orig[t], N, d, epsOrig), p.crossOrig!);
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

/** The data of one d: per trial, the pool of training rows and the original set. */
interface GridData {
  d: number;
  ns: number[];
  pools: Float64Array[];
  origs: Float64Array[];
  epsOrig: number;
}

/** Per trial, the log pair sum of the original set and those of the training sets. */
interface DimPairSums {
  orig: number[];
  train: number[][];
}

/**
 * Log pair sums of every original set and every training set at one d (WebGPU or CPU), batched
 * in chunks of trials; `progress(units)` after each chunk.
 */
async function dimPairSums(
  ctx: CaseContext,
  cfg: MemExperimentConfig,
  { d, ns, pools, origs, epsOrig }: GridData,
  progress: (units: number) => void,
): Promise<DimPairSums> {
  const N = cfg.originalSize, trials = ctx.seeds.length;
  const orig: number[] = [], train: number[][] = [];
  const perTrialOps = (N * N * d + ns.reduce((s, n) => s + n * n * d, 0)) / 2;
  const chunk = Math.max(1, Math.floor(2e9 / perTrialOps));
  for (let t0 = 0; t0 < trials; t0 += chunk) {
    if (ctx.signal.aborted) throw new Error("aborted");
    const t1 = Math.min(trials, t0 + chunk);
    const sets: Float64Array[] = [], scales: number[] = [];
    for (let t = t0; t < t1; t++) {
      sets.push(origs[t]), scales.push(1 / (4 * epsOrig * epsOrig));
      for (const n of ns) {
        const eps = kernelWidth(cfg.sigma, n, d);
        sets.push(pools[t].subarray(0, n * d)), scales.push(1 / (4 * eps * eps));
      }
    }
    const started = ctx.now();
    const sums = await pairSums(ctx.device, packSets(sets, d, scales));
    ctx.timing("kernel_sum", (ctx.now() - started) / 1000);
    progress((t1 - t0) * perTrialOps);
    let off = 0;
    for (let t = t0; t < t1; t++) {
      orig[t] = sums[off++];
      train[t] = ns.map(() => sums[off++]);
    }
  }
  if (ctx.signal.aborted) throw new Error("aborted");
  return { orig, train };
}

/** The module whose `trialHostTask` the workers run. */
const TRIAL_HOST_MODULE = new URL("../../models/mem/trial_host.ts", import.meta.url);

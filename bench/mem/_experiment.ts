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
import {
  type CovarianceConvention,
  fitLinearDenoiser,
  generatedGaussian,
} from "../../models/mem/linear_denoiser.ts";
import { compareSignedLog, hellinger2, kernelL2Distance } from "../../models/mem/distances.ts";
import { packSets, pairSums } from "../../models/gpu/kernel_sum.ts";

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

/**
 * Run the experiment. `withDelta=false` skips the kernel sums (H² only, cheap).
 * Progress counts (trial × ratio) units over all d.
 */
export async function runMemExperiment(
  ctx: CaseContext,
  cfg: MemExperimentConfig,
  withDelta: boolean,
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
  const out: DimMeasurement[] = [];
  for (const d of cfg.dims) {
    const ns = cfg.ratios.map((r) => trainingSize(r, d));
    const nMax = Math.max(...ns);
    const N = cfg.originalSize;
    const epsOrig = cfg.sigma * Math.pow(N, -1 / d);
    const pools: Float64Array[] = [], origs: Float64Array[] = [];
    for (const seed of ctx.seeds) {
      pools.push(iidGaussian(ctx.stream("mem.train", seed, d), nMax, d, cfg.dataMean, cfg.sigma));
      if (withDelta) {
        origs.push(iidGaussian(ctx.stream("mem.original", seed, d), N, d, cfg.dataMean, cfg.sigma));
      }
    }
    // log pair sums of every original set and every training set, batched in chunks of trials
    const origSums: number[] = [], trainSums: number[][] = [];
    if (withDelta) {
      const perTrialOps = (N * N * d + ns.reduce((s, n) => s + n * n * d, 0)) / 2;
      const chunk = Math.max(1, Math.floor(2e9 / perTrialOps));
      for (let t0 = 0; t0 < trials; t0 += chunk) {
        const t1 = Math.min(trials, t0 + chunk);
        const sets: Float64Array[] = [], scales: number[] = [];
        for (let t = t0; t < t1; t++) {
          sets.push(origs[t]), scales.push(1 / (4 * epsOrig * epsOrig));
          for (const n of ns) {
            const eps = cfg.sigma * Math.pow(n, -1 / d);
            sets.push(pools[t].subarray(0, n * d)), scales.push(1 / (4 * eps * eps));
          }
        }
        const started = ctx.now();
        const sums = await pairSums(ctx.device, packSets(sets, d, scales));
        ctx.timing("kernel_sum", (ctx.now() - started) / 1000);
        ctx.progress(done += (t1 - t0) * kernelWork(d), totalUnits, `d=${d} kernel sums`);
        let off = 0;
        for (let t = t0; t < t1; t++) {
          origSums[t] = sums[off++];
          trainSums[t] = ns.map(() => sums[off++]);
        }
        if (ctx.signal.aborted) throw new Error("aborted");
      }
    }
    const trueMean = new Float64Array(d).fill(cfg.dataMean);
    const trueCov = new Float64Array(d * d);
    for (let i = 0; i < d; i++) trueCov[i * d + i] = cfg.sigma * cfg.sigma;
    const conv: Partial<Record<CovarianceConvention, ConventionMeasurement>> = {};
    for (const c of cfg.conventions) {
      conv[c] = { deltaPositive: [], h2: [], traceOverD: [] };
    }
    const started = ctx.now();
    for (let t = 0; t < trials; t++) {
      const seed = ctx.seeds[t];
      const noise = iidGaussian(ctx.stream("mem.noise", seed, d), nMax, d, 0, 1);
      for (const c of cfg.conventions) {
        conv[c]!.deltaPositive.push([]), conv[c]!.h2.push([]), conv[c]!.traceOverD.push([]);
      }
      ns.forEach((n, ri) => {
        const x0 = pools[t].subarray(0, n * d);
        const xT = new Float64Array(n * d);
        for (let i = 0; i < n * d; i++) xT[i] = decay * x0[i] - noiseSd * noise[i];
        const fit = fitLinearDenoiser(xT, x0, n, d);
        for (const c of cfg.conventions) {
          const m = conv[c]!;
          try {
            const g = generatedGaussian(fit, x0, n, d, fp, c);
            let tr = 0;
            for (let i = 0; i < d; i++) tr += g.cov[i * d + i];
            if (!Number.isFinite(tr)) {
              throw new Error(`generated covariance is not finite (tr = ${tr})`);
            }
            m.traceOverD[t].push(tr / d);
            m.h2[t].push(hellinger2(g.mean, g.cov, trueMean, trueCov, d));
            if (withDelta) {
              const epsT = cfg.sigma * Math.pow(n, -1 / d);
              const eTG = kernelL2Distance(x0, n, d, epsT, g.mean, g.cov, trainSums[t][ri]);
              const eOG = kernelL2Distance(origs[t], N, d, epsOrig, g.mean, g.cov, origSums[t]);
              m.deltaPositive[t].push(compareSignedLog(eTG, eOG) > 0 ? 1 : 0);
            }
          } catch (e) {
            ctx.runError({
              run: `d=${d} n=${n} trial=${seed} ${c}`,
              step: null,
              observable: withDelta ? "Δ" : "H²",
              message: e instanceof Error ? e.message : String(e),
            });
            m.traceOverD[t].push(null), m.h2[t].push(null);
            if (withDelta) m.deltaPositive[t].push(null);
          }
        }
        ctx.progress(done += fitWork(d), totalUnits, `d=${d} fits`);
      });
      if (ctx.signal.aborted) throw new Error("aborted");
    }
    ctx.timing("fit_and_distances", (ctx.now() - started) / 1000);
    out.push({ d, ns, ratios: ns.map((n) => n / d), conventions: conv });
  }
  return out;
}

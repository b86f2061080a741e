/**
 * One seed of `cum.simplicity-bias`: train the denoiser for `steps` Adam steps on random
 * training batches and log its losses on the fixed real and surrogate evaluation sets. A pure
 * function of its job (no case context), so the CPU engine can run seeds in parallel workers
 * (`models/cpu/pool.ts`); the tfjs engine calls it in-process with its own trainer.
 * @module
 */
import type { DenoiserTrainer } from "../../models/images/denoiser.ts";
import { makeCpuTrainer } from "../../models/images/denoiser_cpu.ts";
import { PhiloxStream } from "../../datasets/philox.ts";

/** Everything one seed needs. */
export interface SeedJob {
  seed: number;
  shape: { side: number; channels: number };
  params: Float32Array[];
  learningRate: number;
  /** Logged steps (ascending, starting at 0). */
  logSteps: number[];
  steps: number;
  batch: number;
  noiseLevels: number[];
  /** Key of the batch stream (which images, which noise levels, which noise). */
  batchKey: [number, number];
  train: { images: Float32Array; count: number };
  /** Evaluation sets: evalN images × L levels (rows), their noise and levels. */
  evalSet: { real: Float32Array; gauss: Float32Array; eps: Float32Array; sig: Float32Array };
  evalN: number;
}

/** One seed's curves, one entry per logged step. */
export interface SeedCurves {
  seed: number;
  /** Mean loss on real held-out images (averaged over images and noise levels). */
  real: number[];
  /** Mean loss on surrogate samples. */
  gauss: number[];
  /** Per noise level: real[level][step], gauss[level][step]. */
  realByLevel: number[][];
  gaussByLevel: number[][];
  /** Standard error of the paired per-image difference (gauss − real), within this seed. */
  pairedSE: number[];
  /** Mean training loss over the steps since the previous log point. */
  trainLoss: number[];
  /** Step where training failed (non-finite loss), else null. */
  failedAt: number | null;
}

/** What a seed returns. */
export interface SeedOutcome {
  curves: SeedCurves;
  /** Seconds spent in training steps and their count. */
  trainSeconds: number;
  trainSteps: number;
  /** The non-finite training loss, when `curves.failedAt` is set. */
  badLoss: number | null;
}

/** Progress is reported every this many steps. */
export const PROGRESS_EVERY = 50;

/** Run one seed with a given trainer (disposed by the caller). */
export async function runSeed(
  job: SeedJob,
  trainer: DenoiserTrainer,
  report?: (steps: number) => void,
  signal?: AbortSignal,
): Promise<SeedOutcome> {
  const d = job.shape.side * job.shape.side, L = job.noiseLevels.length;
  const curves: SeedCurves = {
    seed: job.seed,
    real: [],
    gauss: [],
    realByLevel: job.noiseLevels.map(() => []),
    gaussByLevel: job.noiseLevels.map(() => []),
    pairedSE: [],
    trainLoss: [],
    failedAt: null,
  };
  const { real, gauss, eps, sig } = job.evalSet;
  const batchRng = PhiloxStream.fromKey(job.batchKey);
  const x = new Float32Array(job.batch * d), e = new Float32Array(job.batch * d);
  const s = new Float32Array(job.batch);
  let lossSum = 0, lossCount = 0, logIdx = 0, trainSeconds = 0, trainSteps = 0;
  let badLoss: number | null = null, reported = 0;
  for (let step = 0; step <= job.steps; step++) {
    if (signal?.aborted) throw new Error("aborted");
    if (step === job.logSteps[logIdx]) {
      const lr = await trainer.evalLosses(real, eps, sig);
      const lg = await trainer.evalLosses(gauss, eps, sig);
      recordLog(curves, lr, lg, job.evalN, L);
      curves.trainLoss.push(lossCount ? lossSum / lossCount : NaN);
      lossSum = 0;
      lossCount = 0;
      logIdx++;
    }
    if (step === job.steps) break;
    for (let b = 0; b < job.batch; b++) {
      const n = batchRng.int(job.train.count);
      x.set(job.train.images.subarray(n * d, (n + 1) * d), b * d);
      s[b] = job.noiseLevels[batchRng.int(L)];
    }
    batchRng.fillNormal(e);
    const t0 = performance.now();
    const loss = await trainer.trainStep(x, e, s);
    trainSeconds += (performance.now() - t0) / 1000;
    trainSteps++;
    if (!Number.isFinite(loss)) {
      curves.failedAt = step;
      badLoss = loss;
      break;
    }
    lossSum += loss;
    lossCount++;
    if ((step + 1) % PROGRESS_EVERY === 0) report?.((step + 1) - reported), reported = step + 1;
  }
  report?.(job.steps - reported);
  return { curves, trainSeconds, trainSteps, badLoss };
}

/** {@link runSeed} with the CPU trainer, as a worker task. */
export async function runSeedCpu(
  job: SeedJob,
  report?: (steps: number) => void,
): Promise<SeedOutcome> {
  const trainer = makeCpuTrainer(job.shape, job.params, { learningRate: job.learningRate });
  try {
    return await runSeed(job, trainer, report);
  } finally {
    trainer.dispose();
  }
}

function recordLog(c: SeedCurves, lr: Float32Array, lg: Float32Array, n: number, L: number) {
  let sr = 0, sg = 0;
  const diffs = new Float64Array(n);
  for (let l = 0; l < L; l++) {
    let a = 0, b = 0;
    for (let i = 0; i < n; i++) {
      a += lr[i * L + l];
      b += lg[i * L + l];
    }
    c.realByLevel[l].push(a / n);
    c.gaussByLevel[l].push(b / n);
    sr += a / n;
    sg += b / n;
  }
  for (let i = 0; i < n; i++) {
    let dd = 0;
    for (let l = 0; l < L; l++) dd += lg[i * L + l] - lr[i * L + l];
    diffs[i] = dd / L;
  }
  let m = 0;
  for (const v of diffs) m += v;
  m /= n;
  let ss = 0;
  for (const v of diffs) ss += (v - m) ** 2;
  c.real.push(sr / L);
  c.gauss.push(sg / L);
  c.pairedSE.push(n > 1 ? Math.sqrt(ss / (n - 1) / n) : NaN);
}

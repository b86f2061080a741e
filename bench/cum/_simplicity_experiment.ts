/**
 * The experiment of `cum.simplicity-bias`: train the convolutional denoiser on Fashion-MNIST at a
 * fixed set of noise levels and, at logged steps, measure its denoising loss on held-out real
 * images and on samples of the Gaussian surrogate (same mean and covariance as the training
 * set). Real image i and surrogate sample i share their noise draws (paired evaluation).
 * @module
 */
import type { CaseContext } from "../case.ts";
import { loadTf } from "../../deps.ts";
import { initDenoiserParams } from "../../models/images/denoiser.ts";
import { runInWorkers } from "../../models/cpu/pool.ts";
import {
  type EvalCurves,
  joinSeedTasks,
  runSeed,
  type SeedCurves,
  type SeedJob,
  type SeedOutcome,
  type SeedTask,
  seedTasks,
  type TrainOutcome,
} from "./_simplicity_seed.ts";
import { makeTfTrainer } from "../../models/images/denoiser_tf.ts";
import { fitGaussianSurrogate, sampleSurrogate } from "../../models/images/gaussian_surrogate.ts";
import { loadImages } from "../../datasets/fashion_mnist_images.ts";
import { fashionMnistDir } from "../../datasets/fashion_mnist.ts";
import { sampleWithoutReplacement } from "../../datasets/philox.ts";

/** The experiment's parameters (a subset of the case config). */
export interface SimplicityParams {
  /** Data directory (null: the default). */
  dataDir: string | null;
  side: number;
  channels: number;
  nTrain: number;
  nEval: number;
  steps: number;
  batch: number;
  learningRate: number;
  noiseLevels: number[];
  logPoints: number;
  /** "auto": tfjs on a hardware WebGPU adapter, the CPU kernels otherwise (a software adapter
   * such as llvmpipe runs tfjs ≈ 30× slower than the CPU kernels). */
  engine: "auto" | "cpu" | "tfjs";
}

/** The training engine for a context and a request (see {@link SimplicityParams.engine}). */
export function chooseEngine(
  ctx: Pick<CaseContext, "backend" | "device">,
  engine: SimplicityParams["engine"],
): "cpu" | "tfjs" {
  if (engine !== "auto") return engine;
  if (ctx.backend !== "webgpu") return "cpu";
  const info = (ctx.device as (GPUDevice & { adapterInfo?: GPUAdapterInfo }) | null)?.adapterInfo;
  return info?.isFallbackAdapter ? "cpu" : "tfjs";
}

export type { SeedCurves };

/** The measurement. */
export interface SimplicityMeasurement {
  steps: number[];
  noiseLevels: number[];
  seeds: SeedCurves[];
  data: { nTrain: number; nTestPool: number; side: number; pixelRange: [number, number] };
  surrogate: {
    jitter: number;
    /** max |sample mean − data mean| and max |sample cov − data cov| over a check sample. */
    meanMaxAbsErr: number;
    covMaxAbsErr: number;
    checkSamples: number;
    maxVariance: number;
  };
  backend: "cpu" | "webgpu";
  /** What trained the denoiser: the CPU kernels or tfjs on WebGPU. */
  engine: "cpu" | "tfjs";
}

/** Logged steps: 0, then about `points` log-spaced integers up to `steps`. */
export function logSteps(steps: number, points: number): number[] {
  const out = new Set<number>([0]);
  const first = Math.max(1, Math.min(10, Math.round(steps / 10)));
  for (let i = 0; i < points; i++) {
    const f = points === 1 ? 1 : i / (points - 1);
    out.add(Math.round(first * (steps / first) ** f));
  }
  out.add(steps);
  return [...out].sort((a, b) => a - b);
}

/** What one work unit (a batch of seeds) of the experiment returns. */
export interface SimplicityUnitResult {
  /** The curves of the unit's seeds, in seed order. */
  seeds: SeedCurves[];
  /** The data and surrogate summaries (every unit computes the same from the same data). */
  data: SimplicityMeasurement["data"];
  surrogate: SimplicityMeasurement["surrogate"];
  backend: "cpu" | "webgpu";
  engine: "cpu" | "tfjs";
}

/** What every unit reads and fits before its seeds: the two splits, the surrogate, the range. */
interface UnitData {
  train: Awaited<ReturnType<typeof loadImages>>;
  test: Awaited<ReturnType<typeof loadImages>>;
  sur: ReturnType<typeof fitGaussianSurrogate>;
  range: [number, number];
}

/** The last {@link UnitData} read in this process, by the parameters it depends on. */
let lastData: { key: string; data: Promise<UnitData> } | null = null;

/**
 * The data and surrogate of a unit: read and fitted (a pure function of the data directory,
 * side and nTrain), or the previous unit's when those are the same — the units of a case run
 * one after another in one process, and each would otherwise read and fit the same again.
 */
function unitData(p: SimplicityParams): Promise<UnitData> {
  const key = JSON.stringify([p.dataDir ?? fashionMnistDir(), p.side, p.nTrain]);
  if (lastData?.key !== key) {
    const data = readUnitData(p);
    lastData = { key, data };
    data.catch(() => {
      if (lastData?.data === data) lastData = null; // a failed read is not kept
    });
  }
  return lastData!.data;
}

async function readUnitData(p: SimplicityParams): Promise<UnitData> {
  const train = await loadImages({
    split: "train",
    side: p.side,
    limit: p.nTrain,
    normalization: "symmetric",
    dir: p.dataDir,
  });
  const test = await loadImages({
    split: "test",
    side: p.side,
    normalization: "symmetric",
    dir: p.dataDir,
  });
  const sur = fitGaussianSurrogate(train.images, train.count, p.side * p.side);
  let lo = Infinity, hi = -Infinity;
  for (const v of train.images) (lo = Math.min(lo, v), hi = Math.max(hi, v));
  return { train, test, sur, range: [lo, hi] };
}

/**
 * Run the experiment over `ctx.seeds` (one work unit): read the data and fit the surrogate
 * (every unit does, so a unit needs nothing from another; see {@link unitData}), then train each seed — in parallel
 * CPU workers with the CPU engine, one after another with tfjs. A seed's numbers depend on its
 * seed value only, not on the other seeds of the unit.
 */
export async function runSimplicityUnit(
  ctx: CaseContext,
  p: SimplicityParams,
): Promise<SimplicityUnitResult> {
  const { train, test, sur, range } = await unitData(p);
  const d = p.side * p.side;
  // a check that the sampler reproduces the moments (reported, and tested separately)
  const checkN = Math.min(2000, 20 * d);
  const check = sampleSurrogate(sur, checkN, ctx.stream("surrogate-check"));
  const surCheck = momentErrors(check, checkN, d, sur.mean, sur.cov);

  const steps = logSteps(p.steps, p.logPoints);
  const L = p.noiseLevels.length;
  const engine = chooseEngine(ctx, p.engine);
  const tf = engine === "tfjs" ? await loadTf() : null;
  if (tf) {
    await tf.setBackend("webgpu");
    await tf.ready();
  }
  const shape = { side: p.side, channels: p.channels };
  const jobs: SeedJob[] = ctx.seeds.map((seed) => {
    // evaluation sets: nEval real test images (random subset) and nEval surrogate samples,
    // each evaluated at every noise level with shared noise draws
    const pick = ctx.stream("eval-pick", seed);
    const evalN = Math.min(p.nEval, test.count);
    const idx = sampleWithoutReplacement(test.count, evalN, pick);
    const real = new Float32Array(evalN * L * d), gauss = new Float32Array(evalN * L * d);
    const surX = sampleSurrogate(sur, evalN, ctx.stream("eval-surrogate", seed));
    const eps = new Float32Array(evalN * L * d);
    ctx.stream("eval-noise", seed).fillNormal(eps);
    const sig = new Float32Array(evalN * L);
    for (let i = 0; i < evalN; i++) {
      for (let l = 0; l < L; l++) {
        const r = i * L + l;
        real.set(test.images.subarray(idx[i] * d, (idx[i] + 1) * d), r * d);
        gauss.set(surX.subarray(i * d, (i + 1) * d), r * d);
        sig[r] = p.noiseLevels[l];
      }
    }
    return {
      seed,
      shape,
      params: initDenoiserParams(shape, ctx.stream("init", seed)),
      learningRate: p.learningRate,
      logSteps: steps,
      steps: p.steps,
      batch: p.batch,
      noiseLevels: p.noiseLevels,
      batchKey: ctx.stream("batch", seed).key,
      train: { images: train.images, count: train.count },
      evalSet: { real, gauss, eps, sig },
      evalN,
    };
  });
  const totalWork = jobs.length * p.steps;
  const done = jobs.map(() => 0);
  const progress = (si: number, units: number) => {
    done[si] += units;
    ctx.progress(done.reduce((a, b) => a + b, 0), totalWork, `seed ${jobs[si].seed}`);
  };
  let outcomes: SeedOutcome[];
  if (tf) {
    outcomes = [];
    for (const [si, job] of jobs.entries()) {
      const trainer = makeTfTrainer(tf, shape, job.params, { learningRate: p.learningRate });
      try {
        outcomes.push(await runSeed(job, trainer, (u) => progress(si, u), ctx.signal));
      } finally {
        trainer.dispose();
      }
    }
  } else {
    // the CPU engine: per seed a training task and an evaluation task that evaluates the
    // training's parameter copies as they come (see seedTasks)
    const tasks = seedTasks(jobs);
    const outs = await runInWorkers<SeedTask, TrainOutcome | EvalCurves>(
      new URL("./_simplicity_seed.ts", import.meta.url),
      "runSeedTaskCpu",
      tasks,
      // fresh workers: an evaluation task waits on its training, and units run two at a time
      { signal: ctx.signal, onProgress: progress, fresh: true },
    );
    const k = jobs.length;
    outcomes = jobs.map((job, si) =>
      joinSeedTasks(job.seed, outs[si] as TrainOutcome, outs[k + si] as EvalCurves)
    );
  }
  const out: SeedCurves[] = [];
  let trainSeconds = 0;
  for (const o of outcomes) {
    out.push(o.curves);
    trainSeconds += o.trainSeconds;
    if (o.curves.failedAt !== null) {
      ctx.runError({
        run: `seed ${o.curves.seed}`,
        step: o.curves.failedAt,
        observable: "training loss",
        message: `non-finite training loss ${o.badLoss}`,
      });
    }
  }
  // additive across units (the runner sums a case's timings); seconds per step = train / steps
  ctx.timing("train", trainSeconds);
  return {
    seeds: out,
    data: { nTrain: train.count, nTestPool: test.count, side: p.side, pixelRange: range },
    surrogate: {
      jitter: sur.jitter,
      ...surCheck,
      checkSamples: checkN,
      maxVariance: Math.max(...Array.from({ length: d }, (_, i) => sur.cov[i * d + i])),
    },
    backend: ctx.backend,
    engine,
  };
}

/**
 * The measurement from the units' results (in plan order). Every unit read the data and fitted
 * the surrogate itself, so their summaries must agree: units run on different data (e.g. shards
 * on machines with different copies of Fashion-MNIST) are an error, not a merged measurement.
 */
export function assembleSimplicity(
  p: Pick<SimplicityParams, "steps" | "logPoints" | "noiseLevels">,
  parts: readonly { unit: { key: string }; result: SimplicityUnitResult }[],
): SimplicityMeasurement {
  if (!parts.length) throw new Error("cum.simplicity-bias: no work units to assemble");
  const first = parts[0].result;
  const same = (r: SimplicityUnitResult) =>
    JSON.stringify([r.data, r.surrogate, r.backend, r.engine]) ===
      JSON.stringify([first.data, first.surrogate, first.backend, first.engine]);
  const odd = parts.find((x) => !same(x.result));
  if (odd) {
    throw new Error(
      `unit ${odd.unit.key} ran on other data, surrogate, backend or engine than unit ` +
        `${parts[0].unit.key}; run every unit of the case on the same machine setup`,
    );
  }
  return {
    steps: logSteps(p.steps, p.logPoints),
    noiseLevels: p.noiseLevels,
    seeds: parts.flatMap((x) => x.result.seeds),
    data: first.data,
    surrogate: first.surrogate,
    backend: first.backend,
    engine: first.engine,
  };
}

/** Largest absolute errors of the sample mean and covariance against the targets. */
export function momentErrors(
  x: Float32Array,
  n: number,
  d: number,
  mean: Float64Array,
  cov: Float64Array,
): { meanMaxAbsErr: number; covMaxAbsErr: number } {
  const m = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let k = 0; k < d; k++) m[k] += x[i * d + k];
  for (let k = 0; k < d; k++) m[k] /= n;
  let meanErr = 0;
  for (let k = 0; k < d; k++) meanErr = Math.max(meanErr, Math.abs(m[k] - mean[k]));
  const c = new Float64Array(d * d);
  const v = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < d; k++) v[k] = x[i * d + k] - m[k];
    for (let a = 0; a < d; a++) {
      const va = v[a];
      for (let b = a; b < d; b++) c[a * d + b] += va * v[b];
    }
  }
  let covErr = 0;
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      covErr = Math.max(covErr, Math.abs(c[a * d + b] / n - cov[a * d + b]));
    }
  }
  return { meanMaxAbsErr: meanErr, covMaxAbsErr: covErr };
}

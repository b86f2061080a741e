/**
 * One seed of `cum.simplicity-bias`: train the denoiser for `steps` Adam steps on random
 * training batches and log its losses on the fixed real and surrogate evaluation sets. A pure
 * function of its job (no case context), so the CPU engine can run seeds in parallel workers
 * (`models/cpu/pool.ts`); the tfjs engine calls it in-process with its own trainer.
 * @module
 */
import type { DenoiserTrainer } from "../../models/images/denoiser.ts";
import { makeWasmTrainer } from "../../models/images/denoiser_wasm.ts";
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

/** What training one seed gives besides its evaluations. */
export interface TrainOutcome {
  /** Mean training loss over the steps since the previous log point, one per log reached. */
  trainLoss: number[];
  failedAt: number | null;
  badLoss: number | null;
  trainSeconds: number;
  trainSteps: number;
}

/** The evaluation part of a seed's curves. */
export type EvalCurves = Pick<
  SeedCurves,
  "real" | "gauss" | "realByLevel" | "gaussByLevel" | "pairedSE"
>;

/**
 * Train one seed for `job.steps` Adam steps. At each logged step (before that step's update)
 * `atLog(logIndex)` sees the trainer: it evaluates it there and then, or keeps a copy of its
 * parameters for an evaluation elsewhere. A run whose loss turns non-finite stops there.
 */
async function trainSeed(
  job: Omit<SeedJob, "evalSet">,
  trainer: DenoiserTrainer,
  atLog: (logIndex: number) => Promise<void>,
  report?: (steps: number) => void,
  signal?: AbortSignal,
): Promise<TrainOutcome> {
  const d = job.shape.side * job.shape.side, L = job.noiseLevels.length;
  const trainLoss: number[] = [];
  const batchRng = PhiloxStream.fromKey(job.batchKey);
  const x = new Float32Array(job.batch * d), e = new Float32Array(job.batch * d);
  const s = new Float32Array(job.batch);
  let lossSum = 0, lossCount = 0, logIdx = 0, trainSeconds = 0, trainSteps = 0;
  let failedAt: number | null = null, badLoss: number | null = null, reported = 0;
  for (let step = 0; step <= job.steps; step++) {
    if (signal?.aborted) throw new Error("aborted");
    if (step === job.logSteps[logIdx]) {
      await atLog(logIdx);
      trainLoss.push(lossCount ? lossSum / lossCount : NaN);
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
      failedAt = step;
      badLoss = loss;
      break;
    }
    lossSum += loss;
    lossCount++;
    if ((step + 1) % PROGRESS_EVERY === 0) report?.((step + 1) - reported), reported = step + 1;
  }
  report?.(job.steps - reported);
  return { trainLoss, failedAt, badLoss, trainSeconds, trainSteps };
}

function emptyEval(levels: number): EvalCurves {
  const by = () => Array.from({ length: levels }, () => [] as number[]);
  return { real: [], gauss: [], realByLevel: by(), gaussByLevel: by(), pairedSE: [] };
}

/** A seed's curves from its training and its evaluations (in the order results are stored). */
function seedOutcome(seed: number, ev: EvalCurves, t: TrainOutcome): SeedOutcome {
  return {
    curves: {
      seed,
      real: ev.real,
      gauss: ev.gauss,
      realByLevel: ev.realByLevel,
      gaussByLevel: ev.gaussByLevel,
      pairedSE: ev.pairedSE,
      trainLoss: t.trainLoss,
      failedAt: t.failedAt,
    },
    trainSeconds: t.trainSeconds,
    trainSteps: t.trainSteps,
    badLoss: t.badLoss,
  };
}

/** Evaluate `trainer` on the seed's real and surrogate sets and record one log point. */
async function evaluate(
  job: Omit<SeedJob, "train">,
  trainer: DenoiserTrainer,
  ev: EvalCurves,
): Promise<void> {
  const { real, gauss, eps, sig } = job.evalSet;
  const lr = await trainer.evalLosses(real, eps, sig);
  const lg = await trainer.evalLosses(gauss, eps, sig);
  recordLog(ev, lr, lg, job.evalN, job.noiseLevels.length);
}

/** Run one seed with a given trainer (disposed by the caller), evaluating in-process. */
export async function runSeed(
  job: SeedJob,
  trainer: DenoiserTrainer,
  report?: (steps: number) => void,
  signal?: AbortSignal,
): Promise<SeedOutcome> {
  const ev = emptyEval(job.noiseLevels.length);
  const t = await trainSeed(job, trainer, () => evaluate(job, trainer, ev), report, signal);
  return seedOutcome(job.seed, ev, t);
}

/**
 * Memory shared by a seed's training and evaluation tasks: the parameters at each logged step
 * (`logSteps.length` × the parameter count, f32) and a header `[snapshots written, training
 * over, events]`: the training bumps `events` after each change, the evaluation waits on it.
 */
export interface SharedSnapshots {
  params: SharedArrayBuffer;
  header: SharedArrayBuffer;
  /** Length of each parameter array, in order. */
  sizes: number[];
}

/** Shared memory for the snapshots of `job`. */
export function sharedSnapshots(job: Pick<SeedJob, "params" | "logSteps">): SharedSnapshots {
  const sizes = job.params.map((a) => a.length);
  const total = sizes.reduce((s, n) => s + n, 0);
  return {
    params: new SharedArrayBuffer(4 * total * job.logSteps.length),
    header: new SharedArrayBuffer(12),
    sizes,
  };
}

/**
 * A CPU worker task of one seed: `train` (the seed's training, copying the parameters at each
 * logged step into the shared memory) or `eval` (the evaluations of those copies, each as soon
 * as it is written). Run on two workers the evaluations overlap the training; run one after the
 * other (one worker) the evaluation finds every copy written. Either way the numbers are those
 * of {@link runSeed}: evaluation reads only the parameters.
 */
export type SeedTask =
  | { kind: "train"; job: Omit<SeedJob, "evalSet">; shared: SharedSnapshots }
  | { kind: "eval"; job: Omit<SeedJob, "train">; shared: SharedSnapshots };

/** {@link SeedTask} with the CPU trainer, as a worker task. */
export async function runSeedTaskCpu(
  task: SeedTask,
  report?: (steps: number) => void,
): Promise<TrainOutcome | EvalCurves> {
  const { job, shared } = task;
  const header = new Int32Array(shared.header);
  const total = shared.sizes.reduce((s, n) => s + n, 0);
  const snapshot = (i: number) => new Float32Array(shared.params, 4 * total * i, total);
  const signal = () => (Atomics.add(header, 2, 1), Atomics.notify(header, 2));
  if (task.kind === "train") {
    const trainer = makeWasmTrainer(job.shape, job.params, { learningRate: job.learningRate });
    try {
      return await trainSeed(task.job, trainer, async (i) => {
        let o = 0;
        const snap = snapshot(i);
        for (const a of await trainer.params()) (snap.set(a, o), (o += a.length));
        Atomics.store(header, 0, i + 1);
        signal();
      }, report);
    } finally {
      trainer.dispose();
      Atomics.store(header, 1, 1);
      signal();
    }
  }
  const ev = emptyEval(job.noiseLevels.length);
  for (let i = 0; i < job.logSteps.length; i++) {
    // wait until snapshot i is written or the training is over (it may have stopped early);
    // `events` is read before the checks, so a change after them ends the wait at once
    for (;;) {
      const events = Atomics.load(header, 2);
      if (Atomics.load(header, 0) > i || Atomics.load(header, 1) !== 0) break;
      Atomics.wait(header, 2, events);
    }
    if (Atomics.load(header, 0) <= i) break;
    const snap = snapshot(i);
    let o = 0;
    const params = shared.sizes.map((n) => snap.subarray(o, o += n));
    const trainer = makeWasmTrainer(job.shape, params, { learningRate: job.learningRate });
    try {
      await evaluate(task.job, trainer, ev);
    } finally {
      trainer.dispose();
    }
  }
  return ev;
}

/**
 * The tasks of `jobs`: every seed's training first, then every seed's evaluation (so that an
 * evaluation never waits on a training no worker has started). With more workers than seeds (a
 * unit of one seed on two cores) the evaluations overlap the trainings; with fewer, seeds train
 * in parallel and each evaluation follows its training.
 */
export function seedTasks(jobs: readonly SeedJob[]): SeedTask[] {
  const shared = jobs.map((job) => sharedSnapshots(job));
  return [
    ...jobs.map((job, si): SeedTask => {
      const { evalSet: _, ...train } = job;
      return { kind: "train", job: train, shared: shared[si] };
    }),
    ...jobs.map((job, si): SeedTask => {
      const { train: _, ...evalJob } = job;
      return { kind: "eval", job: evalJob, shared: shared[si] };
    }),
  ];
}

/** A seed's outcome from its `train` and `eval` tasks' results. */
export function joinSeedTasks(seed: number, train: TrainOutcome, ev: EvalCurves): SeedOutcome {
  return seedOutcome(seed, ev, train);
}

function recordLog(c: EvalCurves, lr: Float32Array, lg: Float32Array, n: number, L: number) {
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

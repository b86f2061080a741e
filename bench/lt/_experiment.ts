/**
 * The Paper D experiment shared by the `lt.*` cases: per seed, draw the long-tailed data, the
 * frozen random features and the denoising pool; train each method to its stationary point
 * (mutual learning: the exact Nash point of the game, or IGD; CBDM: its fixed point); sample every
 * (seed, method, class) in one batch (GPU kernel or CPU reference, identical Philox noise); score
 * each class by Fréchet distance (and KDE-KL) against fresh true samples.
 * Everything random is keyed by (seed, class) only, so methods and β values of one seed share
 * data, features, pool draws and sampling noise: comparisons are paired.
 * @module
 */
import { concatTyped, runInWorkers } from "../../models/cpu/pool.ts";
import { detachedContext } from "../detached_context.ts";
import type { CaseContext } from "../case.ts";
import {
  classMoments,
  type LongTailedSpec,
  longTailedSpec,
  sampleClass,
} from "../../datasets/long_tailed.ts";
import {
  drawFeatures,
  type RandomFeatures,
  timeBiasTable,
  timeGrid,
} from "../../models/lt/features.ts";
import {
  bestResponder,
  buildPool,
  cbdmSystem,
  mutualSystem,
  type Pool,
  PoolStats,
  solveStationary,
} from "../../models/lt/game.ts";
import { geometricCheckpoints, runIgd } from "../../models/lt/igd.ts";
import { largestEigenvalue } from "../../models/lt/linsolve.ts";
import type { FeatureSet, SamplerBatch, SamplerSlot } from "../../models/lt/sampler.ts";
import { sampleCpuFast } from "../../models/lt/sampler_cpu.ts";
import { sampleGpu } from "../../models/lt/sampler_kernel.ts";
import { frechetSamples, kdeKl } from "../../models/lt/metrics.ts";

/** The model/data/sampler settings every `lt.*` case shares (a subset of each case's config). */
export interface LtModelConfig {
  data: "case1" | "case2";
  mu: number;
  nHead: number;
  imbalance: number;
  width: number;
  embedDim: number;
  wScale: number;
  uScale: number;
  bScale: number;
  tMin: number;
  tEnd: number;
  gridPoints: number;
  gridSpacing: "geometric" | "uniform";
  drawsPerClass: number;
  lambdaPower: number;
  ridge: number;
  sampler: "sde" | "ode";
  particles: number;
  trueSamples: number;
  klPoints: number;
  trainer: "nash" | "igd";
  igdSteps: number;
  igdBatch: number;
  igdLr: number;
}

/** A training method. */
export type Method = { kind: "mutual"; beta: number } | { kind: "cbdm"; tau: number };

/** Human-readable method label. */
export function methodLabel(m: Method): string {
  return m.kind === "mutual"
    ? (m.beta === 0 ? "vanilla (β=0)" : `mutual β=${m.beta}`)
    : `CBDM τ=${m.tau}`;
}

/** One seed's frozen randomness and data. */
export interface SeedSetup {
  seed: number;
  spec: LongTailedSpec;
  grid: Float64Array;
  nets: RandomFeatures[];
  tb: Float64Array[];
  data: Float64Array[];
  pool: Pool;
  stats: PoolStats;
  priors: number[];
}

/** The data spec of a config. */
export function specOf(cfg: LtModelConfig): LongTailedSpec {
  return longTailedSpec(cfg.data, { mu: cfg.mu, nHead: cfg.nHead, imbalance: cfg.imbalance });
}

/** Draw everything of one seed; `tag` separates independent replicate families (e.g. tuning). */
export function setupSeed(
  ctx: CaseContext,
  cfg: LtModelConfig,
  seed: number,
  tag = "lt",
): SeedSetup {
  const spec = specOf(cfg);
  const grid = timeGrid(cfg.tMin, cfg.tEnd, cfg.gridPoints, cfg.gridSpacing);
  const K = spec.classes.length, d = spec.dim;
  const nets = Array.from(
    { length: K },
    (_, c) =>
      drawFeatures(
        ctx.stream(`${tag}.features`, seed, c),
        d,
        cfg.width,
        cfg.embedDim,
        {
          wScale: cfg.wScale,
          uScale: cfg.uScale,
          bScale: cfg.bScale,
        },
        cfg.tMin,
        cfg.tEnd,
      ),
  );
  const tb = nets.map((f) => timeBiasTable(f, grid));
  const data = spec.classes.map((c, y) =>
    sampleClass(ctx.stream(`${tag}.train`, seed, y), spec, y, c.n)
  );
  const pool = buildPool(
    ctx.stream(`${tag}.pool`, seed),
    data,
    nets,
    tb,
    grid,
    cfg.drawsPerClass,
    cfg.lambdaPower,
  );
  const nTot = spec.classes.reduce((s, c) => s + c.n, 0);
  return {
    seed,
    spec,
    grid,
    nets,
    tb,
    data,
    pool,
    stats: new PoolStats(pool),
    priors: spec.classes.map((c) => c.n / nTot),
  };
}

/** Smoothness L_y = 2 λ_max(H_y)/m² of each class's loss in the game at β. */
export function smoothness(setup: SeedSetup, beta: number, ridge: number): number[] {
  const sys = mutualSystem(setup.stats, beta, ridge);
  return sys.H.map((h) => 2 * largestEigenvalue(h, sys.m) / (sys.m * sys.m));
}

/** Train `method` on a seed: the exact stationary point, or IGD for mutual learning when configured. */
export function train(
  ctx: CaseContext,
  cfg: LtModelConfig,
  setup: SeedSetup,
  method: Method,
  tag = "lt",
): Float64Array[] {
  if (method.kind === "cbdm") {
    return solveStationary(cbdmSystem(setup.stats, method.tau, setup.priors, cfg.ridge));
  }
  const sys = mutualSystem(setup.stats, method.beta, cfg.ridge);
  if (cfg.trainer === "nash") return solveStationary(sys);
  const L = smoothness(setup, method.beta, cfg.ridge);
  const res = runIgd(setup.pool, bestResponder(sys), {
    beta: method.beta,
    ridge: cfg.ridge,
    steps: cfg.igdSteps,
    batch: cfg.igdBatch,
    fullBatch: false,
    lr: cfg.igdLr,
    smoothness: L,
    schedule: "invsqrt",
    checkpoints: [cfg.igdSteps],
    drawKey: ctx.stream(`${tag}.igd`, setup.seed).key,
    signal: ctx.signal,
  });
  return res.A;
}

/** Per (seed, method, class) errors. */
export interface MethodErrors {
  /** fd[s][k][y]: Fréchet distance of class y under method k at seed index s. */
  fd: number[][][];
  /** kl[s][k][y] (null when klPoints = 0). */
  kl: number[][][] | null;
  /** Generated samples of the first seed, per method and class (for scatter plots), ≤ 300 each. */
  preview: number[][][];
  /** True samples of the first seed per class (≤ 300). */
  previewTrue: number[][];
}

/** One seed's training job (a CPU worker task). */
export interface SeedTrainingJob {
  baseSeed: number;
  cfg: LtModelConfig;
  seed: number;
  methods: Method[];
  tag: string;
  /** Also sample the seed's slots on the CPU (`sampleCpuFast`), in the worker. */
  sample: boolean;
}

/** What one seed's training gives: its grid, features, every method's output layers, references. */
export interface SeedTraining {
  grid: Float64Array;
  /** Per class y: network y's feature set. */
  features: FeatureSet[];
  /** A[k][y]: method k's output layer of class y. */
  A: Float64Array[][];
  /** True samples per class. */
  truth: Float64Array[];
  /** KL reference samples per class (empty when klPoints = 0). */
  klRef: Float64Array[];
  /** The seed's samples (methods × classes × particles × d) when the job asked for them. */
  samples: Float64Array | null;
  /** Seconds the worker spent sampling (0 without samples). */
  sampleSeconds: number;
}

/**
 * The sampler slots of one seed: every method's output layer of every class (methods outer),
 * class y on feature set `fsBase + y`, with the seed's sampler key of the class (shared by the
 * methods: paired noise).
 */
export function seedSlots(
  ctx: CaseContext,
  tag: string,
  seed: number,
  A: Float64Array[][],
  fsBase: number,
): SamplerSlot[] {
  const keys = A[0].map((_, y) => ctx.stream(`${tag}.sampler`, seed, y).key);
  return A.flatMap((Ak) => Ak.map((Ay, y) => ({ fs: fsBase + y, A: Ay, key: keys[y] })));
}

/**
 * Set up and train every method on one seed, in a context rebuilt from the base seed; with
 * `job.sample`, sample its slots too (the same bits as sampling them in the whole batch).
 */
export function trainSeedTask(job: SeedTrainingJob): SeedTraining {
  const { cfg, seed, tag } = job;
  const ctx = detachedContext({ baseSeed: job.baseSeed, seeds: [seed] });
  const spec = specOf(cfg);
  const setup = setupSeed(ctx, cfg, seed, tag);
  const features = spec.classes.map((_, y) => ({ W: setup.nets[y].W, tb: setup.tb[y] }));
  const A = job.methods.map((method) => train(ctx, cfg, setup, method, tag));
  let samples: Float64Array | null = null, sampleSeconds = 0;
  if (job.sample) {
    const t0 = performance.now();
    samples = sampleCpuFast({
      d: spec.dim,
      m: cfg.width,
      grid: setup.grid,
      features,
      slots: seedSlots(ctx, tag, seed, A, 0),
      particles: cfg.particles,
      mode: cfg.sampler,
    });
    sampleSeconds = (performance.now() - t0) / 1000;
  }
  return {
    grid: setup.grid,
    features,
    A,
    samples,
    sampleSeconds,
    truth: spec.classes.map((_, y) =>
      sampleClass(ctx.stream(`${tag}.true`, seed, y), spec, y, cfg.trueSamples)
    ),
    klRef: cfg.klPoints > 0
      ? spec.classes.map((_, y) =>
        sampleClass(ctx.stream(`${tag}.kl`, seed, y), spec, y, cfg.klPoints + cfg.particles)
      )
      : [],
  };
}

/** {@link gapTrajectories} of one seed in a context rebuilt from the base seed (a worker task). */
export function gapTrajectoriesTask(
  job: { baseSeed: number; cfg: GapConfig; seed: number; betas: number[] },
): ReturnType<typeof gapTrajectories> {
  const ctx = detachedContext({ baseSeed: job.baseSeed, seeds: [job.seed] });
  return gapTrajectories(ctx, job.cfg, job.seed, job.betas);
}

/**
 * Train every method on every seed, sample all of them, and score each class. On the CPU each
 * seed's worker task samples its own slots right after training them; on WebGPU the slots of
 * every seed go in one batch. Non-finite errors are reported through `ctx.runError` and stored
 * as NaN.
 */
export async function evaluateMethods(
  ctx: CaseContext,
  cfg: LtModelConfig,
  seeds: readonly number[],
  methods: Method[],
  tag = "lt",
  progress?: (done: number, total: number) => void,
): Promise<MethodErrors> {
  const spec = specOf(cfg);
  const K = spec.classes.length, d = spec.dim, m = cfg.width;
  const onGpu = ctx.backend === "webgpu" && !!ctx.device;
  const t0 = ctx.now();
  // seeds are independent: each trains (and on the CPU samples) in a CPU worker from the same
  // named streams
  let trained = 0;
  const perSeed = await runInWorkers<SeedTrainingJob, SeedTraining>(
    new URL(import.meta.url),
    "trainSeedTask",
    seeds.map((seed) => ({ baseSeed: ctx.baseSeed, cfg, seed, methods, tag, sample: !onGpu })),
    { signal: ctx.signal, onResult: () => progress?.(++trained, seeds.length + 1) },
  );
  const truth = perSeed.map((r) => r.truth), klRef = perSeed.map((r) => r.klRef);
  let x: Float64Array;
  if (onGpu) {
    ctx.timing("lt.train", (ctx.now() - t0) / 1000);
    const batch: SamplerBatch = {
      d,
      m,
      grid: perSeed[0].grid,
      features: perSeed.flatMap((r) => r.features),
      slots: perSeed.flatMap((r, si) => seedSlots(ctx, tag, seeds[si], r.A, si * K)),
      particles: cfg.particles,
      mode: cfg.sampler,
    };
    const t1 = ctx.now();
    x = await sampleGpu(ctx.device!, batch);
    ctx.timing("lt.sample.webgpu", (ctx.now() - t1) / 1000);
  } else {
    x = concatTyped(perSeed.map((r) => r.samples!));
    ctx.timing("lt.train+sample.cpu", (ctx.now() - t0) / 1000);
    ctx.timing("lt.sample.cpu.worker-seconds", perSeed.reduce((s, r) => s + r.sampleSeconds, 0));
  }
  const t2 = ctx.now();
  const P = cfg.particles;
  const fd: number[][][] = [], kl: number[][][] = [];
  const preview: number[][][] = [], previewTrue: number[][] = [];
  seeds.forEach((seed, si) => {
    fd.push([]), kl.push([]);
    methods.forEach((method, k) => {
      fd[si].push([]), kl[si].push([]);
      if (si === 0) preview.push([]);
      for (let y = 0; y < K; y++) {
        const off = ((si * methods.length + k) * K + y) * P * d;
        const gen = x.subarray(off, off + P * d);
        let f = frechetSamples(gen, truth[si][y], d);
        if (!Number.isFinite(f)) {
          ctx.runError({
            run: `seed ${seed} ${methodLabel(method)} class ${y}`,
            step: null,
            observable: "FD",
            message: "non-finite samples",
          });
          f = NaN;
        }
        fd[si][k].push(f);
        if (cfg.klPoints > 0) {
          const ref = klRef[si][y];
          kl[si][k].push(kdeKl(ref.subarray(0, P * d), gen, ref.subarray(P * d), d));
        }
        if (si === 0) preview[k].push(Array.from(gen.subarray(0, Math.min(P, 300) * d)));
      }
    });
    if (si === 0) {
      for (let y = 0; y < K; y++) {
        previewTrue.push(Array.from(truth[0][y].subarray(0, Math.min(cfg.trueSamples, 300) * d)));
      }
    }
  });
  ctx.timing("lt.metrics", (ctx.now() - t2) / 1000);
  progress?.(seeds.length + 1, seeds.length + 1);
  return { fd, kl: cfg.klPoints > 0 ? kl : null, preview, previewTrue };
}

/** The worst-class error of each (seed, method): max over classes. */
export function worstClass(errs: number[][][]): number[][] {
  return errs.map((perMethod) => perMethod.map((perClass) => Math.max(...perClass)));
}

/** The config fields of {@link gapTrajectories}. */
export type GapConfig = LtModelConfig & {
  gapSteps: number;
  checkpointsPerOctave: number;
  fullBatch: boolean;
  schedule: "invsqrt" | "constant";
};

/** Nash-gap trajectories of IGD for each β on one seed (steps paired: same minibatches, same step sizes). */
export function gapTrajectories(
  ctx: CaseContext,
  cfg: GapConfig,
  seed: number,
  betas: number[],
): { checkpoints: number[]; gap: number[][]; best: number[][]; failedAt: (number | null)[] } {
  const setup = setupSeed(ctx, cfg, seed);
  const L = smoothness(setup, Math.max(...betas), cfg.ridge);
  const checkpoints = geometricCheckpoints(cfg.gapSteps, cfg.checkpointsPerOctave);
  const gap: number[][] = [], best: number[][] = [], failedAt: (number | null)[] = [];
  for (const beta of betas) {
    const br = bestResponder(mutualSystem(setup.stats, beta, cfg.ridge));
    const r = runIgd(setup.pool, br, {
      beta,
      ridge: cfg.ridge,
      steps: cfg.gapSteps,
      batch: cfg.igdBatch,
      fullBatch: cfg.fullBatch,
      lr: cfg.igdLr,
      smoothness: L,
      schedule: cfg.schedule,
      checkpoints,
      drawKey: ctx.stream("lt.igd", seed).key,
      signal: ctx.signal,
    });
    gap.push(r.gap), best.push(r.best), failedAt.push(r.failedAt);
  }
  return { checkpoints, gap, best, failedAt };
}

/** Exact class moments of the data model (for reports). */
export function trueMoments(cfg: LtModelConfig): { mean: number[]; cov: number[] }[] {
  const spec = specOf(cfg);
  return spec.classes.map((_, y) => {
    const { mean, cov } = classMoments(spec, y);
    return { mean: Array.from(mean), cov: Array.from(cov) };
  });
}

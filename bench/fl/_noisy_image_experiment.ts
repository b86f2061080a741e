/**
 * The experiment of `fl.noisy-image`: for each variant, n, n·SNR² setting and seed, draw n
 * training images (centred, unit norm, scaled to set n·SNR²) with one Gaussian noise patch each,
 * and train both of Paper A's models on the same data by full-batch GD (CPU, f64; the runs are
 * spread over CPU workers). Work units ({@link noisyImageUnits}): one variant at one n for a
 * batch of seeds, every setting and both models.
 * @module
 */
import { z } from "../../deps.ts";
import type { CaseContext, UnitPart, UnitSpec, WorkUnits } from "../case.ts";
import { anyNumber } from "../../reports/measurement_codec.ts";
import type { ImageSet } from "../../datasets/fashion_mnist.ts";
import {
  type NoisyImageJob,
  trainNoisyImageJob,
  type TwoPatchImages,
} from "../../models/images/noisy_image_models.ts";
import { runInWorkers } from "../../models/cpu/pool.ts";
import { loadImages } from "../../datasets/fashion_mnist_images.ts";
import { fashionMnistDir } from "../../datasets/fashion_mnist.ts";
import { sampleWithoutReplacement } from "../../datasets/philox.ts";
import { distinct, seedBatches, seedsKey, unitKey } from "./_units.ts";

/** The two variants. */
export type NoisyImageVariant = "2-class" | "10-class";

/** The experiment's parameters (the case config). */
export interface NoisyImageParams {
  /** Data directory (null: the default). */
  dataDir: string | null;
  side: number;
  m: number;
  ns: number[];
  nSnr2: number[];
  variants: NoisyImageVariant[];
  twoClasses: [number, number];
  noiseStd: number;
  sigma0: number;
  diffusionTime: number;
  diffusionLr: number;
  diffusionSteps: number;
  classifierLr: number;
  classifierSteps: number;
  q: number;
  logPoints: number;
  testN: number;
  /** Seeds per (variant, n, setting): the cost model's seed count. */
  seeds: number;
}

/** One training run. */
export interface NoisyImageRunRecord {
  variant: NoisyImageVariant;
  n: number;
  nSnr2: number;
  seed: number;
  model: "diffusion" | "classifier";
  steps: number[];
  /** Per log point: S per class (against the class-mean images). */
  S: number[][];
  N: number[];
  loss: number[];
  failedAt: number;
  testAccuracy: number | null;
}

/** Schema of one run as stored. */
export const noisyImageRunSchema: z.ZodType<NoisyImageRunRecord> = z.object({
  variant: z.enum(["2-class", "10-class"]),
  n: z.number().int().positive(),
  nSnr2: z.number().positive(),
  seed: z.number().int(),
  model: z.enum(["diffusion", "classifier"]),
  steps: z.array(z.number().int().min(0)).min(1),
  S: z.array(z.array(anyNumber).min(1)),
  N: z.array(anyNumber),
  loss: z.array(anyNumber),
  failedAt: z.number().int().min(-1),
  testAccuracy: z.number().min(0).max(1).nullable(),
}).strict().refine((r) => r.S.length === r.steps.length && r.N.length === r.steps.length, {
  message: "S and N need one entry per log step",
}) as unknown as z.ZodType<NoisyImageRunRecord>;

/** The measurement. */
export interface NoisyImageMeasurement {
  d: number;
  classes: number[];
  runs: NoisyImageRunRecord[];
}

/** Pool of one variant: images by class (label mapped to 0…K−1) and class means. */
interface Pool {
  K: number;
  train: ImageSet;
  test: ImageSet;
  labelOf: Map<number, number>;
  classMeans: Float64Array; // K × d, unit-norm images' class means
}

/**
 * The last pool built (the units of one variant follow each other in the plan, so they share
 * it): its key and promise.
 */
let lastPool: { key: string; pool: Promise<Pool> } | null = null;

/** {@link pool}, reusing the last one built when variant, size, classes and data are the same. */
function poolOf(p: NoisyImageParams, variant: NoisyImageVariant): Promise<Pool> {
  const key = JSON.stringify([variant, p.side, p.twoClasses, p.dataDir ?? fashionMnistDir()]);
  if (lastPool?.key !== key) {
    const built = pool(p, variant);
    built.catch(() => lastPool?.pool === built && (lastPool = null));
    lastPool = { key, pool: built };
  }
  return lastPool.pool;
}

async function pool(p: NoisyImageParams, variant: NoisyImageVariant): Promise<Pool> {
  const classes = variant === "2-class" ? [...p.twoClasses] : [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  if (new Set(classes).size !== classes.length) throw new Error("twoClasses must differ");
  const common = {
    side: p.side,
    classes,
    normalization: "centered-unit-norm" as const,
    dir: p.dataDir,
  };
  const train = await loadImages({ split: "train", ...common });
  const test = await loadImages({ split: "test", ...common });
  const labelOf = new Map(classes.map((c, i) => [c, i]));
  const d = p.side * p.side, K = classes.length;
  const classMeans = new Float64Array(K * d), counts = new Float64Array(K);
  for (let i = 0; i < train.count; i++) {
    const k = labelOf.get(train.labels[i])!;
    counts[k]++;
    for (let j = 0; j < d; j++) classMeans[k * d + j] += train.images[i * d + j];
  }
  for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) classMeans[k * d + j] /= counts[k];
  return { K, train, test, labelOf, classMeans };
}

function draw(
  set: ImageSet,
  pl: Pool,
  n: number,
  scale: number,
  noiseStd: number,
  pick: { int(n: number): number },
  noiseRng: { normal(): number },
): TwoPatchImages {
  const d = set.rows * set.cols;
  const idx = sampleWithoutReplacement(set.count, Math.min(n, set.count), pick);
  const images = new Float64Array(idx.length * d), noise = new Float64Array(idx.length * d);
  const labels = new Uint8Array(idx.length);
  idx.forEach((src, i) => {
    labels[i] = pl.labelOf.get(set.labels[src])!;
    for (let j = 0; j < d; j++) images[i * d + j] = scale * set.images[src * d + j];
  });
  for (let k = 0; k < noise.length; k++) noise[k] = noiseStd * noiseRng.normal();
  return { images, noise, labels, n: idx.length, d };
}

/** Multiply-adds of one seed at one setting of a (variant, n): both models' GD loops. */
function flopsPerSeed(p: NoisyImageParams, variant: NoisyImageVariant, n: number): number {
  const d = p.side * p.side, K = variant === "2-class" ? 2 : 10;
  return p.diffusionSteps * (3 * p.m * 2 * n * d + 2 * p.m * p.m * d + 6 * p.m * p.m * n) +
    p.classifierSteps * 2 * K * p.m * 2 * n * d;
}

// calibrated on the 2-core reference machine: ≈ 1.6 ns per multiply-add of the GD loops
const SECONDS_PER_FLOP = 1.6e-9;
/** Fixed seconds of the experiment (loading the images, starting workers). */
const OVERHEAD_SECONDS = 3;

/** Estimated seconds of a (variant, n) for `seeds` seeds, every setting (CPU path). */
function unitSeconds(p: NoisyImageParams, variant: NoisyImageVariant, n: number, seeds: number) {
  return SECONDS_PER_FLOP * flopsPerSeed(p, variant, n) * p.nSnr2.length * seeds;
}

/** Estimated seconds of the whole experiment (CPU path, the reference machine). */
export function noisyImageSeconds(p: NoisyImageParams): number {
  let s = 0;
  for (const v of p.variants) for (const n of p.ns) s += unitSeconds(p, v, n, p.seeds);
  return s + OVERHEAD_SECONDS;
}

/** The variant and n of a unit (from its part). */
function unitPoint(unit: UnitSpec): { variant: NoisyImageVariant; n: number } {
  const variant = unit.part?.variant, n = unit.part?.n;
  if ((variant !== "2-class" && variant !== "10-class") || typeof n !== "number") {
    throw new RangeError(`noisy-image unit ${unit.key}: its part names no variant and n`);
  }
  return { variant, n };
}

/**
 * The units: per variant, per n, per batch of seeds (`SEEDS_PER_UNIT`), each running every
 * setting with both models; keys read e.g. `variant=10-class;n=40;seeds=0-4`.
 */
export function planNoisyImage(p: NoisyImageParams, seeds: readonly number[]): UnitSpec[] {
  distinct("variants", p.variants);
  distinct("ns", p.ns);
  const batches = seedBatches(seeds);
  const count = p.variants.length * p.ns.length * batches.length;
  return p.variants.flatMap((variant) =>
    p.ns.flatMap((n) =>
      batches.map((batch) => ({
        key: unitKey(`variant=${variant}`, `n=${n}`, seedsKey(batch)),
        seeds: batch,
        cost: unitSeconds(p, variant, n, batch.length) + OVERHEAD_SECONDS / count,
        part: { variant, n },
      }))
    )
  );
}

/** One unit's result: its runs, per setting, per seed, per model. */
export interface NoisyImageUnitResult {
  runs: NoisyImageRunRecord[];
}

/** Relative cost of a job: multiply-adds of its GD steps (the order jobs start in, nothing else). */
function jobCost(j: NoisyImageJob): number {
  const { m, K, steps, model } = j.run, R = 2 * j.data.n, d = j.data.d;
  return steps *
    (model === "diffusion"
      ? 2 * m * R * d + 1.5 * m * m * d + 10 * m * m * R
      : 1.5 * K * m * R * d);
}

/** Run one unit: every (setting, seed) of one variant and n, with both models. */
export async function runNoisyImageUnit(
  ctx: CaseContext,
  p: NoisyImageParams,
  unit: UnitSpec,
): Promise<NoisyImageUnitResult> {
  const { variant, n } = unitPoint(unit);
  const vi = p.variants.indexOf(variant);
  const d = p.side * p.side;
  const alpha = Math.exp(-p.diffusionTime), beta = Math.sqrt(1 - Math.exp(-2 * p.diffusionTime));
  const jobs: NoisyImageJob[] = [];
  const tags: Omit<
    NoisyImageRunRecord,
    "steps" | "S" | "N" | "loss" | "failedAt" | "testAccuracy"
  >[] = [];
  const pl = await poolOf(p, variant);
  for (const [si, setting] of p.nSnr2.entries()) {
    // ‖image patch‖ = scale, SNR = scale / (σ_ξ √d), so n·SNR² = setting
    const scale = p.noiseStd * Math.sqrt(setting * d / n);
    const means = pl.classMeans.map((v) => v * scale);
    for (const seed of ctx.seeds) {
      // streams by the variant's and the setting's place in the config, n and the seed value
      const ids = [vi, n, si, seed];
      const data = draw(
        pl.train,
        pl,
        n,
        scale,
        p.noiseStd,
        ctx.stream("noisy-image/pick", ...ids),
        ctx.stream("noisy-image/noise", ...ids),
      );
      const testData = draw(
        pl.test,
        pl,
        p.testN,
        scale,
        p.noiseStd,
        ctx.stream("noisy-image/test-pick", ...ids),
        ctx.stream("noisy-image/test-noise", ...ids),
      );
      for (const model of ["diffusion", "classifier"] as const) {
        const steps = model === "diffusion" ? p.diffusionSteps : p.classifierSteps;
        const M = model === "diffusion" ? p.m : pl.K * p.m;
        const W0 = new Float64Array(M * d);
        ctx.stream(`noisy-image/init-${model}`, ...ids).fillNormal(W0, p.sigma0);
        const run = {
          model,
          K: pl.K,
          m: p.m,
          q: p.q,
          alpha,
          beta,
          lr: model === "diffusion" ? p.diffusionLr : p.classifierLr,
          steps,
          logEvery: Math.max(1, Math.floor(steps / (p.logPoints - 1))),
        };
        jobs.push({
          run,
          data,
          W0,
          classMeans: means,
          testData: model === "classifier" ? testData : null,
        });
        tags.push({ variant, n, nSnr2: setting, seed, model });
      }
    }
  }
  // every run is independent: spread them over the CPU workers, the longest first (so no worker
  // is left with a long run at the end); results back in job order
  const order = jobs.map((_, i) => i).sort((a, b) => jobCost(jobs[b]) - jobCost(jobs[a]) || a - b);
  let done = 0;
  const sorted = await runInWorkers<NoisyImageJob, ReturnType<typeof trainNoisyImageJob>>(
    new URL("../../models/images/noisy_image_models.ts", import.meta.url),
    "trainNoisyImageJob",
    order.map((i) => jobs[i]),
    {
      signal: ctx.signal,
      onResult: (k) =>
        ctx.progress(++done, jobs.length, `${variant} n=${n} ${tags[order[k]].model}`),
    },
  );
  const outs = new Array<(typeof sorted)[number]>(jobs.length);
  order.forEach((i, k) => (outs[i] = sorted[k]));
  const runs: NoisyImageRunRecord[] = outs.map(({ log, testAccuracy }, i) => {
    const t = tags[i];
    if (log.failedAt >= 0) {
      ctx.runError({
        run: `${t.variant} ${t.model} n=${t.n} n·SNR²=${t.nSnr2} seed=${t.seed}`,
        step: log.failedAt,
        observable: "loss",
        message: "non-finite loss",
      });
    }
    return {
      ...t,
      steps: log.steps,
      S: log.S,
      N: log.N,
      loss: log.loss,
      failedAt: log.failedAt,
      testAccuracy,
    };
  });
  return { runs };
}

/**
 * The measurement from the units' results (in plan order): runs ordered by variant, n, setting,
 * seed and model, as one loop over them would produce them.
 */
export function assembleNoisyImage(
  p: NoisyImageParams,
  parts: readonly UnitPart<NoisyImageUnitResult>[],
): NoisyImageMeasurement {
  // the units of one (variant, n) follow each other in the plan, one per batch of seeds
  const groups: UnitPart<NoisyImageUnitResult>[][] = [];
  for (const part of parts) {
    const { variant, n } = unitPoint(part.unit);
    const last = groups[groups.length - 1]?.[0].unit.part;
    if (last?.variant === variant && last?.n === n) groups[groups.length - 1].push(part);
    else groups.push([part]);
    const runs = part.result.runs, B = part.unit.seeds.length;
    const fits = runs.length === p.nSnr2.length * B * 2 &&
      runs.every((r, i) =>
        r.variant === variant && r.n === n && r.nSnr2 === p.nSnr2[Math.floor(i / (2 * B))] &&
        r.seed === part.unit.seeds[Math.floor(i / 2) % B] &&
        r.model === (i % 2 ? "classifier" : "diffusion")
      );
    if (!fits) {
      throw new RangeError(`noisy-image unit ${part.unit.key}: its result holds other runs`);
    }
  }
  const runs = groups.flatMap((group) =>
    p.nSnr2.flatMap((_, si) =>
      group.flatMap(({ unit, result }) => {
        const B = unit.seeds.length;
        return result.runs.slice(si * 2 * B, (si + 1) * 2 * B);
      })
    )
  );
  return { d: p.side * p.side, classes: [...p.twoClasses], runs };
}

/** The work units of `fl.noisy-image` (see {@link planNoisyImage}). */
export const noisyImageUnits: WorkUnits<
  NoisyImageParams,
  NoisyImageMeasurement,
  NoisyImageUnitResult
> = {
  plan: planNoisyImage,
  run: runNoisyImageUnit,
  resultSchema: z.object({ runs: z.array(noisyImageRunSchema) }).strict() as unknown as z.ZodType<
    NoisyImageUnitResult
  >,
  assemble: assembleNoisyImage,
};

/**
 * The experiment of `fl.noisy-image`: for each variant, n, n·SNR² setting and seed, draw n
 * training images (centred, unit norm, scaled to set n·SNR²) with one Gaussian noise patch each,
 * and train both of Paper A's models on the same data by full-batch GD (CPU, f64; the runs are
 * spread over CPU workers).
 * @module
 */
import type { CaseContext } from "../case.ts";
import type { ImageSet } from "../../datasets/fashion_mnist.ts";
import {
  type NoisyImageJob,
  trainNoisyImageJob,
  type TwoPatchImages,
} from "../../models/images/noisy_image_models.ts";
import { runInWorkers } from "../../models/cpu/pool.ts";
import { loadImages } from "../../datasets/fashion_mnist_images.ts";
import { sampleWithoutReplacement } from "../../datasets/philox.ts";

/** The experiment's parameters (the case config). */
export interface NoisyImageParams {
  /** Data directory (null: the default). */
  dataDir: string | null;
  side: number;
  m: number;
  ns: number[];
  nSnr2: number[];
  variants: ("2-class" | "10-class")[];
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
}

/** One training run. */
export interface NoisyImageRunRecord {
  variant: "2-class" | "10-class";
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

async function pool(p: NoisyImageParams, variant: "2-class" | "10-class"): Promise<Pool> {
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

/** Run every (variant, n, setting, seed) with both models. */
export async function runNoisyImage(
  ctx: CaseContext,
  p: NoisyImageParams,
): Promise<NoisyImageMeasurement> {
  const d = p.side * p.side;
  const alpha = Math.exp(-p.diffusionTime), beta = Math.sqrt(1 - Math.exp(-2 * p.diffusionTime));
  const jobs: NoisyImageJob[] = [];
  const tags: Omit<
    NoisyImageRunRecord,
    "steps" | "S" | "N" | "loss" | "failedAt" | "testAccuracy"
  >[] = [];
  for (const [vi, variant] of p.variants.entries()) {
    const pl = await pool(p, variant);
    for (const n of p.ns) {
      for (const [si, setting] of p.nSnr2.entries()) {
        // ‖image patch‖ = scale, SNR = scale / (σ_ξ √d), so n·SNR² = setting
        const scale = p.noiseStd * Math.sqrt(setting * d / n);
        const means = pl.classMeans.map((v) => v * scale);
        for (const seed of ctx.seeds) {
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
    }
  }
  // every run is independent: spread them over the CPU workers, results in job order
  let done = 0;
  const outs = await runInWorkers<NoisyImageJob, ReturnType<typeof trainNoisyImageJob>>(
    new URL("../../models/images/noisy_image_models.ts", import.meta.url),
    "trainNoisyImageJob",
    jobs,
    {
      signal: ctx.signal,
      onResult: (i) =>
        ctx.progress(++done, jobs.length, `${tags[i].variant} n=${tags[i].n} ${tags[i].model}`),
    },
  );
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
  return {
    d,
    classes: [...p.twoClasses],
    runs,
  };
}

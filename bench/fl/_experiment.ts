/**
 * Paper A's experiment, shared by `fl.balance` and `fl.jump`: for every n, n·SNR² of the grid
 * and seed, train the diffusion model and the classifier on the same two-patch data with
 * full-batch GD, logging S, N and the loss; then the classifier's accuracy on fresh samples.
 * One batch per (model, n) holds every (grid point × seed) run: on WebGPU one dispatch advances
 * all of them. Each model's training is memoised, so the second case of a run reuses it.
 * @module
 */
import type { CaseContext } from "../case.ts";
import { z } from "../../deps.ts";
import { anyNumber } from "../../reports/measurement_codec.ts";
import { muNormFor, signalPatch, twoPatchSample } from "../../datasets/two_patch.ts";
import {
  buildRows,
  type FlBatch,
  type FlModel,
  type FlResult,
  neuronCount,
} from "../../models/fl/batch.ts";
import { trainCpuParallel } from "../../models/fl/train_cpu.ts";
import { trainGpu } from "../../models/fl/gd_kernel.ts";
import { classifierAccuracy } from "../../models/fl/classifier.ts";
import {
  CLASSIFIER_ONLY_FIELDS,
  DIFFUSION_ONLY_FIELDS,
  type FlConfig,
  flFields,
  JUDGE_ONLY_FIELDS,
} from "./_common.ts";

/** Logs of one model: arrays indexed [n][grid point][seed][log point]; null = failed run. */
export interface ModelRuns {
  /** Steps of the log points. */
  steps: number[];
  S: (number | null)[][][][];
  N: (number | null)[][][][];
  loss: (number | null)[][][][];
}

/** What the experiment measures (raw, per seed). */
export interface FlMeasurement {
  variant: string;
  ns: number[];
  grid: number[];
  seeds: number[];
  diffusion: ModelRuns;
  classifier: ModelRuns;
  /** Classifier test accuracy, [n][grid point][seed]. */
  testAccuracy: (number | null)[][][];
  backend: "cpu" | "webgpu";
  /** Seconds of training per model. */
  seconds: Record<FlModel, number>;
}

const logs = z.array(z.array(z.array(z.array(anyNumber.nullable()))));
const modelRunsSchema = z.object({
  steps: z.array(z.number().int().min(0)).min(1),
  S: logs,
  N: logs,
  loss: logs,
}).strict();

/**
 * Schema of the measurement as stored: the shapes [n][grid point][seed] of every array are
 * checked against `ns`, `grid` and `seeds`, so a judge never indexes past a stored array.
 */
export const flMeasurementSchema: z.ZodType<FlMeasurement> = z.object({
  variant: z.string(),
  ns: z.array(z.number().int().positive()).min(1),
  grid: z.array(z.number().positive()).min(2),
  seeds: z.array(z.number().int()).min(1),
  diffusion: modelRunsSchema,
  classifier: modelRunsSchema,
  testAccuracy: z.array(z.array(z.array(z.number().min(0).max(1).nullable()))),
  backend: z.enum(["cpu", "webgpu"]),
  seconds: z.object({ diffusion: z.number(), classifier: z.number() }).strict(),
}).strict().superRefine((m, ctx) => {
  const shaped = (a: unknown[][][], name: string, logLength?: number) => {
    const ok = a.length === m.ns.length &&
      a.every((byK) =>
        byK.length === m.grid.length && byK.every((byS) =>
          byS.length === m.seeds.length &&
          (logLength === undefined ||
            byS.every((log) => (log as unknown[]).length === logLength))
        )
      );
    if (!ok) {
      ctx.addIssue({
        code: "custom",
        path: [name],
        message: "shape does not match [n][grid point][seed]",
      });
    }
  };
  for (const model of ["diffusion", "classifier"] as const) {
    const r = m[model];
    for (const k of ["S", "N", "loss"] as const) shaped(r[k], `${model}.${k}`, r.steps.length);
  }
  shaped(m.testAccuracy, "testAccuracy");
}) as unknown as z.ZodType<FlMeasurement>;

/** One model's share of the measurement. */
interface ModelPart {
  runs: ModelRuns;
  /** The classifier's test accuracy, [n][grid point][seed] (null for the diffusion model). */
  testAccuracy: (number | null)[][][] | null;
  seconds: number;
}

/** The fields of the config one model's training depends on (its memo key). */
function modelKey(ctx: CaseContext, c: FlConfig, model: FlModel): string {
  const other = model === "diffusion" ? CLASSIFIER_ONLY_FIELDS : DIFFUSION_ONLY_FIELDS;
  const fields = Object.keys(flFields)
    .filter((k) => !JUDGE_ONLY_FIELDS.includes(k) && !other.includes(k))
    .sort();
  const probe = ctx.stream("fl.probe").nextU32();
  return JSON.stringify([
    model,
    ctx.backend,
    probe,
    ctx.seeds,
    fields.map((k) => [k, c[k as keyof FlConfig]]),
  ]);
}

/** Memoised trainings per model, newest last (a few, so alternatives do not evict the main run). */
const memo = new Map<string, Promise<ModelPart>>();
const MEMO_SIZE = 12;

/** Forget the memoised trainings (tests use it to check that a re-run is bit-identical). */
export function clearFlExperimentCache(): void {
  memo.clear();
}

function trainMemoised(
  ctx: CaseContext,
  c: FlConfig,
  model: FlModel,
  progress: Progress,
): Promise<ModelPart> {
  const key = modelKey(ctx, c, model);
  const hit = memo.get(key);
  if (hit) return hit;
  const value = trainModel(ctx, c, model, progress);
  memo.set(key, value);
  while (memo.size > MEMO_SIZE) memo.delete(memo.keys().next().value!);
  value.catch(() => {
    if (memo.get(key) === value) memo.delete(key);
  });
  return value;
}

/**
 * Run (or reuse) the experiment for this config and context. Each model's training is memoised
 * on the config fields it reads, so the second case of a run, and an alternative that changes
 * only one model (e.g. the classifier's init), reuse what was trained already.
 */
export async function runFlExperiment(ctx: CaseContext, c: FlConfig): Promise<FlMeasurement> {
  const toTrain = (["diffusion", "classifier"] as const).filter((model) =>
    !memo.has(modelKey(ctx, c, model))
  );
  const progress = new Progress(ctx, c, toTrain);
  const diffusion = await trainMemoised(ctx, c, "diffusion", progress);
  const classifier = await trainMemoised(ctx, c, "classifier", progress);
  return {
    variant: c.variant,
    ns: c.ns,
    grid: c.grid,
    seeds: [...ctx.seeds],
    diffusion: diffusion.runs,
    classifier: classifier.runs,
    testAccuracy: classifier.testAccuracy!,
    backend: ctx.backend,
    seconds: { diffusion: diffusion.seconds, classifier: classifier.seconds },
  };
}

/** The batch of one (model, n): every grid point × seed. */
export function buildBatch(ctx: CaseContext, c: FlConfig, model: FlModel, n: number): FlBatch {
  const t = c.diffusionTime;
  const steps = model === "diffusion" ? c.stepsDiffusion : c.stepsClassifier;
  const M = neuronCount(model, c.m);
  const batch: FlBatch = {
    model,
    d: c.d,
    n,
    m: c.m,
    steps,
    logEvery: steps / c.logPoints,
    lr: model === "diffusion" ? c.lrDiffusion : c.lrClassifier,
    alpha: Math.exp(-t),
    beta: Math.sqrt(1 - Math.exp(-2 * t)),
    q: c.q,
    runs: [],
  };
  if (!Number.isInteger(batch.logEvery)) {
    throw new RangeError(`logPoints (${c.logPoints}) must divide the step count ${steps}`);
  }
  for (const kappa of c.grid) {
    for (const seed of ctx.seeds) {
      const s = twoPatchSample(ctx.stream("fl.data", seed, n), {
        n,
        d: c.d,
        variant: c.variant,
        sigmaXi: c.sigmaXi,
      });
      const W0 = ctx.stream(`fl.init.${model}`, seed, n).fillNormal(
        new Float64Array(M * c.d),
        model === "diffusion" ? c.sigma0 : c.sigma0Classifier,
      ) as Float64Array;
      batch.runs.push({
        X: buildRows(s, c.variant, c.d, muNormFor(kappa, n, c.d, c.sigmaXi)),
        y: s.y,
        W0,
      });
    }
  }
  return batch;
}

function emptyRuns(c: FlConfig, seeds: number, steps: number): ModelRuns {
  const logEvery = steps / c.logPoints;
  const grid = () => c.ns.map(() => c.grid.map(() => Array.from({ length: seeds }, () => [])));
  return {
    steps: Array.from({ length: c.logPoints + 1 }, (_, l) => l * logEvery),
    S: grid(),
    N: grid(),
    loss: grid(),
  };
}

/** Progress over the training of the models not memoised yet (work units ∝ multiply-adds). */
class Progress {
  done = 0;
  readonly total: number;
  readonly perRun: Record<FlModel, number>;
  constructor(readonly ctx: CaseContext, readonly c: FlConfig, models: readonly FlModel[]) {
    this.perRun = {
      diffusion: c.stepsDiffusion * c.m * 2,
      classifier: c.stepsClassifier * c.m * 2,
    };
    this.total = c.ns.reduce(
      (s, n) =>
        s + n * c.grid.length * ctx.seeds.length * models.reduce((a, k) => a + this.perRun[k], 0),
      0,
    );
  }
}

async function trainModel(
  ctx: CaseContext,
  c: FlConfig,
  model: FlModel,
  p: Progress,
): Promise<ModelPart> {
  const part: ModelPart = {
    runs: emptyRuns(
      c,
      ctx.seeds.length,
      model === "diffusion" ? c.stepsDiffusion : c.stepsClassifier,
    ),
    testAccuracy: model === "classifier" ? c.ns.map(() => c.grid.map(() => [])) : null,
    seconds: 0,
  };
  for (const [ni, n] of c.ns.entries()) {
    if (ctx.signal.aborted) throw new Error("aborted");
    const b = buildBatch(ctx, c, model, n);
    const unit = n * p.perRun[model];
    const t0 = ctx.now();
    let res: FlResult & { failedAt?: Int32Array };
    const done = p.done;
    if (ctx.backend === "webgpu" && ctx.device) {
      res = await trainGpu(ctx.device, b, {
        signal: ctx.signal,
        onProgress: (s) =>
          ctx.progress(done + (unit * b.runs.length * s) / b.steps, p.total, `${model} n=${n}`),
      });
    } else {
      res = await trainCpuParallel(b, {
        signal: ctx.signal,
        onRun: (r) => ctx.progress(done + unit * r, p.total, `${model} n=${n}`),
      });
    }
    const secs = (ctx.now() - t0) / 1000;
    part.seconds += secs;
    ctx.timing(`fl.${model}.train`, secs);
    p.done += unit * b.runs.length;
    record(ctx, c, part, model, ni, n, b, res);
  }
  return part;
}

function record(
  ctx: CaseContext,
  c: FlConfig,
  out: ModelPart,
  model: FlModel,
  ni: number,
  n: number,
  b: FlBatch,
  res: FlResult & { failedAt?: Int32Array },
) {
  const runs = out.runs;
  const L = res.logPoints, M = neuronCount(model, c.m), size = M * c.d;
  const seeds = ctx.seeds.length;
  c.grid.forEach((kappa, ki) => {
    ctx.seeds.forEach((seed, si) => {
      const r = ki * seeds + si;
      let bad = -1;
      for (let l = 0; l < L && bad < 0; l++) {
        for (let o = 0; o < 3; o++) if (!Number.isFinite(res.logs[(r * L + l) * 3 + o])) bad = l;
      }
      const failed = bad >= 0 || (res.failedAt?.[r] ?? -1) >= 0;
      const tag = `${model} n=${n} n·SNR²=${kappa} seed=${seed}`;
      if (failed) {
        const step = (res.failedAt?.[r] ?? -1) >= 0 ? res.failedAt![r] : bad * b.logEvery;
        ctx.runError({ run: tag, step, observable: "loss", message: "non-finite loss or weights" });
      }
      for (const [o, key] of (["S", "N", "loss"] as const).entries()) {
        runs[key][ni][ki][si] = Array.from(
          { length: L },
          (_, l) => (failed ? null : res.logs[(r * L + l) * 3 + o]),
        );
      }
      if (model === "classifier") {
        let acc: number | null = null;
        if (!failed) {
          const t = twoPatchSample(ctx.stream("fl.test", seed, n), {
            n: c.nTest,
            d: c.d,
            variant: c.variant,
            sigmaXi: c.sigmaXi,
          });
          const mu = muNormFor(kappa, n, c.d, c.sigmaXi);
          acc = classifierAccuracy(
            res.W.subarray(r * size, (r + 1) * size),
            c.m,
            c.d,
            c.q,
            t.y,
            t.xi,
            signalPatch(c.variant, 1, c.d, mu),
            signalPatch(c.variant, -1, c.d, mu),
          );
        }
        out.testAccuracy![ni][ki][si] = acc;
      }
    });
  });
}

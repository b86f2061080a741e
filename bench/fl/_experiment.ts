/**
 * Paper A's experiment, shared by `fl.balance` and `fl.jump`: for every n, n·SNR² of the grid
 * and seed, train the diffusion model and the classifier on the same two-patch data with
 * full-batch GD, logging S, N and the loss; then the classifier's accuracy on fresh samples.
 * One batch per (model, n) holds every (grid point × seed) run: on WebGPU one dispatch advances
 * all of them. The last result is memoised, so the second case of a run reuses the training.
 * @module
 */
import type { CaseContext } from "../case.ts";
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
import { type FlConfig, flFields } from "./_common.ts";

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

/** The fields of the config the experiment depends on (the memo key). */
function experimentKey(ctx: CaseContext, c: FlConfig): string {
  const fields = Object.keys(flFields).filter((k) => k !== "paperGrid" && k !== "resamples").sort();
  const probe = ctx.stream("fl.probe").nextU32();
  return JSON.stringify([ctx.backend, probe, ctx.seeds, fields.map((k) => c[k as keyof FlConfig])]);
}

let memo: { key: string; value: Promise<FlMeasurement> } | null = null;

/** Forget the memoised experiment (tests use it to check that a re-run is bit-identical). */
export function clearFlExperimentCache(): void {
  memo = null;
}

/** Run (or reuse) the experiment for this config and context. */
export function runFlExperiment(ctx: CaseContext, c: FlConfig): Promise<FlMeasurement> {
  const key = experimentKey(ctx, c);
  if (memo?.key === key) return memo.value;
  const value = runFresh(ctx, c);
  memo = { key, value };
  value.catch(() => {
    if (memo?.key === key) memo = null;
  });
  return value;
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
        c.sigma0,
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

async function runFresh(ctx: CaseContext, c: FlConfig): Promise<FlMeasurement> {
  const seeds = ctx.seeds.length;
  const out: FlMeasurement = {
    variant: c.variant,
    ns: c.ns,
    grid: c.grid,
    seeds: [...ctx.seeds],
    diffusion: emptyRuns(c, seeds, c.stepsDiffusion),
    classifier: emptyRuns(c, seeds, c.stepsClassifier),
    testAccuracy: c.ns.map(() => c.grid.map(() => [])),
    backend: ctx.backend,
    seconds: { diffusion: 0, classifier: 0 },
  };
  const perRun = { diffusion: c.stepsDiffusion * c.m * 2, classifier: c.stepsClassifier * c.m * 2 };
  const total = c.ns.reduce(
    (s, n) => s + n * c.grid.length * seeds * (perRun.diffusion + perRun.classifier),
    0,
  );
  let done = 0;
  for (const model of ["diffusion", "classifier"] as const) {
    for (const [ni, n] of c.ns.entries()) {
      if (ctx.signal.aborted) throw new Error("aborted");
      const b = buildBatch(ctx, c, model, n);
      const unit = n * perRun[model];
      const t0 = ctx.now();
      let res: FlResult & { failedAt?: Int32Array };
      if (ctx.backend === "webgpu" && ctx.device) {
        res = await trainGpu(ctx.device, b, {
          signal: ctx.signal,
          onProgress: (s) =>
            ctx.progress(done + (unit * b.runs.length * s) / b.steps, total, `${model} n=${n}`),
        });
      } else {
        res = await trainCpuParallel(b, {
          signal: ctx.signal,
          onRun: (r) => ctx.progress(done + unit * r, total, `${model} n=${n}`),
        });
      }
      const secs = (ctx.now() - t0) / 1000;
      out.seconds[model] += secs;
      ctx.timing(`fl.${model}.train`, secs);
      done += unit * b.runs.length;
      record(ctx, c, out, model, ni, n, b, res);
    }
  }
  return out;
}

function record(
  ctx: CaseContext,
  c: FlConfig,
  out: FlMeasurement,
  model: FlModel,
  ni: number,
  n: number,
  b: FlBatch,
  res: FlResult & { failedAt?: Int32Array },
) {
  const runs = out[model];
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
        out.testAccuracy[ni][ki][si] = acc;
      }
    });
  });
}

/**
 * Paper A's experiment, shared by `fl.balance` and `fl.jump`: for every n, n·SNR² of the grid
 * and seed, train the diffusion model and the classifier on the same two-patch data with
 * full-batch GD, logging S, N and the loss; then the classifier's accuracy on fresh samples.
 *
 * Work units ({@link flUnits}): one model at one n for a batch of seeds, every grid point — one
 * batch, so on WebGPU one dispatch advances all of its runs. Both cases declare these units
 * under one share namespace, so the runner's unit store trains them once for the two cases and
 * each case reports the units' run errors and timings. A unit's key names the config fields of
 * its own model's training (the shared config holds the fields both models read), so an
 * alternative that changes one model only (e.g. the classifier's init) reuses the other's units.
 * @module
 */
import {
  type CaseContext,
  cpuUnitConcurrency,
  type UnitPart,
  type UnitSpec,
  type WorkUnits,
} from "../case.ts";
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
  SHARED_TRAINING_FIELDS,
} from "./_common.ts";
import { EXPERIMENT_OVERHEAD_SECONDS, trainingSeconds } from "./_cost.ts";
import { distinct, fieldParts, pick, seedBatches, seedsKey, unitKey } from "./_units.ts";

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
  /**
   * Seconds of training per model, as results written before work units stored them (read, never
   * written: training times are timings of the units, `fl.<model>.train`, not measurements).
   */
  seconds?: Record<FlModel, number>;
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
  seconds: z.object({ diffusion: z.number(), classifier: z.number() }).strict().optional(),
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

/** One work unit's result: one model trained at one n on a batch of seeds, every grid point. */
export interface FlUnitResult {
  /** Logs, [grid point][seed of the unit][log point]; null = failed run. */
  S: (number | null)[][][];
  N: (number | null)[][][];
  loss: (number | null)[][][];
  /** The classifier's test accuracy, [grid point][seed of the unit]; null for the diffusion model. */
  testAccuracy: (number | null)[][] | null;
  backend: "cpu" | "webgpu";
}

const unitLogs = z.array(z.array(z.array(anyNumber.nullable())));

/** Schema of a unit's result as stored (JSON-safe: nested arrays of numbers and nulls). */
export const flUnitResultSchema: z.ZodType<FlUnitResult> = z.object({
  S: unitLogs,
  N: unitLogs,
  loss: unitLogs,
  testAccuracy: z.array(z.array(z.number().min(0).max(1).nullable())).nullable(),
  backend: z.enum(["cpu", "webgpu"]),
}).strict() as unknown as z.ZodType<FlUnitResult>;

const MODELS: readonly FlModel[] = ["diffusion", "classifier"];

/** Config fields only `model`'s training reads (they go into its units' keys). */
function ownFields(model: FlModel): readonly string[] {
  return model === "diffusion" ? DIFFUSION_ONLY_FIELDS : CLASSIFIER_ONLY_FIELDS;
}

/** The model and n of a unit (from its part). */
function unitPoint(unit: UnitSpec): { model: FlModel; n: number } {
  const model = unit.part?.model, n = unit.part?.n;
  if ((model !== "diffusion" && model !== "classifier") || typeof n !== "number") {
    throw new RangeError(`fl unit ${unit.key}: its part names no model and n`);
  }
  return { model, n };
}

/**
 * The units of the experiment: per model (diffusion first), per n, per batch of seeds
 * (`SEEDS_PER_UNIT`), each training every grid point. Keys read e.g.
 * `classifier;n=20;seeds=0-4;sigma0Classifier=0.05;q=3;lrClassifier=0.5;stepsClassifier=300;nTest=500`.
 */
export function planFlUnits(c: FlConfig, seeds: readonly number[]): UnitSpec[] {
  distinct("ns", c.ns);
  const batches = seedBatches(seeds);
  const count = MODELS.length * c.ns.length * batches.length;
  return MODELS.flatMap((model) =>
    c.ns.flatMap((n) =>
      batches.map((batch) => ({
        key: unitKey(model, `n=${n}`, seedsKey(batch), ...fieldParts(c, ownFields(model))),
        seeds: batch,
        cost: trainingSeconds(c, model, n, batch.length) + EXPERIMENT_OVERHEAD_SECONDS / count,
        part: { model, n },
      }))
    )
  );
}

/** Train one unit: one batch of (grid point × seed) runs of one model at one n. */
export async function runFlUnit(
  ctx: CaseContext,
  c: FlConfig,
  unit: UnitSpec,
): Promise<FlUnitResult> {
  const { model, n } = unitPoint(unit);
  ctx.signal.throwIfAborted();
  const b = buildBatch(ctx, c, model, n);
  const label = `${model} n=${n}`;
  const t0 = ctx.now();
  let res: FlResult & { failedAt?: Int32Array };
  if (ctx.backend === "webgpu" && ctx.device) {
    res = await trainGpu(ctx.device, b, {
      signal: ctx.signal,
      onProgress: (s) => ctx.progress((b.runs.length * s) / b.steps, b.runs.length, label),
    });
  } else {
    res = await trainCpuParallel(b, {
      signal: ctx.signal,
      onRun: (r) => ctx.progress(r, b.runs.length, label),
    });
  }
  ctx.timing(`fl.${model}.train`, (ctx.now() - t0) / 1000);
  return { ...record(ctx, c, model, n, b, res), backend: ctx.backend };
}

/**
 * The measurement from the units' results (in plan order): every (model, n) must have the same
 * seeds, in the same batches, and every unit the same backend.
 */
export function assembleFl(c: FlConfig, parts: readonly UnitPart<FlUnitResult>[]): FlMeasurement {
  const seedsOf = new Map<string, number[]>();
  for (const { unit } of parts) {
    const { model, n } = unitPoint(unit);
    const at = `${model} n=${n}`;
    seedsOf.set(at, [...(seedsOf.get(at) ?? []), ...unit.seeds]);
  }
  const seeds = seedsOf.get(`diffusion n=${c.ns[0]}`) ?? [];
  for (const model of MODELS) {
    for (const n of c.ns) {
      const got = seedsOf.get(`${model} n=${n}`);
      if (!got || got.join() !== seeds.join()) {
        throw new RangeError(`fl units: ${model} n=${n} has seeds [${got ?? []}], not [${seeds}]`);
      }
    }
  }
  const backends = [...new Set(parts.map((p) => p.result.backend))];
  if (backends.length !== 1) {
    throw new RangeError(`fl units ran on different backends (${backends.join(", ")})`);
  }
  const runs = { diffusion: emptyRuns(c, "diffusion"), classifier: emptyRuns(c, "classifier") };
  const testAccuracy: (number | null)[][][] = c.ns.map(() => c.grid.map(() => []));
  const filled = new Map<string, number>();
  for (const { unit, result } of parts) {
    const { model, n } = unitPoint(unit);
    const ni = c.ns.indexOf(n), at = `${model} n=${n}`;
    const offset = filled.get(at) ?? 0;
    filled.set(at, offset + unit.seeds.length);
    const L = runs[model].steps.length;
    const shaped = (a: unknown[][] | null, log: number | null) =>
      a !== null && a.length === c.grid.length &&
      a.every((byS) =>
        byS.length === unit.seeds.length &&
        (log === null || byS.every((l) => (l as unknown[]).length === log))
      );
    const logsOk = (["S", "N", "loss"] as const).every((k) => shaped(result[k], L));
    if (!logsOk || (model === "classifier" && !shaped(result.testAccuracy, null))) {
      throw new RangeError(`fl unit ${unit.key}: its result does not match the config's shape`);
    }
    c.grid.forEach((_, ki) => {
      unit.seeds.forEach((_, si) => {
        for (const k of ["S", "N", "loss"] as const) {
          runs[model][k][ni][ki][offset + si] = result[k][ki][si];
        }
        if (model === "classifier") {
          testAccuracy[ni][ki][offset + si] = result.testAccuracy![ki][si];
        }
      });
    });
  }
  return {
    variant: c.variant,
    ns: c.ns,
    grid: c.grid,
    seeds,
    diffusion: runs.diffusion,
    classifier: runs.classifier,
    testAccuracy,
    backend: backends[0],
  };
}

/**
 * The work units of `fl.balance` and `fl.jump` (see the module doc): shared under one
 * namespace, keyed by the config fields both models' training reads.
 */
export const flUnits: WorkUnits<FlConfig, FlMeasurement, FlUnitResult> = {
  plan: planFlUnits,
  run: runFlUnit,
  resultSchema: flUnitResultSchema,
  assemble: assembleFl,
  concurrency: cpuUnitConcurrency,
  share: {
    namespace: "fl.experiment",
    version: 1,
    config: (c) => pick(c, SHARED_TRAINING_FIELDS),
  },
};

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

function emptyRuns(c: FlConfig, model: FlModel): ModelRuns {
  const steps = model === "diffusion" ? c.stepsDiffusion : c.stepsClassifier;
  const logEvery = steps / c.logPoints;
  const grid = () => c.ns.map(() => c.grid.map((): (number | null)[][] => []));
  return {
    steps: Array.from({ length: c.logPoints + 1 }, (_, l) => l * logEvery),
    S: grid(),
    N: grid(),
    loss: grid(),
  };
}

/** The logs (and the classifier's test accuracies) of a trained batch; failed runs are null. */
function record(
  ctx: CaseContext,
  c: FlConfig,
  model: FlModel,
  n: number,
  b: FlBatch,
  res: FlResult & { failedAt?: Int32Array },
): Pick<FlUnitResult, "S" | "N" | "loss" | "testAccuracy"> {
  const out: Pick<FlUnitResult, "S" | "N" | "loss" | "testAccuracy"> = {
    S: [],
    N: [],
    loss: [],
    testAccuracy: model === "classifier" ? [] : null,
  };
  const L = res.logPoints, M = neuronCount(model, c.m), size = M * c.d;
  const seeds = ctx.seeds.length;
  // a seed's test samples depend on the seed and n only: drawn once for every grid point
  const tests = new Map<number, ReturnType<typeof twoPatchSample>>();
  const testSample = (seed: number) => {
    if (!tests.has(seed)) {
      tests.set(
        seed,
        twoPatchSample(ctx.stream("fl.test", seed, n), {
          n: c.nTest,
          d: c.d,
          variant: c.variant,
          sigmaXi: c.sigmaXi,
        }),
      );
    }
    return tests.get(seed)!;
  };
  c.grid.forEach((kappa, ki) => {
    for (const k of ["S", "N", "loss"] as const) out[k].push([]);
    out.testAccuracy?.push([]);
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
        out[key][ki][si] = Array.from(
          { length: L },
          (_, l) => (failed ? null : res.logs[(r * L + l) * 3 + o]),
        );
      }
      if (model === "classifier") {
        let acc: number | null = null;
        if (!failed) {
          const t = testSample(seed);
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
        out.testAccuracy![ki][si] = acc;
      }
    });
  });
  return out;
}

/**
 * The shared experiment of the Paper B sample-complexity cases: for each d, step size and seed,
 * one online pSGD run of the tied denoiser on the mixed cumulant model (in-shader kernel on
 * WebGPU, the f64 reference on the CPU), recording first crossings and logged overlaps.
 *
 * Design: runs at the same (seed, d, variant) share one Philox key across step sizes (common
 * random numbers: same initial weights and samples), so step sizes are compared on paired runs.
 * A run's key depends on its seed value, d and variant only, so a set trains the same runs
 * whichever work unit (batch of seeds) holds it.
 * @module
 */
import type { CaseContext } from "../case.ts";
import type { Latent } from "../../datasets/mixed_cumulant.ts";
import {
  type Activation,
  runSgdCpuParallel,
  type SgdBatch,
  type SgdBatchResult,
} from "../../models/cum/sgd.ts";
import { runSgdGpuBatches } from "../../models/cum/sgd_kernel.ts";

/** A step size η = c · d^(−a). */
export interface StepSize {
  c: number;
  a: number;
}

/** One group of runs to train: a variant (main or a control) at one d and one step size. */
export interface SetSpec {
  variant: string;
  d: number;
  stepSize: StepSize;
  K: number;
  act: Activation;
  latent: Latent;
  betaU: number;
  betaV: number;
  alpha: number;
  cap: number;
  logPoints: number;
  thresholdU: number;
  thresholdV: number;
  /** Seeds of this set (a prefix of ctx.seeds for controls). */
  seeds: number[];
  /** The set's prefix in unit keys: `main`, or `ctl<j>` for the j-th control. */
  tag: string;
}

/** Everything measured for one set, per seed (index-aligned with `seeds`). */
export interface RunSet {
  variant: string;
  d: number;
  c: number;
  a: number;
  eta: number;
  K: number;
  act: Activation;
  latent: Latent;
  betaU: number;
  cap: number;
  logEvery: number;
  thresholdU: number;
  thresholdV: number;
  seeds: number[];
  /** First step with overlap > threshold (in-shader / reference, exact), null when never. */
  crossU: (number | null)[];
  crossV: (number | null)[];
  /** Step at which the run became non-finite, null when it did not (excluded from statistics). */
  failedAt: (number | null)[];
  /** Overlaps logged every `logEvery` steps, per seed, rounded to 1e-4. */
  logU: number[][];
  logV: number[][];
}

/** The measurement of a case. */
export interface CumMeasurement {
  backend: "webgpu" | "cpu";
  sets: RunSet[];
}

/** η of a step size at d. */
export function etaOf(s: StepSize, d: number): number {
  return s.c * Math.pow(d, -s.a);
}

/** What one work unit of a `cum.*` case returns: its sets' runs for the unit's seeds. */
export interface CumUnitResult {
  /** Where the unit ran. */
  backend: "webgpu" | "cpu";
  /** The sets, in the unit's order, restricted to the unit's seeds. */
  sets: RunSet[];
}

/** The SGD batch of a set: its runs keyed by (case tag, variant index, seed, d). */
function batchOf(ctx: CaseContext, caseTag: string, variantIndex: number, sp: SetSpec): SgdBatch {
  const eta = etaOf(sp.stepSize, sp.d);
  return {
    d: sp.d,
    K: sp.K,
    act: sp.act,
    data: { betaU: sp.betaU, betaV: sp.betaV, latent: sp.latent },
    alpha: sp.alpha,
    cap: sp.cap,
    logEvery: Math.max(1, Math.floor(sp.cap / sp.logPoints)),
    thresholdU: sp.thresholdU,
    thresholdV: sp.thresholdV,
    runs: sp.seeds.map((seed) => ({
      key: ctx.stream(`cum.${caseTag}`, variantIndex, seed, sp.d).key,
      eta,
    })),
  };
}

const labelOf = (sp: SetSpec) => `${sp.variant} d=${sp.d} c=${sp.stepSize.c} a=${sp.stepSize.a}`;

/** A trained set as stored (logs rounded to 1e-4); failed runs become run errors. */
function setOf(ctx: CaseContext, sp: SetSpec, b: SgdBatch, res: SgdBatchResult): RunSet {
  const L = res.logs;
  const set: RunSet = {
    variant: sp.variant,
    d: sp.d,
    c: sp.stepSize.c,
    a: sp.stepSize.a,
    eta: etaOf(sp.stepSize, sp.d),
    K: sp.K,
    act: sp.act,
    latent: sp.latent,
    betaU: sp.betaU,
    cap: sp.cap,
    logEvery: b.logEvery,
    thresholdU: sp.thresholdU,
    thresholdV: sp.thresholdV,
    seeds: [...sp.seeds],
    crossU: [],
    crossV: [],
    failedAt: [],
    logU: [],
    logV: [],
  };
  const round = (x: number) => Math.round(x * 1e4) / 1e4;
  sp.seeds.forEach((seed, i) => {
    const failed = res.failedAt[i] || null;
    if (failed !== null) {
      ctx.runError({
        run: `seed ${seed}, ${labelOf(sp)}`,
        step: failed,
        observable: "weights",
        message: "weights became non-finite; run excluded from statistics",
      });
    }
    set.failedAt.push(failed);
    set.crossU.push(res.crossU[i] || null);
    set.crossV.push(res.crossV[i] || null);
    set.logU.push(Array.from(res.logU.subarray(i * L, (i + 1) * L), round));
    set.logV.push(Array.from(res.logV.subarray(i * L, (i + 1) * L), round));
  });
  return set;
}

/**
 * Train sets of one variant (every seed of each set's `seeds`) under the stream tag
 * `cum.<caseTag>`; progress counts steps. `variantIndex` is the variant's position among the
 * config's variants (part of each run's Philox key, so it must not depend on which sets a unit
 * holds). On WebGPU the sets that differ only in their step size run in one dispatch series
 * (`runSgdGpuBatches`); on the CPU one set after the other, each over the CPU workers. A run's
 * numbers do not depend on which sets or seeds it is trained with.
 */
export async function runCumSets(
  ctx: CaseContext,
  caseTag: string,
  variantIndex: number,
  specs: readonly SetSpec[],
): Promise<CumUnitResult> {
  const total = specs.reduce((s, sp) => s + sp.cap * sp.seeds.length, 0);
  let done = 0;
  const progress = (label: string) => (steps: number) => {
    done += steps;
    ctx.progress(Math.min(done, total), total, label);
  };
  const batches = specs.map((sp) => batchOf(ctx, caseTag, variantIndex, sp));
  const gpu = ctx.backend === "webgpu" && ctx.device !== null;
  const timing = (sp: SetSpec, t0: number) =>
    ctx.timing(`${ctx.backend} ${sp.variant} d=${sp.d}`, (ctx.now() - t0) / 1000);
  let results: SgdBatchResult[];
  if (gpu) {
    const t0 = ctx.now();
    const label = specs.length === 1 ? labelOf(specs[0]) : `${specs[0].variant} d=${specs[0].d}`;
    results = await runSgdGpuBatches(ctx.device!, batches, {
      onProgress: progress(label),
      signal: ctx.signal,
    });
    if (specs.length) timing(specs[0], t0);
  } else {
    results = [];
    for (const [i, sp] of specs.entries()) {
      const t0 = ctx.now();
      results.push(
        await runSgdCpuParallel(batches[i], {
          onProgress: progress(labelOf(sp)),
          signal: ctx.signal,
        }),
      );
      timing(sp, t0);
    }
  }
  return {
    backend: gpu ? "webgpu" : "cpu",
    sets: specs.map((sp, i) => setOf(ctx, sp, batches[i], results[i])),
  };
}

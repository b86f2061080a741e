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
import { type Activation, runSgdCpuParallel, type SgdBatch } from "../../models/cum/sgd.ts";
import { runSgdGpu } from "../../models/cum/sgd_kernel.ts";

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

/** What one work unit of a `cum.*` case returns: one set's runs for the unit's seeds. */
export interface CumUnitResult {
  /** Where the unit ran. */
  backend: "webgpu" | "cpu";
  /** The set, restricted to the unit's seeds. */
  set: RunSet;
}

/**
 * Train one set (every seed of `sp.seeds`) under the stream tag `cum.<caseTag>`; progress counts
 * steps. `variantIndex` is the set's variant's position among the config's variants (part of each
 * run's Philox key, so it must not depend on which sets a unit holds).
 */
export async function runCumSet(
  ctx: CaseContext,
  caseTag: string,
  variantIndex: number,
  sp: SetSpec,
): Promise<CumUnitResult> {
  const total = sp.cap * sp.seeds.length;
  let done = 0;
  const logEvery = Math.max(1, Math.floor(sp.cap / sp.logPoints));
  const eta = etaOf(sp.stepSize, sp.d);
  const batch: SgdBatch = {
    d: sp.d,
    K: sp.K,
    act: sp.act,
    data: { betaU: sp.betaU, betaV: sp.betaV, latent: sp.latent },
    alpha: sp.alpha,
    cap: sp.cap,
    logEvery,
    thresholdU: sp.thresholdU,
    thresholdV: sp.thresholdV,
    runs: sp.seeds.map((seed) => ({
      key: ctx.stream(`cum.${caseTag}`, variantIndex, seed, sp.d).key,
      eta,
    })),
  };
  const label = `${sp.variant} d=${sp.d} c=${sp.stepSize.c} a=${sp.stepSize.a}`;
  const onProgress = (steps: number) => {
    done += steps;
    ctx.progress(Math.min(done, total), total, label);
  };
  const gpu = ctx.backend === "webgpu" && ctx.device !== null;
  const t0 = ctx.now();
  const res = gpu
    ? await runSgdGpu(ctx.device!, batch, { onProgress, signal: ctx.signal })
    : await runSgdCpuParallel(batch, { onProgress, signal: ctx.signal });
  ctx.timing(`${ctx.backend} ${sp.variant} d=${sp.d}`, (ctx.now() - t0) / 1000);
  const L = res.logs;
  const set: RunSet = {
    variant: sp.variant,
    d: sp.d,
    c: sp.stepSize.c,
    a: sp.stepSize.a,
    eta,
    K: sp.K,
    act: sp.act,
    latent: sp.latent,
    betaU: sp.betaU,
    cap: sp.cap,
    logEvery,
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
        run: `seed ${seed}, ${label}`,
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
  return { backend: gpu ? "webgpu" : "cpu", set };
}

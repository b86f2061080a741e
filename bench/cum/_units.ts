/**
 * The work units of the Paper B sample-complexity cases: one unit per set of {@link planSets}
 * (a variant — main or a control — at one d and one step size) with all of its seeds.
 *
 * Why a whole set: a set is one batch of the SGD kernels (one GPU invocation per run, so a GPU
 * trains 8 or 128 runs of a set in the same wall time; one CPU worker task per chunk of runs), and
 * each set was already trained on its own before units existed. Splitting a set's seeds would
 * add nothing on a GPU but serial dispatches; merging a d's step-size sets into one unit
 * (`runSgdGpuBatches` runs them as one dispatch series) would save GPU time on one GPU but doubles
 * the largest quick unit on a CPU or llvmpipe. The quick profile's largest set (cum.quartic-cubic,
 * d = 24) is estimated at 98 s raw (57 s with the 2026-12-02 calibration); the cases have 14, 10
 * and 13 units at quick.
 * @module
 */
import { z } from "../../deps.ts";
import type { Case, UnitPart, UnitSpec, WorkUnits } from "../case.ts";
import { type CumMeasurement, type CumUnitResult, runCumSet } from "./_experiment.ts";
import {
  type CumConfig,
  estimateCumSeconds,
  planSets,
  runSetSchema,
  setSeconds,
} from "./_common.ts";
import { seedsKey } from "../seed_batches.ts";

/** Schema of a unit's stored result. */
export const cumUnitResultSchema: z.ZodType<CumUnitResult> = z.object({
  backend: z.enum(["webgpu", "cpu"]),
  set: runSetSchema,
}).strict() as unknown as z.ZodType<CumUnitResult>;

/**
 * The units of a config and the case's seeds: one per set, in {@link planSets} order, keyed
 * `<main|ctl<j>>;d=<d>;c=<c>;a=<a>;seeds=<a-b>` (a repeated grid point gets `;dup=<n>`), each
 * costing its set's estimate (so the costs sum to the case's estimate).
 */
export function planCumUnits(c: CumConfig, seeds: readonly number[]): UnitSpec[] {
  const seen = new Map<string, number>();
  return planSets(c, seeds).map((sp, set) => {
    const base = `${sp.tag};d=${sp.d};c=${sp.stepSize.c};a=${sp.stepSize.a};${seedsKey(sp.seeds)}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    return {
      key: n ? `${base};dup=${n}` : base,
      seeds: sp.seeds,
      cost: setSeconds(sp),
      part: { set },
    };
  });
}

/** The measurement from the units' results (one set each, in plan order). */
export function assembleCum(parts: readonly UnitPart<CumUnitResult>[]): CumMeasurement {
  const backends = [...new Set(parts.map((p) => p.result.backend))];
  if (backends.length > 1) {
    throw new Error(
      `the units of this case ran on different backends (${backends.join(", ")}); ` +
        "run them all on one backend",
    );
  }
  for (const { unit, result } of parts) {
    if (result.set.seeds.join(",") !== unit.seeds.join(",")) {
      throw new Error(`unit ${unit.key}: its result holds seeds [${result.set.seeds.join(", ")}]`);
    }
  }
  return { backend: backends[0] ?? "cpu", sets: parts.map((p) => p.result.set) };
}

/** The work units of a `cum.*` case whose runs draw from the stream tag `cum.<caseTag>`. */
export function cumUnits<C extends CumConfig>(
  caseTag: string,
): WorkUnits<C, CumMeasurement, CumUnitResult> {
  return {
    plan: planCumUnits,
    async run(ctx, c, unit) {
      const specs = planSets(c, []);
      const i = unit.part?.set;
      if (typeof i !== "number" || !Number.isInteger(i) || !specs[i]) {
        throw new Error(`unit ${unit.key}: no set ${String(i)} in this config`);
      }
      // a run's key takes its variant's position among all of the config's variants
      const variants = [...new Set(specs.map((s) => s.variant))];
      const sp = { ...specs[i], seeds: [...unit.seeds] };
      return await runCumSet(ctx, caseTag, variants.indexOf(sp.variant), sp);
    },
    resultSchema: cumUnitResultSchema,
    assemble: (_c, parts) => assembleCum(parts),
  };
}

/**
 * The members every `cum.*` case fills the same way: cost estimate, seed count and the work units
 * of {@link planSets} under the stream tag `caseTag` (`run` comes from them through `defineCase`).
 */
export function cumRunner<C extends CumConfig & Record<string, unknown>>(
  caseTag: string,
): Pick<Case<C, CumMeasurement, unknown>, "estimateSeconds" | "defaultSeeds" | "units"> & {
  units: WorkUnits<C, CumMeasurement, CumUnitResult>;
} {
  return {
    estimateSeconds: (c) => estimateCumSeconds(c),
    defaultSeeds: (c) => c.seeds,
    units: cumUnits<C>(caseTag),
  };
}

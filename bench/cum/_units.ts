/**
 * The work units of the Paper B sample-complexity cases: one unit per variant (main or a control)
 * and d, holding that d's step-size sets of {@link planSets} with all of their seeds.
 *
 * Why so: the runs of one variant and d are one batch for the SGD kernels — on WebGPU its
 * step-size sets run in one dispatch series (one invocation per run, so a GPU trains 8 or 384
 * runs in about the same wall time), on the CPU over the workers, set after set — and splitting
 * their seeds would add nothing on a GPU but serial dispatches. The quick profile's largest unit
 * (cum.quartic-cubic, d = 24, two step sizes) is estimated at 197 s raw, 26 s after the
 * calibration factor; the cases have 6, 6 and 9 units at quick.
 * @module
 */
import { z } from "../../deps.ts";
import type { Case, UnitPart, UnitSpec, WorkUnits } from "../case.ts";
import { type CumMeasurement, type CumUnitResult, runCumSets } from "./_experiment.ts";
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
  sets: z.array(runSetSchema).min(1),
}).strict() as unknown as z.ZodType<CumUnitResult>;

/**
 * The units of a config and the case's seeds, in {@link planSets} order: consecutive sets of one
 * variant and d form a unit (`part`: the first set's index and the set count), keyed
 * `<main|ctl<j>>;d=<d>;seeds=<a-b>` (a repeated key gets `;dup=<n>`), each costing its sets'
 * estimates (so the costs sum to the case's estimate).
 */
export function planCumUnits(c: CumConfig, seeds: readonly number[]): UnitSpec[] {
  const specs = planSets(c, seeds);
  const seen = new Map<string, number>();
  const units: UnitSpec[] = [];
  for (let from = 0; from < specs.length;) {
    const { tag, d } = specs[from];
    let to = from + 1;
    while (to < specs.length && specs[to].tag === tag && specs[to].d === d) to++;
    const group = specs.slice(from, to);
    const base = `${tag};d=${d};${seedsKey(group[0].seeds)}`;
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    units.push({
      key: n ? `${base};dup=${n}` : base,
      seeds: group[0].seeds,
      cost: group.reduce((s, sp) => s + setSeconds(sp), 0),
      part: { set: from, sets: to - from },
    });
    from = to;
  }
  return units;
}

/** The measurement from the units' results (their sets, in plan order). */
export function assembleCum(parts: readonly UnitPart<CumUnitResult>[]): CumMeasurement {
  const backends = [...new Set(parts.map((p) => p.result.backend))];
  if (backends.length > 1) {
    throw new Error(
      `the units of this case ran on different backends (${backends.join(", ")}); ` +
        "run them all on one backend",
    );
  }
  for (const { unit, result } of parts) {
    for (const set of result.sets) {
      if (set.seeds.join(",") !== unit.seeds.join(",")) {
        throw new Error(`unit ${unit.key}: its result holds seeds [${set.seeds.join(", ")}]`);
      }
    }
    if (result.sets.length !== unit.part?.sets) {
      throw new Error(`unit ${unit.key}: its result holds ${result.sets.length} set(s)`);
    }
  }
  return { backend: backends[0] ?? "cpu", sets: parts.flatMap((p) => p.result.sets) };
}

/** The work units of a `cum.*` case whose runs draw from the stream tag `cum.<caseTag>`. */
export function cumUnits<C extends CumConfig>(
  caseTag: string,
): WorkUnits<C, CumMeasurement, CumUnitResult> {
  return {
    plan: planCumUnits,
    async run(ctx, c, unit) {
      const specs = planSets(c, []);
      const from = unit.part?.set, n = unit.part?.sets;
      const whole = (x: unknown): x is number => typeof x === "number" && Number.isInteger(x);
      if (!whole(from) || !whole(n) || from < 0 || n < 1 || from + n > specs.length) {
        throw new Error(`unit ${unit.key}: no sets ${String(from)}+${String(n)} in this config`);
      }
      const group = specs.slice(from, from + n).map((sp) => ({ ...sp, seeds: [...unit.seeds] }));
      if (group.some((sp) => sp.variant !== group[0].variant)) {
        throw new Error(`unit ${unit.key}: its sets are of different variants`);
      }
      // a run's key takes its variant's position among all of the config's variants
      const variants = [...new Set(specs.map((s) => s.variant))];
      return await runCumSets(ctx, caseTag, variants.indexOf(group[0].variant), group);
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

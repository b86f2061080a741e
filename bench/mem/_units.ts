/**
 * The work units of the Paper C cases: batches of trials (seeds), each running every d and n/d
 * of the grid for its own trials; the measurement is the units' trial rows stacked in plan order.
 * A trial's numbers depend only on its seed (every stream is keyed by the seed value and d), so
 * the stacked rows equal those of one run over all seeds, bit for bit.
 * @module
 */
import type { WorkUnits } from "../case.ts";
import { seedBatchUnits } from "../seed_batches.ts";
import {
  type ConventionMeasurement,
  type DimMeasurement,
  runMemExperiment,
} from "./_experiment.ts";
import { memMeasurementSchema } from "./_common.ts";
import type { MemExperimentConfig } from "./_experiment.ts";

/**
 * The units of a Paper C case: `seedsPerUnit` trials each (`withDelta` false skips the kernel
 * sums); `estimate` is the case's estimate of a config, used for each unit's cost with the
 * unit's trial count as `seeds`.
 */
export function memUnits<C extends MemExperimentConfig & { seeds: number }>(
  withDelta: boolean,
  seedsPerUnit: number,
  estimate: (c: C) => number,
): WorkUnits<C, DimMeasurement[], DimMeasurement[]> {
  return {
    plan: (config, seeds) =>
      seedBatchUnits(seeds, seedsPerUnit, (n) => estimate({ ...config, seeds: n })),
    run: (ctx, config) => runMemExperiment(ctx, config, withDelta),
    resultSchema: memMeasurementSchema,
    assemble: (_config, parts) => stackTrials(parts.map((p) => p.result)),
  };
}

/**
 * The trial rows of several runs over the same grid, stacked per d and convention in the given
 * order. Throws when the runs do not share their grid (d, n) and conventions.
 */
export function stackTrials(runs: readonly DimMeasurement[][]): DimMeasurement[] {
  if (!runs.length) throw new Error("mem: no unit results to assemble");
  const [first] = runs;
  return first.map((dm, k) => {
    const at = runs.map((r, u) => {
      const x = r[k];
      if (
        !x || r.length !== first.length || x.d !== dm.d ||
        x.ns.join() !== dm.ns.join() ||
        Object.keys(x.conventions).join() !== Object.keys(dm.conventions).join()
      ) {
        throw new Error(`mem: unit ${u} measured another grid than unit 0 (at d=${dm.d})`);
      }
      return x;
    });
    const conventions: DimMeasurement["conventions"] = {};
    for (const c of Object.keys(dm.conventions) as (keyof DimMeasurement["conventions"])[]) {
      const rows = (f: keyof ConventionMeasurement) => at.flatMap((x) => x.conventions[c]![f]);
      conventions[c] = {
        deltaPositive: rows("deltaPositive") as ConventionMeasurement["deltaPositive"],
        h2: rows("h2") as ConventionMeasurement["h2"],
        traceOverD: rows("traceOverD") as ConventionMeasurement["traceOverD"],
      };
    }
    return { d: dm.d, ns: dm.ns, ratios: dm.ratios, conventions };
  });
}

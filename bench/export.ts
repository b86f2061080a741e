/**
 * The tidy tables of a results document, with each case's `runs` rows from its own `tidyRuns`
 * (or the generic breakdown of its measurement when it declares none).
 * @module
 */
import type { AnyCase } from "./case.ts";
import { decodeStored } from "./judge.ts";
import type { Results } from "../reports/schema.ts";
import {
  checksRows,
  flattenMeasurement,
  provenanceRow,
  runsRows,
  type TidyRunInput,
} from "../reports/tidy.ts";
import type { TidyTables } from "../reports/tidy_write.ts";

/** The `runs`, `checks` and `provenance` rows of `results`; `lookup` finds a case by id. */
export function tidyTables(
  results: Results,
  lookup: (id: string) => AnyCase | undefined,
): TidyTables {
  const runs = Object.entries(results.cases).flatMap(([id, r]) => {
    if (r.status !== "done" || r.measurement === null) return [];
    const c = lookup(id);
    let inputs: TidyRunInput[];
    try {
      const m = c ? decodeStored(c, r.measurement) : r.measurement;
      inputs = c?.tidyRuns ? c.tidyRuns(m, r.config) : flattenMeasurement(m);
    } catch {
      // a measurement this code cannot read (another case version): its raw numbers
      inputs = flattenMeasurement(r.measurement);
    }
    return runsRows(results, id, inputs);
  });
  return { runs, checks: checksRows(results), provenance: [provenanceRow(results)] };
}

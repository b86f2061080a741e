/**
 * Times reading N synthetic runs through DuckDB (the run store that `publish` and `history`
 * share) and the two pages built from it (default 300 runs):
 * `deno run -A scripts/publish_timing.ts 300`. Half the runs get their tidy tables beside them
 * first (as `run` writes them); the others are read from their JSON. Prints the load average
 * beside the numbers.
 * @module
 */
import { join } from "node:path";
import { syntheticRun, writeSyntheticRuns } from "../reports/synthetic_runs.ts";
import { loadRunStore } from "../reports/run_store.ts";
import { publishHtml } from "../reports/publish.ts";
import { buildHistory } from "../reports/history.ts";
import { writeHistory } from "../reports/write_history.ts";
import { checksRows, provenanceRow } from "../reports/tidy.ts";
import { writeTidyTables } from "../reports/tidy_write.ts";

const n = Number(Deno.args[0] ?? 12);
const root = await Deno.makeTempDir();
const runs = join(root, "runs");
await writeSyntheticRuns(runs, n);
for (let i = 0; i < n; i += 2) {
  const r = syntheticRun(i);
  const t = { runs: [], checks: checksRows(r), provenance: [provenanceRow(r)] };
  await writeTidyTables(t, join(runs, r.runId), ["parquet"]);
}
const time = async <T>(what: string, f: () => Promise<T>): Promise<T> => {
  const t = performance.now();
  const out = await f();
  console.log(what, ((performance.now() - t) / 1000).toFixed(2), "s");
  return out;
};
const store = await time(`store over ${n} runs (publish)`, () => loadRunStore(runs));
console.log(
  `  ${store.runs.length} runs, ${store.checks.length} check rows, ${store.fromJson} from JSON`,
);
await time("publish page", () => publishHtml(store, "../runs"));
const all = await time(
  `store over ${n} runs (history)`,
  () => loadRunStore(runs, { documents: "all" }),
);
await time(
  "history pages (no SVG)",
  async () =>
    await writeHistory(buildHistory(all), join(root, "history"), { svg: false, bundles: null }),
);
console.log("load average", Deno.loadavg().map((x) => x.toFixed(2)).join(" "));
await Deno.remove(root, { recursive: true });

/**
 * Times \`publish\`'s two phases over N synthetic runs (default 300):
 * \`deno run -A scripts/publish_timing.ts 300\`. Prints the load average beside the numbers.
 * @module
 */
import { writeSyntheticRuns } from "../reports/synthetic_runs.ts";
import { loadRunStore } from "../reports/run_store.ts";
import { publishHtml } from "../reports/publish.ts";
const n = Number(Deno.args[0] ?? 12);
const root = await Deno.makeTempDir();
await writeSyntheticRuns(root + "/runs", n);
let t = performance.now();
const store = await loadRunStore(root + "/runs", root + "/cache");
console.log("store", n, (performance.now() - t).toFixed(0), "ms");
t = performance.now();
const html = await publishHtml(store, "../runs");
console.log("html", (performance.now() - t).toFixed(0), "ms", html.length, "bytes");
console.log("load average", Deno.loadavg().map((x) => x.toFixed(2)).join(" "));

/**
 * Lints every chart of a run (`reports/chart_lint.ts`): NaN/undefined/null in titles or labels,
 * untitled axes, overlapping text, missing legend entries of measured-vs-predicted charts.
 * `deno run -A scripts/lint_charts.ts <results.json | run dir>`; exits 1 when a chart has a
 * defect, and prints one line per chart.
 * @module
 */
import { lintChart } from "../reports/chart_lint.ts";
import { readResults } from "../reports/schema.ts";
import { requiredLegendEntries } from "../reports/chart_lint.ts";
import { terminalSafe } from "../reports/terminal_safe.ts";

const arg = Deno.args[0] ?? "results";
const file = (await Deno.stat(arg)).isDirectory ? `${arg}/results.json` : arg;
const results = await readResults(file);
let bad = 0, n = 0;
for (const [id, c] of Object.entries(results.cases)) {
  for (const ch of c.charts) {
    n++;
    const defects = await lintChart(ch.spec);
    const legends = requiredLegendEntries(ch.spec).map((r) => r.need.join(" + ")).join("; ");
    if (defects.length) bad++;
    console.log(
      terminalSafe(
        `${defects.length ? "FAIL" : "ok  "} ${id} ${ch.id}${
          legends ? ` [legend: ${legends}]` : ""
        }${defects.map((d) => `\n     ${d.kind}: ${d.detail}`).join("")}`,
      ),
    );
  }
}
console.log(`${n} chart(s), ${bad} with defects`);
if (bad) Deno.exit(1);

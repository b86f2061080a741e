/**
 * Write a history into a folder: `history.md`, `history.html`, and per check series
 * `history-charts/<stem>.vl.json` and `.svg`. Every file is written atomically.
 * @module
 */
import { join } from "node:path";
import { atomicWriteTextFile } from "./atomic_write.ts";
import { type History, historyChart } from "./history.ts";
import { historyHtml } from "./history_html.ts";
import { historyMarkdown, seriesStem } from "./history_md.ts";
import { renderSvg } from "./render_svg.ts";
import { loadVegaBundles, type VegaBundles } from "./vega_bundles.ts";
import type { WrittenReport } from "./write_report.ts";

/**
 * Write the history files under `outDir` (created if missing).
 *
 * @example
 * ```ts ignore
 * import { buildHistory, loadHistoryRuns } from "./history.ts";
 * import { writeHistory } from "./write_history.ts";
 * await writeHistory(buildHistory((await loadHistoryRuns("results")).inputs), "results/history");
 * ```
 */
export async function writeHistory(
  hist: History,
  outDir: string,
  opts: { svg?: boolean; bundles?: VegaBundles | null } = {},
): Promise<WrittenReport> {
  const chartDir = "history-charts";
  await Deno.mkdir(join(outDir, chartDir), { recursive: true });
  const files: string[] = [];
  const warnings: string[] = [];
  const write = async (rel: string, text: string) => {
    const path = join(outDir, rel);
    await atomicWriteTextFile(path, text);
    files.push(path);
  };
  const svgs: Record<string, string> = {};
  for (let k = 0; k < hist.series.length; k++) {
    const stem = seriesStem(hist, k);
    const spec = historyChart(hist.series[k], hist.runs);
    await write(`${chartDir}/${stem}.vl.json`, JSON.stringify(spec, null, 2) + "\n");
    if (opts.svg === false) continue;
    try {
      svgs[stem] = await renderSvg(spec, {
        onWarning: (m) => {
          const w = `chart ${stem}: ${m}`;
          if (!warnings.includes(w)) warnings.push(w);
        },
      });
      await write(`${chartDir}/${stem}.svg`, svgs[stem]);
    } catch (e) {
      warnings.push(`chart ${stem} did not render to SVG: ${e instanceof Error ? e.message : e}`);
    }
  }
  await write(
    "history.md",
    historyMarkdown(hist, { chartDir: opts.svg === false ? undefined : chartDir }),
  );
  let bundles = opts.bundles;
  if (bundles === undefined) {
    try {
      bundles = await loadVegaBundles();
    } catch (e) {
      warnings.push(`history.html has static charts only: ${e instanceof Error ? e.message : e}`);
      bundles = null;
    }
  }
  await write("history.html", historyHtml(hist, svgs, bundles, chartDir));
  return { files, warnings };
}

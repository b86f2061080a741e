/**
 * Write a history into a folder: `history.md`, `history.html`, and per check series
 * `history-charts/<stem>.vl.json` and `.svg`. Every file is written atomically, and the folder
 * is staged: it is updated whole or not at all.
 * @module
 */
import { type History, historyChart } from "./history.ts";
import { historyHtml } from "./history_html.ts";
import { historyMarkdown, seriesStem } from "./history_md.ts";
import type { VegaBundles } from "./vega_bundles.ts";
import { ReportFolder, type WrittenReport } from "./write_charts.ts";

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
export function writeHistory(
  hist: History,
  outDir: string,
  opts: { svg?: boolean; bundles?: VegaBundles | null; signal?: AbortSignal } = {},
): Promise<WrittenReport> {
  const chartDir = "history-charts";
  return ReportFolder.produce(outDir, chartDir, opts.signal, async (dir) => {
    const svgs = await dir.writeCharts(
      chartDir,
      hist.series.map((s, k) => {
        const stem = seriesStem(hist, k);
        return { key: stem, stem, spec: historyChart(s, hist.runs) };
      }),
      opts.svg !== false,
    );
    await dir.write(
      "history.md",
      historyMarkdown(hist, { chartDir: opts.svg === false ? undefined : chartDir }),
    );
    const bundles = await dir.bundles("history.html", opts.bundles);
    await dir.write("history.html", historyHtml(hist, svgs, bundles, chartDir));
    return dir.result();
  });
}

/**
 * Write the whole report of a results document into a folder: `report.html`, `summary.md`,
 * `junit.xml`, and per chart `charts/<caseId>--<chartId>.vl.json` and `.svg`. Every file is
 * written atomically.
 * @module
 */
import { chartFileStem, chartKey, orderedCaseIds } from "./_format.ts";
import { reportHtml, type ReportHtmlOptions } from "./html.ts";
import { junitXml } from "./junit.ts";
import type { Results } from "./schema.ts";
import { summaryMarkdown } from "./summary_md.ts";
import { ReportFolder, type WrittenReport } from "./write_charts.ts";

export type { WrittenReport };

/** Options of {@link writeReport}. */
export interface WriteReportOptions {
  /** Render each chart to SVG (default true). */
  svg?: boolean;
  /** Passed to the HTML writer (e.g. `bundles: null` for a page without inlined scripts). */
  html?: Pick<ReportHtmlOptions, "bundles">;
}

/**
 * Write the report files of `results` under `outDir` (created if missing).
 *
 * @example
 * ```ts ignore
 * import { writeReport } from "./write_report.ts";
 * import { readResults } from "./schema.ts";
 * const { files } = await writeReport(await readResults("results/x/results.json"), "results/x");
 * ```
 */
export async function writeReport(
  results: Results,
  outDir: string,
  opts: WriteReportOptions = {},
): Promise<WrittenReport> {
  const chartDir = "charts";
  const dir = await ReportFolder.open(outDir, chartDir);
  const svgs = await dir.writeCharts(
    chartDir,
    orderedCaseIds(results).flatMap((id) =>
      results.cases[id].charts.map((ch) => ({
        key: chartKey(id, ch.id),
        stem: chartFileStem(id, ch.id),
        spec: ch.spec,
      }))
    ),
    opts.svg !== false,
  );
  await dir.write("summary.md", summaryMarkdown(results, { chartDir }));
  await dir.write("junit.xml", junitXml(results));
  const bundles = await dir.bundles("report.html", opts.html?.bundles);
  await dir.write("report.html", await reportHtml(results, svgs, { chartDir, bundles }));
  return dir.result();
}

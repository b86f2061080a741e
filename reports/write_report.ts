/**
 * Write the whole report of a results document into a folder: `report.html`, `summary.md`,
 * `junit.xml`, and per chart `charts/<caseId>--<chartId>.vl.json` and `.svg`. Every file is
 * written atomically, and the folder is staged: it is updated whole or not at all.
 * @module
 */
import { chartFileStem, chartKey, orderedCaseIds } from "./format.ts";
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
  /** Stops the writer between files; the folder is then left as it was. */
  signal?: AbortSignal;
  /** More files to write into the same folder, by relative path (e.g. merge's results.json). */
  alsoWrite?: Record<string, string>;
  /**
   * Writes more files into the staging folder it is given (e.g. the tidy tables) and returns
   * their paths; they reach `outDir` with the report, or not at all.
   */
  alsoProduce?: (stagingDir: string) => Promise<string[]>;
}

/**
 * Write the report files of `results` under `outDir` (created if missing). File-system faults
 * are `FsError`s; on a fault or an interrupt `outDir` is left as it was.
 *
 * @example
 * ```ts ignore
 * import { writeReport } from "./write_report.ts";
 * import { readResults } from "./schema.ts";
 * const { files } = await writeReport(await readResults("results/x/results.json"), "results/x");
 * ```
 */
export function writeReport(
  results: Results,
  outDir: string,
  opts: WriteReportOptions = {},
): Promise<WrittenReport> {
  const chartDir = "charts";
  return ReportFolder.produce(outDir, chartDir, opts.signal, async (dir) => {
    for (const [rel, text] of Object.entries(opts.alsoWrite ?? {})) await dir.write(rel, text);
    if (opts.alsoProduce) await dir.alsoProduce(opts.alsoProduce);
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
  });
}

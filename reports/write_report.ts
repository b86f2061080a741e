/**
 * Write the whole report of a results document into a folder: `report.html`, `summary.md`,
 * `junit.xml`, and per chart `charts/<caseId>--<chartId>.vl.json` and `.svg`. Every file is
 * written atomically.
 * @module
 */
import { join } from "node:path";
import { atomicWriteTextFile } from "./atomic_write.ts";
import { chartFileStem, chartKey, orderedCaseIds } from "./_format.ts";
import { reportHtml, type ReportHtmlOptions } from "./html.ts";
import { junitXml } from "./junit.ts";
import { renderSvg } from "./render_svg.ts";
import type { Results } from "./schema.ts";
import { summaryMarkdown } from "./summary_md.ts";
import { loadVegaBundles } from "./vega_bundles.ts";

/** Options of {@link writeReport}. */
export interface WriteReportOptions {
  /** Render each chart to SVG (default true). */
  svg?: boolean;
  /** Passed to the HTML writer (e.g. `bundles: null` for a page without inlined scripts). */
  html?: Pick<ReportHtmlOptions, "bundles">;
}

/**
 * What {@link writeReport} wrote, and what went wrong without stopping it (a chart that failed
 * to render, Vega-Lite warnings, interactive charts unavailable).
 */
export interface WrittenReport {
  /** Paths of the files written (outDir joined with the file name). */
  files: string[];
  /** Problems that did not stop the report, one sentence each. */
  warnings: string[];
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
  await Deno.mkdir(join(outDir, chartDir), { recursive: true });
  const files: string[] = [];
  const warnings: string[] = [];
  const write = async (rel: string, text: string) => {
    const path = join(outDir, rel);
    await atomicWriteTextFile(path, text);
    files.push(path);
  };
  const svgs: Record<string, string> = {};
  for (const id of orderedCaseIds(results)) {
    for (const chart of results.cases[id].charts) {
      const stem = chartFileStem(id, chart.id);
      await write(`${chartDir}/${stem}.vl.json`, JSON.stringify(chart.spec, null, 2) + "\n");
      if (opts.svg === false) continue;
      try {
        const key = chartKey(id, chart.id);
        const svg = await renderSvg(chart.spec, {
          onWarning: (m) => {
            const w = `chart ${key}: ${m}`;
            if (!warnings.includes(w)) warnings.push(w);
          },
        });
        svgs[chartKey(id, chart.id)] = svg;
        await write(`${chartDir}/${stem}.svg`, svg);
      } catch (e) {
        warnings.push(
          `chart ${chartKey(id, chart.id)} did not render to SVG: ${
            e instanceof Error ? e.message : e
          }`,
        );
      }
    }
  }
  await write("summary.md", summaryMarkdown(results, { chartDir }));
  await write("junit.xml", junitXml(results));
  let bundles = opts.html?.bundles;
  if (bundles === undefined) {
    try {
      bundles = await loadVegaBundles();
    } catch (e) {
      warnings.push(
        `report.html has static charts only: ${e instanceof Error ? e.message : e}`,
      );
      bundles = null;
    }
  }
  await write("report.html", await reportHtml(results, svgs, { chartDir, bundles }));
  return { files, warnings };
}

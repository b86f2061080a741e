/**
 * Write a comparison into a folder: `compare.md`, `compare.html`, `compare.json` (the
 * {@link Comparison}, for machines) and per chart `compare-charts/<caseId>--<chartId>.vl.json`
 * and `.svg` (both runs overlaid). Every file is written atomically, and the folder is staged:
 * it is updated whole or not at all.
 * @module
 */
import { chartFileStem, chartKey } from "./format.ts";
import type { Comparison } from "./compare.ts";
import { compareHtml } from "./compare_html.ts";
import { compareMarkdown } from "./compare_md.ts";
import { jsonSafe } from "./schema.ts";
import type { VegaBundles } from "./vega_bundles.ts";
import { ReportFolder, type WrittenReport } from "./write_charts.ts";

/** Options of {@link writeCompare}. */
export interface WriteCompareOptions {
  /** Render each overlay chart to SVG (default true). */
  svg?: boolean;
  /** Browser builds to inline (default: read from node_modules); `null` = static only. */
  bundles?: VegaBundles | null;
  /** Stops the writer between files; the folder is then left as it was. */
  signal?: AbortSignal;
}

/**
 * Write the comparison files under `outDir` (created if missing); returns the Markdown too.
 *
 * @example
 * ```ts ignore
 * import { writeCompare } from "./write_compare.ts";
 * const { files } = await writeCompare(cmp, "results/compare");
 * ```
 */
export function writeCompare(
  cmp: Comparison,
  outDir: string,
  opts: WriteCompareOptions = {},
): Promise<WrittenReport & { markdown: string }> {
  const chartDir = "compare-charts";
  return ReportFolder.produce(outDir, chartDir, opts.signal, async (dir) => {
    const svgs = await dir.writeCharts(
      chartDir,
      cmp.cases.flatMap((c) =>
        c.charts.map((ch) => ({
          key: chartKey(c.id, ch.id),
          stem: chartFileStem(c.id, ch.id),
          spec: ch.spec,
        }))
      ),
      opts.svg !== false,
    );
    const markdown = compareMarkdown(cmp, { chartDir: opts.svg === false ? undefined : chartDir });
    await dir.write("compare.md", markdown);
    await dir.write("compare.json", JSON.stringify(jsonSafe(cmp), null, 1) + "\n");
    const bundles = await dir.bundles("compare.html", opts.bundles);
    await dir.write("compare.html", compareHtml(cmp, { svgs, chartDir, bundles }));
    return { ...dir.result(), markdown };
  });
}

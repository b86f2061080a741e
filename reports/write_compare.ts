/**
 * Write a comparison into a folder: `compare.md`, `compare.html`, `compare.json` (the
 * {@link Comparison}, for machines) and per chart `compare-charts/<caseId>--<chartId>.vl.json`
 * and `.svg` (both runs overlaid). Every file is written atomically.
 * @module
 */
import { join } from "node:path";
import { atomicWriteTextFile } from "./atomic_write.ts";
import { chartFileStem, chartKey } from "./_format.ts";
import type { Comparison } from "./compare.ts";
import { compareHtml } from "./compare_html.ts";
import { compareMarkdown } from "./compare_md.ts";
import { renderSvg } from "./render_svg.ts";
import { jsonSafe } from "./schema.ts";
import { loadVegaBundles, type VegaBundles } from "./vega_bundles.ts";
import type { WrittenReport } from "./write_report.ts";

/** Options of {@link writeCompare}. */
export interface WriteCompareOptions {
  /** Render each overlay chart to SVG (default true). */
  svg?: boolean;
  /** Browser builds to inline (default: read from node_modules); `null` = static only. */
  bundles?: VegaBundles | null;
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
export async function writeCompare(
  cmp: Comparison,
  outDir: string,
  opts: WriteCompareOptions = {},
): Promise<WrittenReport & { markdown: string }> {
  const chartDir = "compare-charts";
  await Deno.mkdir(join(outDir, chartDir), { recursive: true });
  const files: string[] = [];
  const warnings: string[] = [];
  const write = async (rel: string, text: string) => {
    const path = join(outDir, rel);
    await atomicWriteTextFile(path, text);
    files.push(path);
  };
  const svgs: Record<string, string> = {};
  for (const c of cmp.cases) {
    for (const ch of c.charts) {
      const stem = chartFileStem(c.id, ch.id), key = chartKey(c.id, ch.id);
      await write(`${chartDir}/${stem}.vl.json`, JSON.stringify(ch.spec, null, 2) + "\n");
      if (opts.svg === false) continue;
      try {
        svgs[key] = await renderSvg(ch.spec, {
          onWarning: (m) => {
            const w = `chart ${key}: ${m}`;
            if (!warnings.includes(w)) warnings.push(w);
          },
        });
        await write(`${chartDir}/${stem}.svg`, svgs[key]);
      } catch (e) {
        warnings.push(`chart ${key} did not render to SVG: ${e instanceof Error ? e.message : e}`);
      }
    }
  }
  const markdown = compareMarkdown(cmp, { chartDir: opts.svg === false ? undefined : chartDir });
  await write("compare.md", markdown);
  await write("compare.json", JSON.stringify(jsonSafe(cmp), null, 1) + "\n");
  let bundles = opts.bundles;
  if (bundles === undefined) {
    try {
      bundles = await loadVegaBundles();
    } catch (e) {
      warnings.push(`compare.html has static charts only: ${e instanceof Error ? e.message : e}`);
      bundles = null;
    }
  }
  await write("compare.html", compareHtml(cmp, { svgs, chartDir, bundles }));
  return { files, warnings, markdown };
}

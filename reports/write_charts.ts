/**
 * Shared steps of the folder writers (`writeReport`, `writeCompare`, `writeHistory`): an
 * output folder that writes each file atomically and records it, the charts written as
 * `.vl.json` and rendered to `.svg` with their problems collected as warnings, and the vega
 * builds for the HTML page. Internal to `reports/`.
 * @module
 */
import { join } from "node:path";
import { atomicWriteTextFile } from "./atomic_write.ts";
import { renderSvg } from "./render_svg.ts";
import { sanitizeSpec } from "./sanitize_spec.ts";
import { loadVegaBundles, type VegaBundles } from "./vega_bundles.ts";

/**
 * What a folder writer wrote, and what went wrong without stopping it (a chart that failed
 * to render, Vega-Lite warnings, interactive charts unavailable).
 */
export interface WrittenReport {
  /** Paths of the files written (outDir joined with the file name). */
  files: string[];
  /** Problems that did not stop the report, one sentence each. */
  warnings: string[];
}

/** A chart to write: its spec, file stem, and the key that names it in warnings and `svgs`. */
export interface ChartFile {
  key: string;
  stem: string;
  spec: Record<string, unknown>;
}

/** An error's message on one line, at most 300 characters. */
const message = (e: unknown) => {
  const m = (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, " ");
  return m.length > 300 ? `${m.slice(0, 300)}…` : m;
};

/** An output folder: writes files atomically and keeps the list of files and warnings. */
export class ReportFolder implements WrittenReport {
  readonly files: string[] = [];
  readonly warnings: string[] = [];

  private constructor(readonly outDir: string) {}

  /** The folder `outDir` with its subfolder `chartDir`, created if missing. */
  static async open(outDir: string, chartDir: string): Promise<ReportFolder> {
    await Deno.mkdir(join(outDir, chartDir), { recursive: true });
    return new ReportFolder(outDir);
  }

  /** Write `text` to `rel` (relative to the folder) atomically. */
  async write(rel: string, text: string): Promise<void> {
    const path = join(this.outDir, rel);
    await atomicWriteTextFile(path, text);
    this.files.push(path);
  }

  /**
   * Write each chart's spec, sanitized ({@link sanitizeSpec}), to `<chartDir>/<stem>.vl.json`
   * and, when `svg` is true, render it to `<chartDir>/<stem>.svg`. What the sanitizer removed,
   * a chart that fails to render, and each distinct Vega-Lite warning become warnings (one
   * line each); a chart that fails does not stop the others. Returns the SVGs by chart key.
   */
  async writeCharts(
    chartDir: string,
    charts: Iterable<ChartFile>,
    svg: boolean,
  ): Promise<Record<string, string>> {
    const svgs: Record<string, string> = {};
    for (const chart of charts) {
      const { key, stem } = chart;
      const { spec, notes } = sanitizeSpec(chart.spec);
      if (notes.length) {
        this.warnings.push(
          `chart ${key}: ${notes.length}${notes.length >= 100 ? "+" : ""} unsafe part(s) removed ` +
            `(first: ${notes[0].path}: ${notes[0].what})`,
        );
      }
      await this.write(`${chartDir}/${stem}.vl.json`, JSON.stringify(spec, null, 2) + "\n");
      if (!svg) continue;
      try {
        const text = await renderSvg(spec, {
          onWarning: (m) => {
            const w = `chart ${key}: ${m}`;
            if (!this.warnings.includes(w)) this.warnings.push(w);
          },
        });
        svgs[key] = text;
        await this.write(`${chartDir}/${stem}.svg`, text);
      } catch (e) {
        this.warnings.push(`chart ${key} did not render to SVG: ${message(e)}`);
      }
    }
    return svgs;
  }

  /**
   * The vega builds for the HTML page `page`: `given` when set (`null` = static only), else
   * read from node_modules; when they cannot be read, a warning and `null`.
   */
  async bundles(page: string, given?: VegaBundles | null): Promise<VegaBundles | null> {
    if (given !== undefined) return given;
    try {
      return await loadVegaBundles();
    } catch (e) {
      this.warnings.push(`${page} has static charts only: ${message(e)}`);
      return null;
    }
  }

  /** The files written and the warnings so far. */
  result(): WrittenReport {
    return { files: [...this.files], warnings: [...this.warnings] };
  }
}

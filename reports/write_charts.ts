/**
 * Shared steps of the folder writers (`writeReport`, `writeCompare`, `writeHistory`): an
 * output folder that writes each file atomically and records it, the charts written as
 * `.vl.json` and rendered to `.svg` with their problems collected as warnings, and the vega
 * builds for the HTML page; the folder is staged and appears whole or not at all. Internal to
 * `reports/`.
 * @module
 */
import { join, relative } from "node:path";
import { atomicWriteTextFile } from "./atomic_write.ts";
import { faultPoint } from "./fault_seam.ts";
import { describeOsError, FsError, fsStep } from "./fs_error.ts";
import { StagedDir } from "./staged_dir.ts";
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

/**
 * An output folder written in full or not at all: files go into a {@link StagedDir} and
 * reach `outDir` only at {@link ReportFolder.commit}. Each write first checks `signal` (an
 * interrupt stops the writer, and the staging folder is discarded).
 */
export class ReportFolder implements WrittenReport {
  readonly files: string[] = [];
  readonly warnings: string[] = [];

  private constructor(
    readonly outDir: string,
    private readonly stage: StagedDir,
    private readonly signal?: AbortSignal,
  ) {}

  /** Stage the folder `outDir` with its subfolder `chartDir`. */
  static async open(outDir: string, chartDir: string, signal?: AbortSignal): Promise<ReportFolder> {
    signal?.throwIfAborted();
    const stage = await StagedDir.create(outDir);
    try {
      await fsStep("cannot create the output folder", outDir, async () => {
        faultPoint("mkdir", join(stage.path, chartDir));
        await Deno.mkdir(join(stage.path, chartDir), { recursive: true });
      });
    } catch (e) {
      await stage.discard();
      throw e;
    }
    return new ReportFolder(outDir, stage, signal);
  }

  /**
   * Run `fill` on a folder opened for `outDir`, then commit it; on any error or interrupt the
   * staging folder is discarded and `outDir` is left as it was.
   */
  static async produce<T>(
    outDir: string,
    chartDir: string,
    signal: AbortSignal | undefined,
    fill: (dir: ReportFolder) => Promise<T>,
  ): Promise<T> {
    const dir = await ReportFolder.open(outDir, chartDir, signal);
    try {
      const out = await fill(dir);
      signal?.throwIfAborted();
      await dir.stage.commit();
      return out;
    } catch (e) {
      await dir.stage.discard();
      throw e;
    }
  }

  /**
   * Let `produce` write files of its own into the staging folder (given as its argument): they
   * are committed with the rest. Returns the final paths of the files it reports.
   */
  async alsoProduce(produce: (stagingDir: string) => Promise<string[]>): Promise<void> {
    this.signal?.throwIfAborted();
    const made = await produce(this.stage.path).catch((e) => {
      // an OS error names a file in the staging folder: name the output folder instead
      const fs = describeOsError(e);
      throw fs
        ? new FsError("cannot write the file", this.outDir, fs.code, fs.reason, fs.advice)
        : e;
    });
    for (const f of made) this.files.push(join(this.outDir, relative(this.stage.path, f)));
  }

  /** Write `text` to `rel` (relative to the folder) atomically. */
  async write(rel: string, text: string): Promise<void> {
    this.signal?.throwIfAborted();
    await atomicWriteTextFile(join(this.stage.path, rel), text).catch((e) => {
      // name the final path, not the staging one
      throw e instanceof FsError
        ? new FsError(e.what, join(this.outDir, rel), e.code, e.reason, e.advice)
        : e;
    });
    this.files.push(join(this.outDir, rel));
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
      } catch (e) {
        this.warnings.push(`chart ${key} did not render to SVG: ${message(e)}`);
        continue;
      }
      // outside the try: a disk fault is not a chart that failed to render
      await this.write(`${chartDir}/${stem}.svg`, svgs[key]);
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

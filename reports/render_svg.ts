/**
 * Headless SVG rendering of a chart spec: Vega-Lite is compiled to Vega, run in a `View`
 * without a renderer, and serialized with `toSVG()`. Works offline: the loader refuses every
 * URL, so a spec must carry its data inline (as the case charts do).
 * @module
 */
import { loadVega } from "../deps.ts";

/** Options of {@link renderSvg}. */
export interface RenderSvgOptions {
  /** Scale factor of the SVG's width and height (default 1). */
  scale?: number;
}

/** Whether a spec is a Vega (not Vega-Lite) spec, judged by its `$schema`. */
export function isVegaSpec(spec: Record<string, unknown>): boolean {
  const schema = spec.$schema;
  return typeof schema === "string" && /\/schema\/vega\/v\d/.test(schema);
}

/**
 * Render a Vega-Lite (or Vega) spec with inlined data to an SVG document string.
 *
 * @example
 * ```ts
 * import { renderSvg } from "./render_svg.ts";
 * const svg = await renderSvg({
 *   data: { values: [{ x: 1, y: 2 }, { x: 2, y: 3 }] },
 *   mark: "point",
 *   encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
 * });
 * svg.startsWith("<svg");
 * ```
 */
export async function renderSvg(
  spec: Record<string, unknown>,
  opts: RenderSvgOptions = {},
): Promise<string> {
  const { vega, vl } = await loadVega();
  // deno-lint-ignore no-explicit-any
  const vgSpec: any = isVegaSpec(spec) ? spec : vl.compile(spec as any).spec;
  const refuse = (uri: unknown) =>
    Promise.reject(
      new Error(`chart data must be inline; refusing to load ${JSON.stringify(uri)} (offline)`),
    );
  const loader = vega.loader();
  loader.load = refuse;
  loader.http = refuse;
  loader.file = refuse;
  const view = new vega.View(vega.parse(vgSpec), { renderer: "none", loader, logLevel: vega.Error });
  try {
    return await view.toSVG(opts.scale ?? 1);
  } finally {
    view.finalize();
  }
}

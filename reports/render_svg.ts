/**
 * Headless SVG rendering of a chart spec: Vega-Lite is compiled to Vega, run in a `View`
 * without a renderer, and serialized with `toSVG()`. Works offline: the loader refuses every
 * URL, so a spec must carry its data inline (as the case charts do); links and images are
 * refused too. Expressions are evaluated by Vega's interpreter, never compiled to code.
 * Specs from a results file are sanitized first ({@link safeSpec}).
 * @module
 */
import { loadVega } from "../deps.ts";
import { safeSpec } from "./sanitize_spec.ts";

/** Options of {@link renderSvg}. */
export interface RenderSvgOptions {
  /** Scale factor of the SVG's width and height (default 1). */
  scale?: number;
  /** Receives Vega-Lite and Vega warnings (by default they are dropped, never printed). */
  onWarning?: (message: string) => void;
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
  const { vega, vl, expressionInterpreter } = await loadVega();
  const errors: string[] = [];
  const text = (args: unknown[]) =>
    args.map((
      a,
    ) => (a instanceof Error ? a.message : typeof a === "string" ? a : JSON.stringify(a)))
      .join(" ");
  // Vega logs (rather than throws) runtime errors and failed data loads: collect them.
  const logger = vega.logger(vega.Warn, undefined, (_method, level, args) => {
    if (level === "ERROR") errors.push(text(args));
    else opts.onWarning?.(text(args));
  });
  // A sanitized copy: Vega tags the inlined data rows in place, the caller's spec stays as it was.
  const input = safeSpec(spec);
  // deno-lint-ignore no-explicit-any
  const vgSpec: any = isVegaSpec(input) ? input : vl.compile(input as any, { logger }).spec;
  const refuse = (uri: unknown) => {
    errors.push(`chart data must be inline; refused to load ${JSON.stringify(uri)} (offline)`);
    return Promise.reject(new Error("offline: chart data must be inline"));
  };
  const loader = vega.loader();
  loader.load = refuse;
  loader.http = refuse;
  loader.file = refuse;
  // Links and images: refused without a rejection (vega-scenegraph does not catch one).
  loader.sanitize = (uri: unknown) => {
    opts.onWarning?.(`link or image ${JSON.stringify(uri)} dropped (offline)`);
    return Promise.resolve({ href: "" });
  };
  const view = new vega.View(vega.parse(vgSpec, undefined, { ast: true }), {
    renderer: "none",
    loader,
    logger,
    expr: expressionInterpreter,
  });
  try {
    const svg = await view.toSVG(opts.scale ?? 1);
    if (errors.length) throw new Error(`chart did not render: ${errors.join("; ")}`);
    return svg;
  } finally {
    view.finalize();
  }
}

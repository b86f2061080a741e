/**
 * Charts of two runs in one spec, for the comparison page. Every inline `data.values` row is
 * tagged with the run it comes from (`run: "A"` / `"B"`); layered views are overlaid (A's
 * layers faded, B's solid, with an opacity legend; the text labels are B's), concatenations
 * are overlaid panel by panel, and anything else (facets, repeats, named or URL data, specs
 * whose shapes differ) is put side by side, A | B. Arranges the specs the cases built; computes nothing.
 * @module
 */
import type { Spec } from "./charts.ts";
import { isVegaSpec } from "./render_svg.ts";

/** How the two charts were combined. */
export type OverlayMode = "overlay" | "side-by-side" | "single";

/** Labels and opacities of the two runs. */
export interface OverlayOptions {
  /** Legend labels (default "A", "B"). */
  labels?: { a: string; b: string };
}

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const CONCAT_KEYS = ["hconcat", "vconcat", "concat"] as const;
const isObj = (v: unknown): v is Spec => typeof v === "object" && v !== null && !Array.isArray(v);

function rowsOf(data: unknown): unknown[] | null {
  return isObj(data) && Array.isArray(data.values) ? data.values : null;
}

/** Every field name used by the inline data rows of a spec (to pick an unused tag field). */
function fieldNames(spec: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(spec)) { for (const s of spec) fieldNames(s, out); }
  else if (isObj(spec)) {
    const rows = rowsOf(spec.data);
    if (rows) {
      for (const r of rows) {
        if (isObj(r)) { for (const k of Object.keys(r)) out.add(k); }
      }
    }
    for (const [k, v] of Object.entries(spec)) if (k !== "data") fieldNames(v, out);
  }
  return out;
}

class Unsupported extends Error {}

function tagData(data: unknown, field: string, run: string): Spec {
  const rows = rowsOf(data);
  if (!rows) throw new Unsupported("data is not inline");
  return {
    ...(data as Spec),
    values: rows.map((r) => (isObj(r) ? { ...r, [field]: run } : { value: r, [field]: run })),
  };
}

function hasOpacity(unit: Spec): boolean {
  const enc = isObj(unit.encoding) ? unit.encoding : {};
  const mark = isObj(unit.mark) ? unit.mark : {};
  return "opacity" in enc || "opacity" in mark || "fillOpacity" in mark ||
    "strokeOpacity" in mark;
}

/**
 * One unit or layer node of run `run`, data tagged, opacity encoded unless the mark sets its
 * own. A's text labels are left out (`null`): where the runs' labels differ (a threshold of
 * 0.11 and of 0.13) they would overprint B's; A's rules and points stay, faded.
 */
function tagNode(node: Spec, inherited: unknown, ctx: Ctx, run: string): Spec | null {
  if (Array.isArray(node.layer)) {
    const data = node.data ?? inherited;
    const { data: _d, ...rest } = node;
    const layer = node.layer.map((l) => tagNode(l as Spec, data, ctx, run))
      .filter((l): l is Spec => l !== null);
    return layer.length ? { ...rest, layer } : null;
  }
  if (!("mark" in node)) throw new Unsupported("not a unit or layer view");
  const markType = isObj(node.mark) ? node.mark.type : node.mark;
  if (markType === "text" && run === ctx.labels.a) return null;
  const data = node.data ?? inherited;
  if (data === undefined) throw new Unsupported("a view has no data");
  const out: Spec = { ...node, data: tagData(data, ctx.field, run) };
  if (!hasOpacity(node)) {
    out.encoding = {
      ...(isObj(node.encoding) ? node.encoding : {}),
      opacity: {
        field: ctx.field,
        type: "ordinal",
        title: "run",
        scale: { domain: [ctx.labels.a, ctx.labels.b], range: [0.35, 1] },
      },
    };
  }
  return out;
}

interface Ctx {
  field: string;
  labels: { a: string; b: string };
}

const VIEW_ONLY = new Set(["data", "layer", "mark", "encoding", "transform", "$schema"]);

function overlayNode(a: Spec, b: Spec, inheritA: unknown, inheritB: unknown, ctx: Ctx): Spec {
  for (const key of CONCAT_KEYS) {
    if (Array.isArray(a[key]) || Array.isArray(b[key])) {
      const la = a[key], lb = b[key];
      if (!Array.isArray(la) || !Array.isArray(lb) || la.length !== lb.length) {
        throw new Unsupported(`${key} panels differ`);
      }
      const { data: _d, ...rest } = a;
      return {
        ...rest,
        [key]: la.map((p, i) =>
          overlayNode(p as Spec, lb[i] as Spec, a.data ?? inheritA, b.data ?? inheritB, ctx)
        ),
      };
    }
  }
  if ("facet" in a || "repeat" in a || "facet" in b || "repeat" in b) {
    throw new Unsupported("facet/repeat");
  }
  if ("params" in a || "params" in b) throw new Unsupported("interactive params");
  const inner = (t: Spec) => {
    const out: Spec = {};
    for (const [k, v] of Object.entries(t)) if (VIEW_ONLY.has(k) && k !== "$schema") out[k] = v;
    return out;
  };
  // view-level properties (size, title, resolve, ...) come from A; A is drawn first (below)
  const frame: Spec = {};
  for (const [k, v] of Object.entries(a)) if (!VIEW_ONLY.has(k)) frame[k] = v;
  const layer = [tagNode(a, inheritA, ctx, ctx.labels.a), tagNode(b, inheritB, ctx, ctx.labels.b)]
    .filter((t): t is Spec => t !== null).map(inner);
  return { ...frame, layer };
}

function titled(spec: Spec, title: string): Spec {
  const { $schema: _s, ...rest } = spec;
  const text = (t: unknown) =>
    typeof t === "string"
      ? t
      : Array.isArray(t)
      ? t.filter((x) => typeof x === "string").join(" ")
      : null;
  const own = text(rest.title) ?? (isObj(rest.title) ? text(rest.title.text) : null);
  const t = own ? `${title}: ${own}` : title;
  return { ...rest, title: t };
}

/**
 * One chart showing runs A and B. Returns the spec and how it was combined.
 *
 * @example
 * ```ts
 * import { overlaySpecs } from "./compare_charts.ts";
 * const unit = (y: number) => ({
 *   data: { values: [{ x: 1, y }] },
 *   mark: "point",
 *   encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
 * });
 * const { mode, spec } = overlaySpecs(unit(1), unit(2));
 * mode; // "overlay"
 * (spec.layer as unknown[]).length; // 2
 * ```
 */
export function overlaySpecs(
  a: Spec | null,
  b: Spec | null,
  opts: OverlayOptions = {},
): { mode: OverlayMode; spec: Spec; note: string } {
  const labels = opts.labels ?? { a: "A", b: "B" };
  const vega = [a, b].find((s) => s && isVegaSpec(s));
  if (vega) {
    // A Vega (not Vega-Lite) spec cannot be layered or concatenated by Vega-Lite: one run only.
    const [spec, label] = b ? [b, labels.b] : [a!, labels.a];
    return {
      mode: "single",
      spec,
      note: `a Vega (not Vega-Lite) chart cannot be combined: run ${label} only`,
    };
  }
  if (!a || !b) {
    const only = (a ?? b)!;
    return {
      mode: "single",
      spec: { $schema: SCHEMA, ...titled(only, `${a ? labels.a : labels.b} only`) },
      note: `this chart exists only in run ${a ? labels.a : labels.b}`,
    };
  }
  const used = fieldNames([a, b]);
  let field = "run";
  for (let i = 2; used.has(field); i++) field = `run_${i}`;
  try {
    const { $schema: _sa, ...ra } = a;
    const spec = overlayNode(ra, b, undefined, undefined, { field, labels });
    return {
      mode: "overlay",
      spec: { $schema: SCHEMA, ...spec },
      note: `${labels.a} faded, ${labels.b} solid (field "${field}"); marks that set their own ` +
        `opacity (bands) are drawn for both runs unchanged; text labels are ${labels.b}'s`,
    };
  } catch (e) {
    if (!(e instanceof Unsupported)) throw e;
    return {
      mode: "side-by-side",
      spec: {
        $schema: SCHEMA,
        hconcat: [titled(a, labels.a), titled(b, labels.b)],
        resolve: { scale: { x: "shared", y: "shared" } },
      },
      note: `side by side (${e.message}): ${labels.a} left, ${labels.b} right, shared axes`,
    };
  }
}

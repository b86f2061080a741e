/**
 * Defects a reader would see in a chart, found by compiling and laying it out headless:
 * NaN/undefined/null in any title or text, an axis without a title, text marks whose boxes
 * overlap (labels drawn over each other), marks that cannot be drawn (a non-finite position,
 * e.g. a value ≤ 0 on a log scale), marks drawn outside their plot (over the axes and titles),
 * and a measured-vs-predicted chart whose legend lacks an
 * entry for the measured values, the prediction or a tolerance band.
 * @module
 */
import { loadVega } from "../deps.ts";

/** One defect of a chart. */
export interface ChartDefect {
  kind:
    | "bad text"
    | "untitled axis"
    | "overlapping text"
    | "missing legend entry"
    | "undrawable mark"
    | "drawn outside the plot";
  detail: string;
}

const BAD = /\b(NaN|undefined|null)\b/;

interface SceneItem {
  text?: unknown;
  bounds?: { x1: number; y1: number; x2: number; y2: number };
  items?: SceneItem[];
  role?: string;
  marktype?: string;
  mark?: { role?: string; marktype?: string };
  opacity?: number;
}

function titlesOf(spec: unknown, out: string[]): void {
  const stack = [spec];
  while (stack.length) {
    const v = stack.pop();
    if (Array.isArray(v)) stack.push(...v);
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (k === "data" || k === "datasets" || k === "values") continue;
        if ((k === "title" || k === "text" || k === "subtitle") && typeof x === "string") {
          out.push(x);
        } else if ((k === "title" || k === "text" || k === "subtitle") && Array.isArray(x)) {
          out.push(x.join(" "));
        } else stack.push(x);
      }
    }
  }
}

function untitledAxes(vgSpec: unknown): number {
  let n = 0;
  const stack = [vgSpec];
  while (stack.length) {
    const v = stack.pop();
    if (Array.isArray(v)) stack.push(...v);
    else if (v && typeof v === "object") {
      const o = v as Record<string, unknown>;
      if (Array.isArray(o.axes)) {
        for (const a of o.axes as Record<string, unknown>[]) {
          // grid-only axes (no labels or domain) are helper axes Vega-Lite adds
          const gridOnly = a.grid === true && a.labels === false && a.domain === false;
          if (!gridOnly && (a.title === undefined || a.title === null || a.title === "")) n++;
        }
      }
      for (const [k, x] of Object.entries(o)) if (k !== "data") stack.push(x);
    }
  }
  return n;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === "object" && !Array.isArray(v);
const markType = (l: Obj) => (isObj(l.mark) ? l.mark.type : l.mark);
const firstValue = (l: Obj): Obj | undefined => {
  const vals = isObj(l.data) ? l.data.values : undefined;
  return Array.isArray(vals) && isObj(vals[0]) ? vals[0] : undefined;
};

/**
 * The legend entries each measured-vs-predicted layered chart in `spec` must have (the layout
 * of `measuredVsPredicted`: a stroke dash keyed by `source`, whose scale's domain is `measured`
 * and the predictions' labels): the measured values, each prediction and each tolerance band
 * (a `rect` layer spanning x→x2 or y→y2, its `label`; `null` for a band without one).
 */
export function requiredLegendEntries(spec: unknown): { title: string; need: (string | null)[] }[] {
  const out: { title: string; need: (string | null)[] }[] = [];
  const stack = [spec];
  while (stack.length) {
    const v = stack.pop();
    if (Array.isArray(v)) stack.push(...v);
    if (!isObj(v)) continue;
    for (const [k, x] of Object.entries(v)) if (k !== "data" && k !== "datasets") stack.push(x);
    if (!Array.isArray(v.layer)) continue;
    const layers = v.layer.filter(isObj);
    // the stroke-dash key of the builder: its scale's domain is measured, then the predictions
    const keys = layers.flatMap((l) => {
      const dash = isObj(l.encoding) ? l.encoding.strokeDash : undefined;
      const domain = isObj(dash) && dash.field === "source" && isObj(dash.scale)
        ? dash.scale.domain
        : undefined;
      return Array.isArray(domain) ? domain.map(String) : [];
    });
    if (!keys.includes("measured")) continue;
    const need: (string | null)[] = ["measured"];
    for (const k of keys) if (!need.includes(k)) need.push(k);
    for (const l of layers) {
      const enc = isObj(l.encoding) ? l.encoding : {};
      if (markType(l) === "rect" && (enc.x2 || enc.y2)) {
        const label = firstValue(l)?.label;
        need.push(typeof label === "string" ? label : null);
      }
    }
    const t = v.title;
    out.push({ title: typeof t === "string" ? t : isObj(t) ? String(t.text) : "", need });
  }
  return out;
}

function legendLabels(root: SceneItem): Set<string> {
  const out = new Set<string>();
  const stack = [root];
  while (stack.length) {
    const it = stack.pop()!;
    if (it.marktype === "text" && it.role === "legend-label") {
      for (const t of it.items ?? []) {
        out.add(Array.isArray(t.text) ? t.text.join(" ") : String(t.text ?? ""));
      }
    }
    stack.push(...(it.items ?? []));
  }
  return out;
}

const GEOMETRY = ["x", "y", "x2", "y2", "width", "height"] as const;

/** Per mark (by role and type), how many of its items have a non-finite position or size. */
function undrawable(root: SceneItem): Map<string, number> {
  const out = new Map<string, number>();
  const stack = [root];
  while (stack.length) {
    const it = stack.pop()!;
    if (it.role && it.marktype && it.marktype !== "group") {
      for (const t of it.items ?? []) {
        const g = t as Record<string, unknown>;
        if (GEOMETRY.some((k) => typeof g[k] === "number" && !Number.isFinite(g[k]))) {
          const key = `${it.marktype} (${it.role})`;
          out.set(key, (out.get(key) ?? 0) + 1);
        }
      }
    }
    stack.push(...(it.items ?? []));
  }
  return out;
}

/** The text a reader reads: text marks, axis labels and titles, legend labels and titles. */
const TEXT_ROLES: ReadonlySet<string> = new Set([
  "mark",
  "axis-label",
  "axis-title",
  "legend-label",
  "legend-title",
  "title-text",
  "title-subtitle",
]);

/** How far (px) a mark may reach past its plot: half a stroke, an error bar's tick. */
const OUTSIDE_SLACK = 3;

const BY_POSITION: ReadonlySet<string> = new Set(["symbol", "line", "area", "trail"]);

/** Per mark type, how many items reach past the plot (the group) they are drawn in. */
function outsidePlot(root: SceneItem): Map<string, number> {
  const out = new Map<string, number>();
  const stack: { it: SceneItem; w: number; h: number }[] = [{ it: root, w: Infinity, h: Infinity }];
  while (stack.length) {
    const { it, w, h } = stack.pop()!;
    const isMark = it.role === "mark" && it.marktype !== "group" && it.marktype !== "text";
    for (const c of it.items ?? []) {
      const g = c as SceneItem & { width?: number; height?: number };
      if (isMark && c.bounds && Number.isFinite(w) && Number.isFinite(h)) {
        // a point or a line's vertex counts by its position (one at the domain's end reaches
        // past by its radius or half its stroke)
        const p = c as SceneItem & { x?: number; y?: number };
        const b = BY_POSITION.has(it.marktype ?? "")
          ? { x1: p.x ?? 0, y1: p.y ?? 0, x2: p.x ?? 0, y2: p.y ?? 0 }
          : c.bounds;
        const past = Math.max(-b.x1, -b.y1, b.x2 - w, b.y2 - h);
        if (past > OUTSIDE_SLACK && Number.isFinite(past)) {
          out.set(it.marktype!, (out.get(it.marktype!) ?? 0) + 1);
        }
      }
      // a group item is a plot (or a legend, axis, title): its children are drawn in its frame
      const inner = it.marktype === "group" && (g.width ?? 0) > 0 && (g.height ?? 0) > 0;
      stack.push({ it: c, w: inner ? g.width! : w, h: inner ? g.height! : h });
    }
  }
  return out;
}

type TextItem = { text: string; role: string; b: NonNullable<SceneItem["bounds"]> };

function textItems(root: SceneItem): TextItem[] {
  const out: TextItem[] = [];
  // bounds are local to each group: carry the groups' offsets down to page coordinates
  const stack: { it: SceneItem; dx: number; dy: number }[] = [{ it: root, dx: 0, dy: 0 }];
  while (stack.length) {
    const { it, dx, dy } = stack.pop()!;
    if (it.marktype === "text" && TEXT_ROLES.has(it.role ?? "")) {
      for (const t of it.items ?? []) {
        const text = Array.isArray(t.text) ? t.text.join(" ") : String(t.text ?? "");
        // rotated text (slanted axis labels): its axis-aligned box says nothing of overlap
        const angle = (t as { angle?: number }).angle ?? 0;
        if (text.trim() && t.bounds && (t.opacity ?? 1) > 0 && angle % 360 === 0) {
          const b = t.bounds;
          out.push({
            text,
            role: it.role ?? "",
            b: { x1: b.x1 + dx, x2: b.x2 + dx, y1: b.y1 + dy, y2: b.y2 + dy },
          });
        }
      }
    }
    for (const c of it.items ?? []) {
      // a group item offsets its children by its own x/y
      const g = it.marktype === "group" ? (c as SceneItem & { x?: number; y?: number }) : null;
      stack.push({ it: c, dx: dx + (g?.x ?? 0), dy: dy + (g?.y ?? 0) });
    }
  }
  return out;
}

/**
 * The defects of a Vega-Lite spec (with inline data). Text from the data shown as text marks is
 * checked too, since it is what the reader sees.
 */
export async function lintChart(spec: Record<string, unknown>): Promise<ChartDefect[]> {
  const { vega, vl } = await loadVega();
  const defects: ChartDefect[] = [];
  const titles: string[] = [];
  titlesOf(spec, titles);
  for (const t of titles) {
    if (BAD.test(t)) defects.push({ kind: "bad text", detail: `title/text "${t}"` });
  }
  const vg = vl.compile(spec as never).spec;
  const untitled = untitledAxes(vg);
  if (untitled) defects.push({ kind: "untitled axis", detail: `${untitled} axis/axes` });
  const view = new vega.View(vega.parse(vg), { renderer: "none" });
  try {
    await view.runAsync();
    const scene = view.scenegraph() as unknown as { root: SceneItem };
    for (const [mark, n] of undrawable(scene.root)) {
      defects.push({
        kind: "undrawable mark",
        detail: `${n} ${mark} item(s) at a non-finite position (a value ≤ 0 on a log scale?)`,
      });
    }
    for (const [mark, n] of outsidePlot(scene.root)) {
      defects.push({
        kind: "drawn outside the plot",
        detail: `${n} ${mark} item(s) reach past the plot (a fixed domain without clamp?)`,
      });
    }
    const labels = legendLabels(scene.root);
    for (const { title, need } of requiredLegendEntries(spec)) {
      for (const n of need) {
        if (n === null || !labels.has(n)) {
          defects.push({
            kind: "missing legend entry",
            detail: `${
              n === null ? "a tolerance band without a label" : `"${n}"`
            } (chart "${title}")`,
          });
        }
      }
    }
    const texts = textItems(scene.root);
    for (const t of texts) {
      // titles were checked in the spec; text marks show data
      if (t.role === "mark" && BAD.test(t.text)) {
        defects.push({ kind: "bad text", detail: `text mark "${t.text}"` });
      }
    }
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        const a = texts[i].b, b = texts[j].b;
        const w = Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1);
        const hgt = Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1);
        if (w > 1 && hgt > 1 && texts[i].text !== texts[j].text) {
          defects.push({
            kind: "overlapping text",
            detail: `"${texts[i].text}" and "${texts[j].text}"`,
          });
        }
      }
    }
  } finally {
    view.finalize();
  }
  return defects;
}

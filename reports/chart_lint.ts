/**
 * Defects a reader would see in a chart, found by compiling and laying it out headless:
 * NaN/undefined/null in any title or text, an axis without a title, and text marks whose boxes
 * overlap (labels drawn over each other).
 * @module
 */
import { loadVega } from "../deps.ts";

/** One defect of a chart. */
export interface ChartDefect {
  kind: "bad text" | "untitled axis" | "overlapping text";
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
        } else if (k === "title" && Array.isArray(x)) out.push(x.join(" "));
        else stack.push(x);
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

function textItems(root: SceneItem): { text: string; b: NonNullable<SceneItem["bounds"]> }[] {
  const out: { text: string; b: NonNullable<SceneItem["bounds"]> }[] = [];
  // bounds are local to each group: carry the groups' offsets down to page coordinates
  const stack: { it: SceneItem; dx: number; dy: number }[] = [{ it: root, dx: 0, dy: 0 }];
  while (stack.length) {
    const { it, dx, dy } = stack.pop()!;
    if (it.marktype === "text" && it.role === "mark") {
      for (const t of it.items ?? []) {
        const text = Array.isArray(t.text) ? t.text.join(" ") : String(t.text ?? "");
        if (text.trim() && t.bounds && (t.opacity ?? 1) > 0) {
          const b = t.bounds;
          out.push({ text, b: { x1: b.x1 + dx, x2: b.x2 + dx, y1: b.y1 + dy, y2: b.y2 + dy } });
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
    const texts = textItems(scene.root);
    for (const t of texts) {
      if (BAD.test(t.text)) defects.push({ kind: "bad text", detail: `text mark "${t.text}"` });
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

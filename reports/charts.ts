/**
 * Vega-Lite spec builders shared by the cases: measured points with their CIs and the
 * theory's prediction (line, rule or band) on the same axes. Builders only arrange data that
 * the cases computed; they compute no statistics.
 * @module
 */

/** A row of chart data. */
export type Row = Record<string, number | string | boolean | null>;
/** A Vega-Lite spec (plain JSON). */
export type Spec = Record<string, unknown>;

/** An axis: the data field, its title, and whether it is log-scaled. */
export interface AxisSpec {
  field: string;
  title: string;
  log?: boolean;
  domain?: [number, number];
}

/** Options of {@link measuredVsPredicted}. */
export interface MeasuredVsPredicted {
  title: string;
  x: AxisSpec;
  y: AxisSpec;
  /** Measured rows: x, y, and optional CI fields. */
  measured: Row[];
  /** CI fields of the measured rows. */
  ci?: { lo: string; hi: string };
  /** A field that splits measured (and predicted) rows into series, e.g. `d`. */
  series?: { field: string; title: string; type?: "nominal" | "ordinal" | "quantitative" };
  /** Predicted rows on the same x/y fields (a line), optionally with the series field. */
  predicted?: Row[];
  /** Label of the prediction in the legend. */
  predictedLabel?: string;
  /** Vertical or horizontal reference lines (thresholds, predicted crossing points). */
  rules?: { x?: number; y?: number; label: string }[];
  /** A shaded horizontal band, e.g. a tolerance band on y. */
  yBand?: { lo: number; hi: number; label: string };
  /** A shaded vertical band, e.g. a tolerance band on x. */
  xBand?: { lo: number; hi: number; label: string };
  width?: number;
  height?: number;
  /** Why nothing is measured, shown on an empty chart (default: no measured value). */
  empty?: string;
  /** Draw measured series as points only (no connecting line). */
  pointsOnly?: boolean;
  /**
   * How the CI is drawn: "bars" (default, an error bar per point) or "band" (a shaded area under
   * a line without point marks: for dense curves, where bars would hide the line).
   */
  ciStyle?: "bars" | "band";
}

function axisEncoding(a: AxisSpec, horizontal = false) {
  const scale: Record<string, unknown> = {};
  if (a.log) (scale.type = "log"), (scale.nice = false);
  // a fixed domain: what lies outside is drawn at its edge, not over the titles
  if (a.domain) (scale.domain = a.domain), (scale.clamp = true);
  if (!a.log) scale.zero = false;
  // a horizontal log axis labels 1, 2, 3, 4, ... per decade side by side: keep a gap between
  // labels, or "0.3" and "0.4" print as one "0.30.4"
  const axis = a.log && horizontal ? { axis: { labelOverlap: "greedy", labelSeparation: 4 } } : {};
  return { field: a.field, type: "quantitative", title: a.title, scale, ...axis };
}

/** The colour of tolerance bands. */
export const BAND_COLOR = "#2a9d8f";

/**
 * The measured/prediction key: grey strokes (solid, dashed) rather than the measured layer's
 * black dots, labels never cut.
 */
const SOURCE_LEGEND: Spec = {
  title: null,
  symbolType: "stroke",
  symbolStrokeWidth: 2,
  symbolStrokeColor: "#444",
  labelLimit: 0,
  // the measured layer's filled points would otherwise draw the key as black dots
  encode: {
    symbols: {
      update: {
        stroke: { value: "#444" },
        fill: { value: "transparent" },
        strokeWidth: { value: 2 },
      },
    },
  },
};

/** A shaded tolerance band on `axis`, with a legend entry of its own (its label). */
function bandLayer(axis: "x" | "y", b: { lo: number; hi: number; label: string }): Spec {
  return {
    data: { values: [{ lo: b.lo, hi: b.hi, label: b.label }] },
    mark: { type: "rect", opacity: 0.12 },
    encoding: {
      [axis]: { field: "lo", type: "quantitative" },
      [`${axis}2`]: { field: "hi" },
      fill: {
        field: "label",
        type: "nominal",
        scale: { range: [BAND_COLOR] },
        legend: { title: null, symbolType: "square", symbolOpacity: 0.3, labelLimit: 0 },
      },
      tooltip: [{ field: "label", type: "nominal" }],
    },
  };
}

const positive = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v) && v > 0;

/**
 * What log axes can draw. A value ≤ 0 has no place on a log axis (and would make the whole
 * scale undrawable): measured and predicted rows with one are left out, and so are rules at
 * one; the chart says how many. On a log y axis a CI lower end ≤ 0 (or open) is drawn at
 * `floor`, half the smallest positive value the chart draws, so that its bar reaches the
 * plot's bottom edge (`null`: no CI end needs it).
 */
function onLogAxes(o: MeasuredVsPredicted): {
  measured: Row[];
  predicted: Row[];
  rules: NonNullable<MeasuredVsPredicted["rules"]>;
  floor: number | null;
  notes: string[];
} {
  const axes = [o.x, o.y].filter((a) => a.log);
  const drawable = (r: Row) => axes.every((a) => positive(r[a.field]));
  const measured = o.measured.filter(drawable);
  const predicted = (o.predicted ?? []).filter(drawable);
  const rules = (o.rules ?? []).filter((r) =>
    (r.x === undefined || !o.x.log || positive(r.x)) &&
    (r.y === undefined || !o.y.log || positive(r.y))
  );
  const notes: string[] = [];
  if (!o.measured.length) notes.push(`nothing drawn: ${o.empty ?? "no measured value"}`);
  const left = o.measured.length - measured.length;
  if (left) notes.push(`${left} measured value(s) ≤ 0 not drawn on the log axis`);
  let floor: number | null = null;
  if (o.y.log && o.ci) {
    const lo = o.ci.lo;
    const low = measured.filter((r) => !positive(r[lo])).length;
    const drawn = [
      ...measured.flatMap((r) => [r[o.y.field], r[lo], r[o.ci!.hi]]),
      ...predicted.map((r) => r[o.y.field]),
      o.yBand?.lo,
      o.yBand?.hi,
      ...rules.map((r) => r.y),
    ].filter(positive);
    if (low && drawn.length) {
      floor = Number((Math.min(...drawn) / 2).toPrecision(3));
      notes.push(`${low} CI lower end(s) ≤ 0 or open drawn to the bottom edge`);
    }
  }
  return { measured, predicted, rules, floor, notes };
}

/**
 * A layered chart: measured series with error bars, the prediction dashed, optional reference
 * rules and tolerance bands. The legend has an entry for the measured values, the prediction
 * and each tolerance band (and the series, if any), labels never cut.
 */
export function measuredVsPredicted(o: MeasuredVsPredicted): Spec {
  const colorEnc = o.series
    ? {
      color: {
        field: o.series.field,
        type: o.series.type ?? "nominal",
        title: o.series.title,
        legend: { labelLimit: 0, titleLimit: 0, symbolOpacity: 1 },
      },
    }
    : {};
  const x = axisEncoding(o.x, true);
  const y = axisEncoding(o.y);
  const layers: Spec[] = [];
  const tag = (rows: Row[], source: string) => rows.map((r) => ({ ...r, source }));
  if (o.yBand) layers.push(bandLayer("y", o.yBand));
  if (o.xBand) layers.push(bandLayer("x", o.xBand));
  const log = onLogAxes(o);
  const measured = tag(log.measured, "measured");
  const band = o.ci && o.ciStyle === "band";
  // the CI's lower end as drawn: on a log axis, an end ≤ 0 (or open) reaches the bottom edge
  const ciLo = log.floor === null || !o.ci ? o.ci?.lo : `${o.ci.lo} (drawn)`;
  const ciTransform = log.floor === null || !o.ci ? {} : {
    transform: [{
      calculate: `isValid(datum[${JSON.stringify(o.ci.lo)}]) && datum[${
        JSON.stringify(o.ci.lo)
      }] > ${log.floor} ? datum[${JSON.stringify(o.ci.lo)}] : ${log.floor}`,
      as: ciLo,
    }],
  };
  if (band && o.ci) {
    layers.push({
      data: { values: measured },
      ...ciTransform,
      mark: { type: "area", opacity: 0.2, ...(o.series ? {} : { color: "#4c78a8" }) },
      encoding: {
        x,
        y: { ...axisEncoding(o.y), field: ciLo, title: o.y.title },
        y2: { field: o.ci.hi },
        ...colorEnc,
      },
    });
  }
  layers.push({
    data: { values: measured },
    mark: o.pointsOnly
      ? { type: "point", filled: true }
      : band
      ? { type: "line", strokeWidth: 1.5 }
      : { type: "line", point: { filled: true }, strokeWidth: 1.5 },
    encoding: {
      x,
      y,
      ...colorEnc,
      strokeDash: {
        field: "source",
        type: "nominal",
        title: "",
        scale: o.predicted?.length
          ? { domain: ["measured", o.predictedLabel ?? "predicted"], range: [[1, 0], [6, 4]] }
          : { domain: ["measured"], range: [[1, 0]] },
        legend: SOURCE_LEGEND,
      },
      tooltip: Object.keys(o.measured[0] ?? {}).map((f) => ({ field: f })),
    },
  });
  if (o.ci && !band) {
    layers.push({
      data: { values: measured },
      ...ciTransform,
      mark: { type: "errorbar", ticks: true },
      encoding: {
        x: { field: o.x.field, type: "quantitative" },
        y: { ...axisEncoding(o.y), field: ciLo },
        y2: { field: o.ci.hi },
        ...colorEnc,
      },
    });
  }
  if (log.predicted.length) {
    layers.push({
      data: { values: tag(log.predicted, o.predictedLabel ?? "predicted") },
      mark: { type: "line", strokeWidth: 2, opacity: 0.8 },
      encoding: {
        x,
        y,
        ...(o.series && o.series.field in log.predicted[0]
          ? colorEnc
          : { color: { value: "#444" } }),
        strokeDash: { field: "source", type: "nominal", title: "" },
      },
    });
  }
  for (const r of log.rules) {
    const enc: Spec = r.x !== undefined
      ? { x: { datum: r.x, type: "quantitative" } }
      : { y: { datum: r.y, type: "quantitative" } };
    layers.push({
      data: { values: [{}] },
      mark: { type: "rule", color: "#e76f51", strokeDash: [3, 3] },
      encoding: { ...enc, tooltip: { value: r.label } },
    });
    layers.push({
      data: { values: [{}] },
      mark: { type: "text", color: "#e76f51", align: "left", dx: 3, dy: -6, fontSize: 10 },
      encoding: {
        ...enc,
        ...(r.x !== undefined ? { y: { value: 8 } } : { x: { value: 4 } }),
        text: { value: r.label },
      },
    });
  }
  const body: Spec = { layer: layers, width: o.width ?? 360, height: o.height ?? 240 };
  const spec: Spec = {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: log.notes.length
      ? { text: wrapTitle(o.title, o.width ?? 360), subtitle: log.notes.join("; ") }
      : wrapTitle(o.title, o.width ?? 360),
    ...body,
  };
  return spec;
}

/** About how wide (px) a character of a chart title is (13 px bold sans-serif). */
const TITLE_CHAR_PX = 7.2;

/**
 * A title cut into lines (at spaces) that fit `width` pixels (plus the y axis' room), so that
 * a long title does not widen its panel; a short one stays a string.
 */
export function wrapTitle(text: string, width: number): string | string[] {
  const max = Math.max(20, Math.floor((width + 60) / TITLE_CHAR_PX));
  if (text.length <= max) return text;
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && line.length + 1 + word.length > max) lines.push(line), (line = word);
    else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** A panel's title wrapped to its width (titles given as `{ text, subtitle }` too). */
function wrapPanelTitle(s: Spec): Spec {
  const w = typeof s.width === "number" ? s.width : null;
  if (w === null) return s;
  if (typeof s.title === "string") return { ...s, title: wrapTitle(s.title, w) };
  const t = s.title as Spec | undefined;
  if (t && typeof t.text === "string") return { ...s, title: { ...t, text: wrapTitle(t.text, w) } };
  return s;
}

/** The encodings of `channel` anywhere in `spec` (its layers and panels), data left aside. */
function encodingsOf(spec: unknown, channel: string): Spec[] {
  const out: Spec[] = [];
  const stack = [spec];
  while (stack.length) {
    const v = stack.pop();
    if (Array.isArray(v)) stack.push(...v);
    else if (v && typeof v === "object") {
      const o = v as Spec;
      const enc = o.encoding as Record<string, Spec> | undefined;
      if (enc?.[channel]) out.push(enc[channel]);
      for (const [k, x] of Object.entries(o)) if (k !== "data" && k !== "encoding") stack.push(x);
    }
  }
  return out;
}

/**
 * Put several specs side by side (or stacked) in one chart. A legend channel (colour, stroke
 * dash, band fill) that every panel encodes alike (the same field, title and, for the stroke
 * dash, the same key) is shared: one legend for all panels instead of one each, so that side
 * by side panels stay within a page's width. Channels that differ keep a legend per panel.
 */
export function concat(title: string, specs: Spec[], direction: "h" | "v" = "h"): Spec {
  const strip = (s: Spec) => {
    const { $schema: _s, ...rest } = s;
    return rest;
  };
  const scale: Record<string, "shared" | "independent"> = {};
  for (const channel of ["color", "strokeDash", "fill"]) {
    const kinds = new Set(
      encodingsOf(specs, channel)
        // the stroke-dash key is the measured layer's (the prediction layer follows it)
        .filter((e) => "field" in e && (channel !== "strokeDash" || e.scale))
        .map((e) =>
          JSON.stringify([e.field, e.type, e.title, channel === "strokeDash" ? e.scale : null])
        ),
    );
    scale[channel] = kinds.size > 1 ? "independent" : "shared";
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    [direction === "h" ? "hconcat" : "vconcat"]: specs.map((p) => wrapPanelTitle(strip(p))),
    resolve: { scale },
  };
}

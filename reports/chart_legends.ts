/**
 * Legend fixes for the specs of `measuredVsPredicted` (`charts.ts`): the measured/prediction key
 * drawn as grey strokes (solid, dashed) instead of the measured layer's black dots, legend
 * labels never cut off, and the shaded tolerance band given a legend entry of its own.
 * @module
 */
import type { Spec } from "./charts.ts";

/**
 * Legends for every layer of a measured-vs-predicted spec: the measured/prediction key drawn as
 * strokes (solid, dashed) in grey rather than as dots, labels never cut, and the shaded
 * tolerance band as its own legend entry.
 */
export function withFullLegends(spec: Spec): Spec {
  for (const l of (spec.layer as Spec[] | undefined) ?? []) {
    const enc = l.encoding as Record<string, Spec> | undefined;
    const mark = l.mark as Spec | undefined;
    if (!enc) continue;
    if (enc.strokeDash && "field" in enc.strokeDash) {
      enc.strokeDash = {
        ...enc.strokeDash,
        legend: {
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
        },
      };
    }
    if (mark?.type === "rect" && enc.tooltip) {
      enc.fill = {
        field: "label",
        type: "nominal",
        scale: { range: ["#2a9d8f"] },
        legend: { title: null, symbolType: "square", symbolOpacity: 0.3, labelLimit: 0 },
      };
    }
    if (enc.color && "field" in enc.color) {
      enc.color = { ...enc.color, legend: { labelLimit: 0 } };
    }
  }
  return spec;
}

/**
 * Chart helpers of the Paper D cases: sample scatters (generated vs true, per class and method)
 * and the mapping of β = 0 onto a log axis.
 * @module
 */
import { z } from "../../deps.ts";
import { anyNumber } from "../../reports/measurement_codec.ts";
import type { Spec } from "../../reports/charts.ts";
import type { Chart } from "../../reports/schema.ts";
import { type LtModelConfig, specOf } from "./_experiment.ts";

/** x position for β on a log axis: β = 0 is drawn one decade below the smallest positive β. */
export function betaAxisValue(beta: number, betas: number[]): number {
  if (beta > 0) return beta;
  const pos = betas.filter((b) => b > 0);
  return (pos.length ? Math.min(...pos) : 1) / 10;
}

/**
 * Scatter of generated samples (one panel per method × class) over the fresh true samples of that
 * class, which are the target (the "prediction") of the sampler. 1-D data are drawn as strip plots.
 */
export function sampleScatter(
  title: string,
  d: number,
  classNames: string[],
  methodNames: string[],
  preview: number[][][],
  previewTrue: number[][],
): Spec {
  const rows: Record<string, number | string>[] = [];
  methodNames.forEach((mn, k) => {
    classNames.forEach((cn, y) => {
      const add = (xs: number[], source: string) => {
        for (let i = 0; i + d <= xs.length; i += d) {
          rows.push({ method: mn, cls: cn, source, x: xs[i], y: d > 1 ? xs[i + 1] : (i / d) % 7 });
        }
      };
      add(previewTrue[y], "true samples (target)");
      add(preview[k][y], "generated");
    });
  });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title,
    data: { values: rows },
    mark: { type: "point", filled: true, size: 8, opacity: 0.45 },
    encoding: {
      x: { field: "x", type: "quantitative", title: "x₁" },
      y: { field: "y", type: "quantitative", title: d > 1 ? "x₂" : "jitter" },
      color: { field: "source", type: "nominal", title: "" },
      row: { field: "method", type: "nominal", title: "method" },
      column: { field: "cls", type: "nominal", title: "class" },
    },
    width: 180,
    height: 180,
  };
}

/** Zod fields of a stored {@link SamplePreview}. */
export const samplePreviewFields = {
  classNames: z.array(z.string()),
  preview: z.array(z.array(z.array(anyNumber))),
  previewTrue: z.array(z.array(anyNumber)),
};

/** The first seed's samples of a measurement, as {@link sampleScatter} draws them. */
export interface SamplePreview {
  classNames: string[];
  preview: number[][][];
  previewTrue: number[][];
}

/** The "samples" chart of a case: {@link sampleScatter} of the first seed, one row per method. */
export function samplesChart(
  title: string,
  cfg: LtModelConfig,
  m: SamplePreview,
  methodNames: string[],
): Chart {
  return {
    id: "samples",
    title: "Generated vs true samples (first seed)",
    spec: sampleScatter(
      title,
      specOf(cfg).dim,
      m.classNames,
      methodNames,
      m.preview,
      m.previewTrue,
    ),
  };
}

/**
 * `fl.jump`: the classifier is winner-take-all. Below a threshold of n·SNR² it memorises noise
 * (S/N ≪ 1, chance accuracy), above it it learns the signal (S/N ≫ 1, accuracy ≈ 1); the
 * diffusion model's S/N moves smoothly. Checks, per n: the classifier's sharpness (steepest
 * d ln(S/N) / d ln(n·SNR²)) is ≥ 3× the diffusion model's, and the test accuracy crosses 0.75
 * at the threshold (where the classifier's S/N crosses 1), within a factor 2 in n·SNR².
 * @module
 */
import { z } from "../../deps.ts";
import { defineCase } from "../case.ts";
import { check, verdict } from "../verdict.ts";
import type { Check } from "../../reports/schema.ts";
import { FL_PAPER, type FlConfig, flFields, flParams, flProfiles, fmt } from "./_common.ts";
import { type FlMeasurement, runFlExperiment } from "./_experiment.ts";
import { experimentSeconds } from "./_cost.ts";
import {
  accuracyThreshold,
  allSeeds,
  meanAccCurve,
  meanLogCurve,
  ratioThreshold,
  seedBootstrap,
  sharpness,
} from "./_analysis.ts";
import { accuracyChart, ratioChart, trainingCurves } from "./_charts.ts";

const schema = z.object({
  ...flFields,
  sharpnessRatioMin: z.number().positive().max(1000).default(3).describe(
    "predicted minimum of sharpness(classifier) / sharpness(diffusion)",
  ),
  accuracyLevel: z.number().gt(0.5).lt(1).default(0.75).describe(
    "test accuracy that marks the jump",
  ),
  thresholdBand: z.tuple([z.number().positive(), z.number().positive()]).default([0.5, 2]).describe(
    "band of (n·SNR² where accuracy crosses the level) / (n·SNR² where S/N crosses 1)",
  ),
}).strict();

/** Resolved config of `fl.jump`. */
export type JumpConfig = z.infer<typeof schema> & FlConfig;

/** The prediction. */
export interface JumpPrediction {
  sharpnessRatioMin: number;
  accuracyLevel: number;
  thresholdBand: [number, number];
}

/** The case. */
export const jump = defineCase<JumpConfig, FlMeasurement, JumpPrediction>({
  id: "fl.jump",
  paper: FL_PAPER,
  claim:
    "The classifier is winner-take-all: below a threshold of n·SNR² it memorises noise (S/N ≪ 1, " +
    "chance accuracy), above it it learns the signal (S/N ≫ 1, accuracy ≈ 1); its jump is sharper " +
    "than the diffusion model's.",
  version: 1,
  // measured: the batched GD trainer is 3–6× slower per step on llvmpipe than the CPU path
  onFallbackAdapter: "cpu",
  configSchema: schema as unknown as z.ZodType<JumpConfig>,
  profiles: flProfiles,
  params: {
    ...flParams,
    sharpnessRatioMin: {
      source: "claims",
      note: "classifier's sharpness ≥ 3× the diffusion model's",
    },
    accuracyLevel: { source: "claims", note: "test accuracy crosses 0.75 at the threshold" },
    thresholdBand: {
      source: "ours",
      note:
        "'at the threshold' read as within a factor 2 in n·SNR² (about one grid step of the sweep)",
    },
    sharpness: {
      source: "ours",
      note: "steepest change of the seed-mean ln(S/N) between neighbouring grid points per unit " +
        "ln(n·SNR²), the same statistic for both models",
    },
  },
  estimateSeconds: (c) => experimentSeconds(c),
  defaultSeeds: (c) => c.seeds,
  run: (ctx, c) => runFlExperiment(ctx, c),
  predict: (c) => ({
    sharpnessRatioMin: c.sharpnessRatioMin,
    accuracyLevel: c.accuracyLevel,
    thresholdBand: c.thresholdBand,
  }),
  judge({ measurement: m }, c) {
    const B = c.resamples;
    const checks: Check[] = [];
    const findings: string[] = [];
    const idx = allSeeds(m);
    m.ns.forEach((n, ni) => {
      const ratio = seedBootstrap(
        m,
        (s) => {
          const a = sharpness(m, "classifier", ni, s), b = sharpness(m, "diffusion", ni, s);
          return b > 0 ? a / b : a > 0 ? Infinity : NaN;
        },
        B,
        21 + ni,
        true,
      );
      const at = seedBootstrap(
        m,
        (s) => accuracyThreshold(m, ni, s, c.accuracyLevel) / ratioThreshold(m, ni, s),
        B,
        31 + ni,
      );
      const thr = seedBootstrap(m, (s) => ratioThreshold(m, ni, s), B, 41 + ni);
      const sc = seedBootstrap(m, (s) => sharpness(m, "classifier", ni, s), B, 51 + ni);
      const sd = seedBootstrap(m, (s) => sharpness(m, "diffusion", ni, s), B, 61 + ni);
      checks.push(
        check(`n=${n}: sharpness(classifier) / sharpness(diffusion)`, ratio, [
          c.sharpnessRatioMin,
          Infinity,
        ], {
          note:
            "steepest d ln(S/N)/d ln(n·SNR²) between grid neighbours, seed-mean curves; bootstrap over seeds",
        }),
        check(
          `n=${n}: accuracy-${c.accuracyLevel} crossing / S/N = 1 threshold`,
          at,
          c.thresholdBand,
          {
            note:
              "both in n·SNR², first upward crossings of the seed-mean curves (NaN: no crossing on the grid)",
          },
        ),
        check(`n=${n}: threshold n·SNR² where classifier S/N = 1`, thr, [0, Infinity], {
          primary: false,
          note: "location of the jump (reported, not judged)",
        }),
        check(`n=${n}: classifier sharpness`, sc, [-Infinity, Infinity], { primary: false }),
        check(`n=${n}: diffusion sharpness`, sd, [-Infinity, Infinity], { primary: false }),
      );
      const cls = meanLogCurve(m, "classifier", ni, idx).map(Math.exp);
      const acc = meanAccCurve(m, ni, idx);
      findings.push(
        `n=${n}: classifier S/N over n·SNR² ${m.grid.map((g) => fmt(g)).join("/")}: ` +
          cls.map((x) => fmt(x, 2)).join(", ") + `; test accuracy ` + acc.map((x) =>
            fmt(x, 2)
          ).join(", ") +
          `; threshold (S/N = 1) at n·SNR² ≈ ${fmt(thr.value)} [${fmt(thr.lo)}, ${fmt(thr.hi)}]; ` +
          `sharpness classifier ${fmt(sc.value)} vs diffusion ${fmt(sd.value)}.`,
      );
    });
    findings.push(`data variant: ${m.variant}; backend ${m.backend}.`);
    return verdict(checks, findings);
  },
  charts({ measurement: m, prediction }, _c, v) {
    return [
      {
        id: "accuracy",
        title: `Classifier test accuracy — verdict: ${v.status}`,
        spec: accuracyChart(m, prediction.accuracyLevel),
      },
      { id: "ratio", title: "S/N vs n·SNR², both models", spec: ratioChart(m, NaN, [0.1, 10]) },
      { id: "training", title: "S and N over training", spec: trainingCurves(m) },
    ];
  },
});

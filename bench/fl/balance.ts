/**
 * `fl.balance`: the diffusion model learns signal and noise in balance, S/N = Θ(n·SNR²).
 * Two verdicts in one: *balance* (S/N within [0.1, 10] over the paper's grid and its spread
 * smaller than the classifier's) and *proportionality* (log–log slope 1 over a wider sweep).
 * @module
 */
import { z } from "../../deps.ts";
import { defineCase } from "../case.ts";
import { check, verdict } from "../verdict.ts";
import { combineStatuses, linearFit } from "../../reports/stats.ts";
import type { Check } from "../../reports/schema.ts";
import { FL_PAPER, type FlConfig, flFields, flParams, flProfiles, fmt } from "./_common.ts";
import { type FlMeasurement, runFlExperiment } from "./_experiment.ts";
import { experimentSeconds } from "./_cost.ts";
import {
  allSeeds,
  gridIndices,
  maxAbsLog10,
  meanLogCurve,
  seedBootstrap,
  slopeOf,
  spreadDecades,
} from "./_analysis.ts";
import { curveRows, ratioChart, trainingCurves } from "./_charts.ts";

const schema = z.object({
  ...flFields,
  slopeBand: z.tuple([z.number(), z.number()]).default([0.6, 1.4]).describe(
    "tolerance band of the log–log slope (predicted 1)",
  ),
  balanceBand: z.tuple([z.number().positive(), z.number().positive()]).default([0.1, 10]).describe(
    "S/N range that counts as balanced",
  ),
}).strict();

/** Resolved config of `fl.balance`. */
export type BalanceConfig = z.infer<typeof schema> & FlConfig;

/** The prediction. */
export interface BalancePrediction {
  slope: number;
  slopeBand: [number, number];
  balanceBand: [number, number];
  spreadSmallerThanClassifier: true;
}

const SLOPE = "proportionality: slope of ln(S/N) vs ln(n·SNR²), diffusion";

/** The case. */
export const balance = defineCase<BalanceConfig, FlMeasurement, BalancePrediction>({
  id: "fl.balance",
  paper: FL_PAPER,
  claim:
    "The diffusion model learns signal and noise in balance: S/N = Θ(n·SNR²), within [0.1, 10] " +
    "over the paper's grid, less spread than the classifier's, and proportional to n·SNR².",
  version: 1,
  // measured: the batched GD trainer is 3–6× slower per step on llvmpipe than the CPU path
  onFallbackAdapter: "cpu",
  configSchema: schema as unknown as z.ZodType<BalanceConfig>,
  profiles: flProfiles,
  params: {
    ...flParams,
    slopeBand: { source: "claims", note: "slope predicted 1, band [0.6, 1.4]" },
    balanceBand: { source: "claims", note: "S/N within [0.1, 10]" },
  },
  estimateSeconds: (c) => experimentSeconds(c),
  defaultSeeds: (c) => c.seeds,
  run: (ctx, c) => runFlExperiment(ctx, c),
  predict: (c) => ({
    slope: 1,
    slopeBand: c.slopeBand,
    balanceBand: c.balanceBand,
    spreadSmallerThanClassifier: true,
  }),
  judge({ measurement: m }, c) {
    const kis = gridIndices(m.grid, c.paperGrid);
    if (kis.length < 2) throw new RangeError("paperGrid must share at least two points with grid");
    const B = c.resamples;
    const lim = Math.max(
      Math.abs(Math.log10(c.balanceBand[0])),
      Math.abs(Math.log10(c.balanceBand[1])),
    );
    const bal = seedBootstrap(m, (idx) => maxAbsLog10(m, "diffusion", kis, idx), B, 11);
    const spread = seedBootstrap(
      m,
      (idx) => spreadDecades(m, "diffusion", kis, idx) - spreadDecades(m, "classifier", kis, idx),
      B,
      12,
    );
    const slope = seedBootstrap(m, (idx) => slopeOf(m, "diffusion", idx), B, 13);
    const clsSlope = seedBootstrap(m, (idx) => slopeOf(m, "classifier", idx), B, 14);
    const checks: Check[] = [
      check("balance: max |log10 S/N| of diffusion over the paper's grid", bal, [0, lim], {
        note: `S/N within [${c.balanceBand.join(", ")}] ⇔ ≤ ${
          fmt(lim)
        }; geometric mean over seeds, max over n`,
      }),
      check("balance: spread(diffusion) − spread(classifier), decades", spread, [-Infinity, 0], {
        note:
          "spread = log10(max/min) of S/N over the paper's grid, mean over n; < 0: diffusion spreads less",
      }),
      check(SLOPE, slope, c.slopeBand, {
        note: `pooled least squares over every n and grid point ${fmt(m.grid[0])} … ${
          fmt(m.grid[m.grid.length - 1])
        }; bootstrap over seeds`,
      }),
      check(
        "classifier slope of ln(S/N) vs ln(n·SNR²) (context)",
        clsSlope,
        [-Infinity, Infinity],
        {
          primary: false,
          note: "not judged: shown beside the diffusion slope",
        },
      ),
    ];
    const idx = allSeeds(m);
    // per-n slopes and the OLS (t-based) CI of the pooled fit, for the findings
    const perN = m.ns.map((n, ni) => {
      const y = meanLogCurve(m, "diffusion", ni, idx);
      return `n=${n}: ${fmt(linearFit(m.grid.map(Math.log), y).slope)}`;
    });
    const balStatus = combineStatuses([checks[0].status, checks[1].status]);
    const findings = [
      `balance verdict: ${balStatus}; proportionality verdict: ${checks[2].status}.`,
      `Diffusion slope ${fmt(slope.value)} [${fmt(slope.lo)}, ${fmt(slope.hi)}] (per n: ${
        perN.join(", ")
      }); ` +
      `classifier slope ${fmt(clsSlope.value)} [${fmt(clsSlope.lo)}, ${fmt(clsSlope.hi)}].`,
      ...m.ns.map((n, ni) => {
        const d = meanLogCurve(m, "diffusion", ni, idx).map(Math.exp);
        const k = meanLogCurve(m, "classifier", ni, idx).map(Math.exp);
        return `n=${n}, S/N over n·SNR² ${m.grid.map((g) => fmt(g)).join("/")}: diffusion ` +
          d.map((x) => fmt(x, 2)).join(", ") + `; classifier ` + k.map((x) => fmt(x, 2)).join(", ");
      }),
      `data variant: ${m.variant}; backend ${m.backend}; diffusion loss: closed-form E_ε (σ = z²).`,
    ];
    return verdict(checks, findings, SLOPE);
  },
  charts({ measurement: m }, c, v) {
    const slope = v.checks.find((x) => x.name === SLOPE)?.value ?? NaN;
    return [
      {
        id: "ratio",
        title: `S/N vs n·SNR² — verdict: ${v.status}`,
        spec: ratioChart(m, slope ?? NaN, c.balanceBand),
      },
      { id: "training", title: "S and N over training", spec: trainingCurves(m) },
    ];
  },
  tables({ measurement: m }) {
    return [{
      id: "ratios",
      title: "Geometric-mean S/N at the end of training",
      columns: ["model", "n", "n·SNR²", "S/N"],
      rows: [...curveRows(m, "diffusion"), ...curveRows(m, "classifier")],
    }];
  },
});

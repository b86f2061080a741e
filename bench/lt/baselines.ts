/**
 * `lt.baselines`: vanilla per-class training (β = 0) vs the CBDM regularizer vs mutual learning at
 * the best β, by worst-class FD; the paper's ordering is mutual learning < CBDM < vanilla. The best
 * β and the best CBDM τ are picked on independent tuning replicates, then the three methods are
 * compared by paired differences on the evaluation seeds.
 * @module
 */
import { z } from "../../deps.ts";
import { defineCase } from "../case.ts";
import { check, verdict } from "../verdict.ts";
import { concat, measuredVsPredicted } from "../../reports/charts.ts";
import { evaluateMethods, type Method, methodLabel, specOf, worstClass } from "./_experiment.ts";
import {
  columnCI,
  fmt,
  fmtEst,
  LT_PAPER,
  ltModelFields,
  ltParams,
  pairedCI,
  tune,
  tuneBeta,
  tunedProfiles,
  type Tuning,
  tuningFields,
} from "./_common.ts";
import { type SamplePreview, samplesChart } from "./_charts.ts";

const schema = z.object({
  ...ltModelFields,
  ...tuningFields,
  cbdmTaus: z.array(z.number().positive().max(100)).min(1).default([0.1, 0.3, 1, 3]).describe(
    "CBDM τ grid searched on the tuning replicates (w_t = τ t/T)",
  ),
  seeds: z.number().int().min(2).max(100000).default(30).describe("paired evaluation replicates"),
}).strict();
type Config = z.infer<typeof schema>;

interface Measurement extends SamplePreview {
  methods: string[];
  betaTuning: Tuning;
  tauTuning: Tuning;
  /** fd[s][k][y], k = vanilla, CBDM, mutual. */
  fd: number[][][];
  worst: number[][];
}

/** The case. */
export const baselines = defineCase<Config, Measurement, { ordering: string[] }>({
  id: "lt.baselines",
  paper: LT_PAPER,
  claim:
    "Mutual learning at its best β has lower worst-class error than the CBDM regularizer, which beats vanilla training.",
  version: 1,
  // measured: sampling on llvmpipe takes about twice as long as the CPU path
  onFallbackAdapter: "cpu",
  configSchema: schema,
  profiles: {
    smoke: { ...tunedProfiles.smoke, cbdmTaus: [1] },
    quick: { ...tunedProfiles.quick },
    full: { ...tunedProfiles.full },
  },
  params: {
    ...ltParams,
    cbdm: {
      source: "claims",
      note:
        "CBDM loss of Qin et al. 2023 (official code): w_t = τ t/T, ¼ weight on the reverse term, y' ~ class frequencies; " +
        "per-class networks, its training fixed point solved exactly",
    },
    cbdmTaus: {
      source: "ours",
      note: "CBDM's τ tuned like β (same selection, same budget of tuning replicates)",
    },
    tuneSeeds: {
      source: "ours",
      note: "selection on 10 independent replicates keeps the evaluation seeds unbiased",
    },
  },
  estimateSeconds: (c) =>
    (c.seeds * 3 + c.tuneSeeds * (c.tuneBetas.length + c.cbdmTaus.length)) * c.particles * c.width *
      c.gridPoints * 2 * 1.2e-8 +
    (c.seeds + 2 * c.tuneSeeds) * 0.5,
  defaultSeeds: (c) => c.seeds,
  async run(ctx, c) {
    ctx.progress(0, 3, "tuning β");
    const betaTuning = await tuneBeta(ctx, c);
    ctx.progress(1, 3, "tuning CBDM τ");
    const tauTuning = await tune(ctx, c, c.tuneSeeds, c.cbdmTaus, (tau) => ({ kind: "cbdm", tau }));
    const methods: Method[] = [
      { kind: "mutual", beta: 0 },
      { kind: "cbdm", tau: tauTuning.best },
      { kind: "mutual", beta: betaTuning.best },
    ];
    ctx.progress(2, 3, "evaluation");
    const r = await evaluateMethods(ctx, c, ctx.seeds, methods);
    return {
      classNames: specOf(c).classes.map((x) => x.name),
      methods: methods.map(methodLabel),
      betaTuning,
      tauTuning,
      fd: r.fd,
      worst: worstClass(r.fd),
      preview: r.preview,
      previewTrue: r.previewTrue,
    };
  },
  predict: () => ({ ordering: ["mutual learning", "CBDM", "vanilla"] }),
  judge({ measurement: m }, c) {
    const mlVsCbdm = pairedCI(m.worst, 2, 1, c.resamples, 5); // CBDM − ML
    const cbdmVsVan = pairedCI(m.worst, 1, 0, c.resamples, 6); // vanilla − CBDM
    const mlVsVan = pairedCI(m.worst, 2, 0, c.resamples, 7); // vanilla − ML
    const wins = m.worst.filter((r) => r[2] < r[1]).length;
    const means = [0, 1, 2].map((k) => columnCI(m.worst, k, c.resamples, 20 + k));
    return verdict([
      check("worst(CBDM) − worst(mutual) (paired)", mlVsCbdm, [0, Infinity], {
        note: "> 0: mutual learning beats CBDM",
      }),
      check("worst(vanilla) − worst(CBDM) (paired)", cbdmVsVan, [0, Infinity], {
        note: "> 0: CBDM beats vanilla",
      }),
      check("worst(vanilla) − worst(mutual) (paired)", mlVsVan, [0, Infinity], { primary: false }),
    ], [
      `methods: ${
        m.methods.join(", ")
      } (β and τ picked on ${c.tuneSeeds} independent tuning replicates)`,
      `mean worst-class FD: ${m.methods.map((n, k) => `${n} ${fmtEst(means[k])}`).join("; ")}`,
      `mutual learning beat CBDM on ${wins}/${m.worst.length} seeds`,
      `β tuning (mean worst FD): ${
        m.betaTuning.grid.map((b, i) => `${b}: ${fmt(m.betaTuning.meanWorst[i])}`).join(", ")
      }`,
      `τ tuning (mean worst FD): ${
        m.tauTuning.grid.map((b, i) => `${b}: ${fmt(m.tauTuning.meanWorst[i])}`).join(", ")
      }`,
    ]);
  },
  charts({ measurement: m }, c) {
    const rows = m.methods.map((name, k) => {
      const e = columnCI(m.worst, k, c.resamples, 20 + k);
      return { rank: k, method: name, fd: e.value, lo: e.lo, hi: e.hi };
    });
    const diffs = [
      { rank: 0, comparison: "vanilla − CBDM", ...pairedCI(m.worst, 1, 0, c.resamples, 6) },
      { rank: 1, comparison: "CBDM − mutual", ...pairedCI(m.worst, 2, 1, c.resamples, 5) },
      { rank: 2, comparison: "vanilla − mutual", ...pairedCI(m.worst, 2, 0, c.resamples, 7) },
    ].map((r) => ({ rank: r.rank, comparison: r.comparison, diff: r.value, lo: r.lo, hi: r.hi }));
    const bars = {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: "Worst-class FD by method (mean, 95% CI); paper's ordering: mutual < CBDM < vanilla",
      data: { values: rows },
      layer: [
        {
          mark: "bar",
          encoding: {
            x: { field: "method", type: "nominal", sort: null },
            y: { field: "fd", type: "quantitative", title: "worst-class FD" },
          },
        },
        {
          mark: { type: "errorbar", ticks: true },
          encoding: {
            x: { field: "method", type: "nominal", sort: null },
            y: { field: "lo", type: "quantitative" },
            y2: { field: "hi" },
          },
        },
      ],
      width: 260,
      height: 220,
    };
    const pd = measuredVsPredicted({
      title: "Paired differences (predicted > 0 for all three)",
      x: { field: "rank", title: "0: vanilla−CBDM, 1: CBDM−mutual, 2: vanilla−mutual" },
      y: { field: "diff", title: "worst-class FD difference (95% CI)" },
      measured: diffs,
      ci: { lo: "lo", hi: "hi" },
      pointsOnly: true,
      rules: [{ y: 0, label: "0 (predicted: above)" }],
    });
    return [
      {
        id: "methods",
        title: "Vanilla vs CBDM vs mutual learning",
        spec: concat("Vanilla vs CBDM vs mutual learning", [bars, pd]),
      },
      samplesChart("Generated vs true samples, first seed", c, m, m.methods),
    ];
  },
});

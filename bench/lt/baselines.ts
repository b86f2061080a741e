/**
 * `lt.baselines`: vanilla per-class training (β = 0) vs the CBDM regularizer vs mutual learning at
 * the best β, by worst-class FD; the paper's ordering is mutual learning < CBDM < vanilla. The best
 * β and the best CBDM τ are picked on independent tuning replicates, then the three methods are
 * compared by paired differences on the evaluation seeds.
 * @module
 */
import { z } from "../../deps.ts";
import {
  type CaseContext,
  cpuUnitConcurrency,
  defineCase,
  type UnitSpec,
  type WorkUnits,
} from "../case.ts";
import { seedCountField } from "../seeds.ts";
import {
  agreed,
  fromFirstUnit,
  keepsPreview,
  stackRows,
  tunedSeconds,
  tunedSeedUnits,
} from "./_units.ts";
import { check, verdict } from "../verdict.ts";
import { robustPairedDifference } from "../../reports/stats.ts";
import { anyNumber } from "../../reports/measurement_codec.ts";
import { concat } from "../../reports/charts.ts";
import { evaluateMethods, type Method, methodLabel, specOf, worstClass } from "./_experiment.ts";
import {
  BETA_CONVENTION,
  BETA_CONVENTION_FINDING,
  columnCI,
  estimatorAlternative,
  estimatorField,
  estimatorParam,
  fmt,
  fmtEst,
  LT_PAPER,
  ltModelFields,
  ltParams,
  robustDiff,
  tune,
  tuneBeta,
  tunedProfiles,
  type Tuning,
  tuningFields,
  tuningParams,
  tuningSchema,
} from "./_common.ts";
import { type SamplePreview, samplePreviewFields, samplesChart } from "./_charts.ts";

/** The claim's fixed part: not config, so `--set` cannot change it. */
const CLAIM = {
  /** Paper's ordering by worst-class FD: mutual < CBDM < vanilla, each paired difference > 0. */
  differenceBand: [0, Infinity] as [number, number],
  primary: "worst(CBDM) − worst(mutual) and worst(vanilla) − worst(CBDM)",
  cbdm:
    "CBDM loss of Qin et al. 2023 (official code): w_t = τ t/T, ¼ weight on the reverse term, y' ~ class frequencies; per-class networks, its training fixed point solved exactly",
  betaConvention: BETA_CONVENTION,
};

const schema = z.object({
  ...ltModelFields,
  ...tuningFields,
  ...estimatorField,
  cbdmTaus: z.array(z.number().positive().max(100)).min(1).default([0.1, 0.3, 1, 3]).describe(
    "CBDM τ grid searched on the tuning replicates (w_t = τ t/T)",
  ),
  seeds: seedCountField("paired evaluation replicates"),
}).strict();
type Config = z.infer<typeof schema>;

interface Measurement extends SamplePreview {
  seeds: number[];
  methods: string[];
  betaTuning: Tuning;
  tauTuning: Tuning;
  /** fd[s][k][y], k = vanilla, CBDM, mutual. */
  fd: number[][][];
  worst: number[][];
}

const measurementSchema = z.object({
  ...samplePreviewFields,
  seeds: z.array(z.number().int()),
  methods: z.array(z.string()),
  betaTuning: tuningSchema,
  tauTuning: tuningSchema,
  fd: z.array(z.array(z.array(anyNumber))),
  worst: z.array(z.array(anyNumber)),
});

/** Seconds of one (seed, method) sampling on the 2-core reference machine, CPU path. */
function samplingSeconds(c: Config): number {
  return c.particles * c.width * c.gridPoints * 2 * 1.2e-8;
}

/** Seconds of tuning β and CBDM's τ: every value on every tuning replicate, plus set-up. */
function tuneSeconds(c: Config): number {
  return c.tuneSeeds * (c.tuneBetas.length + c.cbdmTaus.length) * samplingSeconds(c) +
    2 * c.tuneSeeds * 0.5;
}

/** Seconds of the evaluation of `n` seeds: three methods, plus set-up. */
function evalSeconds(c: Config, n: number): number {
  return n * 3 * samplingSeconds(c) + n * 0.5;
}

/** What one unit measures: the tunings (alike in every unit) and its seeds' errors. */
interface UnitResult {
  seeds: number[];
  betaTuning: Tuning;
  tauTuning: Tuning;
  /** fd[s][k][y] of the unit's seeds, k = vanilla, CBDM, mutual. */
  fd: number[][][];
  /** The first seed's samples per method (first unit only, else null). */
  preview: number[][][] | null;
  previewTrue: number[][] | null;
}

const unitResultSchema = z.object({
  seeds: z.array(z.number().int()),
  betaTuning: tuningSchema,
  tauTuning: tuningSchema,
  fd: z.array(z.array(z.array(anyNumber))),
  preview: z.array(z.array(z.array(anyNumber))).nullable(),
  previewTrue: z.array(z.array(anyNumber)).nullable(),
}).strict();

/** The three methods compared: vanilla, CBDM at the tuned τ, mutual learning at the tuned β. */
function methodsOf(betaTuning: Tuning, tauTuning: Tuning): Method[] {
  return [
    { kind: "mutual", beta: 0 },
    { kind: "cbdm", tau: tauTuning.best },
    { kind: "mutual", beta: betaTuning.best },
  ];
}

/** Tune β and τ, then evaluate the three methods on the context's seeds (one work unit). */
async function runSeeds(ctx: CaseContext, c: Config, unit: UnitSpec): Promise<UnitResult> {
  ctx.progress(0, 3, "tuning β");
  const betaTuning = await tuneBeta(ctx, c);
  ctx.progress(1, 3, "tuning CBDM τ");
  const tauTuning = await tune(ctx, c, c.tuneSeeds, c.cbdmTaus, (tau) => ({ kind: "cbdm", tau }));
  ctx.progress(2, 3, "evaluation");
  const r = await evaluateMethods(ctx, c, ctx.seeds, methodsOf(betaTuning, tauTuning));
  const first = keepsPreview(unit);
  return {
    seeds: [...ctx.seeds],
    betaTuning,
    tauTuning,
    fd: r.fd,
    preview: first ? r.preview : null,
    previewTrue: first ? r.previewTrue : null,
  };
}

/**
 * Work units: batches of evaluation seeds, each tuning β and τ again (see
 * {@link tunedSeedUnits}); the measurement stacks their rows.
 */
const units: WorkUnits<Config, Measurement, UnitResult> = {
  plan: (c, seeds) => tunedSeedUnits(seeds, tuneSeconds(c), (n) => evalSeconds(c, n)),
  run: runSeeds,
  resultSchema: unitResultSchema as unknown as z.ZodType<UnitResult>,
  assemble(c, parts) {
    const betaTuning = agreed("lt.baselines", parts, "betaTuning");
    const tauTuning = agreed("lt.baselines", parts, "tauTuning");
    const fd = stackRows(parts, "fd");
    return {
      seeds: stackRows(parts, "seeds"),
      classNames: specOf(c).classes.map((x) => x.name),
      methods: methodsOf(betaTuning, tauTuning).map(methodLabel),
      betaTuning,
      tauTuning,
      fd,
      worst: worstClass(fd),
      preview: fromFirstUnit("lt.baselines", parts, "preview"),
      previewTrue: fromFirstUnit("lt.baselines", parts, "previewTrue"),
    };
  },
  concurrency: cpuUnitConcurrency,
};

/** The case. */
export const baselines = defineCase<Config, Measurement, { ordering: string[] }>({
  id: "lt.baselines",
  paper: LT_PAPER,
  claim:
    "Mutual learning at its best β has lower worst-class error than the CBDM regularizer, which beats vanilla training.",
  version: 2,
  claimSpec: CLAIM,
  measurementSchema: measurementSchema as unknown as z.ZodType<Measurement>,
  judgeVersion: 2,
  alternatives: [
    estimatorAlternative,
    {
      choice: "tuneSeeds",
      values: [30],
      needs: "run",
      note: "a 3× larger tuning budget for β and CBDM's τ (full profile only)",
    },
  ],
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
    ...tuningParams,
    ...estimatorParam,
    cbdmTaus: {
      source: "ours",
      note: "CBDM's τ tuned like β (same selection, same budget of tuning replicates)",
    },
    seeds: { source: "ours", note: "30 paired evaluation replicates (100 at full)" },
  },
  estimateSeconds: (c) => tunedSeconds(c.seeds, tuneSeconds(c), (n) => evalSeconds(c, n)),
  defaultSeeds: (c) => c.seeds,
  units,
  predict: () => ({ ordering: ["mutual learning", "CBDM", "vanilla"] }),
  judge({ measurement: m }, c, j) {
    const col = (k: number) => m.worst.map((r) => r[k]);
    const diff = (label: string, a: number, b: number) =>
      robustDiff(label, col(a), col(b), m.seeds, c.estimator, c.resamples, j.seed(label));
    const mlVsCbdm = diff("CBDM − mutual", 2, 1);
    const cbdmVsVan = diff("vanilla − CBDM", 1, 0);
    const mlVsVan = diff("vanilla − mutual", 2, 0);
    const wins = m.worst.filter((r) => r[2] < r[1]).length;
    const means = [0, 1, 2].map((k) => columnCI(m.worst, k, c.resamples, j.seed("mean", k)));
    const est = `${c.estimator} of paired differences`;
    return verdict([
      check(`worst(CBDM) − worst(mutual) (${est})`, mlVsCbdm.est, CLAIM.differenceBand, {
        note: "> 0: mutual learning beats CBDM",
      }),
      check(`worst(vanilla) − worst(CBDM) (${est})`, cbdmVsVan.est, CLAIM.differenceBand, {
        note: "> 0: CBDM beats vanilla",
      }),
      check(`worst(vanilla) − worst(mutual) (${est})`, mlVsVan.est, CLAIM.differenceBand, {
        primary: false,
        note: "info: implied by the two primary checks",
      }),
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
      ...mlVsCbdm.findings,
      ...cbdmVsVan.findings,
      ...mlVsVan.findings,
      BETA_CONVENTION_FINDING,
    ]);
  },
  tidyRuns(m) {
    return m.seeds.flatMap((seed, s) =>
      m.methods.flatMap((method, k) =>
        m.classNames.map((cls, y) => ({
          seed,
          point: { method, class: cls },
          observable: "FD",
          value: m.fd[s][k][y],
          unit: "",
        }))
      )
    );
  },
  charts({ measurement: m }, c) {
    // chart CIs use fixed resampling seeds (charts get no judge context); the verdict's are named
    const rows = m.methods.map((name, k) => {
      const e = columnCI(m.worst, k, c.resamples, 20 + k);
      return { method: name, fd: e.value, lo: e.lo, hi: e.hi };
    });
    const col = (k: number) => m.worst.map((r) => r[k]);
    const diffs = [
      { comparison: "vanilla − CBDM", a: 1, b: 0 },
      { comparison: "CBDM − mutual", a: 2, b: 1 },
      { comparison: "vanilla − mutual", a: 2, b: 0 },
    ].map((d, i) => {
      const e = robustPairedDifference(col(d.a), col(d.b), c.estimator, {
        resamples: c.resamples,
        seed: 30 + i,
      });
      return { comparison: d.comparison, diff: e.value, lo: e.lo, hi: e.hi, source: "measured" };
    });
    const x = {
      field: "comparison",
      type: "nominal",
      sort: diffs.map((d) => d.comparison),
      title: "comparison",
    };
    const bars = {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: "Worst-class FD by method (mean, 95% CI); paper's ordering: mutual < CBDM < vanilla",
      data: { values: rows },
      encoding: { x: { field: "method", type: "nominal", sort: null, title: "method" } },
      layer: [
        {
          mark: "bar",
          encoding: { y: { field: "fd", type: "quantitative", title: "worst-class FD (mean)" } },
        },
        {
          mark: { type: "errorbar", ticks: true },
          encoding: {
            y: { field: "lo", type: "quantitative", title: "worst-class FD (mean)" },
            y2: { field: "hi" },
          },
        },
      ],
      width: 260,
      height: 220,
    };
    const pd = {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      title: `Paired differences (${c.estimator}, 95% CI); predicted: > 0 for all three`,
      data: { values: diffs },
      layer: [
        {
          mark: { type: "rule", strokeDash: [4, 3] },
          encoding: {
            y: { datum: 0, type: "quantitative" },
            color: { datum: "prediction: above 0", type: "nominal", title: "" },
          },
        },
        {
          mark: { type: "errorbar", ticks: true },
          encoding: {
            x,
            y: { field: "lo", type: "quantitative", title: "worst-class FD difference" },
            y2: { field: "hi" },
            color: { field: "source", type: "nominal", title: "" },
          },
        },
        {
          mark: { type: "point", filled: true, size: 60 },
          encoding: {
            x,
            y: { field: "diff", type: "quantitative", title: "worst-class FD difference" },
            color: { field: "source", type: "nominal", title: "" },
          },
        },
      ],
      width: 260,
      height: 220,
    };
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

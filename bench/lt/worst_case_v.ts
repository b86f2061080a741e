/**
 * `lt.worst-case-v`: worst-class error vs β is V-shaped — some β* > 0 beats β = 0 and large β is
 * worse again, each beyond the CI. β* is picked strictly inside the grid (never 0 or the largest β,
 * so neither arm is identically 0) on the other half of the seeds (cross-fitting), and both arms
 * are paired per-seed differences summarised by a robust estimator (20% trimmed mean by default)
 * with a bootstrap CI; seeds that alone move an arm are named.
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
import { check, verdict } from "../verdict.ts";
import { bootstrap, type Estimate, location, type RobustEstimator } from "../../reports/stats.ts";
import { anyNumber } from "../../reports/measurement_codec.ts";
import { concat, measuredVsPredicted } from "../../reports/charts.ts";
import { evaluateMethods, specOf, worstClass } from "./_experiment.ts";
import {
  argmin,
  BETA_CONVENTION,
  BETA_CONVENTION_FINDING,
  columnMeans,
  estimatorAlternative,
  estimatorField,
  estimatorParam,
  fmt,
  LT_PAPER,
  ltModelFields,
  ltParams,
  robustDiff,
  samplingProfiles,
} from "./_common.ts";
import { seedCountField } from "../seeds.ts";
import { agreed, fromFirstUnit, keepsPreview, ltSeedUnits, stackRows } from "./_units.ts";
import { betaAxisValue, type SamplePreview, samplePreviewFields, samplesChart } from "./_charts.ts";

/** The claim's fixed part: not config, so `--set` cannot change it. */
const CLAIM = {
  /** Both arms of the V: worst(β=0) − worst(β*) > 0 and worst(β_max) − worst(β*) > 0. */
  armBand: [0, Infinity] as [number, number],
  /** β* is an interior grid point: neither 0 nor the largest β. */
  betaStar: "strictly inside the β grid (not 0, not the largest β)",
  primary: "left arm and right arm",
  betaConvention: BETA_CONVENTION,
};

const schema = z.object({
  ...ltModelFields,
  ...estimatorField,
  betas: z.array(z.number().min(0).max(100)).min(3).default([
    0,
    1e-4,
    3e-4,
    1e-3,
    3e-3,
    1e-2,
    3e-2,
    0.1,
    0.3,
    1,
  ])
    .describe("β grid, ascending, starting at 0 (log grid 1e-4 … 1)"),
  crossFit: z.boolean().default(true).describe(
    "pick β* on the other half of the seeds (true) or on all seeds (false)",
  ),
  seeds: seedCountField("paired replicates per β"),
}).strict();
type Config = z.infer<typeof schema>;

interface Measurement extends SamplePreview {
  seeds: number[];
  betas: number[];
  /** fd[s][b][y]. */
  fd: number[][][];
  kl: number[][][] | null;
  /** worst[s][b]. */
  worst: number[][];
}

const measurementSchema = z.object({
  ...samplePreviewFields,
  seeds: z.array(z.number().int()),
  betas: z.array(z.number()),
  fd: z.array(z.array(z.array(anyNumber))),
  kl: z.array(z.array(z.array(anyNumber))).nullable(),
  worst: z.array(z.array(anyNumber)),
});

/** Indices of the β strictly inside the grid (the candidates for β*). */
/**
 * The β indices whose first-seed samples a run keeps for the samples chart: β = 0, the β of the
 * lowest mean worst-class FD, and the largest β (each once).
 */
function previewBetas(worst: number[][], nBetas: number): number[] {
  const bs = argmin(columnMeans(worst));
  return [0, bs, nBetas - 1].filter((v, i, a) => a.indexOf(v) === i);
}

function interior(betas: number[]): number[] {
  return betas.map((_, i) => i).filter((i) => i > 0 && i < betas.length - 1);
}

/** The candidate with the smallest `estimator` of the worst-class FD over `rows`. */
function pickStar(rows: number[][], candidates: number[], est: RobustEstimator): number {
  const locs = candidates.map((b) => location(rows.map((r) => r[b]), est));
  return candidates[argmin(locs.map((v) => (Number.isNaN(v) ? Infinity : v)))];
}

/**
 * β* per seed: picked on the other half of the seeds (cross-fitting, no winner's curse) or on all
 * seeds; always strictly inside the grid.
 */
function starPerSeed(m: Measurement, c: Config): number[] {
  const cand = interior(m.betas);
  if (!c.crossFit) return m.worst.map(() => pickStar(m.worst, cand, c.estimator));
  const halves = [0, 1].map((h) => m.worst.filter((_, i) => i % 2 === h));
  const pick = halves.map((rows) => pickStar(rows, cand, c.estimator));
  return m.worst.map((_, i) => pick[1 - (i % 2)]);
}

/** β* = argmin of the mean worst-class FD over the whole grid, with a bootstrap CI over seeds. */
function betaStar(worst: number[][], betas: number[], resamples: number, seed: number): Estimate {
  const stat = (idx: Int32Array) => {
    const means = betas.map((_, b) => {
      let s = 0;
      for (const i of idx) s += worst[i][b];
      return s / idx.length;
    });
    return betas[argmin(means)];
  };
  const e = bootstrap(worst.length, stat, { resamples, seed });
  return { value: e.value, lo: e.lo, hi: e.hi };
}

/** Seconds on the 2-core reference machine, CPU path (sampling, plus set-up per seed). */
function estimateSeconds(c: Config): number {
  return c.seeds * c.betas.length * c.particles * c.width * c.gridPoints * 2 * 1.2e-8 +
    c.seeds * 0.5;
}

/** Seeds per work unit: 10 (≈ 4 s each at quick on the idle 2-core machine). */
const SEEDS_PER_UNIT = 10;

/** What one unit (a batch of seeds) measures: its seeds' errors; the first unit, its samples. */
interface UnitResult {
  seeds: number[];
  /** fd[s][b][y] of the unit's seeds. */
  fd: number[][][];
  hasKl: boolean;
  kl: number[][][];
  /** The first seed's samples under every β (first unit only, else null). */
  preview: number[][][] | null;
  previewTrue: number[][] | null;
}

const unitResultSchema = z.object({
  seeds: z.array(z.number().int()),
  fd: z.array(z.array(z.array(anyNumber))),
  hasKl: z.boolean(),
  kl: z.array(z.array(z.array(anyNumber))),
  preview: z.array(z.array(z.array(anyNumber))).nullable(),
  previewTrue: z.array(z.array(anyNumber)).nullable(),
}).strict();

/** Train and sample every β on the context's seeds (one work unit). */
async function runSeeds(ctx: CaseContext, c: Config, unit: UnitSpec): Promise<UnitResult> {
  const methods = c.betas.map((beta) => ({ kind: "mutual" as const, beta }));
  const r = await evaluateMethods(
    ctx,
    c,
    ctx.seeds,
    methods,
    "lt",
    (d, t) => ctx.progress(d, t, "train + sample"),
  );
  const first = keepsPreview(unit);
  return {
    seeds: [...ctx.seeds],
    fd: r.fd,
    hasKl: r.kl !== null,
    kl: r.kl ?? [],
    preview: first ? r.preview : null,
    previewTrue: first ? r.previewTrue : null,
  };
}

/** Work units: batches of {@link SEEDS_PER_UNIT} seeds; the measurement stacks their rows. */
const units: WorkUnits<Config, Measurement, UnitResult> = {
  plan: (c, seeds) =>
    ltSeedUnits(seeds, SEEDS_PER_UNIT, (n) => estimateSeconds({ ...c, seeds: n })),
  run: runSeeds,
  resultSchema: unitResultSchema as unknown as z.ZodType<UnitResult>,
  assemble(c, parts) {
    const fd = stackRows(parts, "fd");
    const worst = worstClass(fd);
    const keep = previewBetas(worst, c.betas.length);
    const kl = agreed("lt.worst-case-v", parts, "hasKl") ? stackRows(parts, "kl") : null;
    return {
      seeds: stackRows(parts, "seeds"),
      betas: c.betas,
      classNames: specOf(c).classes.map((x) => x.name),
      fd,
      kl,
      worst,
      preview: keep.map((k) => fromFirstUnit("lt.worst-case-v", parts, "preview")[k]),
      previewTrue: fromFirstUnit("lt.worst-case-v", parts, "previewTrue"),
    };
  },
  concurrency: cpuUnitConcurrency,
};

/** The case. */
export const worstCaseV = defineCase<Config, Measurement, { shape: string }>({
  id: "lt.worst-case-v",
  paper: LT_PAPER,
  claim:
    "The worst-class sampling error is V-shaped in β: a moderate β* > 0 beats β = 0 and large β is worse again.",
  version: 2,
  claimSpec: CLAIM,
  measurementSchema: measurementSchema as unknown as z.ZodType<Measurement>,
  judgeVersion: 2,
  alternatives: [
    estimatorAlternative,
    {
      choice: "crossFit",
      values: [false],
      needs: "judge",
      note: "β* picked on all seeds (the arms then carry a winner's-curse bias toward a V)",
    },
    {
      choice: "ridge",
      values: [1e-3],
      needs: "run",
      note:
        "a weaker ridge lets tail samples extrapolate more (full profile only: doubles the cost)",
    },
    {
      choice: "width",
      values: [256],
      needs: "run",
      note: "the numpy check's width (full profile only)",
    },
  ],
  // measured: sampling on llvmpipe takes about twice as long as the CPU path
  onFallbackAdapter: "cpu",
  configSchema: schema,
  profiles: {
    smoke: { ...samplingProfiles.smoke, betas: [0, 0.1, 1], seeds: 4 },
    quick: { ...samplingProfiles.quick, seeds: 30 },
    full: { ...samplingProfiles.full, seeds: 100 },
  },
  params: {
    ...ltParams,
    ...estimatorParam,
    betas: {
      source: "claims",
      note: "0 and a log grid 1e-4 … 1 (half decades); β/K per other class",
    },
    crossFit: {
      source: "ours",
      note:
        "β* for the arm tests is picked, strictly inside the grid, on the other half of the seeds (no winner's curse)",
    },
    seeds: { source: "claims", note: "≥ 30 paired seeds per β at quick" },
  },
  estimateSeconds,
  defaultSeeds: (c) => c.seeds,
  units,
  predict: () => ({
    shape: "V: an interior β* > 0 with lower worst-class error than β = 0 and than the largest β",
  }),
  judge({ measurement: m }, c, j) {
    const B = m.betas.length;
    const star = starPerSeed(m, c);
    const at = (b: number) => m.worst.map((r) => r[b]);
    const atStar = m.worst.map((r, i) => r[star[i]]);
    const how = `${c.estimator} of paired per-seed differences, ${
      c.crossFit ? "β* cross-fitted" : "β* picked on all seeds"
    }`;
    const left = robustDiff(
      "left arm",
      atStar,
      at(0),
      m.seeds,
      c.estimator,
      c.resamples,
      j.seed("left-arm"),
    );
    const right = robustDiff(
      "right arm",
      atStar,
      at(B - 1),
      m.seeds,
      c.estimator,
      c.resamples,
      j.seed("right-arm"),
    );
    const bStar = betaStar(m.worst, m.betas, c.resamples, j.seed("beta-star"));
    const means = columnMeans(m.worst);
    const locs = m.betas.map((_, b) => location(at(b), c.estimator));
    const picked = [...new Set(star)].map((b) => m.betas[b]);
    const bs = star[0];
    const cls = m.classNames.map((name, y) => {
      const fdAt = (b: number) => location(m.fd.map((r) => r[b][y]), c.estimator);
      return `${name} FD ${fmt(fdAt(0))} at β=0 → ${fmt(fdAt(bs))} at β*=${m.betas[bs]} → ${
        fmt(fdAt(B - 1))
      } at β=${m.betas[B - 1]}`;
    });
    return verdict([
      check(`left arm: worst(β=0) − worst(β*) (${how})`, left.est, CLAIM.armBand, {
        note: "> 0: some β* strictly inside the grid beats vanilla",
      }),
      check(
        `right arm: worst(β=${m.betas[B - 1]}) − worst(β*) (${how})`,
        right.est,
        CLAIM.armBand,
        {
          note: "> 0: large β is worse again",
        },
      ),
      check("β* (argmin of mean worst-class FD over the whole grid, bootstrap over seeds)", bStar, [
        Number.MIN_VALUE,
        m.betas[B - 1],
      ], {
        primary: false,
        note: "info: on the β grid; a CI reaching 0 means vanilla is sometimes best",
      }),
    ], [
      `β* for the arms (strictly inside the grid, by ${c.estimator}): ${picked.join(", ")}`,
      `${c.estimator} worst-class FD per β: ${
        m.betas.map((b, i) => `${b}: ${fmt(locs[i])}`).join(", ")
      }`,
      `mean worst-class FD per β: ${m.betas.map((b, i) => `${b}: ${fmt(means[i])}`).join(", ")}`,
      `which class gains (${c.estimator} over seeds): ${cls.join("; ")}`,
      ...left.findings,
      ...right.findings,
      BETA_CONVENTION_FINDING,
    ]);
  },
  tidyRuns(m) {
    return m.seeds.flatMap((seed, s) =>
      m.betas.flatMap((beta, b) => [
        ...m.classNames.map((cls, y) => ({
          seed,
          point: { beta, class: cls },
          observable: "FD",
          value: m.fd[s][b][y],
          unit: "",
        })),
        { seed, point: { beta }, observable: "worst-class FD", value: m.worst[s][b], unit: "" },
      ])
    );
  },
  charts({ measurement: m }, c) {
    // chart CIs use fixed resampling seeds (charts get no judge context)
    const locCI = (xs: number[], seed: number) => {
      const e = bootstrap(xs.length, (idx) => location(xs, c.estimator, idx), {
        resamples: Math.min(c.resamples, 1000),
        seed,
      });
      return { fd: e.value, lo: e.lo, hi: e.hi };
    };
    const xs = m.betas.map((b) => betaAxisValue(b, m.betas));
    const worstRows = m.betas.map((b, i) => ({
      beta: xs[i],
      betaLabel: String(b),
      ...locCI(m.worst.map((r) => r[i]), 11 + i),
    }));
    const base = worstRows[0].fd;
    const bs = pickStar(m.worst, interior(m.betas), c.estimator);
    const perClass = m.classNames.flatMap((name, y) =>
      m.betas.map((_b, i) => ({
        beta: xs[i],
        cls: name,
        ...locCI(m.fd.map((r) => r[i][y]), 31 + i + 100 * y),
      }))
    );
    const v = measuredVsPredicted({
      title:
        `Worst-class FD vs β (${c.estimator} over seeds; β = 0 drawn a decade left of the grid)`,
      x: { field: "beta", title: "β (β/K per other class)", log: true },
      y: { field: "fd", title: `worst-class FD (${c.estimator}, 95% CI)` },
      measured: worstRows,
      ci: { lo: "lo", hi: "hi" },
      rules: [{ y: base, label: "β = 0 level (V predicts a dip below)" }, {
        x: xs[bs],
        label: `interior β* = ${m.betas[bs]}`,
      }],
    });
    const pc = measuredVsPredicted({
      title: "Per-class FD vs β",
      x: { field: "beta", title: "β", log: true },
      y: { field: "fd", title: `FD (${c.estimator}, 95% CI)` },
      measured: perClass,
      ci: { lo: "lo", hi: "hi" },
      series: { field: "cls", title: "class" },
      rules: [{ x: xs[bs], label: "β*" }],
    });
    // the β whose samples the run kept (chosen from the run's own means, not the judged β*)
    const keep = previewBetas(m.worst, m.betas.length);
    return [
      {
        id: "worst-vs-beta",
        title: "Worst-class error vs β (the V)",
        spec: concat("Worst-class error vs β", [v, pc]),
      },
      samplesChart(
        "Generated vs true samples, first seed",
        c,
        m,
        keep.map((k) => `β=${m.betas[k]}`),
      ),
    ];
  },
});

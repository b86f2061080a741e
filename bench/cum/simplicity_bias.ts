/**
 * `cum.simplicity-bias`: a small convolutional denoiser trained on Fashion-MNIST first denoises
 * real images exactly as well as their Gaussian surrogate (same mean and covariance), then
 * better: it learns pairwise statistics first, higher-order ones later.
 * @module
 */
import { z } from "../../deps.ts";
import { defineCase, type RunRow, type UnitSpec } from "../case.ts";
import { seedCountField } from "../seeds.ts";
import { check, unmeasuredCheck, verdict } from "../verdict.ts";
import { bootstrap, crossing, type Estimate, mean, meanCI } from "../../reports/stats.ts";
import { anyNumber } from "../../reports/measurement_codec.ts";
import { measuredVsPredicted, type Row, type Spec } from "../../reports/charts.ts";
import type { Check } from "../../reports/schema.ts";
import { parameterCount } from "../../models/images/denoiser.ts";
import {
  assembleSimplicity,
  chooseEngine,
  runSimplicityUnit,
  type SimplicityMeasurement,
  type SimplicityUnitResult,
} from "./_simplicity_experiment.ts";
import { seedsKey } from "../seed_batches.ts";
import { cpuWorkerCount } from "../../models/cpu/pool.ts";

/**
 * The claim's fixed part (CLAIMS.md): in the first phase the relative gap (Gaussian − real)/real
 * stays within ±2% of the loss; at the end of training it is positive beyond its CI.
 */
export const simplicityClaim = {
  band: 0.02,
  finalGapBand: [0, Infinity] as [number, number],
} as const;

const schema = z.object({
  dataDir: z.string().min(1).nullable().default(null).describe(
    "Fashion-MNIST IDX directory; null = $CLAIMBENCH_FASHION_MNIST_DIR or /usr/share/datasets/fashion-mnist",
  ),
  side: z.number().int().min(4).max(28).multipleOf(2).default(14).describe(
    "image side after area-resizing the 28×28 images (even; 28 = native resolution)",
  ),
  channels: z.number().int().min(1).max(64).default(8).describe(
    "channels of the denoiser's first level (the second has twice as many)",
  ),
  nTrain: z.number().int().min(2).max(60000).default(60000).describe(
    "training images (the first n of the training split); the surrogate's moments are theirs",
  ),
  nEval: z.number().int().min(2).max(10000).default(256).describe(
    "held-out test images, and as many surrogate samples, per seed and logged step",
  ),
  steps: z.number().int().min(1).max(1_000_000).default(1200).describe("Adam steps"),
  batch: z.number().int().min(1).max(4096).default(32).describe("minibatch size"),
  learningRate: z.number().positive().max(1).default(2e-3).describe("Adam learning rate"),
  noiseLevels: z.array(z.number().positive().max(100)).min(1).max(16).default([0.2, 0.5, 1])
    .describe("noise levels σ (x_t = x + σε, pixels in [−1, 1]); each batch item draws one"),
  logPoints: z.number().int().min(2).max(100).default(14).describe(
    "log-spaced logged steps between 10 and `steps` (step 0 is always logged)",
  ),
  engine: z.enum(["auto", "cpu", "tfjs"]).default("auto").describe(
    "trainer: auto = tfjs/WebGPU on a hardware adapter, CPU kernels on CPU or a software adapter",
  ),
  seeds: seedCountField("independent training runs").default(4),
  openRule: z.enum(["ci", "band"]).default("ci").describe(
    "when a seed's gap opens: from the first logged step on which it stays positive beyond its " +
      "CI (ci) or stays above the claim's +2% (band)",
  ),
  firstPhase: z.enum(["before-open", "first-log"]).default("before-open").describe(
    "which logged steps count as the first phase: every step (> 0) before the seed's gap opens, " +
      "or only the first logged step (> 0)",
  ),
  resamples: z.number().int().min(100).max(100000).default(2000).describe(
    "bootstrap resamples (over seeds) for the opening step's CI",
  ),
}).strict();

const seedCurvesSchema = z.object({
  seed: z.number().int(),
  real: z.array(anyNumber),
  gauss: z.array(anyNumber),
  realByLevel: z.array(z.array(anyNumber)),
  gaussByLevel: z.array(z.array(anyNumber)),
  pairedSE: z.array(anyNumber),
  trainLoss: z.array(anyNumber),
  failedAt: z.number().int().nullable(),
}).strict();

const dataSchema = z.object({
  nTrain: z.number().int(),
  nTestPool: z.number().int(),
  side: z.number().int(),
  pixelRange: z.tuple([anyNumber, anyNumber]),
}).strict();

const surrogateSchema = z.object({
  jitter: anyNumber,
  meanMaxAbsErr: anyNumber,
  covMaxAbsErr: anyNumber,
  checkSamples: z.number().int(),
  maxVariance: anyNumber,
}).strict();

const backendSchema = z.enum(["cpu", "webgpu"]);
const engineSchema = z.enum(["cpu", "tfjs"]);

/** The stored measurement of `cum.simplicity-bias`. */
export const simplicityMeasurementSchema: z.ZodType<SimplicityMeasurement> = z.object({
  steps: z.array(z.number().int().min(0)).min(1),
  noiseLevels: z.array(z.number().positive()).min(1),
  seeds: z.array(seedCurvesSchema),
  data: dataSchema,
  surrogate: surrogateSchema,
  backend: backendSchema,
  engine: engineSchema,
}).strict();

/** The stored result of one work unit (see {@link SimplicityUnitResult}). */
export const simplicityUnitResultSchema: z.ZodType<SimplicityUnitResult> = z.object({
  seeds: z.array(seedCurvesSchema),
  data: dataSchema,
  surrogate: surrogateSchema,
  backend: backendSchema,
  engine: engineSchema,
}).strict();

/** The measurement as tidy rows: per seed × logged step, the losses and the gap's SE. */
export function simplicityTidyRuns(m: SimplicityMeasurement): RunRow[] {
  const out: RunRow[] = [];
  const num = (x: number) => (Number.isFinite(x) ? x : null);
  for (const s of m.seeds) {
    s.real.forEach((_, i) => {
      const point = { step: m.steps[i] };
      out.push(
        {
          seed: s.seed,
          point,
          observable: "loss (real)",
          value: num(s.real[i]),
          unit: "MSE/pixel",
        },
        {
          seed: s.seed,
          point,
          observable: "loss (Gaussian)",
          value: num(s.gauss[i]),
          unit: "MSE/pixel",
        },
        {
          seed: s.seed,
          point,
          observable: "paired SE of the gap",
          value: num(s.pairedSE[i]),
          unit: "MSE/pixel",
        },
        {
          seed: s.seed,
          point,
          observable: "training loss",
          value: num(s.trainLoss[i]),
          unit: "MSE/pixel",
        },
      );
    });
  }
  return out;
}

/** Resolved config of `cum.simplicity-bias`. */
export type SimplicityConfig = z.infer<typeof schema>;

/**
 * Estimated seconds of a work unit (one seed) on the 2-core reference machine (CPU engine,
 * shared load): its training on one core, ≈ 2.8 ms per image·step at 14×14 with 8 channels,
 * scaling with pixels × parameters; its evaluations (≈ 1.4 ms per image·level) run on the other
 * core while it trains, so only the last logged step's adds; plus {@link UNIT_SETUP_SECONDS}.
 * (With `CLAIMBENCH_CPU_WORKERS=1` the evaluations add in full, ≈ 25% more at quick.)
 */
export function unitSeconds(c: SimplicityConfig): number {
  const scale = (c.side * c.side / 196) *
    (parameterCount({ side: c.side, channels: c.channels }) / 5449);
  const train = 2.8e-3 * c.batch * c.steps * scale;
  const lastEval = 1.4e-3 * 2 * c.nEval * c.noiseLevels.length * scale;
  return train + lastEval + UNIT_SETUP_SECONDS;
}

/** Seconds a work unit spends reading the data and fitting the surrogate before its seed. */
export const UNIT_SETUP_SECONDS = 10;

/**
 * The work units: one per seed (key `seeds=<seed>`), each costing {@link unitSeconds}. A seed
 * cannot be split (its training is sequential) and the quick profile has four; a unit trains on
 * one core and evaluates on the other, and reads the data and fits the surrogate itself.
 */
export function planSimplicityUnits(c: SimplicityConfig, seeds: readonly number[]): UnitSpec[] {
  const cost = unitSeconds(c);
  return seeds.map((seed) => ({ key: seedsKey([seed]), seeds: [seed], cost }));
}

/** `n` consecutive seeds from 0 (for cost estimates, which depend on the count only). */
function seedRange(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The prediction: gap within ±band first, then positive. */
export interface SimplicityPrediction {
  firstPhaseBand: [number, number];
  finalGap: [number, number];
}

/** Per logged step: the relative gap (Gaussian − real)/real, mean over seeds with a CI. */
export function relativeGaps(m: SimplicityMeasurement): {
  perSeed: number[][];
  est: Estimate[];
} {
  const ok = m.seeds.filter((s) => s.failedAt === null && s.real.length === m.steps.length);
  const perSeed = ok.map((s) => s.real.map((r, i) => (s.gauss[i] - r) / r));
  const est = m.steps.map((_, i) => {
    if (perSeed.length >= 2) return meanCI(perSeed.map((g) => g[i]));
    if (perSeed.length === 1) {
      // one seed: the within-seed paired standard error (eval noise only) — says so in findings
      const s = ok[0], v = perSeed[0][i], h = 1.96 * s.pairedSE[i] / s.real[i];
      return { value: v, lo: v - h, hi: v + h };
    }
    return { value: NaN, lo: NaN, hi: NaN };
  });
  return { perSeed, est };
}

/** A seed's gap has opened at a logged step under `rule` (see the config field `openRule`). */
export function isOpen(e: Estimate, rule: "ci" | "band"): boolean {
  return rule === "ci" ? e.lo > 0 : e.value > simplicityClaim.band;
}

/**
 * Per seed: the relative gap at each logged step with its within-seed 95% CI (evaluation noise:
 * paired per-image differences), and the seed's opening index (see {@link openingIndex}).
 */
export function perSeedGaps(m: SimplicityMeasurement, rule: "ci" | "band" = "ci"): {
  seed: number;
  est: Estimate[];
  open: number | null;
}[] {
  return m.seeds.filter((s) => s.failedAt === null && s.real.length === m.steps.length).map((s) => {
    const est = s.real.map((r, i) => {
      const v = (s.gauss[i] - r) / r, h = 1.96 * s.pairedSE[i] / r;
      return { value: v, lo: v - h, hi: v + h };
    });
    return { seed: s.seed, est, open: openingIndex(m.steps, est, rule) };
  });
}

/**
 * Index of the first logged step (> 0) from which the gap stays open for good under `rule`
 * (default: its CI stays above 0), or null.
 */
export function openingIndex(
  steps: number[],
  est: Estimate[],
  rule: "ci" | "band" = "ci",
): number | null {
  let open: number | null = null;
  for (let i = steps.length - 1; i >= 0 && steps[i] > 0; i--) {
    if (isOpen(est[i], rule)) open = i;
    else break;
  }
  return open;
}

/**
 * The first-phase point that decides the first-phase check: among the points whose CI lies wholly
 * outside ±band, the one farthest out (the check fails on it); else the one whose CI reaches
 * farthest from 0 (the weakest evidence that the gap stays within the band).
 */
export function decisivePoint<T extends { e: Estimate }>(points: T[], band: number): T | null {
  if (!points.length) return null;
  const outside = points.filter((p) => p.e.lo > band || p.e.hi < -band);
  const dist = (e: Estimate) => (e.lo > band ? e.lo : e.hi < -band ? -e.hi : 0);
  if (outside.length) return outside.reduce((a, b) => (dist(b.e) > dist(a.e) ? b : a));
  const reach = (e: Estimate) => Math.max(Math.abs(e.lo), Math.abs(e.hi));
  return points.reduce((a, b) => (reach(b.e) > reach(a.e) ? b : a));
}

/**
 * Seeds that alone move the mean of `values` out of its CI (leave-one-seed-out): the mean of
 * the others falls outside [lo, hi].
 */
export function influentialSeeds(
  values: number[],
  seeds: number[],
  ci: Estimate,
): { seed: number; without: number }[] {
  if (values.length < 3) return [];
  const total = values.reduce((a, b) => a + b, 0);
  return values.map((v, k) => ({ seed: seeds[k], without: (total - v) / (values.length - 1) }))
    .filter((x) => x.without < ci.lo || x.without > ci.hi);
}

/** Step where the mean relative gap first crosses `level` (log-interpolated), NaN if never. */
export function crossingStep(steps: number[], gaps: number[], level: number): number {
  const xs: number[] = [], ys: number[] = [];
  steps.forEach((s, i) => {
    if (s > 0) (xs.push(Math.log(s)), ys.push(gaps[i]));
  });
  return Math.exp(crossing(xs, ys, level, "up"));
}

const fmtPct = (x: number) => `${(100 * x).toFixed(2)}%`;
const fmtCI = (e: Estimate) => `${fmtPct(e.value)} [${fmtPct(e.lo)}, ${fmtPct(e.hi)}]`;

/** The case. */
export const simplicityBias = defineCase<
  SimplicityConfig,
  SimplicityMeasurement,
  SimplicityPrediction
>({
  id: "cum.simplicity-bias",
  paper: "Bardone, Merger & Goldt (2026), A theory of learning data statistics in diffusion models",
  claim:
    "Early in training a convolutional denoiser has the same denoising loss on real images as on a " +
    "Gaussian surrogate with their mean and covariance; later its loss on real images is lower " +
    "(distributional simplicity bias; Fashion-MNIST in place of CIFAR-10).",
  version: 2,
  judgeVersion: 2,
  claimSpec: simplicityClaim,
  measurementSchema: simplicityMeasurementSchema,
  alternatives: [
    {
      choice: "openRule",
      values: ["band"],
      needs: "judge",
      note: "the gap opens where it stays above the claim's +2% instead of where its CI leaves 0",
    },
    {
      choice: "firstPhase",
      values: ["first-log"],
      needs: "judge",
      note: "only the first logged step counts as the first phase (the earliest the run shows)",
    },
    {
      choice: "learningRate",
      values: [1e-3],
      needs: "run",
      runIn: ["full"],
      note: "half the Adam step: a slower start could lengthen the first phase (a second quick " +
        "run would double its ≈ 5–10 min, so full profile only)",
    },
  ],
  configSchema: schema,
  profiles: {
    smoke: {
      side: 8,
      channels: 2,
      nTrain: 60,
      nEval: 16,
      steps: 12,
      batch: 4,
      logPoints: 3,
      seeds: 2,
      resamples: 200,
    },
    quick: {},
    full: { side: 28, channels: 16, steps: 20000, nEval: 1000, logPoints: 24, seeds: 8 },
  },
  params: {
    dataDir: {
      source: "ours",
      note:
        "where Fashion-MNIST is read from (the Debian package's path by default); no modelling choice",
    },
    side: {
      source: "ours",
      note:
        "14×14 (2×2 area average of 28×28) keeps the quick profile's CPU training under 10 min; " +
        "full uses the native 28×28",
    },
    channels: { source: "ours", note: "a small two-level U-Net (paper: a CIFAR-10 U-Net)" },
    nTrain: { source: "ours", note: "the whole training split; surrogate moments from it" },
    nEval: {
      source: "ours",
      note: "within-seed paired SE of the gap ≈ 0.1–2.5% of the loss at 256 images",
    },
    steps: {
      source: "ours",
      note: "the gap opened after ≈ 50–100 steps and reached ≈ 45% by step 1000 in a pilot run",
    },
    batch: { source: "ours", note: "small batches: many steps per CPU second" },
    learningRate: {
      source: "ours",
      note: "Adam 2e-3: stable in pilot runs, fast enough to open the gap",
    },
    noiseLevels: {
      source: "ours",
      note:
        "a fixed set of low to moderate levels (the issue asks for a fixed set; the paper's schedule is not given)",
    },
    logPoints: { source: "ours", note: "log-spaced: the first phase is short" },
    seeds: {
      source: "ours",
      note: "the CI over seeds includes training and evaluation randomness",
    },
    openRule: {
      source: "ours",
      note: "a seed's gap opens at the first logged step from which its CI (evaluation noise) " +
        "stays above 0; the alternative: from which it stays above +2%",
    },
    firstPhase: {
      source: "ours",
      note:
        "the first phase is each seed's logged steps before its gap opens (the claim does not " +
        "say how long it lasts); the alternative: the first logged step only",
    },
    resamples: { source: "ours", note: "bootstrap over seeds" },
    engine: {
      source: "ours",
      note: "tfjs on llvmpipe takes ≈ 1.4 s per step; the CPU kernels (resident WebAssembly " +
        "trainer) ≈ 0.011 s of CPU per step at quick (reports/perf/2026-12-02b-img.md)",
    },
  },
  estimateSeconds: (c) =>
    planSimplicityUnits(c, seedRange(c.seeds)).reduce((t, u) => t + u.cost, 0),
  defaultSeeds: (c) => c.seeds,
  units: {
    plan: planSimplicityUnits,
    run: (ctx, c) => runSimplicityUnit(ctx, c),
    resultSchema: simplicityUnitResultSchema,
    assemble: assembleSimplicity,
    // a CPU-engine unit trains on one core while its evaluation mostly waits (≈ 1.3 of 2 cores
    // busy, measured): as many units at once as there are CPU workers
    concurrency: (c, choice) => chooseEngine(choice, c.engine) === "cpu" ? cpuWorkerCount() : 1,
  },
  predict: () => ({
    firstPhaseBand: [-simplicityClaim.band, simplicityClaim.band],
    finalGap: simplicityClaim.finalGapBand,
  }),
  judge({ measurement: m, prediction }, c, j) {
    const { perSeed, est } = relativeGaps(m);
    const checks: Check[] = [];
    const findings: string[] = [];
    const band = simplicityClaim.band;
    const seeds = perSeedGaps(m, c.openRule);
    const firstLogged = m.steps.findIndex((s) => s > 0);
    const phaseName = "largest |relative gap| in the first phase";
    const openWord = c.openRule === "ci"
      ? "its gap's CI stays above 0"
      : `its gap stays above +${fmtPct(band)}`;
    // the first phase of each seed
    const phaseOf = (g: (typeof seeds)[number]) =>
      m.steps.map((_, i) => i).filter((i) =>
        m.steps[i] > 0 &&
        (c.firstPhase === "first-log" ? i === firstLogged : g.open === null || i < g.open)
      );
    let phase1 = seeds.flatMap((g) => phaseOf(g).map((i) => ({ seed: g.seed, i, e: g.est[i] })));
    let phaseNote = c.firstPhase === "first-log"
      ? `the first phase is the first logged step (${m.steps[firstLogged]}) of every seed`
      : `each seed's first phase ends where ${openWord} for good`;
    if (seeds.length && !phase1.length && firstLogged >= 0) {
      // every seed's gap is open from the first logged step on: there is no phase before it.
      // Judge the earliest step the run shows against the band: a gap beyond ±2% there means
      // the claim's first phase is not seen (fails); one within ±2% is what the claim allows.
      phase1 = seeds.map((g) => ({ seed: g.seed, i: firstLogged, e: g.est[firstLogged] }));
      phaseNote = `no seed has a step before its gap opens (${openWord} from the first logged ` +
        `step on), so the first logged step (${m.steps[firstLogged]}) is judged`;
      findings.push(
        `No first phase before the gap opens: every seed's gap is open from the first logged step ` +
          `(${m.steps[firstLogged]}) on; that step's gap is judged against ±${fmtPct(band)}.`,
      );
    }
    const worst = decisivePoint(phase1, band);
    if (!worst) {
      checks.push(
        unmeasuredCheck(phaseName, prediction.firstPhaseBand, "no seed finished its run", {
          note: phaseNote,
        }),
      );
    } else {
      checks.push(
        check(phaseName, worst.e, prediction.firstPhaseBand, {
          note: `(Gaussian − real)/real of seed ${worst.seed} at step ${m.steps[worst.i]}, the ` +
            `decisive point among ${phase1.length} first-phase points of ${seeds.length} seeds ` +
            `(${phaseNote}; CI = evaluation noise)`,
        }),
      );
    }
    const last = m.steps.length - 1;
    const finalName = `relative gap at the last step (${m.steps[last]})`;
    const finalNote =
      "positive beyond its CI: the denoiser does better on real images than on the surrogate";
    if (!perSeed.length) {
      checks.push(
        unmeasuredCheck(finalName, prediction.finalGap, "no seed finished its run", {
          note: finalNote,
        }),
      );
    } else {
      checks.push(check(finalName, est[last], prediction.finalGap, { note: finalNote }));
      const loo = influentialSeeds(
        perSeed.map((g) => g[last]),
        seeds.map((g) => g.seed),
        est[last],
      );
      for (const x of loo) {
        findings.push(
          `Seed ${x.seed} alone moves the final gap out of its CI: without it the mean is ${
            fmtPct(x.without)
          } (CI ${fmtPct(est[last].lo)}…${fmtPct(est[last].hi)}).`,
        );
      }
    }
    // the step where each seed's relative gap crosses +band; median over seeds, bootstrap CI
    const crossings = perSeed.map((g) => crossingStep(m.steps, g, band));
    const finiteOr = (x: number) => (Number.isNaN(x) ? Infinity : x);
    const med = (xs: number[]) => {
      const a = xs.map(finiteOr).sort((p, q) => p - q);
      return a.length % 2 ? a[(a.length - 1) / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    };
    const cross = perSeed.length
      ? bootstrap(perSeed.length, (idx) => med(Array.from(idx, (k) => crossings[k])), {
        resamples: c.resamples,
        seed: j.seed("simplicity.crossing"),
        keepInfinite: true,
      })
      : { value: NaN, lo: NaN, hi: NaN };
    checks.push(
      check(`median step where a seed's relative gap exceeds +${fmtPct(band)}`, cross, [
        1,
        c.steps,
      ], {
        primary: false,
        note:
          "log-interpolated between logged steps; ∞ = never in the run; bootstrap CI over seeds",
      }),
    );
    if (seeds.length) {
      findings.push(
        `Per seed, the gap opens (${openWord} from then on) at logged step ` +
          seeds.map((g) => `${g.open === null ? "never" : m.steps[g.open]} (seed ${g.seed})`)
            .join(", ") +
          `; it crosses +${fmtPct(band)} at step ` +
          crossings.map((x, k) =>
            `${Number.isNaN(x) ? "never" : Math.round(x)} (seed ${seeds[k].seed})`
          ).join(", ") +
          ".",
      );
      const open = openingIndex(m.steps, est, c.openRule);
      if (open !== null) {
        findings.push(
          `Mean over seeds: the gap is open (${openWord}; CI over seeds) from logged step ${
            m.steps[open]
          } on, where it is ${fmtCI(est[open])}; median crossing of +${fmtPct(band)} at step ≈ ${
            Math.round(cross.value)
          } [${Math.round(cross.lo)}, ${Math.round(cross.hi)}].`,
        );
      } else {
        findings.push("The mean gap never opens for good within the run.");
      }
      const ok = m.seeds.filter((s) => s.failedAt === null && s.real.length === m.steps.length);
      findings.push(
        `Final relative gap ${fmtCI(est[last])}; losses: real ${
          mean(ok.map((s) => s.real[last])).toPrecision(4)
        }, Gaussian ${
          mean(ok.map((s) => s.gauss[last])).toPrecision(4)
        } (per-pixel MSE, pixels in [−1, 1]).`,
        `Per noise level at the last step (σ: relative gap): ${
          m.noiseLevels.map((sg, l) => {
            const g = mean(ok.map((s) =>
              (s.gaussByLevel[l][last] - s.realByLevel[l][last]) / s.realByLevel[l][last]
            ));
            return `${sg}: ${fmtPct(g)}`;
          }).join(", ")
        }.`,
      );
    } else {
      findings.push("Every seed failed: nothing to judge.");
    }
    findings.push(
      `Surrogate: moments of ${m.surrogate.checkSamples} samples match the data's to max |Δmean| ${
        m.surrogate.meanMaxAbsErr.toPrecision(2)
      }, max |Δcov| ${m.surrogate.covMaxAbsErr.toPrecision(2)} (largest pixel variance ${
        m.surrogate.maxVariance.toPrecision(3)
      }); Cholesky jitter ${m.surrogate.jitter}.`,
      `${m.data.nTrain} training images at ${m.data.side}×${m.data.side}; ${m.seeds.length} seeds on ${m.backend} (trained by ${
        m.engine === "tfjs" ? "tfjs" : "the CPU kernels"
      }) (time per training step: see timings).`,
    );
    if (perSeed.length === 1) {
      findings.push("One seed only: CIs reflect evaluation noise, not training randomness.");
    }
    const failed = m.seeds.filter((s) => s.failedAt !== null);
    if (failed.length) {
      findings.push(`${failed.length} seed(s) failed (non-finite loss) and were excluded.`);
    }
    return verdict(checks, findings);
  },
  tidyRuns: (m) => simplicityTidyRuns(m),
  charts({ measurement: m, prediction }, c, v) {
    const { est } = relativeGaps(m);
    const open = openingIndex(m.steps, est, c.openRule);
    const ok = m.seeds.filter((s) => s.failedAt === null && s.real.length === m.steps.length);
    const lossRows: Row[] = [];
    const shade: Row[] = [];
    m.steps.forEach((step, i) => {
      if (step === 0) return;
      const r = meanCI(ok.map((s) => s.real[i])), g = meanCI(ok.map((s) => s.gauss[i]));
      lossRows.push({ step, loss: r.value, lo: r.lo, hi: r.hi, data: "real test images" });
      lossRows.push({ step, loss: g.value, lo: g.lo, hi: g.hi, data: "Gaussian surrogate" });
      shade.push({ step, real: r.value, gauss: g.value });
    });
    const lossSpec = measuredVsPredicted({
      title: "denoising loss vs step (gap shaded)",
      x: { field: "step", title: "training step", log: true },
      y: { field: "loss", title: "denoising loss (per-pixel MSE)", log: true },
      measured: lossRows,
      ci: { lo: "lo", hi: "hi" },
      series: { field: "data", title: "evaluated on" },
      rules: open !== null ? [{ x: m.steps[open], label: "gap opens" }] : [],
    });
    (lossSpec.layer as Spec[]).unshift({
      data: { values: shade },
      mark: { type: "area", opacity: 0.25, color: "#e9c46a" },
      encoding: {
        x: { field: "step", type: "quantitative", scale: { type: "log", nice: false } },
        y: { field: "real", type: "quantitative", scale: { type: "log", nice: false } },
        y2: { field: "gauss" },
      },
    });
    const gapRows: Row[] = [];
    for (const g of perSeedGaps(m, c.openRule)) {
      m.steps.forEach((step, i) => {
        if (step > 0) {
          gapRows.push({
            seed: `seed ${g.seed}`,
            step,
            gap: g.est[i].value,
            lo: g.est[i].lo,
            hi: g.est[i].hi,
          });
        }
      });
    }
    m.steps.forEach((step, i) => {
      if (step > 0) {
        gapRows.push({
          seed: "mean over seeds",
          step,
          gap: est[i].value,
          lo: est[i].lo,
          hi: est[i].hi,
        });
      }
    });
    const predicted: Row[] = m.steps.filter((s, i) => s > 0 && (open === null || i < open))
      .map((step) => ({ step, gap: 0 }));
    const gapSpec = measuredVsPredicted({
      title: "relative gap (Gaussian − real)/real",
      x: { field: "step", title: "training step", log: true },
      y: { field: "gap", title: "relative gap" },
      measured: gapRows,
      ci: { lo: "lo", hi: "hi" },
      series: { field: "seed", title: "seed (CI: evaluation noise; mean: over seeds)" },
      predicted,
      predictedLabel: "theory: no gap in the first phase",
      yBand: {
        lo: prediction.firstPhaseBand[0],
        hi: prediction.firstPhaseBand[1],
        label: `±${fmtPct(simplicityClaim.band)} tolerance`,
      },
      rules: [{ y: 0, label: "no gap" }],
    });
    return [
      { id: "losses", title: `Loss on real vs surrogate — verdict: ${v.status}`, spec: lossSpec },
      { id: "gap", title: "Relative loss gap with 95% CI", spec: gapSpec },
    ];
  },
  tables({ measurement: m }) {
    const { est } = relativeGaps(m);
    const ok = m.seeds.filter((s) => s.failedAt === null && s.real.length === m.steps.length);
    return [{
      id: "gap-by-step",
      title: "Loss on real and surrogate images, and their relative gap, per logged step",
      columns: ["step", "loss (real)", "loss (Gaussian)", "relative gap", "CI lo", "CI hi"],
      rows: m.steps.map((step, i) => [
        step,
        +mean(ok.map((s) => s.real[i])).toPrecision(5),
        +mean(ok.map((s) => s.gauss[i])).toPrecision(5),
        +est[i].value.toFixed(4),
        +est[i].lo.toFixed(4),
        +est[i].hi.toFixed(4),
      ]),
    }];
  },
});

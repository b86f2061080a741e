/**
 * `fl.noisy-image`: Paper A's diffusion model and classifier on Noisy Fashion-MNIST (patch 1 =
 * a real image, patch 2 = Gaussian noise). The diffusion model learns both (S/N within
 * [0.1, 10]); the classifier is dominated by one of them (S/N outside [0.1, 10]) at the paper's
 * low and high n·SNR² settings. Two-class and ten-class variants.
 * @module
 */
import { z } from "../../deps.ts";
import { defineCase } from "../case.ts";
import { seedCountField } from "../seeds.ts";
import { check, verdict } from "../verdict.ts";
import { combineStatuses, type Estimate, mean, meanCI } from "../../reports/stats.ts";
import { concat, measuredVsPredicted, type Row } from "../../reports/charts.ts";
import type { Check } from "../../reports/schema.ts";
import {
  type NoisyImageMeasurement,
  noisyImageRunSchema,
  noisyImageSeconds,
  noisyImageUnits,
} from "./_noisy_image_experiment.ts";

const schema = z.object({
  dataDir: z.string().min(1).nullable().default(null).describe(
    "Fashion-MNIST IDX directory; null = $CLAIMBENCH_FASHION_MNIST_DIR or /usr/share/datasets/fashion-mnist",
  ),
  side: z.number().int().min(4).max(28).default(16).describe(
    "image side after area-resizing (d = side²; 16 gives CLAIMS.md's d = 256)",
  ),
  m: z.number().int().min(1).max(512).default(32).describe(
    "neurons (per class for the classifier)",
  ),
  ns: z.array(z.number().int().min(2).max(10000)).min(1).default([20, 40]).describe(
    "training set sizes n",
  ),
  nSnr2: z.array(z.number().positive()).min(1).default([0.75, 6.75]).describe(
    "n·SNR² settings (the paper's lowest and highest); SNR = ‖image patch‖ / (σ_ξ √d)",
  ),
  variants: z.array(z.enum(["2-class", "10-class"])).min(1).default(["2-class", "10-class"])
    .describe("which variants run"),
  twoClasses: z.tuple([z.number().int().min(0).max(9), z.number().int().min(0).max(9)]).default([
    0,
    1,
  ]).describe("the two classes of the 2-class variant (0 = T-shirt/top, 1 = Trouser)"),
  noiseStd: z.number().positive().default(1).describe("σ_ξ of the noise patch"),
  sigma0: z.number().positive().default(0.05).describe("initial weight scale"),
  diffusionTime: z.number().positive().default(0.5).describe(
    "t: α = e^(−t), β = √(1 − e^(−2t))",
  ),
  diffusionLr: z.number().positive().default(0.01).describe("diffusion model GD step size"),
  diffusionSteps: z.number().int().min(1).max(100000).default(500).describe("diffusion GD steps"),
  classifierLr: z.number().positive().default(0.5).describe("classifier GD step size"),
  classifierSteps: z.number().int().min(1).max(100000).default(300).describe("classifier GD steps"),
  q: z.number().int().min(1).max(8).default(3).describe("classifier activation ReLU^q"),
  logPoints: z.number().int().min(2).max(200).default(11).describe("log points over training"),
  testN: z.number().int().min(1).max(10000).default(200).describe("test samples for accuracy"),
  seeds: seedCountField("seeds per (variant, n, setting)").default(5),
  measureAt: z.number().gt(0).max(1).default(1).describe(
    "fraction of training at which S/N is read (the nearest log point; 1 = end of training)",
  ),
}).strict();

/** Resolved config of `fl.noisy-image`. */
export type NoisyImageConfig = z.infer<typeof schema>;

/**
 * The claim's fixed part (CLAIMS.md): the diffusion model's S/N within [0.1, 10] (log10 within
 * [−1, 1]); the classifier's outside it (log10 beyond −1 or +1, on the side its estimate lies).
 */
export const NOISY_IMAGE_CLAIM = {
  diffusionLog10Band: [-1, 1] as [number, number],
  classifierLog10Outside: [-1, 1] as [number, number],
} as const;

/** Schema of the stored measurement. */
export const noisyImageMeasurementSchema: z.ZodType<NoisyImageMeasurement> = z.object({
  d: z.number().int().positive(),
  classes: z.array(z.number().int().min(0).max(9)),
  runs: z.array(noisyImageRunSchema),
}).strict();

/** The prediction: log10 S/N bands per model. */
export interface NoisyImagePrediction {
  diffusion: [number, number];
  classifierOutside: [number, number];
}

/**
 * log10(S/N) per run of a (variant, setting, model) cell, read at `fraction` of training (the
 * nearest log point; 1 = the end).
 */
export function finalLogRatios(
  m: NoisyImageMeasurement,
  variant: string,
  setting: number,
  model: "diffusion" | "classifier",
  fraction = 1,
): number[] {
  return m.runs
    .filter((r) =>
      r.variant === variant && r.nSnr2 === setting && r.model === model && r.failedAt < 0
    )
    .map((r) => {
      const l = Math.round(fraction * (r.steps.length - 1));
      return Math.log10(mean(r.S[l]) / r.N[l]);
    })
    .filter(Number.isFinite);
}

/**
 * Leave-one-seed-out over the runs of a cell: the seeds whose runs, left out, move the mean
 * log10(S/N) outside the CI `est` (a finding; empty when no seed alone does).
 */
export function influentialSeeds(
  m: NoisyImageMeasurement,
  variant: string,
  setting: number,
  model: "diffusion" | "classifier",
  fraction: number,
  est: Estimate,
): { seed: number; without: number }[] {
  const cell = m.runs.filter((r) =>
    r.variant === variant && r.nSnr2 === setting && r.model === model && r.failedAt < 0
  );
  const seeds = [...new Set(cell.map((r) => r.seed))];
  if (seeds.length < 3 || !(est.lo <= est.hi)) return [];
  return seeds.flatMap((seed) => {
    const rest = { ...m, runs: cell.filter((r) => r.seed !== seed) };
    const without = mean(finalLogRatios(rest, variant, setting, model, fraction));
    return Number.isFinite(without) && (without < est.lo || without > est.hi)
      ? [{ seed, without }]
      : [];
  });
}

const f2 = (x: number) => (Number.isFinite(x) ? x.toPrecision(3) : String(x));
const ci = (e: Estimate) => `${f2(10 ** e.value)} [${f2(10 ** e.lo)}, ${f2(10 ** e.hi)}]`;

/** The case. */
export const noisyImage = defineCase<NoisyImageConfig, NoisyImageMeasurement, NoisyImagePrediction>(
  {
    id: "fl.noisy-image",
    paper: "Han et al. (ICLR 2025), On the Feature Learning in Diffusion Models",
    claim:
      "On Noisy Fashion-MNIST (a real image patch plus a Gaussian noise patch), the diffusion model " +
      "learns both signal and noise (S/N within [0.1, 10]) while the classifier is dominated by one " +
      "of them (S/N outside [0.1, 10]), with 2 and with 10 classes.",
    version: 2,
    claimSpec: NOISY_IMAGE_CLAIM,
    measurementSchema: noisyImageMeasurementSchema,
    judgeVersion: 2,
    alternatives: [
      {
        choice: "measureAt",
        values: [0.5],
        needs: "judge",
        note: "S/N read half way through training instead of at the end; from the stored logs",
      },
      {
        choice: "twoClasses",
        values: [[0, 9]],
        needs: "run",
        note: "another well-separated pair (T-shirt/top vs Ankle boot) for the 2-class variant",
      },
      {
        choice: "noiseStd",
        values: [0.0625],
        needs: "run",
        note: "σ_ξ = 1/16 (‖ξ‖ ≈ 1 at d = 256; the image patch is rescaled with it, so n·SNR² is " +
          "unchanged): the data's scale against the diffusion noise and the init. The step " +
          "sizes are not rescaled with it",
      },
    ],
    configSchema: schema,
    profiles: {
      smoke: {
        side: 6,
        m: 4,
        ns: [10],
        variants: ["2-class", "10-class"],
        diffusionSteps: 20,
        classifierSteps: 20,
        logPoints: 3,
        testN: 20,
        seeds: 2,
      },
      quick: {},
      full: {
        side: 28,
        m: 64,
        ns: [20, 40, 100, 200],
        nSnr2: [0.75, 1.92, 3, 4.32, 6.75],
        diffusionSteps: 2000,
        classifierSteps: 1000,
        seeds: 20,
      },
    },
    params: {
      side: {
        source: "claims",
        note: "d = 256 in the quick profile (16×16), 784 (native) in full",
      },
      m: { source: "claims", note: "m = 32 quick, 64 full" },
      ns: { source: "claims", note: "n ∈ {20, 40} quick" },
      nSnr2: { source: "paper", note: "the ends of the paper's grid {0.75, …, 6.75}" },
      variants: { source: "paper", note: "2-class (main text) and 10-class (appendix I)" },
      twoClasses: {
        source: "ours",
        note: "two well-separated classes, like the paper's two digits",
      },
      noiseStd: { source: "ours", note: "σ_ξ = 1; the image patch is scaled to set n·SNR²" },
      sigma0: { source: "claims", note: "init scale 0.05 of the independent numpy check" },
      diffusionTime: { source: "claims", note: "t = 0.5 as in the numpy check" },
      diffusionLr: { source: "claims", note: "lr 0.01 as in the numpy check" },
      diffusionSteps: { source: "claims", note: "500 GD steps as in the numpy check" },
      classifierLr: { source: "claims", note: "lr 0.5 as in the numpy check" },
      classifierSteps: { source: "claims", note: "300 GD steps as in the numpy check" },
      q: { source: "claims", note: "ReLU³" },
      logPoints: { source: "ours", note: "S and N logged over training" },
      testN: { source: "ours", note: "fresh test images and noise for accuracy" },
      seeds: { source: "claims", note: "5 seeds quick" },
      dataDir: { source: "ours", note: "where the Fashion-MNIST IDX files are (not a choice)" },
      measureAt: {
        source: "ours",
        note: "S/N read at the end of training, as CLAIMS.md's observables; the read-out step " +
          "is varied as an alternative (CLAIMS.md's robustness list for Paper A)",
      },
    },
    // calibrated on the 2-core reference machine: ≈ 1.6 ns per multiply-add of the GD loops (quick: 174 s)
    estimateSeconds: (c) => noisyImageSeconds(c),
    defaultSeeds: (c) => c.seeds,
    units: noisyImageUnits,
    predict: () => ({
      diffusion: [...NOISY_IMAGE_CLAIM.diffusionLog10Band],
      classifierOutside: [...NOISY_IMAGE_CLAIM.classifierLog10Outside],
    }),
    tidyRuns: (m) =>
      m.runs.flatMap((r) => {
        const point = { variant: r.variant, n: r.n, nSnr2: r.nSnr2 };
        const last = r.steps.length - 1;
        const ok = r.failedAt < 0;
        const s = ok ? mean(r.S[last]) : NaN, n = ok ? r.N[last] : NaN;
        const val = (x: number) => (Number.isFinite(x) ? x : null);
        return [
          { seed: r.seed, point, observable: `${r.model} S (end)`, value: val(s), unit: "overlap" },
          { seed: r.seed, point, observable: `${r.model} N (end)`, value: val(n), unit: "overlap" },
          {
            seed: r.seed,
            point,
            observable: `${r.model} S/N (end)`,
            value: val(s / n),
            unit: "ratio",
          },
          ...(r.model === "classifier"
            ? [{
              seed: r.seed,
              point,
              observable: "classifier test accuracy",
              value: r.testAccuracy,
              unit: "fraction",
            }]
            : []),
        ];
      }),
    judge({ measurement: m }, c) {
      const checks: Check[] = [];
      const findings: string[] = [];
      for (const v of c.variants) {
        for (const s of c.nSnr2) {
          const dl = meanCI(finalLogRatios(m, v, s, "diffusion", c.measureAt));
          checks.push(
            check(`${v}, n·SNR²=${s}: diffusion log10(S/N)`, dl, [
              ...NOISY_IMAGE_CLAIM.diffusionLog10Band,
            ], {
              note: "mean over n and seeds; S/N within [0.1, 10] ⇔ log10 within [−1, 1]",
            }),
          );
          const cl = meanCI(finalLogRatios(m, v, s, "classifier", c.measureAt));
          // outside [0.1, 10]: beyond −1 or +1 on the side where the estimate lies
          const [oLo, oHi] = NOISY_IMAGE_CLAIM.classifierLog10Outside;
          const band: [number, number] = cl.value >= 0 ? [oHi, Infinity] : [-Infinity, oLo];
          checks.push(
            check(`${v}, n·SNR²=${s}: classifier log10(S/N)`, cl, band, {
              note: `S/N outside [0.1, 10]: ${
                cl.value >= 0 ? "signal" : "noise"
              }-dominated side tested`,
            }),
          );
          const acc = m.runs.filter((r) =>
            r.variant === v && r.nSnr2 === s && r.model === "classifier"
          )
            .map((r) => r.testAccuracy).filter((a): a is number => a !== null);
          findings.push(
            `${v}, n·SNR² = ${s}: S/N diffusion ${ci(dl)}, classifier ${
              ci(cl)
            }; classifier test accuracy ${meanCI(acc).value.toFixed(3)}.`,
          );
          for (const [model, est] of [["diffusion", dl], ["classifier", cl]] as const) {
            const hits = influentialSeeds(m, v, s, model, c.measureAt, est);
            if (hits.length) {
              findings.push(
                `${v}, n·SNR² = ${s}, ${model} log10(S/N) = ${f2(est.value)} [${f2(est.lo)}, ${
                  f2(est.hi)
                }]: leaving out ${
                  hits.map((h) => `seed ${h.seed} gives ${f2(h.without)}`).join(", ")
                } (outside the CI: that seed alone moves it).`,
              );
            }
          }
        }
        if (v === "10-class") {
          for (const model of ["diffusion", "classifier"] as const) {
            const spreads = m.runs.filter((r) =>
              r.variant === v && r.model === model && r.failedAt < 0
            )
              .map((r) => {
                const S = r.S[r.S.length - 1];
                return Math.max(...S) / Math.min(...S);
              });
            findings.push(
              `10-class ${model}: per-class signal learning spread max_c S_c / min_c S_c = ${
                f2(mean(spreads))
              } (mean over runs; larger = a subset of the classes' features learned).`,
            );
          }
        }
      }
      const failed = m.runs.filter((r) => r.failedAt >= 0);
      if (failed.length) {
        findings.push(
          `${failed.length} run(s) hit a non-finite loss and were excluded.`,
        );
      }
      findings.push(
        `S is measured against the class-mean images (scaled like the image patches), the mean over classes; d = ${
          c.side * c.side
        }, classes ${m.classes.join("/")} (2-class); S/N read ${
          c.measureAt >= 1 ? "at the end of training" : `at ${c.measureAt} of training`
        }.`,
      );
      // headline: the first primary check whose status is the verdict's (the one that decides it)
      const status = combineStatuses(checks.filter((k) => k.primary).map((k) => k.status));
      return verdict(checks, findings, checks.find((k) => k.primary && k.status === status)?.name);
    },
    charts({ measurement: m }, c, v) {
      const when = c.measureAt >= 1 ? "at the end of training" : `at ${c.measureAt} of training`;
      const rows: Row[] = [];
      for (const variant of c.variants) {
        for (const s of c.nSnr2) {
          for (const model of ["diffusion", "classifier"] as const) {
            const e = meanCI(finalLogRatios(m, variant, s, model, c.measureAt));
            rows.push({
              setting: `${variant}, ${model}`,
              nSnr2: s,
              ratio: 10 ** e.value,
              lo: 10 ** e.lo,
              hi: 10 ** e.hi,
            });
          }
        }
      }
      const finalSpec = measuredVsPredicted({
        title: `S/N ${when}`,
        x: { field: "nSnr2", title: "n·SNR²", log: true },
        y: { field: "ratio", title: "S/N", log: true },
        measured: rows.filter((r) => Number.isFinite(r.ratio as number)),
        ci: { lo: "lo", hi: "hi" },
        series: { field: "setting", title: "variant, model" },
        yBand: { lo: 0.1, hi: 10, label: "diffusion: S/N within [0.1, 10]; classifier: outside" },
        pointsOnly: false,
      });
      const specs = c.variants.map((variant) => {
        const tr: Row[] = [];
        for (const s of c.nSnr2) {
          for (const model of ["diffusion", "classifier"] as const) {
            const runs = m.runs.filter((r) =>
              r.variant === variant && r.nSnr2 === s && r.model === model && r.failedAt < 0
            );
            if (!runs.length) continue;
            runs[0].steps.forEach((step, i) => {
              const lr = runs.map((r) => Math.log10(mean(r.S[i]) / r.N[i])).filter(Number.isFinite);
              if (!lr.length) return;
              const e = meanCI(lr);
              tr.push({
                series: `${model}, n·SNR²=${s}`,
                step: step / runs[0].steps[runs[0].steps.length - 1],
                ratio: 10 ** e.value,
                lo: 10 ** (Number.isFinite(e.lo) ? e.lo : e.value),
                hi: 10 ** (Number.isFinite(e.hi) ? e.hi : e.value),
              });
            });
          }
        }
        return measuredVsPredicted({
          title: `${variant}: S/N over training`,
          x: { field: "step", title: "fraction of training steps" },
          y: { field: "ratio", title: "S/N", log: true },
          measured: tr,
          ci: { lo: "lo", hi: "hi" },
          series: { field: "series", title: "model, setting" },
          yBand: { lo: 0.1, hi: 10, label: "[0.1, 10]" },
        });
      });
      return [
        {
          id: "final",
          title: `S/N ${when} — verdict: ${v.status}`,
          spec: finalSpec,
        },
        { id: "training", title: "S/N over training", spec: concat("S/N over training", specs) },
      ];
    },
  },
);

/**
 * `cum.quartic-cubic`: with β_u = 0 (only the fourth cumulant along v) the denoiser needs at least
 * cubic sample complexity: k ≥ 3 − tolerance, band [2.5, ∞). The theory is a lower bound, runs stop
 * at a step cap, and censored runs make the fitted k a lower bound (see `_analysis.ts`).
 * @module
 */
import { z } from "../../deps.ts";
import { defineCase } from "../case.ts";
import { check, verdict } from "../verdict.ts";
import { wilson } from "../../reports/stats.ts";
import type { Check } from "../../reports/schema.ts";
import type { CumMeasurement, RunSet } from "./_experiment.ts";
import { byDim, exponentCI, learnedRuns, type NStarRule, selectSteps } from "./_analysis.ts";
import {
  bandOf,
  censoredAtBest,
  CUM_PAPER,
  type CumConfig,
  cumFields,
  cumParams,
  cumRunner,
  exponentCharts,
  fmt,
  linearControl,
  selectionFindings,
  selectionTable,
} from "./_common.ts";
import type { ExponentPrediction } from "./pairwise_linear.ts";

const schema = z.object({
  ...cumFields({ betaU: 0, latent: "independent", capExponent: 3, thresholdV: 0.9 }),
  nullControlMax: z.number().min(0).max(1).default(0.05).describe(
    "drop a d where u (no signal) passes its threshold in more than this fraction of runs",
  ),
}).strict();

/** Resolved config of `cum.quartic-cubic`. */
export type QuarticConfig = CumConfig & { nullControlMax: number };

const FIXED: NStarRule = { kind: "fixed" };
const CONTROL_STEP = { c: 0.5, a: 2 };

/** Null control: fraction of runs at d (all step sizes) in which u crossed its threshold. */
function nullFraction(group: RunSet[]): { passed: number; runs: number } {
  let passed = 0, runs = 0;
  for (const s of group) {
    s.crossU.forEach((x, i) => {
      if (s.failedAt[i] !== null) return;
      runs++;
      if (x !== null) passed++;
    });
  }
  return { passed, runs };
}

function analyse(m: CumMeasurement, c: QuarticConfig) {
  const all = byDim(m.sets, "main");
  const nulls = all.map(nullFraction);
  const kept = all.filter((_, j) => nulls[j].passed <= c.nullControlMax * nulls[j].runs);
  const sel = selectSteps(kept, "v", FIXED, c.holdFraction);
  const k = kept.length >= 2
    ? exponentCI(kept, "v", FIXED, c.holdFraction, c.resamples, 13)
    : { value: NaN, lo: NaN, hi: NaN, bound: "none" as const, censoredResamples: 0 };
  // the lower quartile of n* is exact while < 75% of runs are censored: a less censored view
  const k25 = kept.length >= 2
    ? exponentCI(kept, "v", FIXED, c.holdFraction, c.resamples, 14, 0.25)
    : { value: NaN, lo: NaN, hi: NaN, bound: "none" as const, censoredResamples: 0 };
  return { all, nulls, kept, sel, k, k25 };
}

/** The case. */
export const quarticCubic = defineCase<QuarticConfig, CumMeasurement, ExponentPrediction>({
  id: "cum.quartic-cubic",
  paper: CUM_PAPER,
  claim:
    "With only the fourth cumulant along v (no covariance spike), the denoiser needs at least cubic sample complexity: n* ≳ d³.",
  version: 1,
  configSchema: schema as unknown as z.ZodType<QuarticConfig>,
  profiles: {
    smoke: {
      dims: [4, 6],
      seeds: 4,
      stepSizes: [{ c: 0.5, a: 2 }],
      capFactor: 20,
      logPoints: 20,
      resamples: 200,
      band: [2.5, null],
      controls: [linearControl(CONTROL_STEP, [4], 2)],
    },
    quick: {
      dims: [8, 12, 16, 24],
      seeds: 32,
      stepSizes: [{ c: 0.2, a: 2 }, { c: 0.5, a: 2 }],
      band: [2.5, null],
      controls: [linearControl(CONTROL_STEP, [12, 16], 16)],
    },
    full: {
      dims: [8, 12, 16, 24, 32, 48, 64],
      seeds: 128,
      stepSizes: [{ c: 0.05, a: 1 }, { c: 0.1, a: 1.5 }, { c: 0.2, a: 2 }, { c: 0.5, a: 2 }],
      band: [2.5, null],
      controls: [linearControl(CONTROL_STEP, [12, 16, 24], 32)],
    },
  },
  params: {
    ...cumParams,
    betaU: {
      source: "claims",
      note: "β_u = 0: no covariance spike, u carries no signal (null control)",
    },
    thresholdV: { source: "claims", note: "0.9 for v" },
    dims: {
      source: "ours",
      note:
        "CLAIMS.md's quick grid is d = 8…32; d = 32 (1.6 M steps per run at cap 50·d³) is left " +
        "to the full profile: measured on the 2-core machine it takes 111 s of llvmpipe WebGPU alone " +
        "(several times that on the CPU path), which would push the quick suite past its 10-minute " +
        "budget on the CPU backend. Quick uses d = 8, 12, 16, 24 (d = 8 falls to the null control, as " +
        "CLAIMS.md expects). With --set dims=[8,12,16,24,32] the quick fit gave k = 2.02 [1.13, 2.74]: " +
        "still inconclusive, so d = 32 does not change the verdict at 32 seeds",
    },
    seeds: { source: "claims", note: "32 (quick): 8 left the exponent's CI too wide" },
    stepSizes: {
      source: "claims",
      note:
        "quick: η = c/d², c ∈ {0.2, 0.5}. Measured on the quick grid: η = 0.05/d (CLAIMS.md's a = 1 " +
        "check) left 32/32 runs censored at every d ≤ 24 under the hold rule, so it never won; " +
        "η = 0.5/d² (CLAIMS.md's best) plateaus near 0.8 at d = 12 (step noise), failing the hold rule, " +
        "while 0.2/d² holds 0.96 there; η = 1/d² never holds. Full adds a = 1 and a = 1.5",
    },
    capExponent: { source: "claims", note: "cap 50·d³" },
    band: { source: "claims", note: "k ∈ [2.5, ∞): the theory is a lower bound" },
    nullControlMax: { source: "claims", note: "drop any d where u passes 0.9 in > 5% of runs" },
    controls: {
      source: "claims",
      note:
        "linear σ: for symmetric data its loss sees only the covariance, so v must not be learned",
    },
  },
  ...cumRunner("quartic"),
  predict: (c) => ({ k: 3, band: bandOf(c) }),
  judge({ measurement: m, prediction }, c) {
    const { all, nulls, kept, sel, k, k25 } = analyse(m, c);
    const checks: Check[] = [
      check("exponent k of n*_v ∝ d^k", k, prediction.band, {
        note: kept.length < 2
          ? "fewer than two d survive the null control: no fit"
          : k.bound === "exact"
          ? "no censored medians"
          : k.bound === "lower"
          ? "medians censored at the largest d: k is a lower bound, CI upper end +∞"
          : "a smaller d is censored while a larger one is not: no bound, CI (−∞, ∞)",
      }),
    ];
    checks.push(
      check("exponent k of the lower-quartile n*_v ∝ d^k", k25, prediction.band, {
        primary: false,
        note:
          "same fit on the 25% quantile of n* (less affected by the cap); step size re-selected",
      }),
    );
    const findings: string[] = [];
    all.forEach((g, j) => {
      const f = nulls[j];
      const dropped = !kept.includes(g);
      findings.push(
        `null control d=${
          g[0].d
        }: u (no signal) passed ${c.thresholdU} in ${f.passed}/${f.runs} runs` +
          (dropped ? ` (> ${c.nullControlMax * 100}%): d=${g[0].d} dropped from the fit` : ""),
      );
    });
    findings.push(...selectionFindings(sel, "v"));
    const { censored, runs } = censoredAtBest(sel);
    findings.push(
      `fitted k = ${fmt(k.value)} [${fmt(k.lo)}, ${fmt(k.hi)}] over d = ${
        kept.map((g) => g[0].d).join(", ")
      }; ${censored}/${runs} runs censored at the selected step sizes; ` +
        `${fmt(k.censoredResamples * 100, 2)}% of bootstrap resamples had a censored median; ` +
        `lower-quartile fit k = ${fmt(k25.value)} [${fmt(k25.lo)}, ${fmt(k25.hi)}]`,
    );
    for (const g of byDim(m.sets, "linear σ")) {
      const { ns, learned } = learnedRuns(g[0], "v", FIXED, c.holdFraction);
      checks.push(
        check(`linear-σ control: fraction learning v at d=${g[0].d}`, wilson(learned, ns.length), [
          0,
          c.nullControlMax,
        ], {
          primary: false,
          note: "a linear denoiser sees only the covariance: v must not be learned",
        }),
      );
      findings.push(`linear-σ control at d=${g[0].d}: ${learned}/${ns.length} runs learn v`);
    }
    return verdict(checks, findings);
  },
  charts({ measurement: m, prediction }, c) {
    const { kept, sel, k } = analyse(m, c);
    const keptDims = new Set(kept.map((g) => g[0].d));
    return exponentCharts({
      // the dropped d's main sets only: the control sets stay
      sets: m.sets.filter((s) => s.variant !== "main" || keptDims.has(s.d)),
      dir: "v",
      rule: FIXED,
      cfg: c,
      sel,
      prediction,
      fitted: k.value,
      threshold: c.thresholdV,
      label: "v (quartic)",
      controls: ["linear σ"],
    });
  },
  tables({ measurement: m }, c) {
    const { all } = analyse(m, c);
    return [
      selectionTable(
        "step-sizes",
        "Step-size grid: median n*_v per d (all d, before the null control)",
        selectSteps(all, "v", FIXED, c.holdFraction),
      ),
    ];
  },
});

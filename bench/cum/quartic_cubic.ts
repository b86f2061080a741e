/**
 * `cum.quartic-cubic`: with β_u = 0 (only the fourth cumulant along v) the denoiser needs at least
 * cubic sample complexity: k ≥ 3 − tolerance, band [2.5, ∞). The theory is a lower bound, runs stop
 * at a step cap, and censored runs make the fitted k a lower bound (see `_analysis.ts`).
 * @module
 */
import { z } from "../../deps.ts";
import { defineCase, type JudgeContext } from "../case.ts";
import { check, verdict } from "../verdict.ts";
import { wilson } from "../../reports/stats.ts";
import type { Check, Verdict } from "../../reports/schema.ts";
import type { CumMeasurement, RunSet } from "./_experiment.ts";
import {
  byDim,
  exponentCI,
  type ExponentEstimate,
  exponentPoint,
  influentialSeeds,
  learnedRuns,
  type NStarRule,
  selectSteps,
} from "./_analysis.ts";
import {
  censoredAtBest,
  CUM_PAPER,
  type CumConfig,
  cumFields,
  cumMeasurementSchema,
  cumParams,
  cumTidyRuns,
  cumView,
  exponentCharts,
  fmt,
  holdRuleAlternative,
  influenceFindings,
  linearControl,
  selectionFindings,
  selectionTable,
} from "./_common.ts";
import { cumRunner } from "./_units.ts";
import type { ExponentPrediction } from "./pairwise_linear.ts";

const schema = z.object(
  cumFields({ betaU: 0, latent: "independent", capExponent: 3, thresholdV: 0.9 }),
).strict();

/** Resolved config of `cum.quartic-cubic`. */
export type QuarticConfig = CumConfig;

const K_CHECK = "exponent k of n*_v ∝ d^k";

/**
 * The claim's fixed part (CLAIMS.md): k ≥ 3 minus tolerance, the band [2.5, ∞) on the one primary
 * check (the theory is a lower bound), and the null control: a d where u (no signal) passes its
 * threshold in more than 5% of runs is dropped; the linear-σ control must learn v in at most 5%.
 */
export const quarticClaim = {
  k: 3,
  band: [2.5, Infinity] as [number, number],
  primary: [K_CHECK],
  nullControlMax: 0.05,
} as const;

const CONTROL_STEP = { c: 0.5, a: 2 };
const ruleOf = (c: QuarticConfig): NStarRule => ({ kind: "fixed", hold: c.holdRule });
const NO_FIT: ExponentEstimate = {
  value: NaN,
  lo: NaN,
  hi: NaN,
  bound: "none",
  censoredResamples: 0,
};

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
  const sets = cumView(m, c);
  const all = byDim(sets, "main");
  const nulls = all.map(nullFraction);
  const kept = all.filter((_, j) => nulls[j].passed <= quarticClaim.nullControlMax * nulls[j].runs);
  const rule = ruleOf(c);
  const sel = selectSteps(kept, "v", rule, c.holdFraction);
  return { sets, all, nulls, kept, rule, sel };
}

/** The fitted k of a verdict (for chart titles), NaN when absent. */
function fittedK(v: Verdict): number {
  return v.checks.find((k) => k.name === K_CHECK)?.value ?? NaN;
}

/** The case. */
export const quarticCubic = defineCase<QuarticConfig, CumMeasurement, ExponentPrediction>({
  id: "cum.quartic-cubic",
  paper: CUM_PAPER,
  claim:
    "With only the fourth cumulant along v (no covariance spike), the denoiser needs at least cubic sample complexity: n* ≳ d³.",
  version: 2,
  claimSpec: quarticClaim,
  measurementSchema: cumMeasurementSchema,
  judgeVersion: 2,
  alternatives: [
    {
      choice: "thresholdV",
      values: [0.8],
      needs: "judge",
      note: "CLAIMS.md names 0.8 beside 0.9; crossings read off the logs (resolution cap/100)",
    },
    holdRuleAlternative,
    {
      choice: "stepSizes",
      values: [[{ c: 0.5, a: 2 }]],
      needs: "judge",
      note: "CLAIMS.md's best step size η = 0.5/d² alone, instead of the best of the grid per d",
    },
    {
      choice: "capFactor",
      values: [20, 30],
      needs: "judge",
      note: "the caps of CLAIMS.md's own checks (20·d³, 30·d³): the same runs truncated",
    },
  ],
  configSchema: schema as unknown as z.ZodType<QuarticConfig>,
  profiles: {
    smoke: {
      dims: [4, 6],
      seeds: 4,
      stepSizes: [{ c: 0.5, a: 2 }],
      logPoints: 20,
      resamples: 200,
      controls: [linearControl(CONTROL_STEP, [4], 2)],
    },
    quick: {
      dims: [8, 12, 16, 24],
      seeds: 32,
      stepSizes: [{ c: 0.2, a: 2 }, { c: 0.5, a: 2 }],
      controls: [linearControl(CONTROL_STEP, [12, 16], 16)],
    },
    full: {
      dims: [8, 12, 16, 24, 32, 48, 64],
      seeds: 128,
      stepSizes: [{ c: 0.05, a: 1 }, { c: 0.1, a: 1.5 }, { c: 0.2, a: 2 }, { c: 0.5, a: 2 }],
      controls: [linearControl(CONTROL_STEP, [12, 16, 24], 32)],
    },
  },
  params: {
    ...cumParams,
    betaU: {
      source: "claims",
      note: "β_u = 0: no covariance spike, u carries no signal (null control)",
    },
    thresholdV: {
      source: "ours",
      note: "0.9 for v, as CLAIMS.md suggests; the paper fixes no threshold, and CLAIMS.md names " +
        "0.8 as an alternative",
    },
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
      source: "ours",
      note:
        "quick: η = c/d², c ∈ {0.2, 0.5}. Measured on the quick grid: η = 0.05/d (CLAIMS.md's a = 1 " +
        "check) left 32/32 runs censored at every d ≤ 24 under the hold rule, so it never won; " +
        "η = 0.5/d² (CLAIMS.md's best) plateaus near 0.8 at d = 12 (step noise), failing the hold rule, " +
        "while 0.2/d² holds 0.96 there; η = 1/d² never holds. Full adds a = 1 and a = 1.5",
    },
    capExponent: { source: "claims", note: "cap 50·d³" },
    controls: {
      source: "claims",
      note:
        "linear σ: for symmetric data its loss sees only the covariance, so v must not be learned",
    },
  },
  ...cumRunner("quartic"),
  predict: () => ({ k: quarticClaim.k, band: [...quarticClaim.band] }),
  judge({ measurement: m, prediction }, c, j: JudgeContext) {
    const { sets, all, nulls, kept, rule, sel } = analyse(m, c);
    const fit = (name: string, q: number) =>
      kept.length >= 2
        ? exponentCI(kept, "v", rule, c.holdFraction, c.resamples, j.seed(name), q)
        : NO_FIT;
    const k = fit("cum.quartic.k", 0.5);
    // the lower quartile of n* is exact while < 75% of runs are censored: a less censored view
    const k25 = fit("cum.quartic.k25", 0.25);
    const checks: Check[] = [
      check(K_CHECK, k, prediction.band, {
        note: kept.length < 2
          ? "fewer than two d survive the null control: no fit"
          : k.bound === "exact"
          ? "no censored medians"
          : k.bound === "lower"
          ? "medians censored at the largest d: k is a lower bound, CI upper end +∞"
          : "a smaller d is censored while a larger one is not: no bound, CI (−∞, ∞)",
      }),
      check("exponent k of the lower-quartile n*_v ∝ d^k", k25, prediction.band, {
        primary: false,
        note:
          "same fit on the 25% quantile of n* (less affected by the cap); step size re-selected",
      }),
    ];
    const findings: string[] = [];
    all.forEach((g, i) => {
      const f = nulls[i];
      const dropped = !kept.includes(g);
      findings.push(
        `null control d=${
          g[0].d
        }: u (no signal) passed ${c.thresholdU} in ${f.passed}/${f.runs} runs` +
          (dropped
            ? ` (> ${quarticClaim.nullControlMax * 100}%): d=${g[0].d} dropped from the fit`
            : ""),
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
    if (kept.length >= 2) {
      findings.push(
        ...influenceFindings(
          "k",
          influentialSeeds(kept, (g) => exponentPoint(g, "v", rule, c.holdFraction), k),
        ),
      );
    }
    for (const g of byDim(sets, "linear σ")) {
      const { ns, learned } = learnedRuns(g[0], "v", rule, c.holdFraction);
      checks.push(
        check(`linear-σ control: fraction learning v at d=${g[0].d}`, wilson(learned, ns.length), [
          0,
          quarticClaim.nullControlMax,
        ], {
          primary: false,
          note: "a linear denoiser sees only the covariance: v must not be learned",
        }),
      );
      findings.push(`linear-σ control at d=${g[0].d}: ${learned}/${ns.length} runs learn v`);
    }
    return verdict(checks, findings, K_CHECK);
  },
  charts({ measurement: m, prediction }, c, v) {
    const { sets, kept, rule, sel } = analyse(m, c);
    const keptDims = new Set(kept.map((g) => g[0].d));
    return exponentCharts({
      // the dropped d's main sets only: the control sets stay
      sets: sets.filter((s) => s.variant !== "main" || keptDims.has(s.d)),
      dir: "v",
      rule,
      cfg: c,
      sel,
      prediction,
      fitted: fittedK(v),
      threshold: c.thresholdV,
      label: "v (quartic)",
      controls: ["linear σ"],
    });
  },
  tidyRuns: (m, c) => cumTidyRuns(m, c),
  tables({ measurement: m }, c) {
    const { all, rule } = analyse(m, c);
    return [
      selectionTable(
        "step-sizes",
        "Step-size grid: median n*_v per d (all d, before the null control)",
        selectSteps(all, "v", rule, c.holdFraction),
      ),
    ];
  },
});

/**
 * `cum.correlated-linear`: with correlated latents (ν tied to g, E[gν] = 0) the direction v is
 * learned at linear sample complexity, following u: k_v ∈ [0.7, 1.6] and n*_v/n*_u not trending
 * with d (CLAIMS.md's two checks, both primary). A single neuron settles on a mix of u and v, so
 * n* of each direction is read against its own plateau (`plateauFactor` × the median hold value),
 * as CLAIMS.md asks. A noise floor (a plateau below `noiseFloor`/√d counts as not learned) is one
 * of our choices, off by default and declared as an alternative; the fraction of runs learning v,
 * the plateau's dependence on d and the controls are reported as info.
 * @module
 */
import { z } from "../../deps.ts";
import { defineCase, type JudgeContext } from "../case.ts";
import { check, verdict } from "../verdict.ts";
import { bootstrapGroups, type Estimate, linearFit, wilson } from "../../reports/stats.ts";
import type { Check, Verdict } from "../../reports/schema.ts";
import type { CumMeasurement } from "./_experiment.ts";
import {
  byDim,
  exponentCI,
  exponentPoint,
  holds,
  influentialSeeds,
  learnedRuns,
  medianNStar,
  medianOf,
  type NStarRule,
  nStars,
  selectSteps,
  thresholdOf,
} from "./_analysis.ts";
import {
  controlOf,
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
  linearStepAlternative,
  selectionFindings,
  selectionTable,
} from "./_common.ts";
import { cumRunner } from "./_units.ts";

const schema = z.object({
  ...cumFields({ betaU: 4, latent: "correlated", capExponent: 1, thresholdV: 0.3 }),
  plateauFactor: z.number().gt(0).max(1).default(0.8).describe(
    "n* of a direction = first step at plateauFactor × its plateau (median hold value)",
  ),
  noiseFloor: z.number().min(0).max(100).default(0).describe(
    "a direction whose plateau is below noiseFloor/√d counts as not learned (0: no floor)",
  ),
}).strict();

/** Resolved config of `cum.correlated-linear`. */
export type CorrelatedConfig = CumConfig & { plateauFactor: number; noiseFloor: number };

/** The prediction: k_v = 1 within the band and no trend in n*_v/n*_u. */
export interface CorrelatedPrediction {
  k: number;
  band: [number, number];
  ratioSlope: number;
  ratioBand: [number, number];
}

const K_CHECK = "exponent k of n*_v ∝ d^k";
const RATIO_CHECK = "slope of log(n*_v / n*_u) against log d";

/**
 * The claim's fixed part: CLAIMS.md's two checks are primary — k_v in [0.7, 1.6], and n*_v within
 * a constant factor of n*_u (the ratio must not trend with d). CLAIMS.md gives no number for "no
 * trend": the tolerance |slope of log(n*_v/n*_u) vs log d| ≤ 0.3 (a factor < 2 over the 8× range
 * of d) is ours, fixed here with the claim so that it is not a knob. The info checks' bands: half
 * the runs learn v; a d-independent plateau (log-log slope within ±0.25, where a random direction
 * has −0.5); the controls' expectations.
 */
export const correlatedClaim = {
  k: 1,
  band: [0.7, 1.6] as [number, number],
  ratioSlope: 0,
  ratioBand: [-0.3, 0.3] as [number, number],
  primary: [K_CHECK, RATIO_CHECK],
  learnedBand: [0.5, 1] as [number, number],
  plateauSlopeBand: [-0.25, 0.25] as [number, number],
  controlLearnedBand: [0.5, 1] as [number, number],
  linearControlBand: [0, 0.5] as [number, number],
} as const;

const ruleOf = (c: CorrelatedConfig): NStarRule => ({
  kind: "relative",
  factor: c.plateauFactor,
  floor: c.noiseFloor,
  hold: c.holdRule,
});
const CONTROL_STEP = { c: 0.05, a: 1 };
const control = (
  label: string,
  K: number,
  act: string,
  latent: string,
  dims: number[],
  seeds: number,
) => controlOf(label, K, act, latent, CONTROL_STEP, dims, seeds);

/** A bootstrap CI opened to (−∞, ∞) when more than 2.5% of resamples were undefined (censored). */
function openedWhenCensored(e: Estimate & { finiteFraction: number }, value: number): Estimate {
  return e.finiteFraction >= 0.975 ? { value, lo: e.lo, hi: e.hi } : {
    value,
    lo: -Infinity,
    hi: Infinity,
  };
}

function analyse(m: CumMeasurement, c: CorrelatedConfig) {
  const sets = cumView(m, c);
  const groups = byDim(sets, "main");
  const rule = ruleOf(c);
  const selV = selectSteps(groups, "v", rule, c.holdFraction);
  const selU = selectSteps(groups, "u", rule, c.holdFraction);
  // both directions at v's selected step size of each d
  const best = groups.map((g, i) => g[selV[i].best]);
  return { sets, groups, rule, selV, selU, best };
}

/**
 * Slope of log(median n*_v / median n*_u) against log d at v's selected step sizes, with its
 * bootstrap CI (seeds resampled within each d, paired: u and v of the same runs).
 */
function ratioSlope(
  best: ReturnType<typeof analyse>["best"],
  rule: NStarRule,
  c: CorrelatedConfig,
  seed: number,
): Estimate & { finiteFraction: number } {
  const pairs = best.map((s) => ({
    d: s.d,
    nu: nStars(s, "u", rule, c.holdFraction),
    nv: nStars(s, "v", rule, c.holdFraction),
  }));
  const slopeOf = (idx: ArrayLike<number>[]) => {
    const lr = pairs.map((p, i) => Math.log(medianNStar(p.nv, idx[i]) / medianNStar(p.nu, idx[i])));
    if (lr.some((x) => !Number.isFinite(x))) return NaN;
    return linearFit(pairs.map((p) => Math.log(p.d)), lr).slope;
  };
  const e = bootstrapGroups(pairs.map((p) => p.nu.length), slopeOf, {
    resamples: c.resamples,
    seed,
  });
  return { ...openedWhenCensored(e, e.value), finiteFraction: e.finiteFraction };
}

/** Slope of log(median v plateau) against log d (0: d-independent; −0.5: a random direction). */
function plateauSlope(
  best: ReturnType<typeof analyse>["best"],
  c: CorrelatedConfig,
  seed: number,
): Estimate {
  const hv = best.map((s) => holds(s, "v", c.holdFraction));
  const slopeOf = (idx: ArrayLike<number>[]) => {
    const lp = hv.map((h, i) => Math.log(medianNStar(h, idx[i])));
    if (lp.some((x) => !Number.isFinite(x))) return NaN;
    return linearFit(best.map((s) => Math.log(s.d)), lp).slope;
  };
  const e = bootstrapGroups(hv.map((h) => h.length), slopeOf, { resamples: c.resamples, seed });
  return openedWhenCensored(e, e.value);
}

/** A warning when a plateau is below the typical overlap 1/√d of a random direction. */
function belowRandom(plateau: number, d: number): string {
  return plateau < 1 / Math.sqrt(d)
    ? ` — the v plateau is below the random level 1/√d, so its crossings are noise-level`
    : "";
}

/** The fitted k of a verdict (for chart titles), NaN when absent. */
function fittedK(v: Verdict): number {
  return v.checks.find((k) => k.name === K_CHECK)?.value ?? NaN;
}

/** The case. */
export const correlatedLinear = defineCase<CorrelatedConfig, CumMeasurement, CorrelatedPrediction>({
  id: "cum.correlated-linear",
  paper: CUM_PAPER,
  claim:
    "When pair-wise and higher-order statistics share a correlated latent (ν tied to g, E[gν] = 0), the fourth-cumulant direction v is learned at linear sample complexity, following u.",
  version: 2,
  claimSpec: correlatedClaim,
  measurementSchema: cumMeasurementSchema,
  judgeVersion: 2,
  alternatives: [
    {
      choice: "noiseFloor",
      values: [1, 2.5],
      needs: "judge",
      note: "a plateau must clear noiseFloor/√d to count as learned: 1/√d is the typical overlap " +
        "of a random direction, 2.5/√d this case's earlier rule",
    },
    {
      choice: "plateauFactor",
      values: [0.7, 0.9],
      needs: "judge",
      note: "n* read at 0.7× or 0.9× the plateau instead of CLAIMS.md's example 0.8×",
    },
    holdRuleAlternative,
    linearStepAlternative,
    {
      choice: "capFactor",
      values: [25],
      needs: "judge",
      note: "half the step cap (25·d): the same runs truncated (the plateau is then read earlier)",
    },
  ],
  configSchema: schema as unknown as z.ZodType<CorrelatedConfig>,
  profiles: {
    smoke: {
      dims: [8, 16],
      seeds: 4,
      stepSizes: [{ c: 0.05, a: 1 }],
      logPoints: 20,
      resamples: 200,
      controls: [control("naive sign(g)", 1, "tanh", "naive-sign", [8], 2)],
    },
    quick: {
      dims: [64, 128, 256, 512],
      seeds: 32,
      stepSizes: [{ c: 0.05, a: 1 }, { c: 0.1, a: 1 }],
      logPoints: 200,
      controls: [
        control("naive sign(g)", 1, "tanh", "naive-sign", [64, 256], 8),
        control("K=2 neurons", 2, "tanh", "correlated", [64, 256], 8),
        control("linear σ", 1, "linear", "correlated", [64], 8),
      ],
    },
    full: {
      dims: [64, 128, 256, 512, 1024],
      seeds: 128,
      stepSizes: [{ c: 0.02, a: 1 }, { c: 0.05, a: 1 }, { c: 0.1, a: 1 }],
      logPoints: 200,
      controls: [
        control("naive sign(g)", 1, "tanh", "naive-sign", [64, 256, 1024], 32),
        control("K=2 neurons", 2, "tanh", "correlated", [64, 256, 1024], 32),
        control("K=4 neurons", 4, "tanh", "correlated", [64, 256], 32),
        control("linear σ", 1, "linear", "correlated", [64, 256], 32),
      ],
    },
  },
  params: {
    ...cumParams,
    betaU: { source: "claims", note: "β_u = 4" },
    latent: { source: "claims", note: "ν = sign(g)·sign(|g| − √(2 ln 2)): E[gν] = 0" },
    dims: { source: "claims", note: "quick d = 64…512" },
    seeds: {
      source: "claims",
      note: "32 (quick), 128 (full); controls use 8 (quick) to fit the budget",
    },
    stepSizes: {
      source: "ours",
      note: "η = c/d, c ∈ {0.05, 0.1} (quick) around CLAIMS.md's c = 0.05",
    },
    capExponent: { source: "claims", note: "cap 50·d (linear)" },
    logPoints: {
      source: "ours",
      note: "200 logs per run: n* is read off the logs at ≤ 0.5% of the cap",
    },
    plateauFactor: {
      source: "ours",
      note: "0.8 × the plateau, CLAIMS.md's example value; 0.7 and 0.9 are alternatives",
    },
    noiseFloor: {
      source: "ours",
      note: "0 (no floor): CLAIMS.md reads v against its plateau with the hold rule as the noise " +
        "guard and names no floor (its robustness list: none vs c/√d). A floor c/√d judged per d " +
        "censors every run at a d where a d-independent plateau (≈ 0.11 here) is below it, so it " +
        "decides by the floor, not by the runs; 1/√d (the random level) and 2.5/√d (this case's " +
        "earlier rule) are alternatives",
    },
    thresholdV: {
      source: "ours",
      note:
        "0.3: the in-run crossing of v recorded beside the logs (CLAIMS.md's numpy check read " +
        "v at 0.3); the judge reads v against its plateau instead",
    },
    controls: {
      source: "claims",
      note:
        "naive ν = sign(g) (v visible in the covariance), K = 2 orthonormal neurons (K = 4 at " +
        "full), linear σ. Only tanh and linear σ are implemented: other activations (e.g. ones with " +
        "a larger cubic Hermite coefficient, which sets the g–ν coupling) are not tried yet",
    },
  },
  ...cumRunner("correlated"),
  predict: () => ({
    k: correlatedClaim.k,
    band: [...correlatedClaim.band],
    ratioSlope: correlatedClaim.ratioSlope,
    ratioBand: [...correlatedClaim.ratioBand],
  }),
  judge({ measurement: m, prediction }, c, j: JudgeContext) {
    const { sets, groups, rule, selV, selU, best } = analyse(m, c);
    const kV = exponentCI(
      groups,
      "v",
      rule,
      c.holdFraction,
      c.resamples,
      j.seed("cum.correlated.k"),
    );
    const ratio = ratioSlope(best, rule, c, j.seed("cum.correlated.ratio"));
    const plateau = plateauSlope(best, c, j.seed("cum.correlated.plateau"));
    let learned = 0, total = 0;
    for (const s of best) {
      for (const x of nStars(s, "v", rule, c.holdFraction)) {
        if (!Number.isNaN(x)) total++, learned += Number.isFinite(x) ? 1 : 0;
      }
    }
    const floorNote = c.noiseFloor > 0
      ? `a d whose v plateau is below ${c.noiseFloor}/√d counts as not learned (censored)`
      : "no noise floor";
    const checks: Check[] = [
      check(K_CHECK, kV, prediction.band, {
        note: `n*_v = first step at ${c.plateauFactor}× the v plateau, held; ${floorNote}; ` +
          (kV.bound === "exact"
            ? "no censored medians"
            : `censored medians (${kV.bound === "lower" ? "k is a lower bound" : "no bound"})`),
      }),
      check(RATIO_CHECK, ratio, prediction.ratioBand, {
        note: "n*_v within a constant factor of n*_u: no trend with d (both at v's step size; " +
          "CI opened when > 2.5% of resamples had a censored median)",
      }),
      check(
        "fraction of runs learning v (all d)",
        wilson(learned, total),
        correlatedClaim.learnedBand,
        {
          primary: false,
          note: `learned = reaches and holds ${c.plateauFactor}× the v plateau; ${floorNote}`,
        },
      ),
      check("slope of log(v plateau) against log d", plateau, correlatedClaim.plateauSlopeBand, {
        primary: false,
        note: "0: a d-independent v component; −0.5: the level of a random direction (1/√d)",
      }),
    ];
    const findings: string[] = [];
    best.forEach((s) => {
      const pu = medianOf(holds(s, "u", c.holdFraction)),
        pv = medianOf(holds(s, "v", c.holdFraction));
      const tv = thresholdOf(s, "v", rule, c.holdFraction);
      findings.push(
        `d=${s.d}: plateaus |⟨w,u⟩| ≈ ${fmt(pu)}, |⟨w,v⟩| ≈ ${fmt(pv)} (random ≈ ${
          fmt(1 / Math.sqrt(s.d))
        }${c.noiseFloor > 0 ? `, noise floor ${fmt(c.noiseFloor / Math.sqrt(s.d))}` : ""}); v ${
          tv === null ? "below the noise floor: not learned" : `read at ${fmt(tv)}`
        }${belowRandom(pv, s.d)}`,
      );
    });
    findings.push(
      `v plateau slope against log d: ${fmt(plateau.value)} [${fmt(plateau.lo)}, ${
        fmt(plateau.hi)
      }] (0: stays put; −0.5: falls like a random direction)`,
    );
    findings.push(...selectionFindings(selV, "v"), ...selectionFindings(selU, "u"));
    findings.push(
      `k_v = ${fmt(kV.value)} [${fmt(kV.lo)}, ${fmt(kV.hi)}]; ratio slope ${fmt(ratio.value)} [${
        fmt(ratio.lo)
      }, ${fmt(ratio.hi)}] (${fmt((1 - ratio.finiteFraction) * 100, 2)}% of resamples censored); ${
        total - learned
      }/${total} runs censored for v`,
      ...influenceFindings(
        "k_v",
        influentialSeeds(groups, (g) => exponentPoint(g, "v", rule, c.holdFraction), kV),
      ),
    );
    for (const variant of [...new Set(sets.map((s) => s.variant))].filter((v) => v !== "main")) {
      for (const g of byDim(sets, variant)) {
        const s = g[0];
        const { ns, learned: ok } = learnedRuns(s, "v", rule, c.holdFraction);
        const pv = medianOf(holds(s, "v", c.holdFraction)),
          pu = medianOf(holds(s, "u", c.holdFraction));
        findings.push(
          `control "${variant}" d=${s.d}: plateaus u ≈ ${fmt(pu)}, v ≈ ${fmt(pv)} (random ≈ ${
            fmt(1 / Math.sqrt(s.d))
          }); ${ok}/${ns.length} runs learn v` +
            (ok ? ` (median n*_v ${fmt(medianOf(ns))})` : "") + belowRandom(pv, s.d),
        );
        const linear = variant.startsWith("linear");
        checks.push(
          check(
            `control "${variant}": fraction learning v at d=${s.d}`,
            wilson(ok, ns.length),
            linear ? correlatedClaim.linearControlBand : correlatedClaim.controlLearnedBand,
            {
              primary: false,
              note: variant.startsWith("naive")
                ? "naive sign(g): v is in the covariance, expected learned"
                : linear
                ? "linear σ: sees only the covariance; v expected NOT learned (band: fewer than half)"
                : "alternative denoiser",
            },
          ),
        );
      }
    }
    return verdict(checks, findings, K_CHECK);
  },
  charts({ measurement: m, prediction }, c, v) {
    const { sets, selV, rule, best } = analyse(m, c);
    const thr = thresholdOf(best[0], "v", rule, c.holdFraction) ??
      c.noiseFloor / Math.sqrt(best[0].d);
    return exponentCharts({
      sets,
      dir: "v",
      rule,
      cfg: c,
      sel: selV,
      prediction,
      fitted: fittedK(v),
      threshold: thr,
      label: "v (correlated latent)",
      controls: [...new Set(sets.map((s) => s.variant))].filter((x) => x !== "main"),
    });
  },
  tidyRuns: (m, c) => cumTidyRuns(m, c),
  tables({ measurement: m }, c) {
    const { selV, selU } = analyse(m, c);
    return [
      selectionTable("step-sizes-v", "Step-size grid: median n*_v per d", selV),
      selectionTable("step-sizes-u", "Step-size grid: median n*_u per d", selU),
    ];
  },
});

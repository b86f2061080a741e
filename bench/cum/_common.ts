/**
 * Config fields, run planning, charts and tables shared by the Paper B sample-complexity cases.
 * @module
 */
import { z } from "../../deps.ts";
import type { Alternative, ParamSources, RunRow, Table } from "../case.ts";
import { seedCountField } from "../seeds.ts";
import type { Chart } from "../../reports/schema.ts";
import { concat, measuredVsPredicted, type Row } from "../../reports/charts.ts";
import { powerText } from "../../reports/format.ts";
import { LATENTS } from "../../datasets/mixed_cumulant.ts";
import { ACTIVATIONS } from "../../models/cum/sgd.ts";
import type { CumMeasurement, RunSet, SetSpec } from "./_experiment.ts";
import {
  byDim,
  curveQuartiles,
  type DimSelection,
  type Dir,
  type HoldRule,
  holds,
  medianCI,
  type NStarRule,
  nStars,
  viewSets,
} from "./_analysis.ts";
import { anyNumber } from "../../reports/measurement_codec.ts";

/** The paper. */
export const CUM_PAPER =
  "Bardone, Merger, Goldt (2026): A theory of learning data statistics in diffusion models, from easy to hard";

const stepSize = z.object({
  c: z.number().positive().max(100).describe("η = c·d^(−a): the constant c"),
  a: z.number().min(0).max(3).describe("η = c·d^(−a): the exponent a"),
}).strict();

const control = z.object({
  label: z.string().min(1).max(40).describe("name of the control in the report"),
  K: z.number().int().min(1).max(4).describe("neurons"),
  act: z.enum(ACTIVATIONS as [string, ...string[]]).describe("activation σ"),
  latent: z.enum(LATENTS as [string, ...string[]]).describe("how ν is drawn"),
  seeds: z.number().int().min(1).max(4096).describe("runs per d (a prefix of the case's seeds)"),
  stepSize: stepSize.describe("the one step size of the control"),
  dims: z.array(z.number().int().min(2).max(4096)).min(1).describe("dimensions of the control"),
}).strict();

/** A control run beside the main experiment. */
export type ControlConfig = z.infer<typeof control>;

/** A control entry of a profile: `seeds` runs per d of `dims` at the one step size `stepSize`. */
export function controlOf(
  label: string,
  K: number,
  act: string,
  latent: string,
  stepSize: { c: number; a: number },
  dims: number[],
  seeds: number,
): ControlConfig {
  return { label, K, act, latent, seeds, stepSize, dims };
}

/** The linear-σ control (one neuron, independent latent) at one step size. */
export function linearControl(
  stepSize: { c: number; a: number },
  dims: number[],
  seeds: number,
): ControlConfig {
  return controlOf("linear σ", 1, "linear", "independent", stepSize, dims, seeds);
}

/** Defaults that differ between the cases. */
export interface CumDefaults {
  betaU: number;
  latent: (typeof LATENTS)[number];
  capExponent: number;
  thresholdV: number;
}

/** Fields every Paper B sample-complexity case shares (defaults per case). */
export function cumFields(def: CumDefaults) {
  return {
    dims: z.array(z.number().int().min(2).max(4096)).min(2).describe("data dimensions d"),
    seeds: seedCountField("independent runs per (d, step size)"),
    stepSizes: z.array(stepSize).min(1).describe("step-size grid η = c·d^(−a); n* takes the best"),
    K: z.number().int().min(1).max(4).default(1).describe("neurons of the denoiser (orthonormal)"),
    act: z.enum(ACTIVATIONS as [string, ...string[]]).default("tanh").describe("activation σ"),
    latent: z.enum(LATENTS as [string, ...string[]]).default(def.latent).describe(
      "latent ν: independent Rademacher, correlated (E[gν]=0), naive-sign (control)",
    ),
    betaU: z.number().min(0).max(100).default(def.betaU).describe("spike strength along u"),
    betaV: z.number().min(0).max(100).default(4).describe("latent strength along v"),
    alpha: z.number().gt(0).lt(1).default(0.8).describe("x_t = αx + sqrt(1−α²)ε"),
    thresholdU: z.number().gt(0).lt(1).default(0.9).describe("overlap threshold for u"),
    thresholdV: z.number().gt(0).lt(1).default(def.thresholdV).describe(
      "overlap threshold for v",
    ),
    capFactor: z.number().positive().max(1e6).default(50).describe(
      "step cap = capFactor·d^capExponent",
    ),
    capExponent: z.number().min(0).max(4).default(def.capExponent).describe(
      "step cap = capFactor·d^capExponent",
    ),
    logPoints: z.number().int().min(10).max(2000).default(100).describe(
      "overlaps logged per run (evenly spaced up to the cap)",
    ),
    holdFraction: z.number().gt(0).max(0.5).default(0.1).describe(
      "a run holds the overlap when its median over this last fraction of logs is ≥ threshold",
    ),
    holdRule: z.enum(["run", "median"]).default("run").describe(
      "hold rule: each run must hold the threshold (run), or the median run must (median)",
    ),
    resamples: z.number().int().min(100).max(100000).default(1000).describe("bootstrap resamples"),
    controls: z.array(control).default([]).describe("control runs reported beside the verdict"),
  };
}

/** The resolved fields shared by the cases. */
export type CumConfig = {
  dims: number[];
  seeds: number;
  stepSizes: { c: number; a: number }[];
  K: number;
  act: string;
  latent: string;
  betaU: number;
  betaV: number;
  alpha: number;
  thresholdU: number;
  thresholdV: number;
  capFactor: number;
  capExponent: number;
  logPoints: number;
  holdFraction: number;
  holdRule: HoldRule;
  resamples: number;
  controls: ControlConfig[];
};

/** Parameter sources shared by the cases. */
export const cumParams: ParamSources = {
  alpha: { source: "claims", note: "α = 0.8, the setting CLAIMS.md checked" },
  betaV: { source: "claims", note: "β_v = 4" },
  latent: { source: "claims", note: "Rademacher ν by default" },
  act: { source: "claims", note: "σ = tanh (CLAIMS.md defaults)" },
  K: { source: "claims", note: "single neuron unless stated" },
  thresholdU: {
    source: "ours",
    note: "0.9, as CLAIMS.md suggests (far above the 1/√d of a random vector); the paper fixes " +
      "no threshold, and CLAIMS.md names 0.8 as an alternative",
  },
  thresholdV: {
    source: "ours",
    note: "the v threshold the runs record first crossings at (this case judges u)",
  },
  holdFraction: { source: "claims", note: "the run must hold the overlap over its last 10%" },
  holdRule: {
    source: "ours",
    note: "CLAIMS.md's hold rule read per run (each run must hold the threshold, else it is " +
      "censored); the other reading, the median run must hold it, is an alternative",
  },
  capFactor: {
    source: "ours",
    note: "step cap 50·d^k; CLAIMS.md asks for a cap but fixes no multiple (its checks used " +
      "20·d³ and 30·d³ for the quartic case)",
  },
  capExponent: { source: "claims", note: "the cap grows as d^k with the claimed k" },
  resamples: { source: "ours", note: "1000 bootstrap resamples (seeds within each d)" },
  logPoints: { source: "ours", note: "100 logs per run: n* read off the logs at ≤ 1% of the cap" },
  loss: {
    source: "claims",
    note: "‖Σ_k w_k σ(⟨w_k,x_t⟩) − x‖², exact gradient (factor 2 included: with it the pairwise " +
      "n* matches CLAIMS.md's 470/1050/2230 at d = 32/64/128, c = 0.05)",
  },
  directions: {
    source: "ours",
    note: "u = e₁, v = e₂ without loss of generality: the initial w is uniform on the sphere and " +
      "the dynamics are rotation-equivariant",
  },
  pairing: {
    source: "ours",
    note: "runs at the same (seed, d) share one Philox key across step sizes (paired comparison)",
  },
  censoring: {
    source: "ours",
    note: "median n* with censored runs ranked last; a censored median is replaced by its cap, " +
      "which makes the fitted k a lower bound (CI upper end +∞) when only the largest d's are " +
      "censored; a bound that does not clear the band is inconclusive, never a pass or a fail",
  },
};

/** The other reading of CLAIMS.md's hold rule, declared by every cum case. */
export const holdRuleAlternative: Alternative<CumConfig> = {
  choice: "holdRule",
  values: ["median"],
  needs: "judge",
  note: "the other reading of CLAIMS.md's hold rule: the median run must hold the threshold",
};

/** CLAIMS.md's own step size 0.05/d alone (the linear-cost cases). */
export const linearStepAlternative: Alternative<CumConfig> = {
  choice: "stepSizes",
  values: [[{ c: 0.05, a: 1 }]],
  needs: "judge",
  note: "CLAIMS.md's own step size η = 0.05/d alone, instead of the best of the grid per d",
};

/** The stored runs as the config `c` reads them (its step sizes, cap and thresholds). */
export function cumView(m: CumMeasurement, c: CumConfig): RunSet[] {
  return viewSets(m.sets, {
    dims: c.dims,
    stepSizes: c.stepSizes,
    cap: (d) => capAt(c, d),
    thresholdU: c.thresholdU,
    thresholdV: c.thresholdV,
  });
}

const nullableInt = z.number().int().nullable();

/** Schema of one stored set (a measurement's, or a work unit's for the unit's seeds). */
export const runSetSchema: z.ZodType<RunSet> = z.object({
  variant: z.string(),
  d: z.number().int().min(2),
  c: z.number(),
  a: z.number(),
  eta: z.number(),
  K: z.number().int().min(1),
  act: z.enum(ACTIVATIONS as [string, ...string[]]),
  latent: z.enum(LATENTS as [string, ...string[]]),
  betaU: z.number(),
  cap: z.number().int().min(1),
  logEvery: z.number().int().min(1),
  thresholdU: z.number(),
  thresholdV: z.number(),
  seeds: z.array(z.number().int()),
  crossU: z.array(nullableInt),
  crossV: z.array(nullableInt),
  failedAt: z.array(nullableInt),
  logU: z.array(z.array(anyNumber)),
  logV: z.array(z.array(anyNumber)),
}).strict().refine(
  (s) => [s.crossU, s.crossV, s.failedAt, s.logU, s.logV].every((x) => x.length === s.seeds.length),
  "per-seed arrays must have one entry per seed",
) as unknown as z.ZodType<RunSet>;

/** Schema of the stored measurement (validated on write and on read). */
export const cumMeasurementSchema: z.ZodType<CumMeasurement> = z.object({
  backend: z.enum(["webgpu", "cpu"]),
  sets: z.array(runSetSchema),
}).strict() as unknown as z.ZodType<CumMeasurement>;

/**
 * Tidy rows of a measurement: per set and seed, the first crossings of u and v (null: never), the
 * hold values (median overlap over the last `holdFraction` of the logs) and the failure step.
 */
export function cumTidyRuns(m: CumMeasurement, c: Pick<CumConfig, "holdFraction">): RunRow[] {
  const rows: RunRow[] = [];
  for (const s of m.sets) {
    const point = { variant: s.variant, d: s.d, c: s.c, a: s.a };
    const hu = holds(s, "u", c.holdFraction), hv = holds(s, "v", c.holdFraction);
    s.seeds.forEach((seed, i) => {
      const row = (observable: string, value: number | null, unit: string) =>
        rows.push({
          seed,
          point,
          observable,
          value: value !== null && Number.isFinite(value) ? value : null,
          unit,
        });
      row(`first step |⟨w,u⟩| > ${s.thresholdU}`, s.crossU[i], "samples");
      row(`first step |⟨w,v⟩| > ${s.thresholdV}`, s.crossV[i], "samples");
      row("hold |⟨w,u⟩|", hu[i], "overlap");
      row("hold |⟨w,v⟩|", hv[i], "overlap");
      row("failed at step", s.failedAt[i], "samples");
    });
  }
  return rows;
}

/** Step cap at d. */
export function capAt(c: Pick<CumConfig, "capFactor" | "capExponent">, d: number): number {
  return Math.ceil(c.capFactor * Math.pow(d, c.capExponent));
}

/** The main sets (every d × step size) and the control sets of a config. */
export function planSets(c: CumConfig, seeds: readonly number[]): SetSpec[] {
  const base = {
    betaU: c.betaU,
    betaV: c.betaV,
    alpha: c.alpha,
    logPoints: c.logPoints,
    thresholdU: c.thresholdU,
    thresholdV: c.thresholdV,
  };
  const out: SetSpec[] = [];
  for (const d of c.dims) {
    for (const s of c.stepSizes) {
      out.push({
        ...base,
        variant: "main",
        d,
        stepSize: s,
        K: c.K,
        act: c.act as SetSpec["act"],
        latent: c.latent as SetSpec["latent"],
        cap: capAt(c, d),
        seeds: [...seeds],
        tag: "main",
      });
    }
  }
  for (const [j, ctl] of c.controls.entries()) {
    for (const d of ctl.dims) {
      out.push({
        ...base,
        variant: ctl.label,
        d,
        stepSize: ctl.stepSize,
        K: ctl.K,
        act: ctl.act as SetSpec["act"],
        latent: ctl.latent as SetSpec["latent"],
        cap: capAt(c, d),
        seeds: seeds.slice(0, ctl.seeds),
        tag: `ctl${j}`,
      });
    }
  }
  return out;
}

/**
 * Estimated CPU seconds of one set on the 2-core reference machine: 0.13 µs per coordinate-step
 * per neuron plus 1.33 µs per step (fitted to the measured quick runs under load: pairwise 48 s,
 * quartic 242 s, correlated 200 s).
 */
export function setSeconds(sp: Pick<SetSpec, "seeds" | "cap" | "d" | "K">): number {
  return sp.seeds.length * sp.cap * (1.3e-7 * sp.d * sp.K + 1.33e-6);
}

/** Estimated CPU seconds of a config: its sets' {@link setSeconds}. */
export function estimateCumSeconds(c: CumConfig): number {
  return planSets(c, Array.from({ length: c.seeds }, (_, i) => i)).reduce(
    (s, sp) => s + setSeconds(sp),
    0,
  );
}

/** Format a number for findings. */
export function fmt(x: number, digits = 3): string {
  if (x === Infinity) return "∞";
  if (x === -Infinity) return "−∞";
  if (!Number.isFinite(x)) return "n/a";
  return Math.abs(x) >= 1000 ? Math.round(x).toString() : x.toPrecision(digits);
}

/** One line per d: the step sizes tried, their medians, censoring, and the winner. */
export function selectionFindings(sel: DimSelection[], what: string): string[] {
  return sel.map((s) =>
    `${what}, d=${s.d} (cap ${s.cap}): ` +
    s.perStep.map((p, j) =>
      `${j === s.best ? "→ " : ""}c=${p.c},a=${p.a}: median n* ${fmt(p.median)} ` +
      `(${p.censored}/${p.runs} censored${p.failed ? `, ${p.failed} failed` : ""})`
    ).join("; ")
  );
}

/** Censored runs and all runs at the selected step size of each d, summed over d. */
export function censoredAtBest(sel: DimSelection[]): { censored: number; runs: number } {
  const censored = sel.reduce((s, x) => s + x.perStep[x.best].censored, 0);
  const runs = sel.reduce((s, x) => s + x.perStep[x.best].runs, 0);
  return { censored, runs };
}

/** Table of the step-size grid. */
export function selectionTable(id: string, title: string, sel: DimSelection[]): Table {
  return {
    id,
    title,
    columns: ["d", "cap", "c", "a", "median n*", "censored", "runs", "selected"],
    rows: sel.flatMap((s) =>
      s.perStep.map((p, j) => [
        s.d,
        s.cap,
        p.c,
        p.a,
        Number.isFinite(p.median) ? p.median : null,
        p.censored,
        p.runs,
        j === s.best ? "yes" : "",
      ])
    ),
  };
}

/**
 * Charts: overlap against samples/d^k per d at the selected step size (collapse under the
 * predicted k), and median n* against d on log-log axes with the predicted slope(s); then the
 * {@link controlCurves} of each variant in `controls` (those without sets are skipped).
 */
export function exponentCharts(opts: {
  /** Sets of the main experiment (variant "main") and of the controls. */
  sets: RunSet[];
  dir: Dir;
  rule: NStarRule;
  cfg: Pick<CumConfig, "holdFraction">;
  sel: DimSelection[];
  prediction: { k: number; band: [number, number] };
  fitted: number;
  threshold: number;
  label: string;
  controls: string[];
}): Chart[] {
  const { holdFraction: frac } = opts.cfg;
  const { k: kPred, band: kBand } = opts.prediction;
  const groups = byDim(opts.sets, "main");
  const rows: Row[] = [];
  const nRows: Row[] = [];
  groups.forEach((g, j) => {
    const s = g[opts.sel[j].best];
    for (const p of curveQuartiles(s, opts.dir)) {
      rows.push({
        d: s.d,
        x: p.step / Math.pow(s.d, kPred),
        overlap: p.median,
        q1: p.q1,
        q3: p.q3,
      });
    }
    const ns = nStars(s, opts.dir, opts.rule, frac);
    const ci = medianCI(ns);
    const cens = !Number.isFinite(ci.value);
    const top = (x: number) => (Number.isFinite(x) ? x : s.cap);
    nRows.push({
      d: s.d,
      nstar: top(ci.value),
      lo: top(ci.lo),
      hi: top(ci.hi),
      series: cens ? "median n* (censored: ≥ cap)" : "median n*",
    });
  });
  const finite = nRows.filter((r) => r.series === "median n*");
  const anchor = finite[0] ?? nRows[0];
  const ds = groups.map((g) => g[0].d);
  const line = (k: number) =>
    ds.map((d) => ({
      d,
      nstar: (anchor.nstar as number) * Math.pow(d / (anchor.d as number), k),
    }));
  const predicted: Row[] = [
    ...line(kPred).map((r) => ({ ...r, series: `predicted k = ${kPred}` })),
    ...(Number.isFinite(kBand[0])
      ? line(kBand[0]).map((r) => ({ ...r, series: `band edge k = ${kBand[0]}` }))
      : []),
    ...(Number.isFinite(kBand[1])
      ? line(kBand[1]).map((r) => ({ ...r, series: `band edge k = ${kBand[1]}` }))
      : []),
  ];
  const collapse = measuredVsPredicted({
    title: `${opts.label}: median overlap (IQR) vs samples/${powerText("d", kPred)}`,
    x: { field: "x", title: `samples / ${powerText("d", kPred)}`, log: true },
    y: { field: "overlap", title: `|⟨w, ${opts.dir}⟩| (median; band: IQR)`, domain: [0, 1] },
    measured: rows,
    ci: { lo: "q1", hi: "q3" },
    ciStyle: "band",
    series: { field: "d", title: "d", type: "ordinal" },
    rules: [{ y: opts.threshold, label: `threshold ${fmt(opts.threshold, 2)}` }],
    empty: "no dimension left in the fit (see the findings)",
  });
  const nstar = measuredVsPredicted({
    title: `${opts.label}: median n* vs d (fitted k = ${fmt(opts.fitted)})`,
    x: { field: "d", title: "d", log: true },
    y: { field: "nstar", title: "median n* (samples)", log: true },
    measured: nRows,
    ci: { lo: "lo", hi: "hi" },
    series: { field: "series", title: "" },
    predicted,
    predictedLabel: "theory slope (anchored at the smallest d)",
    empty: "no dimension left in the fit (see the findings)",
  });
  const ctl = opts.controls.map((v) => controlCurves(opts.sets, v, opts.dir, opts.threshold))
    .filter((x) => x !== null);
  return [
    {
      id: `collapse-${opts.dir}`,
      title: `Overlap with ${opts.dir} vs samples/d^k`,
      spec: collapse,
    },
    { id: `nstar-${opts.dir}`, title: `n* against d (${opts.dir})`, spec: nstar },
    ...ctl,
  ];
}

/** Concatenate specs of several charts in one (used for control curves). */
export function controlCurves(
  sets: RunSet[],
  variant: string,
  dir: Dir,
  threshold: number,
): Chart | null {
  const groups = byDim(sets, variant);
  if (!groups.length) return null;
  const specs = groups.map((g) => {
    const rows: Row[] = curveQuartiles(g[0], dir).map((p) => ({
      step: p.step,
      overlap: p.median,
      q1: p.q1,
      q3: p.q3,
    }));
    return measuredVsPredicted({
      title: `d = ${g[0].d}`,
      x: { field: "step", title: "samples" },
      y: { field: "overlap", title: `|⟨w, ${dir}⟩| (median; band: IQR)`, domain: [0, 1] },
      measured: rows,
      ci: { lo: "q1", hi: "q3" },
      ciStyle: "band",
      rules: [{ y: threshold, label: `threshold ${fmt(threshold, 2)}` }],
      width: 220,
      height: 160,
    });
  });
  return {
    id: `control-${
      variant.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "")
    }-${dir}`,
    title: `Control "${variant}": overlap with ${dir}`,
    spec: concat(`${variant}: overlap with ${dir}`, specs),
  };
}

/** Findings naming the seeds that alone move a statistic outside its CI (leave-one-seed-out). */
export function influenceFindings(
  what: string,
  seeds: { seed: number; without: number }[],
): string[] {
  if (!seeds.length) return [`leave-one-seed-out: no seed alone moves ${what} outside its CI`];
  return [
    `leave-one-seed-out: ${seeds.length} seed(s) alone move ${what} outside its CI: ` +
    seeds.map((s) => `seed ${s.seed} (${what} ${fmt(s.without)} without it)`).join(", "),
  ];
}

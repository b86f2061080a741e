/**
 * `mem.transition`: P(Δ > 0) rises from ≈ 0 to ≈ 1 near n = d, sharper as d grows.
 *
 * Primary checks (for the convention the claim fixes, Σ = s²β1β1ᵀ), at the profile's largest d
 * unless said otherwise:
 * - the crossing n*\/d of P = 1/2, bootstrap CI over trials, against the band [0.5, 2];
 * - the transition width (n/d from P = 0.1 to P = 0.9) at the largest d minus the one at the
 *   smallest d, against (−∞, 0] ("sharpens as d grows"). A width whose P never reaches 0.9 on
 *   the grid is censored (+∞), one whose P starts at or above 0.1 is only a lower bound (NaN):
 *   the difference is then not measured, and the check is inconclusive, never a pass;
 * - monotonicity: the largest drop of P between adjacent grid points, with simultaneous
 *   (Bonferroni) Newcombe intervals from the Wilson intervals of each point, against
 *   (−∞, dropTolerance]. Monotone = every adjacent drop's upper CI end ≤ the tolerance; a drop
 *   whose lower end exceeds it makes the check fail. The tolerance is ours (default 0.1, the
 *   resolution the claim itself uses on P: its width runs from P = 0.1, "≈ 0", to 0.9, "≈ 1").
 * @module
 */
import { z } from "../../deps.ts";
import { defineCase, type JudgeContext } from "../case.ts";
import { check, unmeasuredCheck, verdict } from "../verdict.ts";
import { allCrossings, bootstrapGroups, type Estimate, wilson } from "../../reports/stats.ts";
import { concat, measuredVsPredicted, type Row } from "../../reports/charts.ts";
import type { Check } from "../../reports/schema.ts";
import type { DimMeasurement } from "./_experiment.ts";
import { memUnits } from "./_units.ts";
import {
  allTrials,
  bootstrapCurveStat,
  censoredCrossing,
  type Convention,
  conventionAt,
  conventionId,
  conventionLabel,
  fmt,
  meanCurve,
  MEM_PAPER,
  memClaim,
  memFields,
  memMeasurementSchema,
  memParams,
  memProfiles,
  memTidyRuns,
  validCount,
} from "./_common.ts";

/**
 * The claim's fixed part (CLAIMS.md): the band on n*\/d, the P levels of the crossing and of the
 * transition width, and the convention whose checks decide the verdict.
 */
export const transitionClaim = {
  ...memClaim,
  crossingLevel: 0.5,
  lowLevel: 0.1,
  highLevel: 0.9,
} as const;

const schema = z.object({
  ...memFields,
  dropTolerance: z.number().min(0).max(1).default(0.1).describe(
    "monotonicity: largest drop of P(Δ>0) between adjacent grid points still called monotone",
  ),
}).strict();

/** Resolved config of `mem.transition`. */
export type TransitionConfig = z.infer<typeof schema>;

/** The prediction: crossing n*\/d = 1 within the band, width shrinking with d. */
export interface TransitionPrediction {
  crossing: number;
  band: [number, number];
  widthShrinks: true;
}

/** Family-wise level of the simultaneous drop intervals. */
const FAMILY_LEVEL = 0.95;

/** One adjacent-pair drop of P with its simultaneous Newcombe interval. */
interface Drop {
  from: number;
  to: number;
  pFrom: number;
  pTo: number;
  est: Estimate;
}

/** Per grid point: the Wilson interval of P(Δ>0) at `level` (NaN value when nothing was measured). */
function pointIntervals(rows: (0 | 1 | null)[][], columns: number, level: number): Estimate[] {
  return Array.from({ length: columns }, (_, j) => {
    const vals = rows.map((r) => r[j]).filter((v): v is 0 | 1 => v === 0 || v === 1);
    return wilson(vals.reduce<number>((s, v) => s + v, 0), vals.length, level);
  });
}

/**
 * The drops P(j) − P(j+1) between adjacent measured grid points with Newcombe's hybrid score
 * intervals, simultaneous over the pairs by Bonferroni (each pair at 1 − 0.05/pairs).
 * Conservative for the paired (nested) design: the pairs' positive correlation is ignored.
 */
export function adjacentDrops(rows: (0 | 1 | null)[][], ratios: number[]): Drop[] {
  const cols = ratios.length;
  const pairs = Math.max(1, cols - 1);
  const pts = pointIntervals(rows, cols, 1 - (1 - FAMILY_LEVEL) / pairs);
  const out: Drop[] = [];
  for (let j = 0; j + 1 < cols; j++) {
    const a = pts[j], b = pts[j + 1];
    if (Number.isNaN(a.value) || Number.isNaN(b.value)) continue;
    const v = a.value - b.value;
    out.push({
      from: ratios[j],
      to: ratios[j + 1],
      pFrom: a.value,
      pTo: b.value,
      est: {
        value: v,
        lo: v - Math.hypot(a.value - a.lo, b.hi - b.value),
        hi: v + Math.hypot(a.hi - a.value, b.value - b.lo),
      },
    });
  }
  return out;
}

/**
 * The drop that decides monotonicity: the one whose lower end is highest when some lower end
 * exceeds `tolerance` (a drop beyond the tolerance), else the one whose upper end is highest
 * (the weakest evidence of monotonicity). Null when fewer than two grid points were measured.
 */
export function decisiveDrop(drops: Drop[], tolerance: number): Drop | null {
  if (!drops.length) return null;
  const byLo = drops.reduce((a, b) => (b.est.lo > a.est.lo ? b : a));
  if (byLo.est.lo > tolerance) return byLo;
  return drops.reduce((a, b) => (b.est.hi > a.est.hi ? b : a));
}

/** Crossing of P = `level` of a mean curve, with the config's interpolation. */
function crossingOf(ratios: number[], p: number[], level: number, c: TransitionConfig): number {
  return censoredCrossing(ratios, p, level, "up", c.interpolation);
}

/**
 * The transition width of a mean curve: x(P = 0.9) − x(P = 0.1). +∞ when P never reaches 0.9
 * on the grid (right-censored); NaN when P is already ≥ 0.1 at the first grid point (the start
 * is left-censored: the width is only a lower bound) or nothing was measured.
 */
export function widthOf(ratios: number[], p: number[], c: TransitionConfig): number {
  const first = p.find(Number.isFinite);
  if (first === undefined || first >= transitionClaim.lowLevel) return NaN;
  return crossingOf(ratios, p, transitionClaim.highLevel, c) -
    crossingOf(ratios, p, transitionClaim.lowLevel, c);
}

/** Why a width is not measured, or null. */
function widthCensoring(ratios: number[], p: number[], c: TransitionConfig): string | null {
  const finite = p.filter(Number.isFinite);
  if (!finite.length) return "nothing measured";
  if (finite[0] >= transitionClaim.lowLevel) {
    return `P = ${fmt(finite[0])} ≥ ${transitionClaim.lowLevel} already at the first grid point ` +
      `(n/d = ${ratios[p.findIndex(Number.isFinite)]}): the width is only a lower bound`;
  }
  if (Math.max(...finite) < transitionClaim.highLevel) {
    return `P never reaches ${transitionClaim.highLevel} on the grid (max ${
      fmt(Math.max(...finite))
    }): the width is right-censored (> ${
      fmt(ratios[ratios.length - 1] - crossingOf(ratios, p, transitionClaim.lowLevel, c))
    } in n/d)`;
  }
  return null;
}

function crossingStats(
  rows: (0 | 1 | null)[][],
  ratios: number[],
  c: TransitionConfig,
  seed: number,
): Estimate {
  return bootstrapCurveStat(
    rows,
    ratios.length,
    (p) => crossingOf(ratios, p, transitionClaim.crossingLevel, c),
    c.resamples,
    seed,
  );
}

function judgeConvention(
  dims: DimMeasurement[],
  conv: Convention,
  c: TransitionConfig,
  j: JudgeContext,
): { checks: Check[]; findings: string[] } {
  const checks: Check[] = [];
  const findings: string[] = [];
  const primary = conv === transitionClaim.primaryConvention;
  const tag = conventionLabel(conv);
  const band = transitionClaim.band;
  const first = dims[0], last = dims[dims.length - 1];
  const rowsAt = (dm: DimMeasurement) => conventionAt(dm, conv).deltaPositive;
  const curveAt = (dm: DimMeasurement) =>
    meanCurve(rowsAt(dm), allTrials(rowsAt(dm)), dm.ratios.length);
  const measured = (dm: DimMeasurement) => validCount(rowsAt(dm)) > 0;

  // 1. the crossing at the largest d
  const crossName = `crossing n*/d at d=${last.d} (${tag})`;
  const crossNote = "first upward crossing of P(Δ>0) = 1/2; +∞ means P stays below 1/2 on the grid";
  if (!measured(last)) {
    checks.push(
      unmeasuredCheck(crossName, band, `every run at d=${last.d} failed: nothing measured`, {
        primary,
        note: crossNote,
      }),
    );
  } else {
    const est = crossingStats(
      rowsAt(last),
      last.ratios,
      c,
      j.seed("mem.transition.crossing", last.d, conventionId(conv)),
    );
    checks.push(check(crossName, est, band, { primary, note: crossNote }));
  }

  // 2. the width difference, largest minus smallest d
  if (dims.length > 1) {
    const name = `width(d=${last.d}) − width(d=${first.d}) (${tag})`;
    let note =
      `transition width in n/d from P=${transitionClaim.lowLevel} to P=${transitionClaim.highLevel}; ` +
      "negative = sharpening";
    if (!measured(first) || !measured(last)) {
      checks.push(
        unmeasuredCheck(name, [-Infinity, 0], "every run failed at one of the two d", {
          primary,
          note,
        }),
      );
    } else {
      const a = rowsAt(first), b = rowsAt(last);
      const censored = [first, last].map((dm) => {
        const why = widthCensoring(dm.ratios, curveAt(dm), c);
        return why ? `d=${dm.d}: ${why}` : null;
      }).filter((x) => x !== null);
      if (censored.length) {
        note += `; not measured on this grid (${censored.join("; ")}), so the check cannot pass`;
      }
      const diff = bootstrapGroups(
        [a.length, b.length],
        ([ia, ib]) =>
          widthOf(last.ratios, meanCurve(b, ib, last.ratios.length), c) -
          widthOf(first.ratios, meanCurve(a, ia, first.ratios.length), c),
        {
          resamples: c.resamples,
          seed: j.seed("mem.transition.width", conventionId(conv)),
          keepInfinite: true,
        },
      );
      checks.push(check(name, diff, [-Infinity, 0], { primary, note }));
    }
  }

  // 3. monotonicity at the largest d
  const monoName = `largest drop of P between adjacent n/d at d=${last.d} (${tag})`;
  const drops = adjacentDrops(rowsAt(last), last.ratios);
  const worst = decisiveDrop(drops, c.dropTolerance);
  const monoNote = `P(n/d) − P(next n/d), ${FAMILY_LEVEL * 100}% simultaneous intervals over the ` +
    `${drops.length} adjacent pairs (Bonferroni, Newcombe from Wilson); monotone = every drop's ` +
    `upper end ≤ ${c.dropTolerance}`;
  if (!worst) {
    checks.push(
      unmeasuredCheck(
        monoName,
        [-Infinity, c.dropTolerance],
        `fewer than two grid points measured at d=${last.d}`,
        { primary, note: monoNote },
      ),
    );
  } else {
    checks.push(
      check(monoName, worst.est, [-Infinity, c.dropTolerance], {
        primary,
        note: `${monoNote}; shown: n/d ${worst.from}→${worst.to} (P ${fmt(worst.pFrom)}→${
          fmt(worst.pTo)
        })`,
      }),
    );
  }

  // the widths at every d side by side (point estimates; the check compares smallest and largest)
  const widths = dims.filter(measured).map((dm) => {
    const p = curveAt(dm), w = widthOf(dm.ratios, p, c);
    const top = dm.ratios[dm.ratios.length - 1];
    return {
      d: dm.d,
      w,
      text: Number.isFinite(w)
        ? fmt(w)
        : w === Infinity
        ? `> ${fmt(top - crossingOf(dm.ratios, p, transitionClaim.lowLevel, c))} (censored)`
        : "a lower bound only (censored)",
    };
  });
  if (widths.length > 1) {
    const grows = widths.slice(1).filter((x, k) =>
      Number.isFinite(x.w) && Number.isFinite(widths[k].w) && x.w > widths[k].w
    );
    findings.push(
      `${tag}: transition width (P ${transitionClaim.lowLevel}→${transitionClaim.highLevel}, in n/d) by d: ` +
        widths.map((x) => `d=${x.d} ${x.text}`).join(", ") +
        (grows.length
          ? `; point estimates grow from d=${
            grows.map((x) => `${widths[widths.indexOf(x) - 1].d} to d=${x.d}`).join(", ")
          } (no CI here; the check compares the smallest and largest d)`
          : ""),
    );
  }

  // findings per d, only from what was measured
  for (const dm of dims) {
    const rows = rowsAt(dm);
    if (!measured(dm)) {
      findings.push(`${tag}, d=${dm.d}: every run failed; nothing measured.`);
      continue;
    }
    const p = curveAt(dm);
    const est = crossingStats(
      rows,
      dm.ratios,
      c,
      j.seed("mem.transition.crossing", dm.d, conventionId(conv)),
    );
    const w = widthOf(dm.ratios, p, c);
    const why = widthCensoring(dm.ratios, p, c);
    const xs = allCrossings(dm.ratios, p, transitionClaim.crossingLevel);
    const dd = adjacentDrops(rows, dm.ratios).filter((x) => x.est.lo > c.dropTolerance);
    const finite = p.filter(Number.isFinite);
    findings.push(
      `${tag}, d=${dm.d}: n*/d = ${fmt(est.value)} [${fmt(est.lo)}, ${fmt(est.hi)}], ` +
        (why ? `width not measured (${why}); ` : `width ${fmt(w)}; `) +
        `P ranges ${fmt(Math.min(...finite))}–${fmt(Math.max(...finite))}; ` +
        (xs.length > 1
          ? `${xs.length} crossings of 1/2 (${
            xs.map((x) => `${x.direction} at ${fmt(x.x)}`).join(", ")
          }); `
          : "") +
        (dd.length
          ? `not monotone: P falls by more than ${c.dropTolerance} at n/d ${
            dd.map((x) => `${x.from}→${x.to} (${fmt(x.pFrom)}→${fmt(x.pTo)})`).join(", ")
          }`
          : `no drop of P beyond ${c.dropTolerance} between adjacent n/d`),
    );
  }
  return { checks, findings };
}

/**
 * Seconds on the 2-core reference machine, CPU path (calibrated there): kernel sums ≈ 2.5 ns per
 * evaluated pair-dimension (N²/2 pairs), fit + distances ≈ 3.5 µs per d² per (trial, n).
 */
function estimateSeconds(c: TransitionConfig): number {
  return c.seeds * c.dims.reduce(
    (s, d) => s + 1.25e-9 * c.originalSize ** 2 * d + 3.5e-6 * c.ratios.length * d * d,
    0,
  );
}

/**
 * Trials per work unit: 5, about 4 s at quick on the 2-core machine; the GPU path batches the
 * kernel sums of at most ~5 trials at N = 10^4 anyway, so units lose no batching.
 */
const SEEDS_PER_UNIT = 5;

/** The case. */
export const transition = defineCase<TransitionConfig, DimMeasurement[], TransitionPrediction>({
  id: "mem.transition",
  paper: MEM_PAPER,
  claim:
    "P(Δ > 0) is ≈ 0 for n ≪ d and rises sharply to ≈ 1 near n = d; the transition sharpens as d grows.",
  version: 2,
  judgeVersion: 2,
  claimSpec: transitionClaim,
  measurementSchema: memMeasurementSchema,
  alternatives: [
    {
      choice: "originalSize",
      values: [1000],
      needs: "run",
      runIn: ["quick", "full"],
      note: "N = 1000 instead of the paper's 10^4: the kernel width ε = σN^{-1/d} widens and the " +
        "crossing moves right. The original sets' kernel sums cost 100× less: the extra quick run " +
        "took 20 s of CPU (user time; 204 s wall under a load average of 19 on the 2-core machine)",
    },
    {
      choice: "interpolation",
      values: ["log"],
      needs: "judge",
      note: "crossings interpolated linearly in log(n/d) instead of n/d",
    },
    {
      choice: "dropTolerance",
      values: [0.05, 0.2],
      needs: "judge",
      note: "a stricter and a looser reading of 'monotone' (the default 0.1 is the claim's " +
        "resolution on P)",
    },
  ],
  configSchema: schema,
  profiles: memProfiles,
  params: {
    ...memParams,
    dropTolerance: {
      source: "ours",
      note:
        "a drop of P(Δ>0) between adjacent n/d up to 0.1 still counts as monotone: the resolution " +
        "the claim itself uses on P (its width runs from P = 0.1, '≈ 0', to P = 0.9, '≈ 1')",
    },
  },
  estimateSeconds,
  defaultSeeds: (c) => c.seeds,
  units: memUnits(true, SEEDS_PER_UNIT, estimateSeconds),
  predict: () => ({ crossing: 1, band: transitionClaim.band, widthShrinks: true }),
  judge({ measurement: dims }, c, j) {
    const checks: Check[] = [];
    const findings: string[] = [];
    if (!c.conventions.includes(transitionClaim.primaryConvention)) {
      findings.push(
        `The claim's convention (${
          conventionLabel(transitionClaim.primaryConvention)
        }) was not run: no primary check.`,
      );
    }
    for (const conv of c.conventions) {
      const r = judgeConvention(dims, conv, c, j);
      checks.push(...r.checks);
      findings.push(...r.findings);
    }
    // the headline is the check that decides the verdict: the first primary check that failed,
    // else the first that could not decide, else the crossing
    const primary = checks.filter((k) => k.primary);
    const decisive = primary.find((k) => k.status === "not reproduced") ??
      primary.find((k) => k.status !== "reproduced");
    return verdict(checks, findings, decisive?.name);
  },
  tidyRuns: (m) => memTidyRuns(m, true),
  charts({ measurement: dims, prediction }, c, v) {
    const specs = c.conventions.map((conv) => {
      const rows: Row[] = [];
      for (const dm of dims) {
        const pts = pointIntervals(conventionAt(dm, conv).deltaPositive, dm.ratios.length, 0.95);
        pts.forEach((p, j) => {
          if (Number.isFinite(p.value)) {
            rows.push({
              d: dm.d,
              ratio: dm.ratios[j],
              n: dm.ns[j],
              P: p.value,
              lo: p.lo,
              hi: p.hi,
            });
          }
        });
      }
      return measuredVsPredicted({
        title: `${conventionLabel(conv)} (${conv === "bbT" ? "paper" : "authors' code"})`,
        x: { field: "ratio", title: "n / d", log: true },
        y: { field: "P", title: "P(Δ > 0)", domain: [0, 1] },
        measured: rows,
        ci: { lo: "lo", hi: "hi" },
        series: { field: "d", title: "d", type: "ordinal" },
        rules: [{ x: prediction.crossing, label: "predicted n*/d = 1" }, {
          y: 0.5,
          label: "P = 1/2",
        }],
        xBand: { lo: prediction.band[0], hi: prediction.band[1], label: "tolerance band" },
      });
    });
    const crossRows: Row[] = [];
    for (const conv of c.conventions) {
      for (const dm of dims) {
        const rows = conventionAt(dm, conv).deltaPositive;
        if (!validCount(rows)) continue;
        // display only (charts get no judge context): a fixed resampling seed per point; the
        // verdict's CIs, drawn from the run's named streams, are in the checks and findings
        const s = crossingStats(rows, dm.ratios, c, 1 + 97 * dm.d + conventionId(conv));
        // a crossing beyond the grid is drawn at the grid's end and labelled as censored
        const top = dm.ratios[dm.ratios.length - 1];
        const cap = (x: number) => (Number.isFinite(x) ? x : top);
        const censored = !Number.isFinite(s.value) || !Number.isFinite(s.hi);
        crossRows.push({
          d: dm.d,
          convention: censored
            ? `${conventionLabel(conv)} (censored: ≥ ${top})`
            : conventionLabel(conv),
          crossing: cap(s.value),
          lo: cap(s.lo),
          hi: cap(s.hi),
        });
      }
    }
    const crossSpec = measuredVsPredicted({
      title: "crossing n*/d (P = 1/2) vs d",
      x: { field: "d", title: "d", log: true },
      y: { field: "crossing", title: "n*/d", log: true },
      measured: crossRows,
      ci: { lo: "lo", hi: "hi" },
      series: { field: "convention", title: "covariance convention" },
      predicted: dims.map((dm) => ({ d: dm.d, crossing: prediction.crossing })),
      predictedLabel: "theory n*/d = 1",
      yBand: { lo: prediction.band[0], hi: prediction.band[1], label: "tolerance band" },
    });
    const trSpecs = c.conventions.map((conv) => {
      const trRows: Row[] = [];
      for (const dm of dims) {
        const m = conventionAt(dm, conv).traceOverD;
        const curve = meanCurve(m, allTrials(m), dm.ratios.length);
        curve.forEach((t, j) => {
          if (Number.isFinite(t) && t > 0) trRows.push({ d: dm.d, ratio: dm.ratios[j], trace: t });
        });
      }
      return measuredVsPredicted({
        title: conventionLabel(conv),
        x: { field: "ratio", title: "n / d", log: true },
        y: { field: "trace", title: "tr(Σ)/d (mean over trials)", log: true },
        measured: trRows,
        series: { field: "d", title: "d", type: "ordinal" },
        rules: [{ y: 1, label: "true covariance" }],
      });
    });
    return [
      {
        id: "p-delta",
        title: `P(Δ>0) vs n/d — verdict: ${v.status}`,
        spec: concat("P(Δ > 0) against n/d, per covariance convention", specs),
      },
      { id: "crossing", title: "Crossing n*/d against d", spec: crossSpec },
      {
        id: "trace",
        title: "Generated covariance scale",
        spec: concat("tr(Σ)/d of the generated Gaussian (true value 1), per convention", trSpecs),
      },
    ];
  },
});

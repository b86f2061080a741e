/**
 * `mem.transition`: P(Δ > 0) rises from ≈ 0 to ≈ 1 near n = d, sharper as d grows.
 * @module
 */
import { z } from "../../deps.ts";
import { defineCase } from "../case.ts";
import { check, verdict } from "../verdict.ts";
import { allCrossings, bootstrapGroups, wilson } from "../../reports/stats.ts";
import { concat, measuredVsPredicted, type Row } from "../../reports/charts.ts";
import type { Check } from "../../reports/schema.ts";
import { type DimMeasurement, runMemExperiment } from "./_experiment.ts";
import {
  allTrials,
  bootstrapCurveStat,
  censoredCrossing,
  conventionAt,
  fmt,
  meanCurve,
  MEM_PAPER,
  memFields,
  memParams,
  memProfiles,
} from "./_common.ts";

const schema = z.object({
  ...memFields,
  lowLevel: z.number().min(0).max(0.5).default(0.1).describe(
    "P level where the transition starts (width)",
  ),
  highLevel: z.number().min(0.5).max(1).default(0.9).describe(
    "P level where the transition ends (width)",
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

function pCurveStats(
  rows: (number | null)[][],
  ratios: number[],
  cfg: TransitionConfig,
  seed: number,
) {
  const cols = ratios.length;
  const cross = bootstrapCurveStat(
    rows,
    cols,
    (p) => censoredCrossing(ratios, p, 0.5, "up"),
    cfg.resamples,
    seed,
  );
  const widthOf = (p: number[]) =>
    censoredCrossing(ratios, p, cfg.highLevel, "up") -
    censoredCrossing(ratios, p, cfg.lowLevel, "up");
  const width = bootstrapCurveStat(rows, cols, widthOf, cfg.resamples, seed + 1);
  return { cross, width, widthOf };
}

/** Significant drops of a P curve: adjacent points whose Wilson CIs do not overlap, going down. */
function significantDrops(rows: (0 | 1 | null)[][], ratios: number[]) {
  const pts = ratios.map((_, j) => {
    const vals = rows.map((r) => r[j]).filter((v): v is 0 | 1 => v !== null);
    return wilson(vals.reduce<number>((s, v) => s + v, 0), vals.length);
  });
  const drops: { from: number; to: number; pFrom: number; pTo: number }[] = [];
  for (let j = 0; j + 1 < pts.length; j++) {
    if (pts[j + 1].hi < pts[j].lo) {
      drops.push({
        from: ratios[j],
        to: ratios[j + 1],
        pFrom: pts[j].value,
        pTo: pts[j + 1].value,
      });
    }
  }
  return { pts, drops };
}

/** The case. */
export const transition = defineCase<TransitionConfig, DimMeasurement[], TransitionPrediction>({
  id: "mem.transition",
  paper: MEM_PAPER,
  claim:
    "P(Δ > 0) is ≈ 0 for n ≪ d and rises sharply to ≈ 1 near n = d; the transition sharpens as d grows.",
  version: 1,
  configSchema: schema,
  profiles: memProfiles,
  params: {
    ...memParams,
    lowLevel: { source: "claims", note: "width from P = 0.1 ..." },
    highLevel: { source: "claims", note: "... to P = 0.9" },
  },
  // calibrated on the 2-core reference machine, CPU path: kernel sums ≈ 2.5 ns per evaluated
  // pair-dimension (N²/2 pairs),
  // fit + distances ≈ 3.5 µs per d² per (trial, n)
  estimateSeconds: (c) =>
    c.trials *
    c.dims.reduce(
      (s, d) => s + 1.25e-9 * c.originalSize ** 2 * d + 3.5e-6 * c.ratios.length * d * d,
      0,
    ),
  defaultSeeds: (c) => c.trials,
  run: (ctx, c) => runMemExperiment(ctx, c, true),
  predict: (c) => ({ crossing: 1, band: c.band, widthShrinks: true }),
  judge({ measurement: dims }, c) {
    const checks: Check[] = [];
    const findings: string[] = [];
    for (const conv of c.conventions) {
      const primary = conv === c.primaryConvention;
      const tag = conv === "bbT" ? "Σ = s²β1β1ᵀ" : "Σ = s²β1ᵀβ1";
      const stats = dims.map((dm) => ({
        dm,
        ...pCurveStats(conventionAt(dm, conv).deltaPositive, dm.ratios, c, dm.d),
      }));
      const last = stats[stats.length - 1], first = stats[0];
      checks.push(
        check(`crossing n*/d at d=${last.dm.d} (${tag})`, last.cross, c.band, {
          primary,
          note: "first upward crossing of P(Δ>0) = 1/2; +∞ means P stays below 1/2 on the grid",
        }),
      );
      if (stats.length > 1) {
        const a = conventionAt(first.dm, conv).deltaPositive,
          b = conventionAt(last.dm, conv).deltaPositive;
        const diff = bootstrapGroups(
          [a.length, b.length],
          ([ia, ib]) =>
            last.widthOf(meanCurve(b, ib, last.dm.ratios.length)) -
            first.widthOf(meanCurve(a, ia, first.dm.ratios.length)),
          { resamples: c.resamples, seed: 7, keepInfinite: true },
        );
        checks.push(
          check(`width(d=${last.dm.d}) − width(d=${first.dm.d}) (${tag})`, diff, [-Infinity, 0], {
            primary,
            note:
              `transition width in n/d from P=${c.lowLevel} to P=${c.highLevel}; negative = sharpening`,
          }),
        );
      }
      const { drops } = significantDrops(conventionAt(last.dm, conv).deltaPositive, last.dm.ratios);
      const maxDrop = drops.reduce((m, x) => Math.max(m, x.pFrom - x.pTo), 0);
      checks.push(
        check(
          `significant drops in P at d=${last.dm.d} (${tag})`,
          { value: drops.length, lo: drops.length, hi: drops.length },
          [0, 0],
          {
            primary,
            note: drops.length
              ? `largest drop ${fmt(maxDrop)}: ` +
                drops.map((x) => `${fmt(x.pFrom)}→${fmt(x.pTo)} at n/d ${x.from}→${x.to}`).join(
                  "; ",
                )
              : "P(Δ>0) is monotone within its Wilson CIs",
          },
        ),
      );
      for (const s of stats) {
        const rows = conventionAt(s.dm, conv).deltaPositive;
        const p = meanCurve(rows, allTrials(rows), s.dm.ratios.length);
        const xs = allCrossings(s.dm.ratios, p, 0.5);
        const { drops: dd } = significantDrops(rows, s.dm.ratios);
        findings.push(
          `${tag}, d=${s.dm.d}: n*/d = ${fmt(s.cross.value)} [${fmt(s.cross.lo)}, ${
            fmt(s.cross.hi)
          }], width ${fmt(s.width.value)}; ` +
            `P ranges ${fmt(Math.min(...p))}–${fmt(Math.max(...p))}; ` +
            (xs.length > 1
              ? `${xs.length} crossings of 1/2 (${
                xs.map((x) => `${x.direction} at ${fmt(x.x)}`).join(", ")
              }); `
              : "") +
            (dd.length
              ? `not monotone: P falls significantly at n/d ${
                dd.map((x) => `${x.from}→${x.to}`).join(", ")
              }`
              : "monotone within CIs"),
        );
      }
    }
    return verdict(checks, findings);
  },
  charts({ measurement: dims, prediction }, c, v) {
    const specs = c.conventions.map((conv) => {
      const rows: Row[] = [];
      for (const dm of dims) {
        const { pts } = significantDrops(conventionAt(dm, conv).deltaPositive, dm.ratios);
        pts.forEach((p, j) =>
          rows.push({ d: dm.d, ratio: dm.ratios[j], n: dm.ns[j], P: p.value, lo: p.lo, hi: p.hi })
        );
      }
      return measuredVsPredicted({
        title: conv === "bbT" ? "Σ = s²β1β1ᵀ (paper)" : "Σ = s²β1ᵀβ1 (authors' code)",
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
        const s = pCurveStats(conventionAt(dm, conv).deltaPositive, dm.ratios, c, dm.d);
        // a crossing beyond the grid is drawn at the grid's end and labelled as censored
        const top = dm.ratios[dm.ratios.length - 1];
        const cap = (x: number) => (Number.isFinite(x) ? x : top);
        const censored = !Number.isFinite(s.cross.value) || !Number.isFinite(s.cross.hi);
        crossRows.push({
          d: dm.d,
          convention: censored ? `${conv} (censored: ≥ ${top})` : conv,
          crossing: cap(s.cross.value),
          lo: cap(s.cross.lo),
          hi: cap(s.cross.hi),
        });
      }
    }
    const crossSpec = measuredVsPredicted({
      title: "crossing n*/d (P = 1/2) vs d",
      x: { field: "d", title: "d", log: true },
      y: { field: "crossing", title: "n*/d", log: true },
      measured: crossRows,
      ci: { lo: "lo", hi: "hi" },
      series: { field: "convention", title: "convention" },
      predicted: dims.map((dm) => ({ d: dm.d, crossing: prediction.crossing })),
      predictedLabel: "theory n*/d = 1",
      yBand: { lo: prediction.band[0], hi: prediction.band[1], label: "tolerance band" },
    });
    const trRows: Row[] = [];
    for (const conv of c.conventions) {
      for (const dm of dims) {
        const m = conventionAt(dm, conv).traceOverD;
        const curve = meanCurve(m, allTrials(m), dm.ratios.length);
        curve.forEach((t, j) =>
          trRows.push({ d: dm.d, convention: conv, ratio: dm.ratios[j], trace: t })
        );
      }
    }
    const trSpec = measuredVsPredicted({
      title: "tr(Σ)/d of the generated Gaussian (true value 1)",
      x: { field: "ratio", title: "n / d", log: true },
      y: { field: "trace", title: "tr(Σ)/d (mean over trials)", log: true },
      measured: trRows.filter((r) => (r.trace as number) > 0),
      series: { field: "d", title: "d", type: "ordinal" },
      rules: [{ y: 1, label: "true covariance" }],
    });
    return [
      {
        id: "p-delta",
        title: `P(Δ>0) vs n/d — verdict: ${v.status}`,
        spec: concat("P(Δ > 0) against n/d, per covariance convention", specs),
      },
      { id: "crossing", title: "Crossing n*/d against d", spec: crossSpec },
      { id: "trace", title: "Generated covariance scale", spec: trSpec },
    ];
  },
});

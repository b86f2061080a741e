/**
 * `mem.hellinger-onset`: H²(generated, true) stays ≈ 1 for n ≲ d and falls once n ≳ d.
 * @module
 */
import { z } from "../../deps.ts";
import { defineCase } from "../case.ts";
import { check, unmeasuredCheck, verdict } from "../verdict.ts";
import { meanCI } from "../../reports/stats.ts";
import { concat, measuredVsPredicted, type Row } from "../../reports/charts.ts";
import type { Check } from "../../reports/schema.ts";
import type { DimMeasurement } from "./_experiment.ts";
import { memUnits } from "./_units.ts";
import {
  allTrials,
  bootstrapCurveStat,
  censoredCrossing,
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
 * The claim's fixed part (CLAIMS.md): the onset is the first n/d where the mean H² drops below
 * 0.95, predicted at n/d = 1 within the band; the β1β1ᵀ convention decides the verdict.
 */
export const hellingerClaim = { ...memClaim, level: 0.95 } as const;

const schema = z.object({
  ...memFields,
  departure: z.number().gt(0).lt(0.5).default(0.001).describe(
    "informational check: first n/d where mean H² < 1 − departure",
  ),
}).strict();

/** Resolved config of `mem.hellinger-onset`. */
export type HellingerConfig = z.infer<typeof schema>;

/** The prediction: onset at n/d = 1 within the band. */
export interface HellingerPrediction {
  onset: number;
  band: [number, number];
}

/** Seconds on the 2-core reference machine (calibrated there): ≈ 4 µs per d² per (trial, n). */
function estimateSeconds(c: HellingerConfig): number {
  return c.seeds * c.dims.reduce((s, d) => s + 4e-6 * c.ratios.length * d * d, 0);
}

/** Trials per work unit: 25 (H² alone is cheap: the quick profile's 100 trials take ~3 s). */
const SEEDS_PER_UNIT = 25;

/** The case. */
export const hellingerOnset = defineCase<HellingerConfig, DimMeasurement[], HellingerPrediction>({
  id: "mem.hellinger-onset",
  paper: MEM_PAPER,
  claim: "H²(generated, true) stays ≈ 1 for n ≲ d and starts to fall once n ≳ d.",
  version: 2,
  judgeVersion: 2,
  claimSpec: hellingerClaim,
  measurementSchema: memMeasurementSchema,
  alternatives: [
    {
      choice: "interpolation",
      values: ["log"],
      needs: "judge",
      note: "the onset interpolated linearly in log(n/d) instead of n/d",
    },
  ],
  configSchema: schema,
  profiles: memProfiles,
  params: {
    ...memParams,
    originalSize: {
      source: "ours",
      note: "not used by this case (H² needs no original set); shared with mem.transition",
    },
    departure: {
      source: "ours",
      note: "a second, informational onset: where H² leaves 1 at all (1 − 0.001)",
    },
  },
  estimateSeconds,
  defaultSeeds: (c) => c.seeds,
  units: memUnits(false, SEEDS_PER_UNIT, estimateSeconds),
  predict: () => ({ onset: 1, band: hellingerClaim.band }),
  judge({ measurement: dims }, c, j) {
    const checks: Check[] = [];
    const findings: string[] = [];
    const band = hellingerClaim.band, level = hellingerClaim.level;
    if (!c.conventions.includes(hellingerClaim.primaryConvention)) {
      findings.push(
        `The claim's convention (${
          conventionLabel(hellingerClaim.primaryConvention)
        }) was not run: no primary check.`,
      );
    }
    for (const conv of c.conventions) {
      const tag = conventionLabel(conv);
      const primary = conv === hellingerClaim.primaryConvention;
      dims.forEach((dm, k) => {
        const rows = conventionAt(dm, conv).h2;
        const isLast = k === dims.length - 1;
        const onsetName = `onset n/d at d=${dm.d} (${tag})`;
        const onsetNote =
          `first n/d where mean H² < ${level}; +∞ means it never drops below on the grid`;
        const departureName = `departure from H² = 1 at d=${dm.d} (${tag})`;
        const departureNote =
          `first n/d where mean H² < 1 − ${c.departure}; informational, not the claim's definition`;
        if (validCount(rows) === 0) {
          findings.push(`${tag}, d=${dm.d}: every run failed; no H² measured.`);
          if (isLast) {
            const why = `every run at d=${dm.d} failed: nothing measured`;
            checks.push(unmeasuredCheck(onsetName, band, why, { primary, note: onsetNote }));
            checks.push(
              unmeasuredCheck(departureName, band, why, { primary: false, note: departureNote }),
            );
          }
          return;
        }
        const onset = bootstrapCurveStat(
          rows,
          dm.ratios.length,
          (h) => censoredCrossing(dm.ratios, h, level, "down", c.interpolation),
          c.resamples,
          j.seed("mem.hellinger.onset", dm.d, conventionId(conv)),
        );
        const curve = meanCurve(rows, allTrials(rows), dm.ratios.length);
        const below = dm.ratios.filter((r, i) => r <= 1 && curve[i] < 0.99);
        const unmeasuredLow = dm.ratios.filter((r, i) => r <= 1 && !Number.isFinite(curve[i]));
        findings.push(
          `${tag}, d=${dm.d}: onset n/d = ${fmt(onset.value)} [${fmt(onset.lo)}, ${
            fmt(onset.hi)
          }]; ` +
            `mean H² at the largest n/d (${dm.ratios[dm.ratios.length - 1]}) = ${
              fmt(curve[curve.length - 1], 3)
            }` +
            (below.length
              ? `; H² < 0.99 already at n/d ≤ 1 (${below.join(", ")})`
              : unmeasuredLow.length
              ? `; H² not measured at n/d ${unmeasuredLow.join(", ")} (every run failed there)`
              : "; H² ≥ 0.99 for every n/d ≤ 1"),
        );
        if (isLast) {
          checks.push(check(onsetName, onset, band, { primary, note: onsetNote }));
          // informational: where H² first departs from 1 at all (not CLAIMS.md's 0.95 definition)
          const departure = bootstrapCurveStat(
            rows,
            dm.ratios.length,
            (h) => censoredCrossing(dm.ratios, h, 1 - c.departure, "down", c.interpolation),
            c.resamples,
            j.seed("mem.hellinger.departure", dm.d, conventionId(conv)),
          );
          checks.push(
            check(departureName, departure, band, { primary: false, note: departureNote }),
          );
        }
      });
    }
    return verdict(checks, findings);
  },
  tidyRuns: (m) => memTidyRuns(m, false),
  charts({ measurement: dims, prediction }, c, v) {
    const specs = c.conventions.map((conv) => {
      const rows: Row[] = [];
      for (const dm of dims) {
        const h = conventionAt(dm, conv).h2;
        dm.ratios.forEach((r, j) => {
          const vals = h.map((row) => row[j]).filter((x): x is number =>
            x !== null && Number.isFinite(x)
          );
          if (vals.length < 2) return;
          const e = meanCI(vals);
          rows.push({ d: dm.d, ratio: r, H2: e.value, lo: e.lo, hi: Math.min(1, e.hi) });
        });
      }
      return measuredVsPredicted({
        title: `${conventionLabel(conv)} (${conv === "bbT" ? "paper" : "authors' code"})`,
        x: { field: "ratio", title: "n / d", log: true },
        y: { field: "H2", title: "H²(generated, true)", domain: [0, 1] },
        measured: rows,
        ci: { lo: "lo", hi: "hi" },
        series: { field: "d", title: "d", type: "ordinal" },
        rules: [{ x: prediction.onset, label: "predicted onset n/d = 1" }, {
          y: hellingerClaim.level,
          label: `H² = ${hellingerClaim.level}`,
        }],
        xBand: { lo: prediction.band[0], hi: prediction.band[1], label: "tolerance band" },
      });
    });
    return [{
      id: "hellinger",
      title: `H² vs n/d — verdict: ${v.status}`,
      spec: concat("H² against n/d", specs),
    }];
  },
});

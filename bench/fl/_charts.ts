/**
 * Charts shared by Paper A's cases: S and N over training (diffusion beside classifier),
 * S/N against n·SNR² for both models with the theory's slope-1 line, and the classifier's test
 * accuracy against n·SNR² with the threshold marked. CIs over seeds everywhere.
 * @module
 */
import { concat, measuredVsPredicted, type Row, type Spec } from "../../reports/charts.ts";
import { meanCI } from "../../reports/stats.ts";
import type { FlMeasurement } from "./_experiment.ts";
import {
  allSeeds,
  finalLogRatio,
  geoMeanCI,
  meanLogCurve,
  type ModelKey,
  ratioThreshold,
} from "./_analysis.ts";

const LABEL: Record<ModelKey, string> = { diffusion: "diffusion", classifier: "classifier" };

/** S and N (seed mean with t-CI) over training at the largest n, one panel per model × observable. */
export function trainingCurves(m: FlMeasurement): Spec {
  const ni = m.ns.length - 1;
  const panels: Spec[] = [];
  for (const obs of ["S", "N"] as const) {
    const row: Spec[] = [];
    for (const model of ["diffusion", "classifier"] as const) {
      const r = m[model];
      const rows: Row[] = [];
      m.grid.forEach((kappa, ki) => {
        r.steps.forEach((step, l) => {
          const vals = r[obs][ni][ki].map((s) => s?.[l] ?? NaN).filter(Number.isFinite);
          if (!vals.length) return;
          const e = meanCI(vals);
          rows.push({
            step,
            kappa,
            value: e.value,
            lo: Number.isFinite(e.lo) ? e.lo : e.value,
            hi: Number.isFinite(e.hi) ? e.hi : e.value,
          });
        });
      });
      row.push(measuredVsPredicted({
        title: `${LABEL[model]}: ${
          obs === "S" ? "signal S = max_r |⟨w_r, μ⟩|" : "noise N = mean_i max_r |⟨w_r, ξ_i⟩|"
        } (n = ${m.ns[ni]})`,
        x: { field: "step", title: "GD step" },
        y: { field: "value", title: obs, log: true },
        measured: rows.filter((x) => (x.value as number) > 0),
        ci: { lo: "lo", hi: "hi" },
        series: { field: "kappa", title: "n·SNR²", type: "ordinal" },
        width: 260,
        height: 180,
      }));
    }
    panels.push(concat(`${obs} over training`, row));
  }
  return concat(
    "S and N over training, diffusion beside classifier (mean over seeds, 95% CI)",
    panels,
    "v",
  );
}

/** Options of {@link ratioChart}. */
export interface RatioChartOptions {
  /** The fitted diffusion slope for the title (omitted when null or not finite). */
  slope?: number | null;
  /** The balance band, shaded, with the slope-1 theory line (balance); none: both models only. */
  band?: [number, number] | null;
  /** When S/N was read, e.g. "at the end of training". */
  when?: string;
}

/**
 * Geometric-mean S/N against n·SNR² for both models; with a band, the balance band and the
 * theory's slope-1 line anchored on the diffusion data.
 */
export function ratioChart(m: FlMeasurement, opts: RatioChartOptions = {}): Spec {
  const rows: Row[] = [];
  let anchor = 0, cnt = 0;
  for (const model of ["diffusion", "classifier"] as const) {
    m.ns.forEach((n, ni) => {
      m.grid.forEach((kappa, ki) => {
        const logs = m.seeds.map((_, si) => finalLogRatio(m[model], ni, ki, si));
        const g = geoMeanCI(logs);
        if (!Number.isFinite(g.value)) return;
        rows.push({
          kappa,
          ratio: g.value,
          lo: Number.isFinite(g.lo) ? g.lo : g.value,
          hi: Number.isFinite(g.hi) ? g.hi : g.value,
          series: `${model} n=${n}`,
        });
        if (model === "diffusion") (anchor += Math.log(g.value) - Math.log(kappa)), cnt++;
      });
    });
  }
  const c = Math.exp(anchor / Math.max(1, cnt));
  const band = opts.band ?? null;
  const predicted: Row[] = band && cnt ? m.grid.map((kappa) => ({ kappa, ratio: c * kappa })) : [];
  const slope = opts.slope ?? null;
  const fitted = slope !== null && Number.isFinite(slope)
    ? ` (diffusion slope fitted ${slope.toFixed(2)}, theory 1)`
    : "";
  return measuredVsPredicted({
    title: `S/N ${opts.when ?? "at the end of training"} vs n·SNR²${fitted}`,
    x: { field: "kappa", title: "n·SNR²", log: true },
    y: { field: "ratio", title: "S/N (geometric mean over seeds)", log: true },
    measured: rows,
    ci: { lo: "lo", hi: "hi" },
    series: { field: "series", title: "model, n" },
    predicted,
    predictedLabel: "theory: S/N ∝ n·SNR² (slope 1)",
    yBand: band
      ? { lo: band[0], hi: band[1], label: `balance band [${band[0]}, ${band[1]}]` }
      : undefined,
    rules: [{ y: 1, label: "S = N" }],
  });
}

const ACC_HEIGHT = 240;

/** Classifier test accuracy (seed mean, t-CI) against n·SNR², threshold (S/N = 1) marked per n. */
export function accuracyChart(m: FlMeasurement, level: number): Spec {
  const rows: Row[] = [];
  m.ns.forEach((n, ni) => {
    m.grid.forEach((kappa, ki) => {
      const v = m.testAccuracy[ni][ki].filter((x): x is number => x !== null);
      if (!v.length) return;
      const e = meanCI(v);
      rows.push({
        kappa,
        acc: e.value,
        lo: Number.isFinite(e.lo) ? e.lo : e.value,
        hi: Number.isFinite(e.hi) ? e.hi : e.value,
        n: String(n),
      });
    });
  });
  const idx = allSeeds(m);
  const thresholds = m.ns.flatMap((n, ni) => {
    const t = ratioThreshold(m, ni, idx);
    return Number.isFinite(t) ? [{ x: t, n }] : [];
  });
  const spec = measuredVsPredicted({
    title: "classifier test accuracy vs n·SNR² (prediction: crosses 0.75 at the S/N = 1 threshold)",
    x: { field: "kappa", title: "n·SNR²", log: true },
    y: { field: "acc", title: "test accuracy", domain: [0.4, 1] },
    height: ACC_HEIGHT,
    measured: rows,
    ci: { lo: "lo", hi: "hi" },
    series: { field: "n", title: "n", type: "ordinal" },
    rules: [{ y: level, label: `accuracy ${level}` }],
  });
  // the S/N = 1 thresholds of the different n lie close together: one label row each, at the
  // bottom of the plot, where accuracy is at chance left of the jump
  thresholds.forEach(({ x, n }, i) => {
    (spec.layer as Spec[]).push(
      {
        data: { values: [{}] },
        mark: { type: "rule", color: "#e76f51", strokeDash: [3, 3] },
        encoding: {
          x: { datum: x, type: "quantitative" },
          tooltip: { value: `threshold S/N = 1, n = ${n}` },
        },
      },
      {
        data: { values: [{}] },
        mark: { type: "text", color: "#e76f51", align: "left", dx: 3, fontSize: 10 },
        encoding: {
          x: { datum: x, type: "quantitative" },
          y: { value: ACC_HEIGHT - 8 - 13 * (thresholds.length - 1 - i) },
          text: { value: `S/N = 1 at n = ${n}` },
        },
      },
    );
  });
  return spec;
}

/** Seed-mean ln(S/N) of one model as a table row source (for tables). */
export function curveRows(m: FlMeasurement, model: ModelKey): (string | number | null)[][] {
  const idx = allSeeds(m);
  return m.ns.flatMap((n, ni) => {
    const c = meanLogCurve(m, model, ni, idx);
    return m.grid.map((
      kappa,
      ki,
    ) => [model, n, kappa, Number.isFinite(c[ki]) ? Number(Math.exp(c[ki]).toPrecision(4)) : null]);
  });
}

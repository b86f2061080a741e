/**
 * Statistics of Paper A's measurement: final log(S/N) per run, seed means, the log–log slope,
 * spreads, jump sharpness and thresholds, each as a function of a seed resample (so the cases
 * bootstrap over seeds, paired across the grid and across the two models).
 * @module
 */
import { bootstrap, crossing, linearFit, meanCI } from "../../reports/stats.ts";
import type { FlMeasurement, ModelRuns } from "./_experiment.ts";
import type { RunRow } from "../case.ts";

/** The two models. */
export type ModelKey = "diffusion" | "classifier";

/** ln(S/N) at the end of training of one run (NaN when it failed). */
export function finalLogRatio(r: ModelRuns, ni: number, ki: number, si: number): number {
  const S = r.S[ni][ki][si], N = r.N[ni][ki][si];
  const s = S?.[S.length - 1], n = N?.[N.length - 1];
  return s != null && n != null && s > 0 && n > 0 ? Math.log(s / n) : NaN;
}

/** Mean over the seeds `idx` of finite values of `f(si)` (NaN when none). */
export function meanOver(idx: ArrayLike<number>, f: (si: number) => number): number {
  let s = 0, k = 0;
  for (let i = 0; i < idx.length; i++) {
    const v = f(idx[i]);
    if (Number.isFinite(v)) (s += v), k++;
  }
  return k ? s / k : NaN;
}

/** Seed-mean ln(S/N) along the grid for one n. */
export function meanLogCurve(
  m: FlMeasurement,
  model: ModelKey,
  ni: number,
  idx: ArrayLike<number>,
): number[] {
  return m.grid.map((_, ki) => meanOver(idx, (si) => finalLogRatio(m[model], ni, ki, si)));
}

/** Seed-mean test accuracy along the grid for one n. */
export function meanAccCurve(m: FlMeasurement, ni: number, idx: ArrayLike<number>): number[] {
  return m.grid.map((_, ki) => meanOver(idx, (si) => m.testAccuracy[ni][ki][si] ?? NaN));
}

/** All seed indices. */
export function allSeeds(m: FlMeasurement): Int32Array {
  return Int32Array.from(m.seeds, (_, i) => i);
}

/** Pooled least-squares slope of seed-mean ln(S/N) on ln(n·SNR²) over every n and grid point. */
export function slopeOf(m: FlMeasurement, model: ModelKey, idx: ArrayLike<number>): number {
  const xs: number[] = [], ys: number[] = [];
  m.ns.forEach((_, ni) => {
    meanLogCurve(m, model, ni, idx).forEach((y, ki) => {
      xs.push(Math.log(m.grid[ki]));
      ys.push(y);
    });
  });
  return linearFit(xs, ys).slope;
}

/** Indices of the grid points that are in `sub`. */
export function gridIndices(grid: number[], sub: number[]): number[] {
  return grid.flatMap((
    k,
    i,
  ) => (sub.some((s) => Math.abs(s - k) < 1e-9 * Math.max(1, k)) ? [i] : []));
}

/** Max over n and the given grid points of |log10 (geometric-mean S/N)|. */
export function maxAbsLog10(
  m: FlMeasurement,
  model: ModelKey,
  kis: number[],
  idx: ArrayLike<number>,
): number {
  let worst = -Infinity;
  m.ns.forEach((_, ni) => {
    const c = meanLogCurve(m, model, ni, idx);
    for (const ki of kis) worst = Math.max(worst, Math.abs(c[ki]) / Math.LN10);
  });
  return worst;
}

/** Spread of S/N over the given grid points in decades, log10(max/min), averaged over n. */
export function spreadDecades(
  m: FlMeasurement,
  model: ModelKey,
  kis: number[],
  idx: ArrayLike<number>,
): number {
  let s = 0;
  m.ns.forEach((_, ni) => {
    const c = meanLogCurve(m, model, ni, idx), v = kis.map((k) => c[k]);
    s += (Math.max(...v) - Math.min(...v)) / Math.LN10;
  });
  return s / m.ns.length;
}

/** Sharpness: the steepest change of seed-mean ln(S/N) per unit ln(n·SNR²) between grid neighbours. */
export function sharpness(
  m: FlMeasurement,
  model: ModelKey,
  ni: number,
  idx: ArrayLike<number>,
): number {
  const c = meanLogCurve(m, model, ni, idx);
  let best = -Infinity;
  for (let k = 0; k + 1 < c.length; k++) {
    const s = (c[k + 1] - c[k]) / (Math.log(m.grid[k + 1]) - Math.log(m.grid[k]));
    if (Number.isFinite(s)) best = Math.max(best, s);
  }
  return best;
}

/** Classifier threshold: n·SNR² where its seed-mean ln(S/N) first crosses 0 upwards (NaN: none). */
export function ratioThreshold(m: FlMeasurement, ni: number, idx: ArrayLike<number>): number {
  return Math.exp(crossing(m.grid.map(Math.log), meanLogCurve(m, "classifier", ni, idx), 0, "up"));
}

/** n·SNR² where the seed-mean test accuracy first crosses `level` upwards (NaN: none). */
export function accuracyThreshold(
  m: FlMeasurement,
  ni: number,
  idx: ArrayLike<number>,
  level: number,
): number {
  return Math.exp(crossing(m.grid.map(Math.log), meanAccCurve(m, ni, idx), level, "up"));
}

/** Percentile bootstrap over seeds of a statistic of a seed resample. */
export function seedBootstrap(
  m: FlMeasurement,
  stat: (idx: ArrayLike<number>) => number,
  resamples: number,
  seed: number,
  keepInfinite = false,
) {
  return bootstrap(m.seeds.length, stat, { resamples, seed, keepInfinite });
}

/** Geometric mean of S/N over seeds with the t-CI of the mean log (exp back). */
export function geoMeanCI(logs: number[]): { value: number; lo: number; hi: number } {
  const e = meanCI(logs.filter(Number.isFinite));
  return { value: Math.exp(e.value), lo: Math.exp(e.lo), hi: Math.exp(e.hi) };
}

/** Index of the log point nearest to `fraction` of training (0 = init, last = end). */
export function logIndexAt(steps: readonly number[], fraction: number): number {
  return Math.round(fraction * (steps.length - 1));
}

/**
 * The measurement as if training had stopped at `fraction` of its steps (the nearest log point,
 * for each model): S, N and the loss logs are cut there, so every "final" statistic reads that
 * point. Test accuracy is measured at the end of training only and is kept as it is.
 */
export function atFraction(m: FlMeasurement, fraction: number): FlMeasurement {
  if (fraction >= 1) return m;
  const cut = (r: ModelRuns): ModelRuns => {
    const l = logIndexAt(r.steps, fraction);
    const f = (a: (number | null)[][][][]) =>
      a.map((byK) => byK.map((byS) => byS.map((log) => log.slice(0, l + 1))));
    return { steps: r.steps.slice(0, l + 1), S: f(r.S), N: f(r.N), loss: f(r.loss) };
  };
  return { ...m, diffusion: cut(m.diffusion), classifier: cut(m.classifier) };
}

/**
 * Leave-one-seed-out: the seeds whose removal alone moves `stat` outside the CI `[lo, hi]` of
 * its estimate, with the value without them (for the findings).
 */
export function influentialSeeds(
  m: FlMeasurement,
  stat: (idx: ArrayLike<number>) => number,
  est: { lo: number; hi: number },
): { seed: number; without: number }[] {
  if (!(est.lo <= est.hi) || m.seeds.length < 3) return [];
  const out: { seed: number; without: number }[] = [];
  m.seeds.forEach((seed, s) => {
    const idx = Int32Array.from(m.seeds.keys()).filter((i) => i !== s);
    const without = stat(idx);
    if (Number.isFinite(without) && (without < est.lo || without > est.hi)) {
      out.push({ seed, without });
    }
  });
  return out;
}

/** Findings naming the seeds that alone move a statistic outside its CI (leave-one-seed-out). */
export function influenceFindings(
  m: FlMeasurement,
  stats: [string, (idx: ArrayLike<number>) => number, { value: number; lo: number; hi: number }][],
): string[] {
  return stats.flatMap(([name, stat, est]) => {
    const hits = influentialSeeds(m, stat, est);
    if (!hits.length) return [];
    const f = (x: number) => Number(x.toPrecision(3)).toString();
    return [
      `${name} = ${f(est.value)} [${f(est.lo)}, ${f(est.hi)}]: leaving out ${
        hits.map((h) => `seed ${h.seed} gives ${f(h.without)}`).join(", ")
      } (outside the CI: that seed alone moves it).`,
    ];
  });
}

/**
 * The measurement as tidy rows: per model, n, n·SNR² and seed, the final S, N and S/N, and the
 * classifier's test accuracy (null where a run failed).
 */
export function flTidyRuns(m: FlMeasurement): RunRow[] {
  const rows: RunRow[] = [];
  m.ns.forEach((n, ni) => {
    m.grid.forEach((nSnr2, ki) => {
      m.seeds.forEach((seed, si) => {
        const point = { n, nSnr2 };
        for (const model of ["diffusion", "classifier"] as const) {
          const r = m[model];
          const S = r.S[ni][ki][si], N = r.N[ni][ki][si];
          const s = S[S.length - 1] ?? null, nn = N[N.length - 1] ?? null;
          const lr = finalLogRatio(r, ni, ki, si);
          rows.push(
            { seed, point, observable: `${model} S (end)`, value: s, unit: "overlap" },
            { seed, point, observable: `${model} N (end)`, value: nn, unit: "overlap" },
            {
              seed,
              point,
              observable: `${model} S/N (end)`,
              value: Number.isFinite(lr) ? Math.exp(lr) : null,
              unit: "ratio",
            },
          );
        }
        rows.push({
          seed,
          point,
          observable: "classifier test accuracy",
          value: m.testAccuracy[ni][ki][si] ?? null,
          unit: "fraction",
        });
      });
    });
  });
  return rows;
}

/**
 * Regression: least-squares line fits with intervals, and log–log fits of power laws.
 * @module
 */
import { checkLevel, checkSameLength, DEFAULT_LEVEL } from "./_defaults.ts";
import { studentTQuantile } from "./distributions.ts";
import type { Interval, LinearFit } from "./types.ts";

/**
 * Least-squares fit `y = intercept + slope · x` with t-based CIs (df = n - 2).
 *
 * Pairs with a non-finite x or y (or, when `weights` is given, a weight that
 * is not finite and > 0) are ignored; `n` reports how many were used.
 * With weights, this is weighted least squares with `Var(y_i) ∝ 1/w_i`
 * (residual variance estimated as `Σ w r² / (n - 2)`).
 * n < 2 or constant x: slope/intercept `NaN`. n < 3: CIs and residualSE `NaN`.
 *
 * @example
 * ```ts
 * const fit = linearFit([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]);
 * // fit.slope ≈ 0.6, fit.intercept ≈ 2.2, fit.r2 ≈ 0.6
 * ```
 */
export function linearFit(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  level: number = DEFAULT_LEVEL,
  weights?: ArrayLike<number>,
): LinearFit {
  checkLevel(level);
  checkSameLength(x, y, "linearFit");
  if (weights) checkSameLength(x, weights, "linearFit weights");
  const xs: number[] = [];
  const ys: number[] = [];
  const ws: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const w = weights ? weights[i] : 1;
    if (Number.isFinite(x[i]) && Number.isFinite(y[i]) && Number.isFinite(w) && w > 0) {
      xs.push(x[i]);
      ys.push(y[i]);
      ws.push(w);
    }
  }
  const n = xs.length;
  const nanCI = (): Interval => ({ lo: NaN, hi: NaN });
  let sw = 0;
  let swx = 0;
  let swy = 0;
  for (let i = 0; i < n; i++) {
    sw += ws[i];
    swx += ws[i] * xs[i];
    swy += ws[i] * ys[i];
  }
  const xbar = swx / sw;
  const ybar = swy / sw;
  let sxx = 0;
  let sxy = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    const dx = xs[i] - xbar;
    const dy = ys[i] - ybar;
    sxx += ws[i] * dx * dx;
    sxy += ws[i] * dx * dy;
    sst += ws[i] * dy * dy;
  }
  if (n < 2 || !(sxx > 0)) {
    return {
      slope: NaN,
      intercept: NaN,
      slopeCI: nanCI(),
      interceptCI: nanCI(),
      r2: NaN,
      n,
      residualSE: NaN,
    };
  }
  const slope = sxy / sxx;
  const intercept = ybar - slope * xbar;
  let sse = 0;
  for (let i = 0; i < n; i++) {
    const r = ys[i] - (intercept + slope * xs[i]);
    sse += ws[i] * r * r;
  }
  const r2 = sst > 0 ? 1 - sse / sst : NaN;
  if (n < 3) {
    return { slope, intercept, slopeCI: nanCI(), interceptCI: nanCI(), r2, n, residualSE: NaN };
  }
  const residualSE = Math.sqrt(sse / (n - 2));
  const t = studentTQuantile((1 + level) / 2, n - 2);
  const seSlope = residualSE / Math.sqrt(sxx);
  const seIntercept = residualSE * Math.sqrt(1 / sw + (xbar * xbar) / sxx);
  return {
    slope,
    intercept,
    slopeCI: { lo: slope - t * seSlope, hi: slope + t * seSlope },
    interceptCI: { lo: intercept - t * seIntercept, hi: intercept + t * seIntercept },
    r2,
    n,
    residualSE,
  };
}

/**
 * Power-law fit: ordinary least squares of `ln y` on `ln x`, so `slope` is the
 * exponent and `exp(intercept)` the prefactor of `y ≈ C · x^slope`.
 * Pairs where x or y is not finite and positive are skipped; `skipped`
 * counts them.
 */
export function logLogFit(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  level: number = DEFAULT_LEVEL,
): LinearFit & { skipped: number } {
  checkSameLength(x, y, "logLogFit");
  const lx: number[] = [];
  const ly: number[] = [];
  let skipped = 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    const yi = y[i];
    if (xi > 0 && yi > 0 && Number.isFinite(xi) && Number.isFinite(yi)) {
      lx.push(Math.log(xi));
      ly.push(Math.log(yi));
    } else {
      skipped++;
    }
  }
  return { ...linearFit(lx, ly, level), skipped };
}

/**
 * Shared types of the statistics toolkit: estimates, intervals, fits, crossings, verdict statuses.
 * @module
 */

/** A closed interval `[lo, hi]`; either bound may be `NaN` when undefined. */
export interface Interval {
  /** Lower bound. */
  lo: number;
  /** Upper bound. */
  hi: number;
}

/** A point estimate with a confidence interval (95% unless another level was requested). */
export interface Estimate {
  /** Point estimate. */
  value: number;
  /** Lower confidence bound. */
  lo: number;
  /** Upper confidence bound. */
  hi: number;
}

/** Options shared by the bootstrap helpers. */
export interface BootstrapOptions {
  /** Number of bootstrap resamples (positive integer). Default 2000. */
  resamples?: number;
  /** Confidence level in (0, 1). Default 0.95. */
  level?: number;
  /** Integer seed for {@link makeResampleRng}. Default 12345. */
  seed?: number;
  /**
   * Keep ±Infinity statistics (censored values, e.g. "the curve never crosses on the grid")
   * in the percentile interval instead of dropping them; only NaN is dropped. Default false.
   */
  keepInfinite?: boolean;
}

/** Result of an ordinary / weighted least-squares straight-line fit `y = intercept + slope * x`. */
export interface LinearFit {
  /** Fitted slope `b`. */
  slope: number;
  /** Fitted intercept `a`. */
  intercept: number;
  /** t-based confidence interval for the slope (df = n - 2); `NaN` bounds when n < 3. */
  slopeCI: Interval;
  /** t-based confidence interval for the intercept (df = n - 2); `NaN` bounds when n < 3. */
  interceptCI: Interval;
  /** Coefficient of determination `1 - SSE/SST` (`NaN` when y is constant or the fit is undefined). */
  r2: number;
  /** Number of points actually used in the fit. */
  n: number;
  /** Residual standard error `sqrt(SSE / (n - 2))`; `NaN` when n < 3. */
  residualSE: number;
}

/** Outcome of a reproduction check. */
export type VerdictStatus = "reproduced" | "not reproduced" | "inconclusive" | "error";

/** One crossing found by {@link allCrossings}. */
export interface Crossing {
  /** Index (into the input arrays) of the left grid point of the segment that crosses. */
  index: number;
  /** Interpolated x at which the curve reaches the target. */
  x: number;
  /** `"up"`: from below the target to at/above it; `"down"`: from above to at/below it. */
  direction: "up" | "down";
}

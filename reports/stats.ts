/**
 * Small, dependency-free statistics toolkit used by claimbench reports.
 *
 * Every function here is pure and deterministic: the same inputs (including
 * the bootstrap `seed`) always give bit-for-bit identical outputs.
 *
 * Conventions:
 * - Low-level numeric primitives (`mean`, `quantile`, `normalQuantile`, ...)
 *   return `NaN` for empty or out-of-domain inputs, like R does.
 * - Configuration errors (a `level` outside (0, 1), mismatched array lengths,
 *   a non-integer number of resamples, ...) throw a `RangeError`.
 *
 * @module
 */

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Defaults and validation helpers (internal)
// ---------------------------------------------------------------------------

const DEFAULT_RESAMPLES = 2000;
const DEFAULT_LEVEL = 0.95;
const DEFAULT_SEED = 12345;

function checkLevel(level: number): void {
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`confidence level must be in (0, 1), got ${level}`);
  }
}

function checkSameLength(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  if (a.length !== b.length) {
    throw new RangeError(`${what}: length mismatch (${a.length} vs ${b.length})`);
  }
}

function resolveBootstrapOptions(
  opts: BootstrapOptions | undefined,
): { resamples: number; level: number; seed: number } {
  const resamples = opts?.resamples ?? DEFAULT_RESAMPLES;
  const level = opts?.level ?? DEFAULT_LEVEL;
  const seed = opts?.seed ?? DEFAULT_SEED;
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RangeError(`resamples must be a positive integer, got ${resamples}`);
  }
  checkLevel(level);
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be finite, got ${seed}`);
  return { resamples, level, seed };
}

// ---------------------------------------------------------------------------
// PRNG
// ---------------------------------------------------------------------------

/**
 * A deterministic PRNG for resampling (mulberry32), seeded by an integer.
 *
 * The seed is truncated to a 32-bit integer (`seed | 0`), so seeds that agree
 * modulo 2^32 give the same stream. Returns uniform doubles in [0, 1) with
 * 32 bits of randomness each.
 *
 * @example
 * ```ts
 * const rng = makeResampleRng(42);
 * const u = rng(); // 0 <= u < 1, identical on every run
 * ```
 */
export function makeResampleRng(seed: number): () => number {
  if (!Number.isFinite(seed)) throw new RangeError(`seed must be finite, got ${seed}`);
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------------------
// Descriptive statistics
// ---------------------------------------------------------------------------

/** Arithmetic mean (left-to-right summation); `NaN` for an empty input. */
export function mean(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += xs[i];
  return s / n;
}

/** Unbiased sample variance (divisor n - 1, two-pass algorithm); `NaN` when n < 2. */
export function variance(xs: ArrayLike<number>): number {
  const n = xs.length;
  if (n < 2) return NaN;
  const m = mean(xs);
  let ss = 0;
  let comp = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i] - m;
    ss += d * d;
    comp += d;
  }
  // Corrected two-pass formula: removes the rounding error left in `m`.
  return (ss - (comp * comp) / n) / (n - 1);
}

function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  if (lo >= n - 1) return sorted[n - 1];
  const frac = h - lo;
  const a = sorted[lo];
  const b = sorted[lo + 1];
  if (frac === 0 || a === b) return a;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return frac < 0.5 ? a : b;
  return a + frac * (b - a);
}

/**
 * Sample quantile with linear interpolation between order statistics
 * (Hyndman & Fan type 7, R's default). Does not mutate the input.
 *
 * Returns `NaN` for an empty input, for any `NaN` in the input, or for `q`
 * outside [0, 1].
 *
 * @example
 * ```ts
 * quantile([1, 2, 3, 4], 0.5); // 2.5
 * quantile([10, 20, 30], 0.25); // 15
 * ```
 */
export function quantile(xs: ArrayLike<number>, q: number): number {
  if (!(q >= 0 && q <= 1)) return NaN;
  const n = xs.length;
  if (n === 0) return NaN;
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = xs[i];
    if (Number.isNaN(v)) return NaN;
    sorted[i] = v;
  }
  sorted.sort();
  return quantileSorted(sorted, q);
}

/** Sample median (type-7 quantile at 0.5); `NaN` for an empty input. */
export function median(xs: ArrayLike<number>): number {
  return quantile(xs, 0.5);
}

// ---------------------------------------------------------------------------
// Special functions (internal)
// ---------------------------------------------------------------------------

const SQRT2 = Math.SQRT2;
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const ONE_OVER_SQRT_PI = 1 / Math.sqrt(Math.PI);

/**
 * Complementary error function. Power series for z < 2.5 (absolute accuracy
 * ~1e-16), continued fraction beyond (relative accuracy ~1e-15).
 */
function erfc(z: number): number {
  if (z < 2.5) {
    // erf(z) = 2/sqrt(pi) * exp(-z^2) * sum_n 2^n z^(2n+1) / (2n+1)!!  (all terms positive)
    const z2 = z * z;
    let term = z;
    let sum = z;
    for (let n = 1; n < 200; n++) {
      term *= (2 * z2) / (2 * n + 1);
      sum += term;
      if (term <= sum * 1e-17) break;
    }
    return 1 - TWO_OVER_SQRT_PI * Math.exp(-z2) * sum;
  }
  // Continued fraction erfc(z) = exp(-z^2)/sqrt(pi) * 1/(z + (1/2)/(z + 1/(z + (3/2)/(z + ...)))),
  // evaluated backwards with a fixed depth (converges fast for z >= 2.5).
  let f = z;
  for (let k = 120; k >= 1; k--) f = z + k / 2 / f;
  return (Math.exp(-z * z) * ONE_OVER_SQRT_PI) / f;
}

/** Standard normal CDF (accurate in relative terms in the lower tail, x <= 0). */
function normalCdf(x: number): number {
  return 0.5 * erfc(-x / SQRT2);
}

const LANCZOS = [
  0.99999999999980993,
  676.5203681218851,
  -1259.1392167224028,
  771.32342877765313,
  -176.61502916214059,
  12.507343278686905,
  -0.13857109526572012,
  9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** log Gamma(x) for x > 0 (Lanczos, g = 7). */
function logGamma(x: number): number {
  if (x < 0.5) {
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  }
  const xm = x - 1;
  let a = LANCZOS[0];
  const t = xm + 7.5;
  for (let i = 1; i < 9; i++) a += LANCZOS[i] / (xm + i);
  return 0.5 * Math.log(2 * Math.PI) + (xm + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction for the incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const FPMIN = 1e-300;
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < FPMIN) d = FPMIN;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < FPMIN) d = FPMIN;
    c = 1 + aa / c;
    if (Math.abs(c) < FPMIN) c = FPMIN;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) <= 4e-16) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b); `xc` must equal 1 - x (passed separately for accuracy). */
function incompleteBeta(a: number, b: number, x: number, xc: number): number {
  if (x <= 0) return 0;
  if (xc <= 0) return 1;
  const logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) +
    b * Math.log(xc);
  const front = Math.exp(logFront);
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, xc)) / b;
}

/** Upper tail P(T > t) of Student's t with `df` degrees of freedom, for t >= 0. */
function studentTUpperTail(t: number, df: number): number {
  const t2 = t * t;
  const denom = df + t2;
  return 0.5 * incompleteBeta(df / 2, 0.5, df / denom, t2 / denom);
}

/** Density of Student's t. */
function studentTDensity(t: number, df: number): number {
  const logC = logGamma((df + 1) / 2) - logGamma(df / 2) - 0.5 * Math.log(df * Math.PI);
  return Math.exp(logC - ((df + 1) / 2) * Math.log1p((t * t) / df));
}

/** Cornish–Fisher expansion of the t quantile around the normal quantile z (A&S 26.7.5). */
function cornishFisherT(z: number, df: number): number {
  const z2 = z * z;
  const z3 = z2 * z;
  const z5 = z3 * z2;
  const z7 = z5 * z2;
  const z9 = z7 * z2;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df * df * df) +
    (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * df * df * df * df);
}

// ---------------------------------------------------------------------------
// Quantile functions
// ---------------------------------------------------------------------------

const ACKLAM_A = [
  -3.969683028665376e1,
  2.209460984245205e2,
  -2.759285104469687e2,
  1.38357751867269e2,
  -3.066479806614716e1,
  2.506628277459239,
];
const ACKLAM_B = [
  -5.447609879822406e1,
  1.615858368580409e2,
  -1.556989798598866e2,
  6.680131188771972e1,
  -1.328068155288572e1,
];
const ACKLAM_C = [
  -7.784894002430293e-3,
  -3.223964580411365e-1,
  -2.400758277161838,
  -2.549732539343734,
  4.374664141464968,
  2.938163982698783,
];
const ACKLAM_D = [
  7.784695709041462e-3,
  3.224671290700398e-1,
  2.445134137142996,
  3.754408661907416,
];

/** Acklam's rational approximation (relative error < 1.15e-9) for 0 < p <= 0.5. */
function acklamLower(p: number): number {
  if (p < 0.02425) {
    const q = Math.sqrt(-2 * Math.log(p));
    const c = ACKLAM_C;
    const d = ACKLAM_D;
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  const a = ACKLAM_A;
  const b = ACKLAM_B;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/**
 * Inverse of the standard normal CDF (Acklam's approximation followed by one
 * Halley refinement step against an accurate CDF; absolute error well below 1e-8).
 *
 * Returns `-Infinity` for p = 0, `Infinity` for p = 1 and `NaN` outside [0, 1].
 *
 * @example
 * ```ts
 * normalQuantile(0.975); // ≈ 1.959964
 * normalQuantile(0.5); // 0
 * ```
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  // Symmetry: 1 - p is exact for p >= 0.5, so only the lower half is computed.
  if (p > 0.5) return -normalQuantile(1 - p);
  let x = acklamLower(p);
  const cdf = normalCdf(x);
  if (cdf > 0) {
    const u = (cdf - p) * SQRT_2PI * Math.exp((x * x) / 2);
    if (Number.isFinite(u)) x = x - u / (1 + (x * u) / 2);
  }
  return x;
}

/**
 * Quantile function (inverse CDF) of Student's t distribution with `df` > 0
 * degrees of freedom (non-integer df allowed; `df = Infinity` gives the
 * normal quantile). Exact closed forms for df = 1 and 2; otherwise a
 * safeguarded Newton solve on the regularized incomplete beta function
 * (relative accuracy ~1e-12).
 *
 * Returns `NaN` for p outside [0, 1] or df <= 0.
 *
 * @example
 * ```ts
 * studentTQuantile(0.975, 10); // ≈ 2.228139
 * ```
 */
export function studentTQuantile(p: number, df: number): number {
  if (!(p >= 0 && p <= 1) || !(df > 0)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (df === Infinity) return normalQuantile(p);
  // Solve for |t| from the smaller tail probability q (exact: 1 - p is exact for p >= 0.5).
  const sign = p < 0.5 ? -1 : 1;
  const q = p < 0.5 ? p : 1 - p;
  if (df === 1) return sign / Math.tan(Math.PI * q);
  if (df === 2) return (sign * (1 - 2 * q)) / Math.sqrt(2 * q * (1 - q));
  return sign * studentTUpperQuantile(q, df);
}

/** The t > 0 with P(T > t) = q, for 0 < q < 0.5 and df > 0 (df not 1 or 2 for best accuracy). */
function studentTUpperQuantile(q: number, df: number): number {
  const guess = cornishFisherT(-normalQuantile(q), df);
  if (df >= 1e6) return guess; // expansion error O(df^-5) is negligible here
  // Bracket the root of f(t) = P(T > t) - q (f decreasing, f(0) = 0.5 - q > 0).
  let lo = 0;
  let hi = Number.isFinite(guess) && guess > 0 ? guess : 1;
  while (studentTUpperTail(hi, df) > q) {
    lo = hi;
    hi *= 2;
    if (!Number.isFinite(hi)) return Infinity;
  }
  let t = Number.isFinite(guess) && guess > lo && guess < hi ? guess : (lo + hi) / 2;
  for (let iter = 0; iter < 300; iter++) {
    const f = studentTUpperTail(t, df) - q;
    if (f === 0) return t;
    if (f > 0) lo = t;
    else hi = t;
    let next = t + f / studentTDensity(t, df);
    if (!(next > lo && next < hi)) {
      next = lo > 0 && hi / lo > 4 ? Math.sqrt(lo * hi) : (lo + hi) / 2;
    }
    if (Math.abs(next - t) <= 1e-15 * t || hi - lo <= 1e-15 * hi) return next;
    t = next;
  }
  return t;
}

// ---------------------------------------------------------------------------
// Interval estimates
// ---------------------------------------------------------------------------

/**
 * Wilson score interval for a binomial proportion.
 *
 * `value = successes / n`. For n = 0 returns `{ value: NaN, lo: 0, hi: 1 }`.
 * Bounds are clamped to [0, 1] and are exactly 0 (resp. 1) when
 * successes = 0 (resp. n). Non-integer counts (e.g. weighted) are accepted.
 *
 * @example
 * ```ts
 * wilson(8, 10); // { value: 0.8, lo: ≈0.4902, hi: ≈0.9433 }
 * ```
 */
export function wilson(successes: number, n: number, level: number = DEFAULT_LEVEL): Estimate {
  checkLevel(level);
  if (!(n >= 0) || !Number.isFinite(n)) throw new RangeError(`n must be finite and >= 0, got ${n}`);
  if (!(successes >= 0 && successes <= n)) {
    throw new RangeError(`successes must be in [0, n], got ${successes} of ${n}`);
  }
  if (n === 0) return { value: NaN, lo: 0, hi: 1 };
  const z = normalQuantile((1 + level) / 2);
  const phat = successes / n;
  const z2n = (z * z) / n;
  const denom = 1 + z2n;
  const center = (phat + z2n / 2) / denom;
  const half = (z * Math.sqrt((phat * (1 - phat)) / n + z2n / (4 * n))) / denom;
  const lo = successes === 0 ? 0 : Math.max(0, center - half);
  const hi = successes === n ? 1 : Math.min(1, center + half);
  return { value: phat, lo, hi };
}

/**
 * Mean with a Student-t confidence interval `mean ± t(1-α/2, n-1) · s/√n`.
 *
 * n = 0 gives all `NaN`; n = 1 gives the value with `NaN` bounds.
 */
export function meanCI(xs: ArrayLike<number>, level: number = DEFAULT_LEVEL): Estimate {
  checkLevel(level);
  const n = xs.length;
  const value = mean(xs);
  if (n < 2) return { value, lo: NaN, hi: NaN };
  const half = studentTQuantile((1 + level) / 2, n - 1) * Math.sqrt(variance(xs) / n);
  return { value, lo: value - half, hi: value + half };
}

function percentileInterval(
  stats: Float64Array,
  finite: number,
  resamples: number,
  level: number,
): Interval {
  if (finite * 2 < resamples) return { lo: NaN, hi: NaN };
  const sorted = stats.subarray(0, finite).sort();
  const alpha = 1 - level;
  return { lo: quantileSorted(sorted, alpha / 2), hi: quantileSorted(sorted, 1 - alpha / 2) };
}

/**
 * Percentile bootstrap.
 *
 * Resamples indices 0..n-1 with replacement `resamples` times and calls
 * `stat(indices)` on each resample. Non-finite statistics (NaN, ±Infinity)
 * are dropped. Returns `value = stat(identity)` and the CI from the
 * type-7 percentiles (α/2, 1-α/2) of the finite resampled statistics; if
 * fewer than half of them are finite, `lo`/`hi` are `NaN`.
 * `finiteFraction` is the fraction of resamples with a finite statistic.
 *
 * The index buffer passed to `stat` is reused between calls: copy it if you
 * need to keep it. Deterministic for a given `seed`.
 *
 * @example
 * ```ts
 * const xs = [2.1, 2.5, 1.9, 3.2, 2.8];
 * const est = bootstrap(xs.length, (idx) => {
 *   let s = 0;
 *   for (const i of idx) s += xs[i];
 *   return s / idx.length;
 * });
 * // est.value === mean(xs); est.lo <= est.value <= est.hi
 * ```
 */
export function bootstrap(
  n: number,
  stat: (idx: Int32Array) => number,
  opts?: BootstrapOptions,
): Estimate & { finiteFraction: number } {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be an integer >= 0, got ${n}`);
  const { resamples, level, seed } = resolveBootstrapOptions(opts);
  const identity = new Int32Array(n);
  for (let i = 0; i < n; i++) identity[i] = i;
  const value = stat(identity);
  const keep = opts?.keepInfinite ? (v: number) => !Number.isNaN(v) : Number.isFinite;
  const rng = makeResampleRng(seed);
  const idx = new Int32Array(n);
  const stats = new Float64Array(resamples);
  let finite = 0;
  for (let b = 0; b < resamples; b++) {
    for (let i = 0; i < n; i++) idx[i] = Math.floor(rng() * n);
    const s = stat(idx);
    if (keep(s)) stats[finite++] = s;
  }
  const ci = percentileInterval(stats, finite, resamples, level);
  return { value, lo: ci.lo, hi: ci.hi, finiteFraction: finite / resamples };
}

/**
 * Stratified percentile bootstrap: like {@link bootstrap}, but for a
 * statistic of several groups, each resampled independently (with
 * replacement, keeping its size `sizes[g]`). `stat` receives one index
 * array per group. Index buffers are reused between calls.
 */
export function bootstrapGroups(
  sizes: number[],
  stat: (idx: Int32Array[]) => number,
  opts?: BootstrapOptions,
): Estimate & { finiteFraction: number } {
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 0) {
      throw new RangeError(`group sizes must be integers >= 0, got ${s}`);
    }
  }
  const { resamples, level, seed } = resolveBootstrapOptions(opts);
  const identity = sizes.map((s) => {
    const a = new Int32Array(s);
    for (let i = 0; i < s; i++) a[i] = i;
    return a;
  });
  const value = stat(identity);
  const keep = opts?.keepInfinite ? (v: number) => !Number.isNaN(v) : Number.isFinite;
  const rng = makeResampleRng(seed);
  const idx = sizes.map((s) => new Int32Array(s));
  const stats = new Float64Array(resamples);
  let finite = 0;
  for (let b = 0; b < resamples; b++) {
    for (let g = 0; g < sizes.length; g++) {
      const arr = idx[g];
      const s = sizes[g];
      for (let i = 0; i < s; i++) arr[i] = Math.floor(rng() * s);
    }
    const v = stat(idx);
    if (keep(v)) stats[finite++] = v;
  }
  const ci = percentileInterval(stats, finite, resamples, level);
  return { value, lo: ci.lo, hi: ci.hi, finiteFraction: finite / resamples };
}

/**
 * Paired difference `mean(b - a)` with a percentile-bootstrap CI over pairs.
 * Arrays must have equal length.
 */
export function pairedDifference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  opts?: BootstrapOptions,
): Estimate {
  checkSameLength(a, b, "pairedDifference");
  const n = a.length;
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = b[i] - a[i];
  const est = bootstrap(n, (idx) => {
    if (idx.length === 0) return NaN;
    let s = 0;
    for (let i = 0; i < idx.length; i++) s += d[idx[i]];
    return s / idx.length;
  }, opts);
  return { value: est.value, lo: est.lo, hi: est.hi };
}

// ---------------------------------------------------------------------------
// Regression
// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Curve crossings
// ---------------------------------------------------------------------------

/** Finite points of a curve, with their original indices; checks x is non-decreasing. */
function finitePoints(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  what: string,
): { xs: number[]; ys: number[]; idx: number[] } {
  checkSameLength(x, y, what);
  const xs: number[] = [];
  const ys: number[] = [];
  const idx: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) continue;
    if (xs.length > 0 && x[i] < xs[xs.length - 1]) {
      throw new RangeError(`${what}: x must be sorted ascending (x[${i}] = ${x[i]})`);
    }
    xs.push(x[i]);
    ys.push(y[i]);
    idx.push(i);
  }
  return { xs, ys, idx };
}

/** Interpolated x where the segment (x0,y0)-(x1,y1) reaches `target` (y0 !== target). */
function interpolateCrossing(x0: number, y0: number, x1: number, y1: number, target: number) {
  if (y1 === target) return x1;
  return x0 + ((target - y0) * (x1 - x0)) / (y1 - y0);
}

/** Direction of a crossing on the segment, if any: up = y0 < t <= y1, down = y0 > t >= y1. */
function segmentDirection(y0: number, y1: number, target: number): "up" | "down" | null {
  if (y0 < target && y1 >= target) return "up";
  if (y0 > target && y1 <= target) return "down";
  return null;
}

/**
 * First crossing of the piecewise-linear curve through (x[i], y[i]) (x sorted
 * ascending) with the level `target`, using linear interpolation between grid
 * points.
 *
 * - `"up"` (default): first segment going from `< target` to `>= target`;
 *   returns `x[0]` if `y[0] >= target`.
 * - `"down"`: first segment going from `> target` to `<= target`;
 *   returns `x[0]` if `y[0] <= target`.
 * - `"any"`: first crossing in either direction; returns `x[0]` if `y[0] === target`.
 *
 * Points with a non-finite x or y are skipped (the curve joins its
 * neighbours). Returns `NaN` when there is no crossing or no finite point.
 * Throws a `RangeError` if x is not sorted ascending.
 *
 * @example
 * ```ts
 * crossing([0, 1, 2], [0, 0.4, 1.0], 0.7); // 1.5
 * ```
 */
export function crossing(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  target: number,
  direction: "up" | "down" | "any" = "up",
): number {
  const { xs, ys } = finitePoints(x, y, "crossing");
  if (xs.length === 0 || Number.isNaN(target)) return NaN;
  const y0 = ys[0];
  if (
    (direction === "up" && y0 >= target) || (direction === "down" && y0 <= target) ||
    (direction === "any" && y0 === target)
  ) {
    return xs[0];
  }
  for (let i = 0; i + 1 < xs.length; i++) {
    const dir = segmentDirection(ys[i], ys[i + 1], target);
    if (dir !== null && (direction === "any" || dir === direction)) {
      return interpolateCrossing(xs[i], ys[i], xs[i + 1], ys[i + 1], target);
    }
  }
  return NaN;
}

/**
 * All crossings of the piecewise-linear curve with `target` (for reporting
 * non-monotone curves), in order of increasing x. Uses the same segment
 * rules as {@link crossing} (up: `< target` → `>= target`; down: `> target`
 * → `<= target`); a starting point already at/over the target is not itself
 * a crossing. Non-finite points are skipped; `index` is the input index of
 * the segment's left point.
 */
export function allCrossings(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  target: number,
): Crossing[] {
  const { xs, ys, idx } = finitePoints(x, y, "allCrossings");
  const out: Crossing[] = [];
  if (Number.isNaN(target)) return out;
  for (let i = 0; i + 1 < xs.length; i++) {
    const dir = segmentDirection(ys[i], ys[i + 1], target);
    if (dir !== null) {
      out.push({
        index: idx[i],
        x: interpolateCrossing(xs[i], ys[i], xs[i + 1], ys[i + 1], target),
        direction: dir,
      });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Verdicts
// ---------------------------------------------------------------------------

/**
 * Compare a confidence interval to a tolerance band `[bandLo, bandHi]`
 * (either end may be ±Infinity):
 * - `"reproduced"` if the CI lies inside the band (`lo >= bandLo && hi <= bandHi`);
 * - `"not reproduced"` if the CI lies entirely outside (`hi < bandLo || lo > bandHi`);
 * - `"inconclusive"` otherwise, or if any bound is `NaN`.
 *
 * Throws a `RangeError` if `bandLo > bandHi`.
 *
 * @example
 * ```ts
 * classifyAgainstBand({ lo: 1.9, hi: 2.1 }, [1.8, 2.2]); // "reproduced"
 * classifyAgainstBand({ lo: 0.1, hi: 0.3 }, [1.8, 2.2]); // "not reproduced"
 * ```
 */
export function classifyAgainstBand(
  ci: Interval,
  band: [number, number],
): Exclude<VerdictStatus, "error"> {
  const [bandLo, bandHi] = band;
  if (bandLo > bandHi) throw new RangeError(`band is empty: [${bandLo}, ${bandHi}]`);
  const { lo, hi } = ci;
  if ([lo, hi, bandLo, bandHi].some(Number.isNaN)) return "inconclusive";
  if (lo >= bandLo && hi <= bandHi) return "reproduced";
  if (hi < bandLo || lo > bandHi) return "not reproduced";
  return "inconclusive";
}

/**
 * Combine several check statuses into one: any `"error"` → `"error"`; else any
 * `"not reproduced"` → `"not reproduced"`; else all `"reproduced"` →
 * `"reproduced"`; otherwise (including an empty list) `"inconclusive"`.
 */
export function combineStatuses(statuses: VerdictStatus[]): VerdictStatus {
  if (statuses.length === 0) return "inconclusive";
  if (statuses.includes("error")) return "error";
  if (statuses.includes("not reproduced")) return "not reproduced";
  if (statuses.every((s) => s === "reproduced")) return "reproduced";
  return "inconclusive";
}

// ---------------------------------------------------------------------------
// Robust paired differences and influential seeds
// ---------------------------------------------------------------------------

/** A location estimator for paired differences: the mean, a trimmed mean, or the median. */
export type RobustEstimator = "mean" | "trimmed20" | "median";

/**
 * `estimator` of `xs[idx]` (all of `xs` when `idx` is omitted); NaN entries are dropped, `NaN`
 * when none is left. "trimmed20" drops ⌊0.2 n⌋ values from each end before averaging.
 */
export function location(
  xs: ArrayLike<number>,
  estimator: RobustEstimator,
  idx?: ArrayLike<number>,
): number {
  const v: number[] = [];
  const n = idx ? idx.length : xs.length;
  for (let i = 0; i < n; i++) {
    const x = xs[idx ? idx[i] : i];
    if (!Number.isNaN(x)) v.push(x);
  }
  if (!v.length) return NaN;
  if (estimator === "median") return median(v);
  v.sort((a, b) => a - b);
  const k = estimator === "trimmed20" ? Math.floor(0.2 * v.length) : 0;
  let s = 0;
  for (let i = k; i < v.length - k; i++) s += v[i];
  return s / (v.length - 2 * k);
}

/**
 * Paired difference `b − a` summarised by `estimator` (NaN pairs dropped), with a percentile
 * bootstrap CI over pairs.
 * @example
 * ```ts
 * // one runaway pair barely moves the 20% trimmed mean
 * robustPairedDifference([1, 1, 1, 1, 1], [2, 2, 2, 2, 30], "trimmed20").value; // 1
 * ```
 */
export function robustPairedDifference(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  estimator: RobustEstimator,
  opts?: BootstrapOptions,
): Estimate {
  checkSameLength(a, b, "robustPairedDifference");
  const d = Array.from({ length: a.length }, (_, i) => b[i] - a[i]);
  const e = bootstrap(d.length, (idx) => location(d, estimator, idx), opts);
  return { value: e.value, lo: e.lo, hi: e.hi };
}

/**
 * Leave-one-out influence: the units (seeds) whose removal alone moves `stat` outside `ci`
 * (its confidence interval on all `n` units). `stat` takes unit indices, as in {@link bootstrap}.
 * @example
 * ```ts
 * const xs = [1, 1.1, 0.9, 1, 40];
 * const m = (idx: Int32Array) => Array.from(idx, (i) => xs[i]).reduce((s, v) => s + v) / idx.length;
 * influentialSeeds(xs.length, m, { lo: 5, hi: 20 }); // [{ index: 4, without: 1 }]
 * ```
 */
export function influentialSeeds(
  n: number,
  stat: (idx: Int32Array) => number,
  ci: Interval,
): { index: number; without: number }[] {
  const out: { index: number; without: number }[] = [];
  if (n < 2 || !(ci.lo <= ci.hi)) return out;
  const idx = new Int32Array(n - 1);
  for (let i = 0; i < n; i++) {
    for (let j = 0, k = 0; j < n; j++) if (j !== i) idx[k++] = j;
    const without = stat(idx);
    if (without < ci.lo || without > ci.hi) out.push({ index: i, without });
  }
  return out;
}

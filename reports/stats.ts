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
 * The toolkit is split by job under `reports/stats/`; this module re-exports its public
 * surface.
 *
 * @module
 */
export * from "./stats/types.ts";
export * from "./stats/descriptive.ts";
export * from "./stats/distributions.ts";
export * from "./stats/intervals.ts";
export * from "./stats/resampling.ts";
export * from "./stats/fits.ts";
export * from "./stats/crossings.ts";
export * from "./stats/verdict_rules.ts";
export * from "./stats/robust.ts";

/**
 * The public API of claimbench, for claim packs: cases written outside this repository that
 * `claimbench run --pack <mod.ts>` loads next to the built-in ones. Everything a case author
 * needs is exported here; nothing else of the repository is a stable surface.
 *
 * A pack is a module that exports `cases` (an array of {@link defineCase} results) and
 * optionally `name`; `claimbench new <dir> <paper>.<claim>` writes one to start from.
 *
 * @example
 * ```ts
 * import { check, defineCase, verdict, z } from "./mod.ts";
 *
 * const band: [number, number] = [0.9, 1.1];
 * export const cases = [defineCase({
 *   id: "demo.mean",
 *   paper: "A demo",
 *   claim: "The mean of the draws is 1.",
 *   version: 1,
 *   claimSpec: { band },
 *   measurementSchema: z.array(z.number()),
 *   configSchema: z.object({ n: z.number().int().min(2).default(100).describe("draws") }).strict(),
 *   profiles: { smoke: { n: 20 }, quick: {}, full: { n: 10000 } },
 *   params: { n: { source: "ours", note: "enough for a tight CI" } },
 *   alternatives: [{ choice: "n", values: [50], needs: "run", note: "fewer draws" }],
 *   estimateSeconds: () => 0.1,
 *   defaultSeeds: () => 1,
 *   run: (ctx, c) => {
 *     const s = ctx.stream("draws");
 *     return Promise.resolve(Array.from({ length: c.n }, () => 1 + 0.1 * s.normal()));
 *   },
 *   predict: () => 1,
 *   judge: ({ measurement: xs }) => verdict([check("mean", meanOf(xs), band)]),
 *   charts: () => [],
 * })];
 *
 * function meanOf(xs: number[]) {
 *   const m = xs.reduce((a, b) => a + b, 0) / xs.length;
 *   return { value: m, lo: m - 0.05, hi: m + 0.05 };
 * }
 * ```
 * @module
 */

/** The version of this public API (semver), recorded in every run's provenance. */
export { API_VERSION } from "./bench/version.ts";

// cases
export { defineCase, PROFILES } from "./bench/case.ts";
export type {
  Alternative,
  AnyCase,
  Case,
  CaseContext,
  CaseOutput,
  JudgeContext,
  ParamSources,
  Profile,
  RunRow,
  Table,
} from "./bench/case.ts";
export { check, degenerateReason, unmeasuredCheck, verdict } from "./bench/verdict.ts";
export type { CheckOptions } from "./bench/verdict.ts";
export { judgeContext } from "./bench/judge.ts";
export { makeTestContext } from "./bench/testing.ts";
export type { JudgeFixture } from "./bench/testing.ts";

// measurements and results
export { z } from "./deps.ts";
export { anyNumber, decodeMeasurement, encodeMeasurement } from "./reports/measurement_codec.ts";
export type { Chart, Check, RunError, Verdict, VerdictStatus } from "./reports/schema.ts";

// statistics
export {
  allCrossings,
  bootstrap,
  bootstrapGroups,
  classifyAgainstBand,
  crossing,
  linearFit,
  logLogFit,
  mean,
  meanCI,
  median,
  pairedDifference,
  quantile,
  variance,
  wilson,
} from "./reports/stats.ts";
export type { BootstrapOptions, Estimate, Interval, LinearFit } from "./reports/stats.ts";

// charts
export { concat, measuredVsPredicted } from "./reports/charts.ts";
export type { MeasuredVsPredicted, Row, Spec } from "./reports/charts.ts";

// random streams, the CPU worker pool, WebGPU helpers
export { PhiloxStream } from "./datasets/philox.ts";
export { PHILOX_WGSL } from "./models/gpu/philox_wgsl.ts";
export { cpuWorkerCount, runInWorkers } from "./models/cpu/pool.ts";
export type { PoolOptions } from "./models/cpu/pool.ts";
export {
  computePipeline,
  dispatch,
  readBuffer,
  readF32,
  storageBuffer,
  uniformBuffer,
  workgroupGrid,
} from "./models/gpu/buffers.ts";
export { acquireBackend } from "./models/gpu/device.ts";
export type { BackendChoice } from "./models/gpu/device.ts";

/**
 * The case interface: what every claim in `bench/` declares and implements. The runner owns
 * seeds, profiles, overrides, resumption and sharding; a case only maps a resolved config to a
 * measurement, a prediction and a verdict.
 * @module
 */
import type { z } from "../deps.ts";
import type { Chart, RunError, Verdict } from "../reports/schema.ts";
import type { PhiloxStream } from "../datasets/philox.ts";
import { cpuWorkerCount } from "../models/cpu/pool.ts";

/** The three profiles: smoke (seconds, for tests), quick (CPU-sized), full (paper scale, GPU). */
export type Profile = "smoke" | "quick" | "full";
/** All profiles, in increasing cost. */
export const PROFILES: readonly Profile[] = ["smoke", "quick", "full"];

/** Everything a case may use while it runs. Cases never touch the console or the file system. */
export interface CaseContext {
  /** The backend this case runs on. */
  readonly backend: "webgpu" | "cpu";
  /** The WebGPU device when `backend` is webgpu. */
  readonly device: GPUDevice | null;
  /** Seeds of this case's independent repetitions (the runner decides how many). */
  readonly seeds: readonly number[];
  /** A named, seeded random stream: same (name, ids) → same numbers. */
  stream(name: string, ...ids: number[]): PhiloxStream;
  /** The base seed of {@link stream} (worker tasks rebuild a context from it). */
  readonly baseSeed: number;
  /** Report progress: `done` of `total` work units, with an optional label. */
  progress(done: number, total: number, label?: string): void;
  /** Record that one run (seed × grid point) failed; the case goes on with the others. */
  runError(error: RunError): void;
  /** Record a wall-clock timing (seconds) under a name, for the perf tables. */
  timing(name: string, seconds: number): void;
  /** Monotonic clock in milliseconds. */
  now(): number;
  /** Aborted when the user interrupts; long loops should check it. */
  readonly signal: AbortSignal;
}

/**
 * What a judge may use besides the measurement: seeds for its resampling, derived from the run's
 * base seed by name (so `--base-seed` reaches them and a re-judge draws the same resamples).
 */
export interface JudgeContext {
  /** The run's base seed. */
  readonly baseSeed: number;
  /** A 31-bit integer seed for the resampling step `name` (with optional integer ids). */
  seed(name: string, ...ids: number[]): number;
}

/**
 * A declared alternative of one of our own choices (a config field tagged "ours"): values a
 * careful reader could defend instead of the default. The report shows the verdict under each and
 * labels the case "robust" or "depends on <choice>". Values the paper fixes are never varied.
 */
export interface Alternative<C> {
  /** The config field of the choice. */
  choice: keyof C & string;
  /** The alternative values (the config's own value is the default row). */
  values: readonly unknown[];
  /** "judge": re-judged from the stored measurement; "run": the case is measured again. */
  needs: "judge" | "run";
  /** For "run": the profiles whose runs measure it (default: full only), to bound the cost. */
  runIn?: readonly Profile[];
  /** Why the alternatives are defensible. */
  note: string;
}

/** What `judge` and `charts` get back: everything the case computed. */
export interface CaseOutput<M, P> {
  measurement: M;
  prediction: P;
}

/** A table to show in the report (e.g. measured beside the paper's numbers). */
export interface Table {
  id: string;
  title: string;
  columns: string[];
  rows: (string | number | null)[][];
}

/**
 * One tidy row of a measurement (for the `runs` table of `export`): one observable of one run.
 * `point` names the grid point, e.g. `{ d: 32, ratio: 1.5 }`; `seed` is null for a quantity that
 * is not per seed.
 */
export interface RunRow {
  seed: number | null;
  point: Record<string, string | number>;
  observable: string;
  value: number | null;
  unit: string;
}

/** Where each hyperparameter of the config comes from. */
export type ParamSources = Record<string, { source: "paper" | "claims" | "ours"; note: string }>;

/**
 * A claim as an executable case. `C` is the resolved config type (the output of
 * `configSchema`), `M` the measurement, `P` the prediction.
 */
export interface Case<C extends Record<string, unknown>, M, P> {
  /** Stable id, `<paper prefix>.<claim>`, e.g. `mem.transition`. */
  id: string;
  /** Short citation of the paper. */
  paper: string;
  /** The sentence of the paper this case tests. */
  claim: string;
  /** Bumped when the meaning of the case changes. */
  version: number;
  /**
   * The claim's fixed part: tolerance bands, levels and similar constants that `judge` compares
   * against. Not config: `--set`/`--config` cannot change them (a usage error naming the claim).
   */
  claimSpec?: Readonly<Record<string, unknown>>;
  /**
   * Zod schema of the measurement as stored in results.json (after `encodeMeasurement`, decoded
   * again): validated on write and on read, so `rejudge` can recompute the verdict from it.
   */
  measurementSchema?: z.ZodType<M>;
  /** Bumped when `judge` changes what it concludes from the same measurement (default 1). */
  judgeVersion?: number;
  /** Declared alternatives of our own choices, for the robustness table. */
  alternatives?: readonly Alternative<C>[];
  /** Strict zod object schema of the config; every field described. */
  configSchema: z.ZodType<C>;
  /** Config defaults per profile (partial; validated through `configSchema`). */
  profiles: Record<Profile, Record<string, unknown>>;
  /** Hyperparameter provenance: paper, CLAIMS.md, or our choice (with why). */
  params: ParamSources;
  /** Rough seconds on the 2-core reference machine (CPU path) for a resolved config. */
  estimateSeconds(config: C): number;
  /** Default number of seeds for a resolved config. */
  defaultSeeds(config: C): number;
  /**
   * Train, measure: the expensive part. A case that declares {@link Case.units} gets this from
   * {@link defineCase} (every unit in order, then `assemble`).
   */
  run(ctx: CaseContext, config: C): Promise<M>;
  /** The case's work units; absent: the whole case is one unit. */
  // deno-lint-ignore no-explicit-any
  units?: WorkUnits<C, M, any>;
  /** What the theory predicts for this config. */
  predict(config: C): P;
  /**
   * Measured against predicted: the verdict with its statistics. A pure function of its
   * arguments (resampling seeds come from `j.seed`), so `rejudge` can recompute it.
   */
  judge(out: CaseOutput<M, P>, config: C, j: JudgeContext): Verdict;
  /** Vega-Lite charts, each showing the measurement with CIs and the prediction. */
  charts(out: CaseOutput<M, P>, config: C, verdict: Verdict): Chart[];
  /**
   * What to do with `--backend auto` when the only adapter is a software (fallback) one such as
   * llvmpipe: "use" it (default) or run on the "cpu" path because it is faster there (measured).
   */
  onFallbackAdapter?: "use" | "cpu";
  /**
   * The measurement as tidy rows (one per seed × grid point × observable, with units), for the
   * `runs` table that `export` writes beside results.json.
   */
  tidyRuns?(measurement: M, config: C): RunRow[];
  /** Optional tables for the report. */
  tables?(out: CaseOutput<M, P>, config: C, verdict: Verdict): Table[];
}

/**
 * One work unit of a case: the runner's smallest piece of work to store, resume and distribute
 * across shards (a batch of seeds, optionally × a slice of the grid). Its result depends only on
 * the config and the unit itself, never on which other units ran in the same process.
 */
export interface UnitSpec {
  /**
   * Unique within the case's plan and stable across runs, e.g. `seeds=0-3` or `d=32;seeds=4-7`
   * (characters `A-Za-z0-9=;,._-` only).
   */
  key: string;
  /** The seeds this unit runs: the context's `seeds` while it runs. */
  seeds: readonly number[];
  /** Estimated seconds on the 2-core reference machine (for balanced shards). */
  cost: number;
  /** A case-defined slice of the grid (JSON-safe), for units that split a grid. */
  part?: Readonly<Record<string, string | number>>;
}

/** A unit with its result, as `assemble` receives it (in plan order). */
export interface UnitPart<U> {
  unit: UnitSpec;
  result: U;
}

/**
 * How a case splits its work into units (benchopt's lesson: the runner, not the case, owns the
 * loop over seeds and grid points). The runner plans the units, runs each (batched: a unit may
 * hold many seeds, so GPU batching stays), stores every unit's result keyed by (case or share
 * namespace, version, config hash, unit key), resumes per unit, shards by unit cost, and
 * assembles the measurement. `assemble(plan → run each → parts)` must give, bit for bit, the
 * measurement of the whole run.
 */
export interface WorkUnits<C, M, U> {
  /** The units of a resolved config and the case's seeds (pure, deterministic, in order). */
  plan(config: C, seeds: readonly number[]): UnitSpec[];
  /** Run one unit (`ctx.seeds` is `unit.seeds`). */
  run(ctx: CaseContext, config: C, unit: UnitSpec): Promise<U>;
  /**
   * Zod schema of a unit's result as stored (JSON-safe plain data; NaN/±∞ allowed through
   * `anyNumber` of reports/measurement_codec.ts; no typed arrays).
   */
  resultSchema: z.ZodType<U>;
  /** The measurement from every unit's result, given in plan order. */
  assemble(config: C, parts: readonly UnitPart<U>[]): M;
  /**
   * How many of this case's units the runner may run at once in one process on `choice`
   * (default 1): for a case whose unit leaves cores idle (e.g. a sequential training beside a
   * mostly waiting evaluation). Results never depend on it: a unit's result is its own.
   */
  concurrency?(config: C, choice: Pick<CaseContext, "backend" | "device">): number;
  /**
   * Units shared with other cases (fl.balance and fl.jump train the same runs): the store
   * namespace and version replace the case id and version in the unit key, and `config` picks the
   * fields the units depend on (its hash replaces the case's config hash).
   */
  share?: {
    namespace: string;
    version: number;
    config(config: C): Record<string, unknown>;
  };
}

/**
 * A {@link WorkUnits.concurrency} for cases whose CPU units leave cores idle between their worker
 * tasks (a unit's last tasks, its serial setup): as many units at once as CPU workers on the CPU
 * backend, one at a time on WebGPU.
 */
export function cpuUnitConcurrency(
  _config: unknown,
  choice: Pick<CaseContext, "backend" | "device">,
): number {
  return choice.backend === "cpu" ? cpuWorkerCount() : 1;
}

/** A case with its type parameters erased, as the registry holds it. */
// deno-lint-ignore no-explicit-any
export type AnyCase = Case<any, any, any>;

/** What {@link defineCase} takes: a case whose `run` may come from its `units`. */
export type CaseDefinition<C extends Record<string, unknown>, M, P> =
  & Omit<Case<C, M, P>, "run">
  & (
    | { run(ctx: CaseContext, config: C): Promise<M>; units?: WorkUnits<C, M, unknown> }
    // deno-lint-ignore no-explicit-any
    | { run?: undefined; units: WorkUnits<C, M, any> }
  );

/**
 * Keeps a case's type parameters inferred; a case with `units` and no `run` gets
 * {@link runAllUnits} as its `run`.
 */
export function defineCase<C extends Record<string, unknown>, M, P>(
  c: CaseDefinition<C, M, P>,
): Case<C, M, P> {
  if (c.run) return c as Case<C, M, P>;
  return { ...c, run: runAllUnits(c.units!) } as Case<C, M, P>;
}

/**
 * The in-process `run` of a case with units: plan, run every unit in order with its own seeds,
 * assemble. (The runner does the same through its unit store, resuming and sharding.)
 */
export function runAllUnits<C, M, U>(
  units: WorkUnits<C, M, U>,
): (ctx: CaseContext, config: C) => Promise<M> {
  return async (ctx, config) => {
    const parts: UnitPart<U>[] = [];
    for (const unit of units.plan(config, ctx.seeds)) {
      ctx.signal.throwIfAborted();
      parts.push({ unit, result: await units.run({ ...ctx, seeds: unit.seeds }, config, unit) });
    }
    return units.assemble(config, parts);
  };
}

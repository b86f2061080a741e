/**
 * Honest time estimates: each case's own `estimateSeconds` (a cost model of its loops) scaled by
 * a per-case factor measured on a real run (`bench/calibration.json`, written by
 * `deno task calibrate <results.json>` from the `durationS` every run records). `list` prints
 * these calibrated estimates. Work one case reuses from another case of the same run
 * (`fl.jump` reuses `fl.balance`'s training) is counted once.
 * @module
 */
import type { AnyCase, Profile } from "./case.ts";
import { resolveConfig } from "./config.ts";
import type { CaseResult, Results } from "../reports/schema.ts";
import calibrationData from "./calibration.json" with { type: "json" };

/**
 * Cases that reuse the work of an earlier case of the same run when their configs agree (the
 * memoised experiment of `bench/fl/_experiment.ts`): run after it, they only judge.
 */
export const REUSES: Readonly<Record<string, string>> = { "fl.jump": "fl.balance" };

/**
 * The timing (seconds) a case records for the work units it reused instead of running them (from
 * the unit store, another case of the run or another shard); its `durationS` includes them.
 */
export const REUSED_UNITS_TIMING = "units reused (from the store, another case or shard)";

/** The seconds a case spent itself: its `durationS` less the units it reused. */
export function ownSeconds(r: Pick<CaseResult, "durationS" | "timings">): number {
  return r.durationS - (r.timings[REUSED_UNITS_TIMING] ?? 0);
}

/** One case's calibration: its raw estimate and measured time in the calibration run. */
export interface CaseCalibration {
  /** `estimateSeconds` of the config the calibration run used. */
  rawSeconds: number;
  /** The run's recorded `durationS`. */
  measuredSeconds: number;
  /** measured / raw: what the raw estimate is multiplied by. */
  factor: number;
  /** Set when the case reused another case's work in that run (its factor is that case's). */
  reusedFrom?: string;
  /** The run it was measured in (cases a run lacks keep their factors from an earlier run). */
  runId: string;
}

/** The calibration file. */
export interface Calibration {
  about: string;
  /** The run the factors were last measured on (each case names its own run). */
  run: {
    runId: string;
    createdAt: string;
    profile: string;
    commit: string | null;
    machine: string;
    backend: string;
    /** Load average while it ran, as the person who calibrated recorded it. */
    load: string;
  };
  cases: Record<string, CaseCalibration>;
}

/** The calibration shipped with the suite. */
export const CALIBRATION: Calibration = calibrationData as Calibration;

/** A case's time estimate. */
export interface Estimate {
  id: string;
  /** Calibrated seconds (the raw estimate when the case has no factor). */
  seconds: number;
  /** The case's own `estimateSeconds`. */
  rawSeconds: number;
  /** The factor applied, or null (not calibrated). */
  factor: number | null;
  /** Why the estimate is what it is, when that needs saying (reuse, no calibration). */
  note: string;
}

/**
 * The calibrated estimate of one case run on its own with a resolved `config`: its raw
 * estimate × its factor (or its partner's, for a case that reuses another's work), or the raw
 * estimate when it has no factor.
 */
export function caseEstimate(
  c: AnyCase,
  config: Record<string, unknown>,
  cal: Calibration = CALIBRATION,
): Estimate {
  const raw = c.estimateSeconds(config);
  const partner = REUSES[c.id];
  const factor = cal.cases[c.id]?.factor ?? (partner ? cal.cases[partner]?.factor : undefined);
  if (factor === undefined || !Number.isFinite(factor)) {
    return { id: c.id, seconds: raw, rawSeconds: raw, factor: null, note: "not calibrated" };
  }
  return { id: c.id, seconds: raw * factor, rawSeconds: raw, factor, note: "" };
}

/**
 * Calibrated estimates for `cases` run together at `profile` (in the given order, as the runner
 * runs them): raw estimate × the case's factor; a case that reuses an earlier selected case's
 * work costs what it cost in the calibration run.
 */
export function estimateSelection(
  cases: readonly AnyCase[],
  profile: Profile,
  cal: Calibration = CALIBRATION,
): Estimate[] {
  const seen = new Set<string>();
  return cases.map((c) => {
    const est = caseEstimate(c, resolveConfig(c, profile, {}), cal);
    const own = cal.cases[c.id];
    const partner = REUSES[c.id];
    seen.add(c.id);
    if (partner && seen.has(partner) && own?.reusedFrom === partner) {
      return {
        ...est,
        seconds: own.measuredSeconds,
        factor: null,
        note: `reuses ${partner}'s work`,
      };
    }
    return est;
  });
}

/** The case's config as a run recorded it, validated by the case's schema (null if it no longer parses). */
function recordedConfig(c: AnyCase, config: unknown): Record<string, unknown> | null {
  const parsed = c.configSchema.safeParse(config);
  return parsed.success ? parsed.data as Record<string, unknown> : null;
}

/** One case's measured time in a run, in the order the run ran them. */
export interface TimedCase {
  id: string;
  /** The resolved config it ran (null: unknown or no longer valid). */
  config: Record<string, unknown> | null;
  seconds: number;
  /** It reused this earlier case's work in that run. */
  reusedFrom?: string;
}

/** Where the factors were measured (copied into the calibration file). */
export type CalibrationRun = Calibration["run"];

/**
 * Factors from measured times: per case, seconds / `estimateSeconds` of the config it ran. A
 * case that reused an earlier case's work keeps that case's factor and records its own
 * (judging) time. Cases not timed keep their factors from `previous`.
 */
export function calibrationOf(
  timed: readonly TimedCase[],
  cases: readonly AnyCase[],
  run: CalibrationRun,
  previous?: Calibration,
): { calibration: Calibration; skipped: string[] } {
  const skipped: string[] = [];
  const out: Record<string, CaseCalibration> = { ...(previous?.cases ?? {}) };
  for (const t of timed) {
    const c = cases.find((k) => k.id === t.id);
    if (!c) {
      skipped.push(`${t.id}: not a registered case`);
      continue;
    }
    if (!t.config) {
      skipped.push(`${t.id}: its config is unknown or no longer fits the case's schema`);
      continue;
    }
    const raw = c.estimateSeconds(t.config);
    const partner = t.reusedFrom;
    if (partner !== undefined) {
      if (out[partner]) {
        out[t.id] = {
          rawSeconds: raw,
          measuredSeconds: t.seconds,
          factor: out[partner].factor,
          reusedFrom: partner,
          runId: run.runId,
        };
      } else skipped.push(`${t.id}: reused ${partner}'s work, which has no factor`);
    } else if (raw > 0) {
      out[t.id] = {
        rawSeconds: raw,
        measuredSeconds: t.seconds,
        factor: t.seconds / raw,
        runId: run.runId,
      };
    } else skipped.push(`${t.id}: its raw estimate is ${raw} s`);
  }
  return {
    calibration: {
      about: "Per-case factors = measured seconds / estimateSeconds, from the run below " +
        "(deno task calibrate). list multiplies each case's own estimate by its factor. " +
        "Estimates at other profiles or on other machines apply the same factors to the " +
        "case's cost model: a guess, not a measurement.",
      run,
      cases: out,
    },
    skipped,
  };
}

/** The timed cases of a results document (finished cases, in the order they ran). */
export function timedCasesOf(
  results: Results,
  cases: readonly AnyCase[],
): { timed: TimedCase[]; skipped: string[] } {
  const skipped: string[] = [];
  const order = Object.values(results.cases).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const done = new Set<string>();
  const timed: TimedCase[] = [];
  for (const r of order) {
    if (r.status !== "done") {
      skipped.push(`${r.id}: ended in error (its time is not the case's cost)`);
      continue;
    }
    const c = cases.find((k) => k.id === r.id);
    const partner = REUSES[r.id];
    const reused = partner !== undefined && done.has(partner) &&
      results.cases[partner]?.profile === r.profile;
    done.add(r.id);
    timed.push({
      id: r.id,
      config: c ? recordedConfig(c, r.config) : null,
      // a case that reused its partner's work costs what it did itself
      seconds: reused ? ownSeconds(r) : r.durationS,
      ...(reused ? { reusedFrom: partner } : {}),
    });
  }
  return { timed, skipped };
}

/** The calibration run's description from a results document's provenance. */
export function calibrationRunOf(results: Results, load: string): CalibrationRun {
  const p = results.provenance;
  return {
    runId: results.runId,
    createdAt: results.createdAt,
    profile: results.plan.profile,
    commit: p.git.commit,
    machine: `${p.cpuModel} ×${p.cpuCount}` +
      (p.cpuWorkers ? `, ${p.cpuWorkers} CPU workers` : ""),
    backend: p.backend +
      (p.adapter
        ? ` (${p.adapter.description}${p.adapter.isFallbackAdapter ? ", fallback" : ""})`
        : ""),
    load,
  };
}

/** Factors from a run's recorded durations (see {@link calibrationOf}). */
export function calibrationFrom(
  results: Results,
  cases: readonly AnyCase[],
  opts: { load: string; previous?: Calibration },
): { calibration: Calibration; skipped: string[] } {
  const { timed, skipped } = timedCasesOf(results, cases);
  const r = calibrationOf(timed, cases, calibrationRunOf(results, opts.load), opts.previous);
  return { calibration: r.calibration, skipped: [...skipped, ...r.skipped] };
}

/**
 * A warning when the machine is busy now (1-minute load average above the core count): the
 * calibration run's machine was otherwise idle, so the estimates are too low under load. Null
 * when it is not busy or the load average is unavailable.
 */
export function busyMachineNote(
  load: number[] | null = safeLoadavg(),
  cores = navigator.hardwareConcurrency,
): string | null {
  if (!load || !(load[0] > cores)) return null;
  return `the load average is ${load[0].toFixed(1)} on ${cores} cores now: ` +
    "expect longer than estimated (the calibration run's machine was not shared)";
}

function safeLoadavg(): number[] | null {
  try {
    return Deno.loadavg();
  } catch {
    return null;
  }
}

/** `a` within a factor `k` of `b`, both floored at `floor` seconds (timings round to seconds). */
export function withinFactor(a: number, b: number, k = 2, floor = 1): boolean {
  const x = Math.max(a, floor), y = Math.max(b, floor);
  return x <= k * y && y <= k * x;
}

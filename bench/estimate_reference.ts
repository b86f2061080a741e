/**
 * The measured reference of the estimates: wall-clock durations that real runs recorded
 * (`bench/estimate_reference.json`), each with its date, machine, backend and load average.
 * The estimate test checks that `list`'s calibrated estimates lie within 2× of every one.
 * @module
 */
import type { Results } from "../reports/schema.ts";
import type { AnyCase, Profile } from "./case.ts";
import { resolveConfig } from "./config.ts";
import { type CalibrationRun, ownSeconds, REUSES, type TimedCase } from "./estimate.ts";
import referenceData from "./estimate_reference.json" with { type: "json" };

/** One run's measured durations. */
export interface MeasuredRun {
  /** Where the numbers come from (a results file, or a table that quotes one). */
  source: string;
  runId: string;
  createdAt: string;
  profile: string;
  commit: string | null;
  machine: string;
  backend: string;
  /** Load average while it ran (uptime), as recorded by whoever measured it. */
  load: string;
  /** Seconds per case id, as recorded (`durationS`; a reusing case's own part of it). */
  durations: Record<string, number>;
  /** Cases that reused another case's work in this run (their duration is judging only). */
  reused: Record<string, string>;
}

/** The reference file. */
export interface MeasuredRuns {
  about: string;
  runs: MeasuredRun[];
}

/** The measured runs shipped with the suite. */
// runs that measured different case sets infer as a union JSON type: read as the declared shape
export const MEASURED_RUNS: MeasuredRuns = referenceData as unknown as MeasuredRuns;

/** A run's measured durations, as recorded in its results document. */
export function measuredRunOf(results: Results, source: string, load: string): MeasuredRun {
  const p = results.provenance;
  const ordered = Object.values(results.cases).sort((a, b) =>
    a.startedAt.localeCompare(b.startedAt)
  ).map((c) => c.id);
  const reused: Record<string, string> = {};
  for (const [id, partner] of Object.entries(REUSES)) {
    const i = ordered.indexOf(partner), j = ordered.indexOf(id);
    if (i >= 0 && j > i && results.cases[id].profile === results.cases[partner].profile) {
      reused[id] = partner;
    }
  }
  // a case that reused its partner's work: the seconds it spent itself (judging)
  const durations: Record<string, number> = {};
  for (const [id, c] of Object.entries(results.cases)) {
    if (c.status !== "done") continue;
    durations[id] = Number((id in reused ? ownSeconds(c) : c.durationS).toFixed(2));
  }
  return {
    source,
    runId: results.runId,
    createdAt: results.createdAt,
    profile: results.plan.profile,
    commit: p.git.commit,
    machine: `${p.cpuModel} ×${p.cpuCount}`,
    backend: p.backend +
      (p.adapter
        ? ` (${p.adapter.description}${p.adapter.isFallbackAdapter ? ", fallback" : ""})`
        : ""),
    load,
    durations,
    reused,
  };
}

/**
 * A measured run as timed cases, assuming each case ran its `profile` defaults (what a plain
 * `run --profile <p>` or `reproduce` does). Lets `calibrate --reference <runId>` recompute the
 * factors from stored measurements after a cost model changed.
 */
export function timedCasesOfMeasured(
  run: MeasuredRun,
  cases: readonly AnyCase[],
): { timed: TimedCase[]; calibrationRun: CalibrationRun } {
  const timed: TimedCase[] = Object.entries(run.durations).map(([id, seconds]) => {
    const c = cases.find((k) => k.id === id);
    let config: Record<string, unknown> | null = null;
    try {
      config = c ? resolveConfig(c, run.profile as Profile, {}) : null;
    } catch {
      config = null;
    }
    return { id, config, seconds, ...(run.reused[id] ? { reusedFrom: run.reused[id] } : {}) };
  });
  return {
    timed,
    calibrationRun: {
      runId: run.runId,
      createdAt: run.createdAt,
      profile: run.profile,
      commit: run.commit,
      machine: run.machine,
      backend: run.backend,
      load: run.load,
    },
  };
}

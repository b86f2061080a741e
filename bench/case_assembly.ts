/**
 * From a case's unit results to its judged result: the one path the runner (for a case whose
 * units all ran in its shard) and `merge` (for a case whose units several shards ran) share, so
 * that a merged case equals, bit for bit, the case of an unsharded run. The measurement is
 * assembled from the units' stored results in plan order, stored and decoded once, and judged
 * as always; the case's run errors and timings are the union of its units' (a unit reused from
 * the store or shared with another case still counts), and its `durationS` is the time during
 * which at least one of its units ran (their run times where they ran one after another, the
 * span where they ran at once) plus assembling and judging.
 * @module
 */
import type { Profile, UnitPart } from "./case.ts";
import { judgeMeasurement, storeAndDecode, storeMeasurement } from "./judge.ts";
import { SUITE_VERSION } from "./version.ts";
import { REUSED_UNITS_TIMING } from "./estimate.ts";
import { errorVerdict } from "./verdict.ts";
import { type PlannedCase, type UnitPlan, unitsOf, WHOLE_CASE_KEY } from "./unit_plan.ts";
import {
  type CaseResult,
  CaseResultSchema,
  jsonSafe,
  type RunError,
  type UnitFailure,
  type UnitRecord,
} from "../reports/schema.ts";

/** A unit's result as a case uses it. */
export interface UnitOutcome {
  record: UnitRecord;
  /** The result decoded and validated by the unit schema. */
  result: unknown;
  /** It was not run for this case in this process (the store, another case, another shard). */
  reused: boolean;
}

/** Options of {@link assembleCase}. */
export interface AssembleOptions {
  profile: Profile;
  baseSeed: number;
  /** The commit that judges (from provenance). */
  commit: string | null;
  /** Config fields set by --set/--config/--seeds ("modified config"). */
  configModified: string[];
  /** The backend when the case has no unit to tell (it ran nothing). */
  backend: "webgpu" | "cpu";
  /** Why the case ran on another backend than the run's, when no unit tells. */
  backendReason: string | null;
}

/** The label of a failed unit in the case's error message (none for a whole-case unit). */
function failureMessage(f: UnitFailure): string {
  return f.label.endsWith(`/${WHOLE_CASE_KEY}`) ? f.message : `${f.message} (unit ${f.label})`;
}

/**
 * The result of planned case `p` from its units' outcomes (`get` by unit id), or an error result
 * when it could not be planned, a unit failed (`failure`, the first in plan order), its units ran
 * on different backends, or assembling or judging threw. Never throws.
 */
export function assembleCase(
  plan: UnitPlan,
  p: PlannedCase,
  get: (id: string) => UnitOutcome | undefined,
  failure: UnitFailure | null,
  opts: AssembleOptions,
): CaseResult {
  const t0 = performance.now();
  const c = p.case;
  const ids = [...new Set([...p.units, ...p.alternatives.flatMap((a) => a.units)])];
  // a case whose unit failed counts the units before it (in plan order), as a run that stops there
  const used = failure ? ids.slice(0, Math.max(0, ids.indexOf(failure.id))) : ids;
  const outcomes = used.map(get).filter((o): o is UnitOutcome => o !== undefined);
  const runErrors: RunError[] = outcomes.flatMap((o) => o.record.runErrors);
  if (failure) runErrors.push(...failure.runErrors);
  const timings: Record<string, number> = {};
  for (const o of outcomes) {
    for (const [k, v] of Object.entries(o.record.timings)) timings[k] = (timings[k] ?? 0) + v;
  }
  const reused = outcomes.filter((o) => o.reused);
  if (reused.length) {
    // counted like durationS (overlapping units once), so a case's own time stays ≥ 0
    timings[REUSED_UNITS_TIMING] = busySeconds(reused.map((o) => o.record));
  }
  const unitSeconds = busySeconds(outcomes.map((o) => o.record));
  const starts = outcomes.map((o) => o.record.startedAt).sort();
  const backends = [...new Set(outcomes.map((o) => o.record.backend))];
  const backend = backends[0] ?? opts.backend;
  const backendReason = outcomes[0]?.record.backendReason ?? opts.backendReason;
  const base = {
    id: c.id,
    version: c.version,
    paper: c.paper,
    claim: c.claim,
    profile: opts.profile,
    backend,
    backendReason,
    config: p.config,
    configHash: p.configHash,
    params: c.params,
    seeds: p.seeds,
    startedAt: starts[0] ?? new Date().toISOString(),
    claimSpec: { ...(c.claimSpec ?? {}) },
    configModified: opts.configModified,
    judge: { suiteVersion: SUITE_VERSION, commit: opts.commit, rejudgedAt: null },
  };
  const duration = () => unitSeconds + (performance.now() - t0) / 1000;
  const errorResult = (message: string, stack: string | null): CaseResult => ({
    ...base,
    status: "error",
    endedAt: new Date().toISOString(),
    durationS: duration(),
    measurement: null,
    alternatives: [],
    prediction: null,
    verdict: errorVerdict(message),
    charts: [],
    tables: [],
    runErrors,
    error: { message, stack },
    timings,
  });
  let result: CaseResult;
  if (p.error) result = errorResult(p.error, null);
  else if (failure) result = errorResult(failureMessage(failure), failure.stack);
  else if (backends.length > 1) {
    result = errorResult(
      `the units of ${c.id} ran on different backends (${backends.join(", ")}): ` +
        "run every shard on alike machines, or with --backend cpu",
      null,
    );
  } else if (outcomes.length < ids.length) {
    result = errorResult(`${ids.length - outcomes.length} unit(s) of ${c.id} have no result`, null);
  } else {
    try {
      const u = unitsOf(c);
      const parts = (unitIds: string[]): UnitPart<unknown>[] =>
        unitIds.map((id) => ({ unit: plan.byId.get(id)!.spec, result: get(id)!.result }));
      // judged from the stored form of the measurement, exactly as `rejudge` will read it
      const { stored, decoded } = storeAndDecode(c, u.assemble(p.config, parts(p.units)));
      const alternatives = p.alternatives.map((a) => ({
        choice: a.choice,
        value: a.value,
        measurement: storeMeasurement(c, u.assemble(a.config, parts(a.units))),
      }));
      const judged = judgeMeasurement(c, decoded, p.config, {
        baseSeed: opts.baseSeed,
        alternatives,
        profile: opts.profile,
        backendReason,
        runErrorCount: runErrors.length,
      });
      result = {
        ...base,
        status: "done",
        endedAt: new Date().toISOString(),
        durationS: duration(),
        measurement: stored,
        alternatives,
        ...judged,
        runErrors,
        error: null,
        timings,
      };
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      result = errorResult(err.message, err.stack ?? null);
    }
  }
  const safe = jsonSafe(result);
  const checked = CaseResultSchema.safeParse(safe);
  if (checked.success) return checked.data;
  const msg = checked.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`)
    .join("; ");
  return {
    ...safe,
    status: "error",
    verdict: errorVerdict(`case produced an invalid result: ${msg}`),
    charts: [],
    error: { message: msg, stack: null },
  };
}

/**
 * Seconds during which at least one of `units` was running: the length of the union of their
 * intervals [startedAt, startedAt + durationS]. Units that ran one after another add their run
 * times; units that ran at once (`WorkUnits.concurrency`) count once.
 */
export function busySeconds(
  units: readonly { startedAt: string; durationS: number }[],
): number {
  const spans = units.map((u) => {
    const a = Date.parse(u.startedAt);
    return Number.isFinite(a) ? [a, a + u.durationS * 1000] : [NaN, NaN];
  });
  // a unit without a readable start adds its run time
  let total = spans.reduce((t, [a], i) => Number.isNaN(a) ? t + units[i].durationS : t, 0);
  const ok = spans.filter(([a]) => !Number.isNaN(a)).sort((x, y) => x[0] - y[0]);
  let lo = -Infinity, hi = -Infinity;
  for (const [a, b] of ok) {
    if (a > hi) {
      if (hi > lo) total += (hi - lo) / 1000;
      lo = a;
      hi = b;
    } else hi = Math.max(hi, b);
  }
  if (hi > lo) total += (hi - lo) / 1000;
  return total;
}

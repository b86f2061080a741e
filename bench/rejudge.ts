/**
 * Re-judging stored results with the current code: every case's verdict, prediction, charts and
 * tables recomputed from its stored measurement (no retraining), and the verdicts that changed
 * listed. `--resume` uses the same path for the cases it keeps, so a stored verdict is never
 * trusted as it is.
 * @module
 */
import type { AnyCase } from "./case.ts";
import { decodeStored, judgeMeasurement } from "./judge.ts";
import { errorVerdict } from "./verdict.ts";
import { SUITE_VERSION } from "./version.ts";
import type { CaseResult, Results, VerdictStatus } from "../reports/schema.ts";
import { jsonSafe } from "../reports/schema.ts";

/** Options of {@link rejudgeCaseResult}. */
export interface RejudgeOptions {
  baseSeed: number;
  commit: string | null;
  /** The time to record as `judge.rejudgedAt` (default now). */
  at?: string;
}

/**
 * One stored case result judged again by `c` (the current code). A failed case stays as it is;
 * a measurement from another case version, or one that no longer matches the case's schema, is
 * an error result saying so (the stored verdict is not kept).
 */
export function rejudgeCaseResult(c: AnyCase, prior: CaseResult, opts: RejudgeOptions): CaseResult {
  if (prior.status !== "done") return prior;
  const judge = {
    suiteVersion: SUITE_VERSION,
    commit: opts.commit,
    rejudgedAt: opts.at ?? new Date().toISOString(),
  };
  const fail = (message: string): CaseResult => ({
    ...prior,
    status: "error",
    verdict: errorVerdict(message),
    charts: [],
    tables: [],
    error: { message, stack: null },
    judge,
  });
  if (prior.version !== c.version) {
    return fail(
      `cannot re-judge ${c.id}: its measurement is from case version ${prior.version}, this code is version ${c.version}; run it again`,
    );
  }
  try {
    const judged = judgeMeasurement(c, decodeStored(c, prior.measurement), prior.config, {
      baseSeed: opts.baseSeed,
      alternatives: prior.alternatives,
      profile: prior.profile,
      backendReason: prior.backendReason,
      runErrorCount: prior.runErrors.length,
    });
    return jsonSafe({ ...prior, ...judged, claimSpec: { ...(c.claimSpec ?? {}) }, judge });
  } catch (e) {
    return fail(e instanceof Error ? e.message : String(e));
  }
}

/** A verdict (or check) that a re-judge changed. */
export interface VerdictChange {
  caseId: string;
  /** null for the case's own verdict, else the check's name. */
  check: string | null;
  from: VerdictStatus | "missing";
  to: VerdictStatus | "missing";
}

/** The verdicts and primary-check statuses that differ between two results of the same cases. */
export function verdictChanges(before: Results, after: Results): VerdictChange[] {
  const out: VerdictChange[] = [];
  for (const id of Object.keys(after.cases)) {
    const a = before.cases[id], b = after.cases[id];
    if (!a || !b) continue;
    const sa: VerdictStatus = a.status === "error" ? "error" : a.verdict.status;
    const sb: VerdictStatus = b.status === "error" ? "error" : b.verdict.status;
    if (sa !== sb) out.push({ caseId: id, check: null, from: sa, to: sb });
    const names = new Set([
      ...a.verdict.checks.filter((k) => k.primary).map((k) => k.name),
      ...b.verdict.checks.filter((k) => k.primary).map((k) => k.name),
    ]);
    for (const name of names) {
      const ka = a.verdict.checks.find((k) => k.name === name);
      const kb = b.verdict.checks.find((k) => k.name === name);
      const fa = ka?.status ?? "missing", fb = kb?.status ?? "missing";
      if (fa !== fb) out.push({ caseId: id, check: name, from: fa, to: fb });
    }
  }
  return out;
}

/**
 * A whole results document judged again. `lookup` finds the current case of an id (null: not
 * in this suite, kept as it is and reported in `unknown`).
 */
export function rejudgeResults(
  results: Results,
  lookup: (id: string) => AnyCase | null,
  opts: Omit<RejudgeOptions, "baseSeed">,
): { results: Results; changes: VerdictChange[]; unknown: string[] } {
  const cases: Results["cases"] = {};
  const unknown: string[] = [];
  for (const [id, prior] of Object.entries(results.cases)) {
    const c = lookup(id);
    if (!c) {
      unknown.push(id);
      cases[id] = prior;
      continue;
    }
    cases[id] = rejudgeCaseResult(c, prior, { ...opts, baseSeed: results.plan.baseSeed });
  }
  const after: Results = { ...results, cases, updatedAt: opts.at ?? new Date().toISOString() };
  return { results: after, changes: verdictChanges(results, after), unknown };
}

/**
 * Building verdicts from estimates: a check compares a statistic's CI with a tolerance band;
 * a verdict combines the primary checks. Verdicts are computed here, never hand-written.
 * @module
 */
import type { Check, Verdict, VerdictStatus } from "../reports/schema.ts";
import { classifyAgainstBand, combineStatuses, type Estimate } from "../reports/stats.ts";

/** Options of {@link check}. */
export interface CheckOptions {
  /** Whether this check decides the verdict (default true). */
  primary?: boolean;
  note?: string;
  /** Force a status (e.g. a boolean finding); otherwise CI vs band decides. */
  status?: VerdictStatus;
}

/** A check of `estimate` (value and 95% CI) against `band` (±Infinity for open ends). */
export function check(
  name: string,
  estimate: Estimate,
  band: [number, number],
  opts: CheckOptions = {},
): Check {
  return {
    name,
    status: opts.status ?? classifyAgainstBand({ lo: estimate.lo, hi: estimate.hi }, band),
    value: estimate.value,
    ci: [estimate.lo, estimate.hi],
    band,
    primary: opts.primary ?? true,
    note: opts.note ?? "",
  };
}

/**
 * The verdict: status combined over the primary checks; the headline statistic is the first
 * primary check (or the one named by `headline`).
 */
export function verdict(checks: Check[], findings: string[] = [], headline?: string): Verdict {
  const primary = checks.filter((c) => c.primary);
  const head = (headline ? checks.find((c) => c.name === headline) : undefined) ?? primary[0] ??
    checks[0];
  return {
    status: combineStatuses(primary.map((c) => c.status)),
    statistic: head?.name ?? "none",
    value: head?.value ?? null,
    ci: head?.ci ?? [null, null],
    band: head?.band ?? [null, null],
    checks,
    findings,
  };
}

/** The verdict of a case whose run failed. */
export function errorVerdict(message: string): Verdict {
  return {
    status: "error",
    statistic: "none",
    value: null,
    ci: [null, null],
    band: [null, null],
    checks: [],
    findings: [message],
  };
}

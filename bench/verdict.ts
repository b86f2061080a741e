/**
 * Building verdicts from estimates: a check compares a statistic's CI with a tolerance band;
 * a verdict combines the primary checks. Verdicts are computed here, never hand-written.
 *
 * A check can only decide (`reproduced` / `not reproduced`) when it could have come out either
 * way. It is `inconclusive`, with the reason recorded, when:
 * - its band is open on both sides (nothing could fail it);
 * - its statistic is NaN or ±∞ (undefined, or censored by construction);
 * - its CI is NaN or has zero width (a statistic that cannot vary cannot be tested);
 * - the CI reaches +∞ or −∞ on a side where the band has a finite edge it would need to clear.
 * @module
 */
import type { Check, Verdict } from "../reports/schema.ts";
import { classifyAgainstBand, combineStatuses, type Estimate } from "../reports/stats.ts";

/** Options of {@link check}. */
export interface CheckOptions {
  /** Whether this check decides the verdict (default true). */
  primary?: boolean;
  note?: string;
}

/**
 * Why a check of `estimate` against `band` cannot decide, or `null` when it can (see the module
 * doc for the rules).
 */
export function degenerateReason(estimate: Estimate, band: [number, number]): string | null {
  const [bLo, bHi] = band;
  const { value, lo, hi } = estimate;
  if (!(bLo > -Infinity) && !(bHi < Infinity)) {
    return "the band is open on both sides, so nothing could fail this check";
  }
  if (Number.isNaN(value) || Number.isNaN(lo) || Number.isNaN(hi)) {
    return "the statistic or its CI is undefined (NaN: too few valid runs, or a division by 0)";
  }
  if (!Number.isFinite(value)) {
    return `the statistic is ${value > 0 ? "+∞" : "−∞"} (censored or a division by ≤ 0)`;
  }
  if (lo === hi) return "the CI has zero width: the statistic does not vary by construction";
  // an infinite CI end can only be "inside" an open band end; where the band has a finite edge
  // on that side, the CI leaves the band only through censoring, not through the data
  const outsideOnlyByCensoring = (lo === -Infinity && bLo > -Infinity && hi >= bLo) ||
    (hi === Infinity && bHi < Infinity && lo <= bHi);
  if (outsideOnlyByCensoring) {
    return "the CI is censored (±∞) on a side where the band has a finite edge";
  }
  return null;
}

/**
 * A check of `estimate` (value and 95% CI) against `band` (±Infinity for open ends). Degenerate
 * checks ({@link degenerateReason}) are inconclusive with the reason.
 */
export function check(
  name: string,
  estimate: Estimate,
  band: [number, number],
  opts: CheckOptions = {},
): Check {
  if (band[0] > band[1]) throw new RangeError(`check ${name}: band is empty: [${band}]`);
  const reason = degenerateReason(estimate, band);
  return {
    name,
    status: reason
      ? "inconclusive"
      : classifyAgainstBand({ lo: estimate.lo, hi: estimate.hi }, band),
    value: estimate.value,
    ci: [estimate.lo, estimate.hi],
    band,
    primary: opts.primary ?? true,
    note: opts.note ?? "",
    reason: reason ?? "",
  };
}

/**
 * A check that says a required quantity could not be measured at all (e.g. every run failed):
 * inconclusive, with the reason.
 */
export function unmeasuredCheck(
  name: string,
  band: [number, number],
  reason: string,
  opts: CheckOptions = {},
): Check {
  return {
    name,
    status: "inconclusive",
    value: NaN,
    ci: [NaN, NaN],
    band,
    primary: opts.primary ?? true,
    note: opts.note ?? "",
    reason,
  };
}

/**
 * The verdict: status combined over the primary checks (inconclusive when there is none); the
 * headline statistic is the first primary check (or the one named by `headline`).
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
    robustness: null,
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
    robustness: null,
  };
}

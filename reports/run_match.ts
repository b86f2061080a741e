/**
 * Whether two runs measure the same thing and may be paired: the same profile and, for every
 * case in both, the same case version (a profile changes the grid and the seeds, a version the
 * meaning of the case). `compare` refuses to pair runs that differ (exit 2, unless
 * `--allow-mismatch`); `history` puts them into separate series ({@link seriesGroup}).
 * @module
 */
import type { CaseResult, Results } from "./schema.ts";

/** One difference that makes two runs (or one case in two runs) unrelated. */
export interface RunMismatch {
  /** `null` for the run's profile, else the case id. */
  caseId: string | null;
  field: "profile" | "version";
  a: string;
  b: string;
}

/** The profile a case ran at (its own record; merged runs keep it per case). */
function caseProfile(c: CaseResult): string {
  return c.profile;
}

/**
 * Every difference between runs A and B that makes pairing them meaningless: the plans'
 * profiles, and for each case present in both its profile and its version. Empty when the runs
 * may be compared.
 */
export function runMismatches(a: Results, b: Results): RunMismatch[] {
  const out: RunMismatch[] = [];
  if (a.plan.profile !== b.plan.profile) {
    out.push({ caseId: null, field: "profile", a: a.plan.profile, b: b.plan.profile });
  }
  for (const [id, ca] of Object.entries(a.cases)) {
    const cb = b.cases[id];
    if (!cb) continue;
    const pa = caseProfile(ca), pb = caseProfile(cb);
    // a case-level profile difference is only news when the plans agree
    if (pa !== pb && a.plan.profile === b.plan.profile) {
      out.push({ caseId: id, field: "profile", a: pa, b: pb });
    }
    if (ca.version !== cb.version) {
      out.push({ caseId: id, field: "version", a: `v${ca.version}`, b: `v${cb.version}` });
    }
  }
  return out;
}

/**
 * A file-borne string made safe for one terminal line: control and format characters (escape
 * sequences, bidi overrides, newlines) become `?`, and it is cut at `max` characters.
 */
export function printable(s: string, max = 120): string {
  const clean = s.replace(/[\p{Cc}\p{Cf}]/gu, "?");
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

/**
 * One mismatch in words, e.g. `profile: A smoke, B quick` or
 * `mem.transition: case version: A v1, B v2` (terminal-safe).
 */
export function describeMismatch(m: RunMismatch): string {
  const what = m.field === "profile" ? "profile" : "case version";
  return printable(`${m.caseId ? `${m.caseId}: ` : ""}${what}: A ${m.a}, B ${m.b}`, 300);
}

/**
 * The key of the history series a case's checks belong to: runs of another profile or another
 * case version start a separate series (their numbers are not the same statistic).
 */
export function seriesGroup(c: CaseResult): { profile: string; version: number; label: string } {
  const profile = caseProfile(c);
  return { profile, version: c.version, label: groupLabel(profile, c.version) };
}

/** The label of a history series' group: `profile quick, case v1`. */
export function groupLabel(profile: string, version: number): string {
  return `profile ${profile}, case v${version}`;
}

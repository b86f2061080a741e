/**
 * The registry of cases: every case of every paper, by id, in a stable order.
 * Adding a case = adding it to its paper's `mod.ts`.
 * @module
 */
import type { AnyCase } from "./case.ts";
import { UsageError } from "./usage_error.ts";
import { globMatch, isGlob } from "../reports/glob.ts";
import { cases as mem } from "./mem/mod.ts";
import { cases as fl } from "./fl/mod.ts";
import { cases as cum } from "./cum/mod.ts";
import { cases as lt } from "./lt/mod.ts";

/** All registered cases. */
export const ALL_CASES: readonly AnyCase[] = [...fl, ...cum, ...mem, ...lt];

/** Levenshtein distance of two strings (two rows, O(|a|·|b|)). */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length];
}

/** The id among `ids` closest to `id` by edit distance (the first of equals). */
export function closestId(id: string, ids: readonly string[]): string | undefined {
  let best: string | undefined, bestD = Infinity;
  for (const c of ids) {
    const d = editDistance(id.slice(0, 200), c);
    if (d < bestD) [best, bestD] = [c, d];
  }
  return best;
}

/**
 * The cases matching any of the comma-separated ids or globs (`*`, `?`; all when `pattern` is
 * empty), in registry order. A part that matches no case is a {@link UsageError} naming the
 * closest id, so a typo never silently drops a case.
 */
export function selectCases(
  pattern: string | undefined,
  cases: readonly AnyCase[] = ALL_CASES,
): AnyCase[] {
  if (!pattern) return [...cases];
  const parts = pattern.split(",").map((s) => s.trim()).filter(Boolean);
  const ids = cases.map((c) => c.id);
  for (const p of parts) {
    if (!ids.some((id) => globMatch(p, id))) {
      const shown = JSON.stringify(p.length > 80 ? p.slice(0, 77) + "..." : p);
      throw new UsageError(
        `--case ${shown} ${isGlob(p) ? "matches no case" : "is not a case id"}; ` +
          `did you mean ${closestId(p, ids)}? (claimbench list shows every case)`,
      );
    }
  }
  return cases.filter((c) => parts.some((p) => globMatch(p, c.id)));
}

/** The case with this id, or undefined. */
export function findCase(id: string, cases: readonly AnyCase[] = ALL_CASES): AnyCase | undefined {
  return cases.find((c) => c.id === id);
}

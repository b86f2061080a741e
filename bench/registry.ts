/**
 * The registry of cases: every case of every paper, by id, in a stable order.
 * Adding a case = adding it to its paper's `mod.ts`.
 * @module
 */
import type { AnyCase } from "./case.ts";
import { cases as mem } from "./mem/mod.ts";
import { cases as fl } from "./fl/mod.ts";
import { cases as cum } from "./cum/mod.ts";
import { cases as lt } from "./lt/mod.ts";
import { cases as images } from "./images/mod.ts";

/** All registered cases. */
export const ALL_CASES: readonly AnyCase[] = [...fl, ...cum, ...mem, ...lt, ...images];

/** Glob (`*` and `?`) to RegExp over case ids. */
function globToRegExp(glob: string): RegExp {
  const esc = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${esc}$`);
}

/** The cases matching any of the comma-separated ids or globs (all when `pattern` is empty). */
export function selectCases(
  pattern: string | undefined,
  cases: readonly AnyCase[] = ALL_CASES,
): AnyCase[] {
  if (!pattern) return [...cases];
  const parts = pattern.split(",").map((s) => s.trim()).filter(Boolean);
  return cases.filter((c) => parts.some((p) => globToRegExp(p).test(c.id)));
}

/** The case with this id, or undefined. */
export function findCase(id: string, cases: readonly AnyCase[] = ALL_CASES): AnyCase | undefined {
  return cases.find((c) => c.id === id);
}

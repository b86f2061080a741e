/**
 * The cases of this paper, in the order `list` shows them.
 * @module
 */
import type { AnyCase } from "../case.ts";

/** This paper's cases. */
export const cases: AnyCase[] = [];

/**
 * Paper C's cases, in the order `list` shows them.
 * @module
 */
import type { AnyCase } from "../case.ts";
import { transition } from "./transition.ts";
import { hellingerOnset } from "./hellinger_onset.ts";

/** This paper's cases. */
export const cases: AnyCase[] = [transition, hellingerOnset];

/**
 * The cases of this paper, in the order `list` shows them.
 * @module
 */
import type { AnyCase } from "../case.ts";
import { pairwiseLinear } from "./pairwise_linear.ts";

/** This paper's cases. */
export const cases: AnyCase[] = [pairwiseLinear];

/**
 * The cases of this paper, in the order `list` shows them.
 * @module
 */
import type { AnyCase } from "../case.ts";
import { pairwiseLinear } from "./pairwise_linear.ts";
import { quarticCubic } from "./quartic_cubic.ts";
import { correlatedLinear } from "./correlated_linear.ts";
import { simplicityBias } from "./simplicity_bias.ts";

/** This paper's cases (cum.simplicity-bias is another helper's). */
export const cases: AnyCase[] = [pairwiseLinear, quarticCubic, correlatedLinear, simplicityBias];

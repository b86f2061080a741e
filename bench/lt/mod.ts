/**
 * The cases of this paper, in the order `list` shows them.
 * @module
 */
import type { AnyCase } from "../case.ts";
import { nashGap } from "./nash_gap.ts";
import { worstCaseV } from "./worst_case_v.ts";
import { case2 } from "./case2.ts";
import { baselines } from "./baselines.ts";

/** This paper's cases. */
export const cases: AnyCase[] = [nashGap, worstCaseV, case2, baselines];

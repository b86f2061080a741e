/**
 * The cases of this paper, in the order `list` shows them.
 * @module
 */
import type { AnyCase } from "../case.ts";
import { nashGap } from "./nash_gap.ts";
import { worstCaseV } from "./worst_case_v.ts";
import { case2 } from "./case2.ts";
import { baselines } from "./baselines.ts";

/** The lt data-model helpers, for the perf peer (bench/peers/lt_peer.ts). */
export { specOf } from "./_experiment.ts";
export type { LtModelConfig } from "./_experiment.ts";

/** This paper's cases. */
export const cases: AnyCase[] = [nashGap, worstCaseV, case2, baselines];

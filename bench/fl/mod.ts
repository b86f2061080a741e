/**
 * The cases of this paper, in the order `list` shows them.
 * @module
 */
import type { AnyCase } from "../case.ts";
import { balance } from "./balance.ts";
import { jump } from "./jump.ts";
import { noisyImage } from "./noisy_image.ts";

/** The fl batch builder and config type, for the perf peer (bench/peers/fl_peer.ts). */
export { buildBatch } from "./_experiment.ts";
export type { FlConfig } from "./_common.ts";

/** This paper's cases. */
export const cases: AnyCase[] = [balance, jump, noisyImage];

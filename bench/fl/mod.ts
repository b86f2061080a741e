/**
 * The cases of this paper, in the order `list` shows them.
 * @module
 */
import type { AnyCase } from "../case.ts";
import { balance } from "./balance.ts";
import { jump } from "./jump.ts";
import { noisyImage } from "./noisy_image.ts";

/** This paper's cases. */
export const cases: AnyCase[] = [balance, jump, noisyImage];

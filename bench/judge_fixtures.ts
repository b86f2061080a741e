/**
 * The synthetic measurements of every case's judge mutation tests, gathered from each paper's
 * folder (`bench/<paper>/judge_fixtures.ts`).
 * @module
 */
import type { JudgeFixture } from "./testing.ts";
import { fixtures as cum } from "./cum/judge_fixtures.ts";
import { fixtures as fl } from "./fl/judge_fixtures.ts";
import { fixtures as noisyImage } from "./fl/noisy_image_judge_fixtures.ts";
import { fixtures as lt } from "./lt/judge_fixtures.ts";
import { fixtures as mem } from "./mem/judge_fixtures.ts";
import { fixtures as simplicity } from "./cum/simplicity_judge_fixtures.ts";

/** All judge fixtures (one per case). */
export const JUDGE_FIXTURES: readonly JudgeFixture[] = [
  ...cum,
  ...fl,
  ...noisyImage,
  ...lt,
  ...mem,
  ...simplicity,
];

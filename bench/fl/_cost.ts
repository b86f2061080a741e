/**
 * Rough CPU cost of the shared experiment on the 2-core reference machine (calibrated: one
 * diffusion GD step at d = 256, m = 32, n = 40 takes ≈ 1.7 ms, one classifier step ≈ 1.5 ms).
 * @module
 */
import type { FlModel } from "../../models/fl/batch.ts";
import type { FlConfig } from "./_common.ts";

const NS_PER_UNIT = 1.35e-9;

/** Fixed seconds of a whole experiment (start-up, data), spread over its work units. */
export const EXPERIMENT_OVERHEAD_SECONDS = 0.5;

/** Seconds of training one model at one n for `seeds` seeds, every grid point (CPU path). */
export function trainingSeconds(c: FlConfig, model: FlModel, n: number, seeds: number): number {
  const R = n + 2;
  const perStep = model === "diffusion"
    ? 2 * R * c.m * c.d + 1.5 * c.m * c.m * c.d + 4 * R * c.m * c.m
    : 4 * R * 2 * c.m * c.d / 2;
  const steps = model === "diffusion" ? c.stepsDiffusion : c.stepsClassifier;
  return c.grid.length * seeds * perStep * steps * NS_PER_UNIT;
}

/** Seconds of the whole experiment (both models) on the CPU path. */
export function experimentSeconds(c: FlConfig): number {
  let s = 0;
  for (const n of c.ns) {
    s += trainingSeconds(c, "diffusion", n, c.seeds) + trainingSeconds(c, "classifier", n, c.seeds);
  }
  return s + EXPERIMENT_OVERHEAD_SECONDS;
}

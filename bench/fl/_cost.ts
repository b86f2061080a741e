/**
 * Rough CPU cost of the shared experiment on the 2-core reference machine (calibrated: one
 * diffusion GD step at d = 256, m = 32, n = 40 takes ≈ 1.7 ms, one classifier step ≈ 1.5 ms).
 * @module
 */
import type { FlConfig } from "./_common.ts";

const NS_PER_UNIT = 1.35e-9;

/** Seconds of the whole experiment (both models) on the CPU path. */
export function experimentSeconds(c: FlConfig): number {
  let units = 0;
  for (const n of c.ns) {
    const R = n + 2;
    const diff = 2 * R * c.m * c.d + 1.5 * c.m * c.m * c.d + 4 * R * c.m * c.m;
    const cls = 4 * R * 2 * c.m * c.d / 2;
    units += c.grid.length * c.seeds * (diff * c.stepsDiffusion + cls * c.stepsClassifier);
  }
  return units * NS_PER_UNIT + 0.5;
}

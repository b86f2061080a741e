/**
 * Synthetic measurements for the mutation tests of `cum.simplicity-bias`'s judge: loss curves
 * from closed forms (no training, no data set), one set that satisfies the claim and, per
 * primary check, sets that violate it.
 * @module
 */
import type { JudgeFixture } from "../testing.ts";
import { logSteps, type SimplicityMeasurement } from "./_simplicity_experiment.ts";

/**
 * A measurement whose relative gap (Gaussian − real)/real at logged step `t` is `gap(t)` plus a
 * small deterministic per-seed jitter, with a within-seed paired SE of 0.2% of the loss.
 */
export function syntheticSimplicity(
  c: Record<string, unknown>,
  gap: (step: number) => number,
): SimplicityMeasurement {
  const steps = logSteps(c.steps as number, c.logPoints as number);
  const noiseLevels = c.noiseLevels as number[];
  const seeds = Array.from({ length: c.seeds as number }, (_, seed) => {
    const real = steps.map((t) => 0.05 + 0.5 / (1 + t / 20));
    const g = steps.map((t, i) => gap(t) + 0.002 * Math.sin(3 * seed + i));
    const gauss = real.map((r, i) => r * (1 + g[i]));
    return {
      seed,
      real,
      gauss,
      realByLevel: noiseLevels.map(() => real),
      gaussByLevel: noiseLevels.map(() => gauss),
      pairedSE: real.map((r) => 0.002 * r),
      trainLoss: steps.map((_, i) => (i === 0 ? NaN : real[i])),
      failedAt: null,
    };
  });
  return {
    steps,
    noiseLevels,
    seeds,
    data: {
      nTrain: c.nTrain as number,
      nTestPool: 10000,
      side: c.side as number,
      pixelRange: [-1, 1],
    },
    surrogate: {
      jitter: 0,
      meanMaxAbsErr: 0.01,
      covMaxAbsErr: 0.01,
      checkSamples: 2000,
      maxVariance: 0.5,
    },
    backend: "cpu",
    engine: "cpu",
  };
}

/** No gap up to step 100, then a gap rising to ≈ 30%. */
const opensLater = (t: number) => (t <= 100 ? 0 : 0.3 * Math.log(t / 100) / Math.log(12));

/** The fixture of `cum.simplicity-bias`. */
export const fixtures: JudgeFixture[] = [{
  caseId: "cum.simplicity-bias",
  satisfying: (c) => syntheticSimplicity(c, opensLater),
  violating: [
    {
      // the gap is 5% from the first logged step on: no first phase within ±2%
      check: /first phase/,
      measurement: (c) => syntheticSimplicity(c, (t) => Math.max(0.05, opensLater(t))),
    },
    {
      // a first phase exists, but the surrogate's loss is 5% lower in it
      check: /first phase/,
      measurement: (c) => syntheticSimplicity(c, (t) => (t <= 100 ? -0.05 : opensLater(t))),
    },
    {
      // the gap never opens; at the end the real images' loss is higher
      check: /last step/,
      measurement: (c) => syntheticSimplicity(c, (t) => (t < 1200 ? 0 : -0.05)),
    },
  ],
}];

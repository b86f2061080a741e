/**
 * Synthetic measurements of Paper A's synthetic-data cases for the judge mutation tests
 * (`bench/judge_mutation_test.ts`): S/N curves and test accuracies laid out as the experiment
 * stores them, built from closed-form curves with a small deterministic per-seed jitter (no
 * training).
 * @module
 */
import { type JudgeFixture, wobble } from "../testing.ts";
import type { FlMeasurement, ModelRuns } from "./_experiment.ts";

/** Curves of a synthetic measurement, as functions of n·SNR² (and n). */
export interface SyntheticCurves {
  /** Final S/N of the diffusion model. */
  diffusion(kappa: number, n: number): number;
  /** Final S/N of the classifier. */
  classifier(kappa: number, n: number): number;
  /** The classifier's test accuracy. */
  accuracy(kappa: number, n: number): number;
  /** Relative per-seed jitter of S/N (multiplicative, default 0.05) and of accuracy (× 0.2). */
  jitter?: number;
}

/**
 * A measurement shaped for `config` (its ns, grid, seeds, logPoints, step counts) whose final
 * S/N and accuracies follow `curves`; S rises linearly over training to its final value, N = 1.
 */
export function syntheticFlMeasurement(
  config: Record<string, unknown>,
  curves: SyntheticCurves,
): FlMeasurement {
  const ns = config.ns as number[], grid = config.grid as number[];
  const L = config.logPoints as number;
  const seeds = Array.from({ length: config.seeds as number }, (_, i) => i);
  const jit = curves.jitter ?? 0.05;
  const model = (key: "diffusion" | "classifier", steps: number, mi: number): ModelRuns => {
    const logs = (f: (final: number, l: number) => number) =>
      ns.map((n, ni) =>
        grid.map((kappa, ki) =>
          seeds.map((si) => {
            const final = curves[key](kappa, n) * Math.exp(jit * wobble(mi, ni, ki, si));
            return Array.from({ length: L + 1 }, (_, l) => f(final, l));
          })
        )
      );
    return {
      steps: Array.from({ length: L + 1 }, (_, l) => (l * steps) / L),
      S: logs((final, l) => final * (l + 1) / (L + 1)),
      N: logs(() => 1),
      loss: logs((_, l) => 1 / (l + 1)),
    };
  };
  return {
    variant: "orthogonal",
    ns,
    grid,
    seeds,
    diffusion: model("diffusion", config.stepsDiffusion as number, 0),
    classifier: model("classifier", config.stepsClassifier as number, 1),
    testAccuracy: ns.map((n, ni) =>
      grid.map((kappa, ki) =>
        seeds.map((si) =>
          Math.min(1, Math.max(0, curves.accuracy(kappa, n) + 0.2 * jit * wobble(2, ni, ki, si)))
        )
      )
    ),
    backend: "cpu",
  };
}

/** A classifier that jumps at n·SNR² = `at`: ln(S/N) = 4 tanh(2 ln(κ/at)). */
export const jumpingRatio = (at: number) => (kappa: number) =>
  Math.exp(4 * Math.tanh(2 * Math.log(kappa / at)));
/** Accuracy rising from 0.5 to 1, crossing 0.75 at n·SNR² = `at`. */
export const accuracyCrossingAt = (at: number) => (kappa: number) =>
  0.5 + 0.5 / (1 + Math.exp(-4 * Math.log(kappa / at)));

/** Curves that satisfy both cases: balanced, proportional diffusion; a classifier jumping at 3. */
export const SATISFYING: SyntheticCurves = {
  diffusion: (kappa) => 0.5 * kappa,
  classifier: jumpingRatio(3),
  accuracy: accuracyCrossingAt(3),
};

/** The fixtures of `fl.balance` and `fl.jump`. */
export const fixtures: JudgeFixture[] = [
  {
    caseId: "fl.balance",
    satisfying: (c) => syntheticFlMeasurement(c, SATISFYING),
    violating: [
      {
        // S/N ≈ 20–200 over the paper's grid: learned, proportional, but not balanced
        check: /^balance: max \|log10 S\/N\|/,
        measurement: (c) => syntheticFlMeasurement(c, { ...SATISFYING, diffusion: (k) => 30 * k }),
      },
      {
        // the classifier's S/N barely moves: it spreads less than the diffusion model's
        check: /^balance: spread/,
        measurement: (c) =>
          syntheticFlMeasurement(c, { ...SATISFYING, classifier: (k) => k ** 0.2 }),
      },
      {
        // what the reference checks found: S/N rises with slope 0.3
        check: /^proportionality: /,
        measurement: (c) =>
          syntheticFlMeasurement(c, { ...SATISFYING, diffusion: (k) => 0.6 * k ** 0.3 }),
      },
    ],
  },
  {
    caseId: "fl.jump",
    satisfying: (c) => syntheticFlMeasurement(c, SATISFYING),
    violating: [
      {
        // the classifier rises smoothly, only 1.5× as steep as the diffusion model
        check: /sharpness\(classifier\) \/ sharpness\(diffusion\)/,
        measurement: (c) =>
          syntheticFlMeasurement(c, { ...SATISFYING, classifier: (k) => (k / 3) ** 1.5 }),
      },
      {
        // accuracy crosses 0.75 at n·SNR² = 15, five times the S/N = 1 threshold
        check: /accuracy-0\.75 crossing/,
        measurement: (c) =>
          syntheticFlMeasurement(c, { ...SATISFYING, accuracy: accuracyCrossingAt(15) }),
      },
    ],
  },
];

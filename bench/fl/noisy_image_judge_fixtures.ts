/**
 * Synthetic measurements of `fl.noisy-image` for the judge mutation tests
 * (`bench/judge_mutation_test.ts`): run records with chosen final log10(S/N) per model and
 * setting, a small deterministic per-run jitter, no data set and no training.
 * @module
 */
import { type JudgeFixture, wobble } from "../testing.ts";
import type { NoisyImageMeasurement, NoisyImageRunRecord } from "./_noisy_image_experiment.ts";

type Model = "diffusion" | "classifier";

/**
 * A measurement shaped for `config` whose final log10(S/N) of each run is
 * `log10Ratio(model, setting, variant)` plus a jitter of ±0.1; S rises linearly to it, N = 1.
 */
export function syntheticNoisyImage(
  config: Record<string, unknown>,
  log10Ratio: (model: Model, setting: number, variant: string) => number,
): NoisyImageMeasurement {
  const variants = config.variants as ("2-class" | "10-class")[];
  const L = config.logPoints as number;
  const runs: NoisyImageRunRecord[] = [];
  variants.forEach((variant, vi) => {
    const K = variant === "2-class" ? 2 : 10;
    (config.ns as number[]).forEach((n) => {
      (config.nSnr2 as number[]).forEach((nSnr2, si) => {
        for (let seed = 0; seed < (config.seeds as number); seed++) {
          for (const [mi, model] of (["diffusion", "classifier"] as const).entries()) {
            const final = 10 ** (log10Ratio(model, nSnr2, variant) +
              0.1 * wobble(vi, n, si, seed, mi));
            const steps = Array.from({ length: L }, (_, l) => l * 10);
            const frac = (l: number) => (l + 1) / L;
            runs.push({
              variant,
              n,
              nSnr2,
              seed,
              model,
              steps,
              S: steps.map((_, l) => Array.from({ length: K }, () => final * frac(l))),
              N: steps.map(() => 1),
              loss: steps.map((_, l) => 1 / (l + 1)),
              failedAt: -1,
              testAccuracy: model === "classifier" ? (nSnr2 > 3 ? 0.95 : 0.55) : null,
            });
          }
        }
      });
    });
  });
  return { d: 256, classes: [0, 1], runs };
}

/** The claim holds: diffusion balanced; classifier noise-dominated at low, signal at high n·SNR². */
const satisfying = (model: Model, setting: number) =>
  model === "diffusion" ? 0 : setting > 3 ? 1.6 : -1.6;

/** The fixture of `fl.noisy-image`. */
export const fixtures: JudgeFixture[] = [{
  caseId: "fl.noisy-image",
  satisfying: (c) => syntheticNoisyImage(c, satisfying),
  violating: [
    {
      // the diffusion model is signal-dominated (S/N ≈ 30)
      check: /diffusion log10\(S\/N\)/,
      measurement: (c) =>
        syntheticNoisyImage(c, (model, s) => (model === "diffusion" ? 1.5 : satisfying(model, s))),
    },
    {
      // the classifier learns both features in balance (S/N ≈ 2)
      check: /classifier log10\(S\/N\)/,
      measurement: (c) =>
        syntheticNoisyImage(c, (model, s) => (model === "classifier" ? 0.3 : satisfying(model, s))),
    },
  ],
}];

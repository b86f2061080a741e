/**
 * Paper A's two-patch data model (Han, Huang, Cao, Zou, ICLR 2025, Definition 2.1):
 * x = [x⁽¹⁾, x⁽²⁾] with x⁽¹⁾ the class signal and x⁽²⁾ = ξ Gaussian noise with the signal
 * directions projected out, y uniform in {−1, +1}.
 *
 * Two variants (a config switch of the cases):
 * - `orthogonal` (the paper's): x⁽¹⁾ = μ_y with μ_{+1} ⊥ μ_{−1}, ‖μ_{+1}‖ = ‖μ_{−1}‖ = ‖μ‖;
 * - `signed`: x⁽¹⁾ = y·μ, one signal vector.
 *
 * The signal vectors are coordinate axes (μ_{+1} = ‖μ‖e₀, μ_{−1} = ‖μ‖e₁): without loss of
 * generality, since the noise and every network initialisation here are isotropic. Projecting
 * the signal directions out of ξ then means zeroing those coordinates.
 *
 * A draw depends only on (stream, n, d, variant, σ_ξ), not on ‖μ‖: the same seed gives the
 * same labels and noise at every n·SNR², so a sweep over SNR is paired.
 * @module
 */
import type { PhiloxStream } from "./philox.ts";

/** The two data variants. */
export const TWO_PATCH_VARIANTS = ["orthogonal", "signed"] as const;
/** One of {@link TWO_PATCH_VARIANTS}. */
export type TwoPatchVariant = (typeof TWO_PATCH_VARIANTS)[number];

/** Shape of a two-patch draw. */
export interface TwoPatchSpec {
  /** Samples. */
  n: number;
  /** Dimension of each patch. */
  d: number;
  variant: TwoPatchVariant;
  /** Per-coordinate noise standard deviation σ_ξ. */
  sigmaXi: number;
}

/** Labels and noise patches of n samples (signal patches follow from the labels and ‖μ‖). */
export interface TwoPatchSample {
  /** Labels in {−1, +1}. */
  y: Int8Array;
  /** Noise patches ξ_i, row-major n × d, zero on the signal coordinates. */
  xi: Float64Array;
}

/** Coordinates that carry signal (and are projected out of the noise). */
export function signalAxes(variant: TwoPatchVariant): number[] {
  return variant === "orthogonal" ? [0, 1] : [0];
}

/**
 * Draw labels and noise from `stream`: first n label words (one u32 each, top bit), then the
 * noise row by row. Deterministic in the stream.
 * @example
 * ```ts
 * import { PhiloxStream } from "./philox.ts";
 * import { twoPatchSample } from "./two_patch.ts";
 * const s = twoPatchSample(new PhiloxStream(0, "fl.data"), { n: 4, d: 8, variant: "orthogonal", sigmaXi: 1 });
 * // s.y.length === 4, s.xi.length === 32, s.xi[0] === 0 (signal axis)
 * ```
 */
export function twoPatchSample(stream: PhiloxStream, spec: TwoPatchSpec): TwoPatchSample {
  const { n, d, sigmaXi } = spec;
  const axes = signalAxes(spec.variant);
  if (d <= axes.length) throw new RangeError(`d must exceed ${axes.length}, got ${d}`);
  const y = new Int8Array(n);
  for (let i = 0; i < n; i++) y[i] = stream.nextU32() >>> 31 ? 1 : -1;
  const xi = new Float64Array(n * d);
  stream.fillNormal(xi, sigmaXi);
  for (let i = 0; i < n; i++) for (const a of axes) xi[i * d + a] = 0;
  return { y, xi };
}

/** ‖μ‖ that gives n·SNR² = `kappa`, with SNR = ‖μ‖ / (σ_ξ √d). */
export function muNormFor(kappa: number, n: number, d: number, sigmaXi: number): number {
  return Math.sqrt(kappa / n) * sigmaXi * Math.sqrt(d);
}

/**
 * The signal patch of class `label` (±1) as a dense vector of length d:
 * orthogonal: μ_label; signed: label·μ.
 */
export function signalPatch(
  variant: TwoPatchVariant,
  label: number,
  d: number,
  muNorm: number,
): Float64Array {
  const v = new Float64Array(d);
  if (variant === "orthogonal") v[label > 0 ? 0 : 1] = muNorm;
  else v[0] = label > 0 ? muNorm : -muNorm;
  return v;
}

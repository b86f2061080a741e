/**
 * The mixed cumulant model (MCM) of Bardone & Goldt (2024), as used for the Paper B cases:
 *
 *   x = sqrt(β_u) g u + S (sqrt(β_v) ν v + z),   g ~ N(0,1), z ~ N(0, I_d),
 *
 * with u ⊥ v unit vectors, ν a ±1 latent (unit variance, zero mean) and
 * S = I − (1 − 1/sqrt(1+β_v)) v vᵀ the whitening matrix that makes the variance along v
 * exactly 1, so that v is invisible to pairwise statistics and first shows in the fourth
 * cumulant: the excess kurtosis of ⟨x, v⟩ is β_v² κ₄(ν) / (1+β_v)² with κ₄(ν) = −2.
 *
 * Latents:
 * - `independent`: ν Rademacher, independent of g.
 * - `correlated`: ν = sign(g)·sign(|g| − √(2 ln 2)): ±1, independent of nothing, but
 *   linearly uncorrelated with g (E[gν] = 0), so v is still invisible to the covariance.
 * - `naive-sign`: ν = sign(g): a labelled CONTROL only; E[x_u x_v] = sqrt(β_u β_v/(1+β_v))·sqrt(2/π)
 *   ≠ 0, so v shows in the covariance and even a linear denoiser finds it.
 *
 * Two samplers: {@link sampleMcm} for arbitrary orthonormal (u, v) from a {@link PhiloxStream}
 * (used by the moment tests), and {@link mcmStepSample}, the training sampler shared bit for bit
 * by the CPU reference trainer and the WGSL kernel in `models/cum/`. The training sampler fixes
 * u = e₁ (index 0) and v = e₂ (index 1): this loses no generality because the trainer's initial
 * weights are uniform on the sphere and the online SGD dynamics are rotation-equivariant, so the
 * law of the overlaps ⟨w,u⟩, ⟨w,v⟩ does not depend on which orthonormal pair (u, v) is planted.
 * Only d normals for z (plus d for the diffusion noise) and the latents are drawn per step; S is
 * applied analytically (it only rescales the v coordinate).
 * @module
 */
import { normal2FromU32, philox4x32, type PhiloxStream } from "./philox.ts";

/** How the non-Gaussian latent ν is drawn. */
export type Latent = "independent" | "correlated" | "naive-sign";

/** All latents, in the order configs list them. */
export const LATENTS: readonly Latent[] = ["independent", "correlated", "naive-sign"];

/** Parameters of the data model. */
export interface McmParams {
  /** Strength of the covariance spike along u (0: no pairwise signal). */
  betaU: number;
  /** Strength of the non-Gaussian latent along v. */
  betaV: number;
  /** How ν is drawn. */
  latent: Latent;
}

/** √(2 ln 2): the |g| threshold that makes sign(g)·sign(|g| − t) uncorrelated with g. */
export const CORRELATED_THRESHOLD = Math.sqrt(2 * Math.LN2);

/** Numeric code of a latent, as the WGSL kernel receives it. */
export function latentCode(latent: Latent): number {
  return LATENTS.indexOf(latent);
}

/** ν from the Gaussian latent g and a random bit (the top bit of a u32, used by `independent`). */
export function latentNu(latent: Latent, g: number, word: number): number {
  if (latent === "independent") return (word >>> 31) === 1 ? -1 : 1;
  const sg = g >= 0 ? 1 : -1;
  if (latent === "naive-sign") return sg;
  return sg * (Math.abs(g) >= CORRELATED_THRESHOLD ? 1 : -1);
}

/** Excess kurtosis of ⟨x, v⟩: β_v² κ₄(ν)/(1+β_v)², with κ₄ = −2 for every (±1-valued) latent here. */
export function excessKurtosisAlongV(p: Pick<McmParams, "betaV">): number {
  return (-2 * p.betaV * p.betaV) / ((1 + p.betaV) * (1 + p.betaV));
}

/** E[⟨x,u⟩⟨x,v⟩]: 0 for the independent and correlated latents, √(β_uβ_v/(1+β_v))·√(2/π) for naive-sign. */
export function crossCovarianceUV(p: McmParams): number {
  if (p.latent !== "naive-sign") return 0;
  return Math.sqrt((p.betaU * p.betaV) / (1 + p.betaV)) * Math.sqrt(2 / Math.PI);
}

/** Philox blocks of one training step: block j < ⌈d/2⌉ gives z and ε for coordinates 2j, 2j+1. */
export function noiseBlocks(d: number): number {
  return Math.ceil(d / 2);
}

/**
 * One training sample of step `step` (≥ 1) of the run keyed by `key`, with u = e₁, v = e₂:
 * writes the clean x and the noised x_t = αx + sqrt(1−α²)ε.
 *
 * Philox layout (counter = (block, step, 0, 0)): block j < ⌈d/2⌉ → Box–Muller of words (0,1)
 * gives z_{2j}, z_{2j+1}, of words (2,3) gives ε_{2j}, ε_{2j+1}; block ⌈d/2⌉ → g from words
 * (0,1) (first value), the independent latent's sign from the top bit of word 2.
 * The WGSL kernel in `models/cum/sgd_kernel.ts` follows the same layout.
 */
export function mcmStepSample(
  key: readonly [number, number],
  step: number,
  d: number,
  p: McmParams,
  alpha: number,
  x: Float64Array,
  xt: Float64Array,
  scratch: Uint32Array = new Uint32Array(4),
): void {
  const s = Math.sqrt(1 - alpha * alpha);
  const blocks = noiseBlocks(d);
  for (let j = 0; j < blocks; j++) {
    const r = philox4x32(j, step, 0, 0, key[0], key[1], scratch);
    const [z0, z1] = normal2FromU32(r[0], r[1]);
    const [e0, e1] = normal2FromU32(r[2], r[3]);
    const i = 2 * j;
    x[i] = z0, xt[i] = e0;
    if (i + 1 < d) x[i + 1] = z1, xt[i + 1] = e1;
  }
  const r = philox4x32(blocks, step, 0, 0, key[0], key[1], scratch);
  const g = normal2FromU32(r[0], r[1])[0];
  const nu = latentNu(p.latent, g, r[2]);
  x[0] += Math.sqrt(p.betaU) * g;
  x[1] = (Math.sqrt(p.betaV) * nu + x[1]) / Math.sqrt(1 + p.betaV);
  for (let i = 0; i < d; i++) xt[i] = alpha * x[i] + s * xt[i];
}

/**
 * `n` samples (rows of a row-major n×d array) for arbitrary orthonormal `u`, `v`, with the
 * whitening S applied explicitly. Draws z (d normals), then g, then a uniform for ν, per sample.
 */
export function sampleMcm(
  stream: PhiloxStream,
  n: number,
  d: number,
  p: McmParams,
  u: Float64Array,
  v: Float64Array,
): Float64Array {
  const out = new Float64Array(n * d);
  const shrink = 1 - 1 / Math.sqrt(1 + p.betaV);
  for (let k = 0; k < n; k++) {
    const row = out.subarray(k * d, (k + 1) * d);
    stream.fillNormal(row);
    const g = stream.normal();
    const nu = latentNu(p.latent, g, stream.nextU32());
    // y = sqrt(β_v) ν v + z, then S y = y − (1 − 1/sqrt(1+β_v)) ⟨y, v⟩ v
    let yv = 0;
    for (let i = 0; i < d; i++) {
      row[i] += Math.sqrt(p.betaV) * nu * v[i];
      yv += row[i] * v[i];
    }
    for (let i = 0; i < d; i++) row[i] += -shrink * yv * v[i] + Math.sqrt(p.betaU) * g * u[i];
  }
  return out;
}

/** Two random orthonormal directions (Gram–Schmidt of two Gaussian vectors). */
export function randomOrthonormalPair(
  stream: PhiloxStream,
  d: number,
): [Float64Array, Float64Array] {
  const u = stream.fillNormal(new Float64Array(d)) as Float64Array;
  const v = stream.fillNormal(new Float64Array(d)) as Float64Array;
  const norm = (a: Float64Array) => {
    const n = Math.hypot(...a);
    for (let i = 0; i < d; i++) a[i] /= n;
  };
  norm(u);
  let uv = 0;
  for (let i = 0; i < d; i++) uv += u[i] * v[i];
  for (let i = 0; i < d; i++) v[i] -= uv * u[i];
  norm(v);
  return [u, v];
}

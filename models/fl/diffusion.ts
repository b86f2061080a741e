/**
 * Paper A's diffusion model with its closed-form DDPM loss and hand-derived gradient (CPU, f64).
 *
 * Network (tied weights, per patch): f(W, z) = (1/√m) Σ_r σ(⟨w_r, z⟩) w_r with σ(z) = z².
 * Loss at a fixed time: z = α x + β ε, ε ~ N(0, I_d), and for σ(z) = z² the expectation over ε
 * is exact. With u_r = α⟨w_r, x⟩, G = W Wᵀ, A_r = u_r² + β² G_rr (Isserlis for the fourth
 * moments of the Gaussian a = W z ~ N(u, β² G)):
 *
 *   E_ε ‖f − ε‖² = (1/m) Σ_rs G_rs [A_r A_s + 2β⁴ G_rs² + 4β² u_r u_s G_rs]
 *                − (4β/√m) Σ_r u_r G_rr + d.
 *
 * The training loss is L = (1/n) Σ_i Σ_p E_ε ‖f(W, z_i⁽ᵖ⁾) − ε‖² = Σ_j ω_j ℓ(X_j) over the rows
 * of `batch.ts` (ω = 1/n per noise row, n_c/n per class signal row).
 *
 * Gradient: ∂ℓ/∂w_r = α g_r x + 2 Σ_s H_rs w_s with
 *   g_r  = (4/m)(GA)_r u_r + (8β²/m)((G∘G)u)_r − (4β/√m) G_rr,
 *   H_rs = (1/m) A_r A_s + (6β⁴/m) G_rs² + (8β²/m) u_r u_s G_rs
 *          + δ_rs [(2β²/m)(GA)_r − (4β/√m) u_r].
 * Checked against finite differences and against a Monte Carlo average over ε (tests).
 * @module
 */
import { rowCount } from "./batch.ts";
import { type RowKernels, WASM_ROWS } from "./rows_wasm.ts";

/** Sizes and schedule of one diffusion loss evaluation. */
export interface DiffusionShape {
  m: number;
  d: number;
  /** Rows R of X. */
  R: number;
  alpha: number;
  beta: number;
}

/** Loss, gradient and the inner products P = W Xᵀ of one evaluation. */
export interface LossGrad {
  loss: number;
  /** ∂L/∂W, same layout as W. */
  grad: Float64Array;
  /** P[r·R + j] = ⟨w_r, X_j⟩ at the evaluated W. */
  P: Float64Array;
}

/** The expected DDPM loss of one input x, given u = αWx and G = WWᵀ (shared by loss and tests). */
export function diffusionLossOfU(u: ArrayLike<number>, G: Float64Array, s: DiffusionShape): number {
  const { m, d, beta } = s;
  const b2 = beta * beta;
  let t = 0, lin = 0;
  for (let r = 0; r < m; r++) {
    const Ar = u[r] * u[r] + b2 * G[r * m + r];
    for (let q = 0; q < m; q++) {
      const g = G[r * m + q];
      const Aq = u[q] * u[q] + b2 * G[q * m + q];
      t += g * (Ar * Aq + 2 * b2 * b2 * g * g + 4 * b2 * u[r] * u[q] * g);
    }
    lin += u[r] * G[r * m + r];
  }
  return t / m - (4 * beta / Math.sqrt(m)) * lin + d;
}

/** G = W Wᵀ (m × m). */
export function gram(W: Float64Array, m: number, d: number): Float64Array {
  const G = new Float64Array(m * m);
  for (let r = 0; r < m; r++) {
    for (let q = r; q < m; q++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += W[r * d + k] * W[q * d + k];
      G[r * m + q] = s;
      G[q * m + r] = s;
    }
  }
  return G;
}

/**
 * Closed-form expected loss and its gradient at W (m × d) for data rows X (R × d) with
 * weights ω (R).
 */
export function diffusionLossGrad(
  W: Float64Array,
  X: Float64Array,
  weights: Float64Array,
  s: DiffusionShape,
  k: RowKernels = WASM_ROWS,
): LossGrad {
  const { m, d, R, alpha, beta } = s;
  const b2 = beta * beta, sm = Math.sqrt(m);
  const P = k.innerProducts(W, X, m, R, d);
  const G = k.gram(W, m, d); // = gram(W, m, d), bit for bit
  const coef = new Float64Array(m * R); // ∂L/∂P[r, j] = ω_j α g_r
  const H = new Float64Array(m * m);
  const grad = new Float64Array(m * d);
  if (k.diffusionTerms) {
    const loss = k.diffusionTerms(P, G, weights, coef, H, m, R, d, alpha, beta);
    k.addRowCombinations(grad, coef, X, m, R, d);
    k.addRowCombinations(grad, H, W, m, m, d, 2);
    return { loss, grad, P };
  }
  const u = new Float64Array(m), A = new Float64Array(m), GA = new Float64Array(m);
  const Q = new Float64Array(m);
  let loss = 0;
  for (let j = 0; j < R; j++) {
    const w = weights[j];
    for (let r = 0; r < m; r++) {
      u[r] = alpha * P[r * R + j];
      A[r] = u[r] * u[r] + b2 * G[r * m + r];
    }
    let t = 0, lin = 0;
    for (let r = 0; r < m; r++) {
      let ga = 0, qq = 0;
      for (let q = 0; q < m; q++) {
        const g = G[r * m + q];
        ga += g * A[q];
        qq += g * g * u[q];
        t += g * (2 * b2 * b2 * g * g);
      }
      GA[r] = ga;
      Q[r] = qq;
      t += A[r] * ga + 4 * b2 * u[r] * qq;
      lin += u[r] * G[r * m + r];
    }
    loss += w * (t / m - (4 * beta / sm) * lin + d);
    for (let r = 0; r < m; r++) {
      const g = (4 / m) * GA[r] * u[r] + (8 * b2 / m) * Q[r] - (4 * beta / sm) * G[r * m + r];
      coef[r * R + j] = w * alpha * g;
      for (let q = 0; q < m; q++) {
        H[r * m + q] += w * (A[r] * A[q] + 8 * b2 * u[r] * u[q] * G[r * m + q]) / m;
      }
      H[r * m + r] += w * ((2 * b2 / m) * GA[r] - (4 * beta / sm) * u[r]);
    }
  }
  let wsum = 0;
  for (let j = 0; j < R; j++) wsum += weights[j];
  for (let i = 0; i < m * m; i++) H[i] += wsum * (6 * b2 * b2 / m) * G[i] * G[i];
  k.addRowCombinations(grad, coef, X, m, R, d);
  k.addRowCombinations(grad, H, W, m, m, d, 2);
  return { loss, grad, P };
}

/** Rows R for n samples (re-exported for callers of this module). */
export { rowCount };

/**
 * Paper A's classifier: a two-layer CNN with a fixed second layer (CPU, f64).
 *
 * F_j(W, x) = (1/m) Σ_r Σ_p σ(⟨w_{j,r}, x⁽ᵖ⁾⟩), j ∈ {+1, −1}, output F = F_{+1} − F_{−1},
 * σ(z) = max(z, 0)^q, logistic loss L = (1/n) Σ_i log(1 + exp(−y_i F(x_i))).
 * W is 2m × d: rows 0…m−1 are the j = +1 filters, rows m…2m−1 the j = −1 filters.
 *
 * Gradient (hand-derived): with ℓ'_i = −1/(1 + exp(y_i F_i)),
 *   ∂L/∂w_{j,r} = (1/(n m)) Σ_i ℓ'_i y_i j Σ_p σ'(⟨w_{j,r}, x_i⁽ᵖ⁾⟩) x_i⁽ᵖ⁾,
 * i.e. a combination of the data rows (noise rows per sample, signal rows per class).
 * @module
 */
import { rowCount, signalRow } from "./batch.ts";
import { innerProductsWasm, type RowKernels, WASM_ROWS } from "./rows_wasm.ts";
import type { LossGrad } from "./diffusion.ts";

/** ReLU^q and its derivative. */
export function reluPow(z: number, q: number): [number, number] {
  if (z <= 0) return [0, 0];
  const p = z ** (q - 1);
  return [p * z, q * p];
}

/** log(1 + e^z), stable. */
export function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** Margins y_i F(x_i) of the n training samples from the inner products P (2m × R). */
export function classifierMargins(
  P: Float64Array,
  y: Int8Array,
  m: number,
  q: number,
): Float64Array {
  const n = y.length, R = rowCount(n);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const sr = signalRow(n, y[i]);
    let F = 0;
    for (let r = 0; r < 2 * m; r++) {
      const sgn = r < m ? 1 : -1;
      F += sgn * (reluPowValue(P[r * R + i], q) + reluPowValue(P[r * R + sr], q));
    }
    out[i] = y[i] * F / m;
  }
  return out;
}

/**
 * Loss and gradient of the classifier at W (2m × d) on rows X (R × d) with labels y; `k` picks
 * the row kernels (WebAssembly by default, or the JS reference).
 */
export function classifierLossGrad(
  W: Float64Array,
  X: Float64Array,
  y: Int8Array,
  m: number,
  d: number,
  q: number,
  k: RowKernels = WASM_ROWS,
): LossGrad {
  const n = y.length, R = rowCount(n), M = 2 * m;
  const P = k.innerProducts(W, X, M, R, d);
  const margins = classifierMargins(P, y, m, q);
  const coef = new Float64Array(M * R);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    loss += softplus(-margins[i]) / n;
    const c = (-1 / (1 + Math.exp(margins[i]))) * y[i] / (n * m);
    const sr = signalRow(n, y[i]);
    for (let r = 0; r < M; r++) {
      const sgn = r < m ? 1 : -1;
      coef[r * R + i] += c * sgn * reluPowDeriv(P[r * R + i], q);
      coef[r * R + sr] += c * sgn * reluPowDeriv(P[r * R + sr], q);
    }
  }
  const grad = new Float64Array(M * d);
  k.addRowCombinations(grad, coef, X, M, R, d);
  return { loss, grad, P };
}

/**
 * ReLU(z)^q and its derivative without allocating (the hot loop's forms of {@link reluPow}, with
 * the same operations: p = z^(q−1), value p·z, derivative q·p).
 */
function reluPowValue(z: number, q: number): number {
  if (z <= 0) return 0;
  return reluPowBase(z, q) * z;
}

function reluPowDeriv(z: number, q: number): number {
  if (z <= 0) return 0;
  return q * reluPowBase(z, q);
}

/** z^(q−1), with the common integer q multiplied out (z ** 2 === z * z in V8, checked). */
function reluPowBase(z: number, q: number): number {
  return q === 3 ? z * z : q === 2 ? z : z ** (q - 1);
}

/**
 * Test accuracy of the classifier on fresh samples: labels `y` and noise rows `xi` (n × d),
 * signal patches `sig[+1]`, `sig[−1]` given as dense vectors. The inner products ⟨w_r, ·⟩ come
 * from the WebAssembly kernel (`innerProductsWasm`: each summed over k in order, as a plain loop).
 */
export function classifierAccuracy(
  W: Float64Array,
  m: number,
  d: number,
  q: number,
  y: Int8Array,
  xi: Float64Array,
  sigPlus: Float64Array,
  sigMinus: Float64Array,
): number {
  const M = 2 * m, n = y.length, R = n + 2;
  const X = new Float64Array(R * d);
  X.set(xi.subarray(0, n * d));
  X.set(sigPlus.subarray(0, d), n * d);
  X.set(sigMinus.subarray(0, d), (n + 1) * d);
  const P = innerProductsWasm(W, X, M, R, d);
  const act = (z: number) => (z <= 0 ? 0 : z ** (q - 1) * z); // reluPow(z, q)[0]
  // signal patch contribution per class, computed once
  const sigF = [n, n + 1].map((j) => {
    let F = 0;
    for (let r = 0; r < M; r++) F += (r < m ? 1 : -1) * act(P[r * R + j]);
    return F;
  });
  let correct = 0;
  for (let i = 0; i < n; i++) {
    let F = y[i] > 0 ? sigF[0] : sigF[1];
    for (let r = 0; r < M; r++) F += (r < m ? 1 : -1) * act(P[r * R + i]);
    if (y[i] * F > 0) correct++;
  }
  return correct / n;
}

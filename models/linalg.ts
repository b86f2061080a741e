/**
 * Small dense linear algebra in f64 over row-major `Float64Array`s: symmetric eigen
 * decomposition (cyclic Jacobi), Cholesky, triangular solves, products, pseudo-inverse.
 * Sizes here are ≤ a few hundred, so clarity beats blocking.
 * @module
 */

/** C = A (r×k) · B (k×c). */
export function matmul(
  a: Float64Array,
  b: Float64Array,
  r: number,
  k: number,
  c: number,
): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) {
    const oi = i * c;
    for (let p = 0; p < k; p++) {
      const aip = a[i * k + p];
      if (aip === 0) continue;
      const bp = p * c;
      for (let j = 0; j < c; j++) out[oi + j] += aip * b[bp + j];
    }
  }
  return out;
}

/** Aᵀ (r×c → c×r). */
export function transpose(a: Float64Array, r: number, c: number): Float64Array {
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j];
  return out;
}

/** AᵀB for A (n×p), B (n×q): a p×q matrix, without forming Aᵀ. */
export function crossprod(
  a: Float64Array,
  b: Float64Array,
  n: number,
  p: number,
  q: number,
): Float64Array {
  const out = new Float64Array(p * q);
  for (let s = 0; s < n; s++) {
    for (let i = 0; i < p; i++) {
      const ai = a[s * p + i];
      if (ai === 0) continue;
      const oi = i * q, bs = s * q;
      for (let j = 0; j < q; j++) out[oi + j] += ai * b[bs + j];
    }
  }
  return out;
}

/** Eigen decomposition of a symmetric n×n matrix: values ascending, vectors as columns of `vectors`. */
export function symmetricEigen(
  a: Float64Array,
  n: number,
): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let scale = 0;
  for (let i = 0; i < n * n; i++) scale += m[i] * m[i];
  if (scale === 0) return { values: new Float64Array(n), vectors: v };
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q] * m[p * n + q];
    if (off <= 1e-30 * scale) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const app = m[p * n + p], aqq = m[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = m[k * n + p], akq = m[k * n + q];
          m[k * n + p] = c * akp - s * akq;
          m[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = m[p * n + k], aqk = m[q * n + k];
          m[p * n + k] = c * apk - s * aqk;
          m[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p], vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return sortedEigenpairs(m, v, n);
}

/**
 * The eigenpairs of diagonalised Jacobi sweeps, values ascending: `m`'s diagonal and the columns
 * of `v` (n×n), in the order of a stable sort of the diagonal.
 */
export function sortedEigenpairs(
  m: ArrayLike<number>,
  v: ArrayLike<number>,
  n: number,
): { values: Float64Array; vectors: Float64Array } {
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[i * n + i] - m[j * n + j]);
  const values = new Float64Array(n), vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = m[src * n + src];
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src];
  });
  return { values, vectors };
}

/** A symmetric eigen decomposition: {@link symmetricEigen} or a kernel with its bits. */
export type SymmetricEigen = typeof symmetricEigen;

/**
 * Moore–Penrose pseudo-inverse of a symmetric positive semi-definite n×n matrix: eigenvalues
 * below `rtol` × the largest are treated as zero. Returns the inverse and the rank. `eigen`:
 * the decomposition to use (default {@link symmetricEigen}).
 */
export function pinvSymmetric(
  a: Float64Array,
  n: number,
  rtol = 1e-10,
  eigen: SymmetricEigen = symmetricEigen,
): { inv: Float64Array; rank: number } {
  const { values, vectors } = eigen(a, n);
  const cutoff = rtol * Math.max(...values.map(Math.abs));
  const inv = new Float64Array(n * n);
  let rank = 0;
  for (let k = 0; k < n; k++) {
    if (values[k] <= cutoff) continue;
    rank++;
    const w = 1 / values[k];
    for (let i = 0; i < n; i++) {
      const vik = vectors[i * n + k] * w;
      if (vik === 0) continue;
      for (let j = 0; j < n; j++) inv[i * n + j] += vik * vectors[j * n + k];
    }
  }
  return { inv, rank };
}

/** Lower Cholesky factor of a symmetric positive definite matrix, or null if it is not PD. */
export function cholesky(a: Float64Array, n: number): Float64Array | null {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let s = a[j * n + j];
    for (let k = 0; k < j; k++) s -= l[j * n + k] * l[j * n + k];
    if (!(s > 0)) return null;
    const ljj = Math.sqrt(s);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let t = a[i * n + j];
      for (let k = 0; k < j; k++) t -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = t / ljj;
    }
  }
  return l;
}

/** log det of a PD matrix from its Cholesky factor. */
export function logDetFromCholesky(l: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(l[i * n + i]);
  return 2 * s;
}

/** Solve L y = b in place (L lower triangular). */
export function forwardSubstitute(l: Float64Array, n: number, b: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * b[k];
    b[i] = s / l[i * n + i];
  }
  return b;
}

/**
 * log det of a symmetric positive semi-definite matrix through its eigenvalues: −∞ when the
 * matrix is numerically singular (an eigenvalue ≤ n·ε_machine·λ_max), never clamped to a finite value.
 * `eigen`: the decomposition to use (default {@link symmetricEigen}).
 */
export function logDetPsd(
  a: Float64Array,
  n: number,
  eigen: SymmetricEigen = symmetricEigen,
): number {
  const { values } = eigen(a, n);
  const lmax = values[n - 1];
  if (!(lmax > 0)) return -Infinity;
  const tol = n * 2.220446049250313e-16 * lmax;
  let s = 0;
  for (const v of values) {
    if (v <= tol) return -Infinity;
    s += Math.log(v);
  }
  return s;
}

/** log(Σ exp(x_i)) without overflow. */
export function logSumExp(xs: ArrayLike<number>): number {
  let m = -Infinity;
  for (let i = 0; i < xs.length; i++) if (xs[i] > m) m = xs[i];
  if (m === -Infinity || m === Infinity) return m;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += Math.exp(xs[i] - m);
  return m + Math.log(s);
}

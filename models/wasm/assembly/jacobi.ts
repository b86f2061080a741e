// AssemblyScript source of models/wasm/jacobi.wasm (build: `deno task wasm`). The cyclic Jacobi
// sweeps of `symmetricEigen` (models/linalg.ts, the JS reference) in its exact operation order,
// so both give the same bits: the same convergence test, the same rotation angle (Math.sign,
// abs and sqrt have exact WebAssembly twins) and the same updates, column p/q of m, then rows
// p/q of m, then columns p/q of v, each over k ascending; the row updates two k per f64x2 lane
// pair (the k are independent), v held transposed so that its columns are rows. The caller
// sorts the eigenpairs, as the reference does.

/** First byte the caller may use, 16-aligned. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

@inline function at(a: usize, i: i32): usize {
  return a + (<usize>i << 3);
}

/**
 * Diagonalise the symmetric n×n matrix `m` (f64, row-major, overwritten: its diagonal becomes the
 * eigenvalues) and write the rotations' product to `v` (n×n, columns = eigenvectors). Returns 0,
 * touching nothing but `v`, when every entry of `m` is zero (the reference's early return).
 */
export function jacobi(m: usize, v: usize, n: i32): i32 {
  const nn = n * n;
  for (let i = 0; i < nn; i++) store<f64>(at(v, i), 0);
  for (let i = 0; i < n; i++) store<f64>(at(v, i * n + i), 1);
  let scale: f64 = 0;
  for (let i = 0; i < nn; i++) {
    const x = load<f64>(at(m, i));
    scale += x * x;
  }
  if (scale == 0) return 0;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off: f64 = 0;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const x = load<f64>(at(m, p * n + q));
        off += x * x;
      }
    }
    if (off <= 1e-30 * scale) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = load<f64>(at(m, p * n + q));
        if (Math.abs(apq) < 1e-300) continue;
        const app = load<f64>(at(m, p * n + p)), aqq = load<f64>(at(m, q * n + q));
        const theta = (aqq - app) / (2 * apq);
        // Math.sign(theta || 1): 1 for ±0 and NaN
        const sg: f64 = theta > 0 || theta == 0 || theta != theta ? 1 : -1;
        const t = sg / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          const kp = at(m, k * n + p), kq = at(m, k * n + q);
          const akp = load<f64>(kp), akq = load<f64>(kq);
          store<f64>(kp, c * akp - s * akq);
          store<f64>(kq, s * akp + c * akq);
        }
        rotateRows(at(m, p * n), at(m, q * n), n, c, s);
        // v is held transposed (row p of vt = column p of v), so its update is a row update too
        rotateRows(at(v, p * n), at(v, q * n), n, c, s);
      }
    }
  }
  // vt → v
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = at(v, i * n + j), b = at(v, j * n + i);
      const x = load<f64>(a);
      store<f64>(a, load<f64>(b));
      store<f64>(b, x);
    }
  }
  return 1;
}

/** rows p, q ← (c·p − s·q, s·p + c·q), element by element, two k per lane pair. */
@inline function rotateRows(rp: usize, rq: usize, n: i32, c: f64, s: f64): void {
  const cv = f64x2.splat(c), sv = f64x2.splat(s);
  const n2 = n & ~1;
  let k = 0;
  for (; k < n2; k += 2) {
    const o = <usize>k << 3;
    const a = v128.load(rp + o), b = v128.load(rq + o);
    v128.store(rp + o, f64x2.sub(f64x2.mul(cv, a), f64x2.mul(sv, b)));
    v128.store(rq + o, f64x2.add(f64x2.mul(sv, a), f64x2.mul(cv, b)));
  }
  if (k < n) {
    const o = <usize>k << 3;
    const a = load<f64>(rp + o), b = load<f64>(rq + o);
    store<f64>(rp + o, c * a - s * b);
    store<f64>(rq + o, s * a + c * b);
  }
}

// AssemblyScript source of models/wasm/gauss.wasm (build: `deno task wasm`). Paper C's Gaussian
// log densities of many rows, log N(x_i; μ, LLᵀ) = norm − ½‖L⁻¹(x_i − μ)‖², in the exact
// operation order of the JS reference `logGaussianDensities` (models/mem/distances.ts), so both
// give the same bits: r = x_i − μ; forward substitution s = r[a]; s −= L[a,k]·r[k] for k < a
// ascending; r[a] = s / L[a,a]; q = Σ_k r[k]² in k order; out = norm − 0.5·q. Eight rows at a
// time, two per f64x2 lane pair (each lane is one row's scalar computation), so every load of
// L serves eight rows.

@inline function align16(n: usize): usize {
  return (n + 15) & ~(<usize>15);
}

/** First byte the caller may use, 16-aligned. */
export function heapBase(): usize {
  return align16(__heap_base);
}

/** Scratch bytes {@link logDensities} needs in dimension d (8 rows × d, f64). */
export function densityScratch(d: i32): usize {
  return <usize>d << 6;
}

@inline function pair(x: usize, a: i32, b: i32, d: i32, k: i32): v128 {
  return f64x2.replace_lane(
    f64x2.splat(load<f64>(x + (<usize>(a * d + k) << 3))),
    1,
    load<f64>(x + (<usize>(b * d + k) << 3)),
  );
}

@inline function storeOut(out: usize, rows: i32, i: i32, q: v128, norm: f64): void {
  const half = f64x2.splat(0.5), nv = f64x2.splat(norm);
  const v = f64x2.sub(nv, f64x2.mul(half, q));
  if (i < rows) store<f64>(out + (<usize>i << 3), f64x2.extract_lane(v, 0));
  if (i + 1 < rows) store<f64>(out + (<usize>(i + 1) << 3), f64x2.extract_lane(v, 1));
}

/**
 * out[i] = norm − 0.5 ‖L⁻¹(x_i − μ)‖² for the `rows` rows of x (rows × d, f64, row-major); L is
 * the d × d lower Cholesky factor (row-major), μ has d entries. Scratch: {@link densityScratch}
 * bytes, 16-aligned. A last block of fewer than eight rows repeats the last row in its spare
 * lanes and stores only the real ones.
 */
export function logDensities(
  x: usize, rows: i32, d: i32, mu: usize, L: usize, norm: f64, out: usize, scratch: usize,
): void {
  const last = rows - 1;
  const rowB = <usize>d << 3;
  for (let i = 0; i < rows; i += 8) {
    const i1 = min(i + 1, last), i2 = min(i + 2, last), i3 = min(i + 3, last);
    const i4 = min(i + 4, last), i5 = min(i + 5, last), i6 = min(i + 6, last);
    const i7 = min(i + 7, last);
    // r = x − μ, transposed: scratch[k] holds rows i..i+7 of coordinate k in four vectors
    for (let k = 0; k < d; k++) {
      const m = f64x2.splat(load<f64>(mu + (<usize>k << 3)));
      const s = scratch + (<usize>k << 6);
      v128.store(s, f64x2.sub(pair(x, i, i1, d, k), m));
      v128.store(s, f64x2.sub(pair(x, i2, i3, d, k), m), 16);
      v128.store(s, f64x2.sub(pair(x, i4, i5, d, k), m), 32);
      v128.store(s, f64x2.sub(pair(x, i6, i7, d, k), m), 48);
    }
    // forward substitution L y = r, in place
    let lrow = L;
    for (let a = 0; a < d; a++) {
      const sa = scratch + (<usize>a << 6);
      let s0 = v128.load(sa), s1 = v128.load(sa, 16), s2 = v128.load(sa, 32), s3 = v128.load(sa, 48);
      let sk = scratch;
      for (let k = 0; k < a; k++) {
        const l = v128.load64_splat(lrow + (<usize>k << 3));
        s0 = f64x2.sub(s0, f64x2.mul(l, v128.load(sk)));
        s1 = f64x2.sub(s1, f64x2.mul(l, v128.load(sk, 16)));
        s2 = f64x2.sub(s2, f64x2.mul(l, v128.load(sk, 32)));
        s3 = f64x2.sub(s3, f64x2.mul(l, v128.load(sk, 48)));
        sk += 64;
      }
      const diag = v128.load64_splat(lrow + (<usize>a << 3));
      v128.store(sa, f64x2.div(s0, diag));
      v128.store(sa, f64x2.div(s1, diag), 16);
      v128.store(sa, f64x2.div(s2, diag), 32);
      v128.store(sa, f64x2.div(s3, diag), 48);
      lrow += rowB;
    }
    // q = Σ_k y_k², k ascending
    let q0 = f64x2.splat(0), q1 = q0, q2 = q0, q3 = q0;
    for (let k = 0; k < d; k++) {
      const s = scratch + (<usize>k << 6);
      const y0 = v128.load(s), y1 = v128.load(s, 16), y2 = v128.load(s, 32), y3 = v128.load(s, 48);
      q0 = f64x2.add(q0, f64x2.mul(y0, y0));
      q1 = f64x2.add(q1, f64x2.mul(y1, y1));
      q2 = f64x2.add(q2, f64x2.mul(y2, y2));
      q3 = f64x2.add(q3, f64x2.mul(y3, y3));
    }
    storeOut(out, rows, i, q0, norm);
    storeOut(out, rows, i + 2, q1, norm);
    storeOut(out, rows, i + 4, q2, norm);
    storeOut(out, rows, i + 6, q3, norm);
  }
}

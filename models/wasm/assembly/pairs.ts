// AssemblyScript source of models/wasm/pairs.wasm (build: `deno task wasm`). Paper C's f64 pair
// sums on the CPU, in the exact operation order of the JS reference `laterPairSums`
// (models/cpu/pair_sums.ts), so both give the same bits: for each row i,
// acc_i = Σ_{j>i} exp(−scale ‖x_i − x_j‖²) with each squared distance summed over k ascending
// (t = x_i[k] − x_j[k]; d += t·t) and the terms added in j order. Eight rows i at a time, one
// per f64x2 lane (rows i, i+1 in the first vector, …), each lane its own row's computation: a
// point j is loaded once for eight rows. exp is the JavaScript engine's own Math.exp (imported):
// WebAssembly has none, and another implementation could round differently.

@external("./math_imports.ts", "exp") declare function jsExp(x: f64): f64;

@inline function align16(n: usize): usize {
  return (n + 15) & ~(<usize>15);
}

/** First byte the caller may use, 16-aligned. */
export function heapBase(): usize {
  return align16(__heap_base);
}

/** Scratch bytes {@link laterPairSums} needs in dimension d (eight rows, transposed). */
export function pairScratch(d: i32): usize {
  return <usize>d << 6;
}

@inline function pair(x: usize, a: i32, b: i32, d: i32, k: i32): v128 {
  return f64x2.replace_lane(
    f64x2.splat(load<f64>(x + (<usize>(a * d + k) << 3))),
    1,
    load<f64>(x + (<usize>(b * d + k) << 3)),
  );
}

/**
 * out[o + i − from] = Σ_{j=i+1}^{end−1} exp(−scale ‖x_i − x_j‖²) for from ≤ i < to (rows of x:
 * d values each, f64). Scratch: {@link pairScratch} bytes, 16-aligned.
 */
export function laterPairSums(
  x: usize, d: i32, from: i32, to: i32, end: i32, scale: f64, out: usize, scratch: usize,
): void {
  const rowB = <usize>d << 3;
  const ns = -scale;
  for (let i = from; i < to; i += 8) {
    const last = to - 1;
    const i1 = min(i + 1, last), i2 = min(i + 2, last), i3 = min(i + 3, last);
    const i4 = min(i + 4, last), i5 = min(i + 5, last), i6 = min(i + 6, last);
    const i7 = min(i + 7, last);
    for (let k = 0; k < d; k++) {
      const s = scratch + (<usize>k << 6);
      v128.store(s, pair(x, i, i1, d, k));
      v128.store(s, pair(x, i2, i3, d, k), 16);
      v128.store(s, pair(x, i4, i5, d, k), 32);
      v128.store(s, pair(x, i6, i7, d, k), 48);
    }
    let a0: f64 = 0, a1: f64 = 0, a2: f64 = 0, a3: f64 = 0;
    let a4: f64 = 0, a5: f64 = 0, a6: f64 = 0, a7: f64 = 0;
    let xj = x + <usize>(i + 1) * rowB;
    for (let j = i + 1; j < end; j++) {
      let d0 = f64x2.splat(0), d1 = d0, d2 = d0, d3 = d0;
      let s = scratch;
      for (let k = 0; k < d; k++) {
        const y = v128.load64_splat(xj + (<usize>k << 3));
        const t0 = f64x2.sub(v128.load(s), y), t1 = f64x2.sub(v128.load(s, 16), y);
        const t2 = f64x2.sub(v128.load(s, 32), y), t3 = f64x2.sub(v128.load(s, 48), y);
        d0 = f64x2.add(d0, f64x2.mul(t0, t0));
        d1 = f64x2.add(d1, f64x2.mul(t1, t1));
        d2 = f64x2.add(d2, f64x2.mul(t2, t2));
        d3 = f64x2.add(d3, f64x2.mul(t3, t3));
        s += 64;
      }
      // row i + r pairs with j only when j > i + r (and i + r < to): the others add nothing
      const r = j - i;
      a0 += jsExp(ns * f64x2.extract_lane(d0, 0));
      if (r > 1) a1 += jsExp(ns * f64x2.extract_lane(d0, 1));
      if (r > 2) a2 += jsExp(ns * f64x2.extract_lane(d1, 0));
      if (r > 3) a3 += jsExp(ns * f64x2.extract_lane(d1, 1));
      if (r > 4) a4 += jsExp(ns * f64x2.extract_lane(d2, 0));
      if (r > 5) a5 += jsExp(ns * f64x2.extract_lane(d2, 1));
      if (r > 6) a6 += jsExp(ns * f64x2.extract_lane(d3, 0));
      if (r > 7) a7 += jsExp(ns * f64x2.extract_lane(d3, 1));
      xj += rowB;
    }
    const o = out + (<usize>(i - from) << 3);
    store<f64>(o, a0);
    if (i + 1 < to) store<f64>(o, a1, 8);
    if (i + 2 < to) store<f64>(o, a2, 16);
    if (i + 3 < to) store<f64>(o, a3, 24);
    if (i + 4 < to) store<f64>(o, a4, 32);
    if (i + 5 < to) store<f64>(o, a5, 40);
    if (i + 6 < to) store<f64>(o, a6, 48);
    if (i + 7 < to) store<f64>(o, a7, 56);
  }
}

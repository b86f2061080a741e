// AssemblyScript source of models/wasm/moments.wasm (build: `deno task wasm`). The centred
// second moments of `meanAndCovarianceJs` (models/images/gaussian_surrogate.ts) in its exact
// operation order: per image in order, c = f64(x) − mean, then for every row i with c_i ≠ 0,
// cov[i, j] += c_i c_j for j ≥ i (f64x2 lanes over j: each entry still sums images in order).

/** First byte the caller may use (after the module's static data), 16-aligned. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

/**
 * Add the upper triangle of Σ_r (x_r − mean)(x_r − mean)ᵀ over n rows of d f32 at `x` to `cov`
 * (f64 d×d, row-major); `c`: d f64 of scratch.
 */
export function centredOuterAdd(x: usize, n: i32, d: i32, mean: usize, c: usize, cov: usize): void {
  for (let r = 0; r < n; r++) {
    const xr = x + (<usize>(r * d) << 2);
    for (let k = 0; k < d; k++) {
      const o = <usize>k << 3;
      store<f64>(c + o, <f64>load<f32>(xr + (<usize>k << 2)) - load<f64>(mean + o));
    }
    for (let i = 0; i < d; i++) {
      const ci = load<f64>(c + (<usize>i << 3));
      if (ci == 0) continue;
      const row = cov + (<usize>(i * d) << 3), s = f64x2.splat(ci);
      let j = i;
      for (; j + 2 <= d; j += 2) {
        const o = <usize>j << 3;
        v128.store(row + o, f64x2.add(v128.load(row + o), f64x2.mul(s, v128.load(c + o))));
      }
      if (j < d) {
        const o = <usize>j << 3;
        store<f64>(row + o, load<f64>(row + o) + ci * load<f64>(c + o));
      }
    }
  }
}

/**
 * The pool moment M = Φ_aᵀ diag(w) Φ_b of `PoolStats.moment` (game.ts) in WebAssembly SIMD
 * (`models/wasm/assembly/lt.ts`, tiles of 2 × 8 outputs, each a sum over the draws in the
 * reference's order): the same bits as {@link weightedMomentJs} (tested).
 * @module
 */
import { ltArena, ltWasm } from "./lt_wasm.ts";

/**
 * The reference: out[j·m + k] = Σ_i (pa[i·m + j]·(wt_i/N))·pb[i·m + k] over draws i ascending,
 * terms with pa·w = 0 skipped; with `sym` (pa = pb) only k ≥ j, the rest mirrored.
 */
export function weightedMomentJs(
  pa: Float64Array,
  pb: Float64Array,
  wt: Float64Array,
  N: number,
  m: number,
  sym: boolean,
): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < N; i++) {
    const wi = wt[i] / N, oa = i * m;
    for (let j = 0; j < m; j++) {
      const v = pa[oa + j] * wi;
      if (v === 0) continue;
      const row = j * m;
      for (let k = sym ? j : 0; k < m; k++) out[row + k] += v * pb[oa + k];
    }
  }
  if (sym) {
    for (let j = 0; j < m; j++) for (let k = 0; k < j; k++) out[j * m + k] = out[k * m + j];
  }
  return out;
}

/**
 * {@link weightedMomentJs} in WebAssembly, the same bits. The kernel adds a skipped term as
 * 0·pb = ±0, which changes nothing when pb is finite (a sum that starts at +0 is never −0 under
 * round-to-nearest, and s + ±0 = s for any other s): for a non-finite pb this runs the reference.
 */
export function weightedMoment(
  pa: Float64Array,
  pb: Float64Array,
  wt: Float64Array,
  N: number,
  m: number,
  sym: boolean,
): Float64Array {
  ltArena.reset();
  const ap = ltArena.put(pa.subarray(0, N * m));
  const bp = sym ? ap : ltArena.put(pb.subarray(0, N * m));
  if (!ltWasm.allFinite(bp, N * m)) return weightedMomentJs(pa, pb, wt, N, m, sym);
  const w = new Float64Array(N);
  for (let i = 0; i < N; i++) w[i] = wt[i] / N;
  const wp = ltArena.put(w), op = ltArena.alloc(8 * m * m);
  ltArena.alloc(64); // the last row's 8-column tile may read past the end of pb
  ltWasm.moment(ap, bp, wp, op, N, m, sym ? 1 : 0);
  return ltArena.f64(op, m * m).slice();
}

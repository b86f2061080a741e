/**
 * The pool's features in WebAssembly (`models/wasm/assembly/lt.ts`): `featuresAt` (features.ts) of every
 * draw, the same bits (tested), two features per vector.
 * @module
 */
import { ltArena, ltWasm } from "./lt_wasm.ts";
import type { RandomFeatures } from "./features.ts";

/**
 * φ_i = ReLU(W x_i + tb[tIdx_i]) for N draws (x N × d, tb the nT × m time-bias table): an N × m
 * array, as N calls of `featuresAt` (features.ts).
 */
export function poolFeaturesWasm(
  f: RandomFeatures,
  x: Float64Array,
  tIdx: Int32Array,
  tb: Float64Array,
  N: number,
): Float64Array {
  const { d, m, W } = f;
  const Wt = new Float64Array(d * m);
  for (let j = 0; j < m; j++) for (let q = 0; q < d; q++) Wt[q * m + j] = W[j * d + q];
  ltArena.reset();
  const wp = ltArena.put(Wt), xp = ltArena.put(x.subarray(0, N * d));
  const ip = ltArena.put(tIdx.subarray(0, N)), tp = ltArena.put(tb), op = ltArena.alloc(8 * N * m);
  ltWasm.poolFeatures(wp, xp, ip, tp, op, N, m, d);
  return ltArena.f64(op, N * m).slice();
}

/**
 * The WebAssembly SIMD path of the CPU pair sums (`models/wasm/assembly/pairs.ts`): the same
 * signature and the same bits as {@link laterPairSums} of `pair_sums.ts` (f64, each distance
 * summed over k ascending, terms added in j order; tested for equality), eight rows i per pass
 * so that each point j is loaded once for eight rows. Its exp is correctly rounded, as this
 * engine's `Math.exp` is (two lanes at a time, Math.exp itself for the rare hard cases; see the
 * kernel's header): {@link expWasm} is tested against Math.exp.
 * @module
 */
import * as pairs from "../wasm/pairs.wasm";
import { WasmArena } from "../wasm/arena.ts";

const arena = new WasmArena(pairs.memory as WebAssembly.Memory, pairs.heapBase());
/** Rows per kernel call (a multiple of the kernel's eight-row blocks). */
const CALL_ROWS = 64;

/**
 * out[o + (i − from)] = Σ_{j=i+1}^{end−1} exp(−scale ‖x_i − x_j‖²) for rows from ≤ i < to of `x`
 * (rows of `dim`): `laterPairSums` in WebAssembly, the same bits. Copies rows from .. end − 1 in.
 */
export function laterPairSumsWasm(
  x: ArrayLike<number>,
  dim: number,
  from: number,
  to: number,
  end: number,
  scale: number,
  out: Float64Array,
  o = 0,
): void {
  if (to <= from) return;
  arena.reset();
  const rows = end - from;
  const xp = arena.alloc(8 * rows * dim);
  const view = arena.f64(xp, rows * dim);
  if (x instanceof Float64Array || x instanceof Float32Array) {
    view.set(x.subarray(from * dim, end * dim));
  } else for (let i = 0; i < rows * dim; i++) view[i] = x[from * dim + i];
  const op = arena.alloc(8 * (to - from)), sp = arena.alloc(pairs.pairScratch(dim));
  // in calls of CALL_ROWS rows: V8 runs a WebAssembly function's optimised code from its next
  // call on, so one call for a whole set would run in the baseline compiler throughout
  for (let f = 0; f < to - from; f += CALL_ROWS) {
    pairs.laterPairSums(
      xp,
      dim,
      f,
      Math.min(f + CALL_ROWS, to - from),
      rows,
      scale,
      op + 8 * f,
      sp,
    );
  }
  out.set(arena.f64(op, to - from), o);
}

/** exp of every value through the kernel's own exp (`expv`, two lanes at a time): for tests. */
export function expWasm(xs: Float64Array): Float64Array {
  arena.reset();
  const xp = arena.put(xs), op = arena.alloc(8 * xs.length);
  pairs.expArray(xp, op, xs.length);
  return arena.f64(op, xs.length).slice();
}

/**
 * `luSolve` (linsolve.ts) in WebAssembly (`models/wasm/assembly/lt.ts`): the same pivots, eliminations and
 * back substitution in the reference's order per entry, so the same bits (tested), and the same
 * error on a singular matrix.
 * @module
 */
import { ltArena, ltWasm } from "./lt_wasm.ts";

/** Solve A X = B (A n×n, B n×r, row-major) as `luSolve` (linsolve.ts) does, in WebAssembly. */
export function luSolveWasm(a: Float64Array, n: number, b: Float64Array, r: number): Float64Array {
  ltArena.reset();
  const ap = ltArena.put(a.subarray(0, n * n)), bp = ltArena.put(b.subarray(0, n * r));
  const k = ltWasm.luSolve(ap, bp, n, r);
  if (k >= 0) throw new Error(`luSolve: singular matrix at column ${k}`);
  return ltArena.f64(bp, n * r).slice();
}

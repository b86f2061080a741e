/**
 * The WebAssembly path of `symmetricEigen` (`models/wasm/assembly/jacobi.ts`): the same cyclic
 * Jacobi sweeps in the same operation order, so the same bits (tested for equality); the sort of
 * the eigenpairs is the reference's own (`sortedEigenpairs`). Paper C's fits and Hellinger
 * distances decompose a d×d matrix three times per (trial, n): this is most of their time.
 * @module
 */
import * as jacobi from "../wasm/jacobi.wasm";
import { WasmArena } from "../wasm/arena.ts";
import { sortedEigenpairs } from "../linalg.ts";

const arena = new WasmArena(jacobi.memory as WebAssembly.Memory, jacobi.heapBase());

/** `symmetricEigen` of `models/linalg.ts` in WebAssembly: values ascending, the same bits. */
export function symmetricEigenWasm(
  a: Float64Array,
  n: number,
): { values: Float64Array; vectors: Float64Array } {
  arena.reset();
  const mp = arena.put(a.subarray(0, n * n)), vp = arena.alloc(8 * n * n);
  const nonzero = jacobi.jacobi(mp, vp, n);
  const v = arena.f64(vp, n * n).slice();
  if (!nonzero) return { values: new Float64Array(n), vectors: v };
  return sortedEigenpairs(arena.f64(mp, n * n), v, n);
}

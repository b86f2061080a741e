/**
 * The WebAssembly SIMD path of Paper A's row kernels (`models/wasm/assembly/rows.ts`): same
 * signatures and the same bits as {@link innerProducts} and {@link addRowCombinations} of
 * `batch.ts` (f64, the reference's summation order, tested for equality). {@link RowKernels}
 * lets the loss-and-gradient functions take either. {@link ResidentRows} keeps a whole run's
 * buffers in the module's memory for the trainers that run every step there (`train_wasm.ts`).
 * @module
 */
import * as rows from "../wasm/rows.wasm";
import { WasmArena } from "../wasm/arena.ts";
import { addRowCombinations, innerProducts } from "./batch.ts";

const arena = new WasmArena(rows.memory as WebAssembly.Memory, rows.heapBase());

/** The row kernels' WebAssembly exports (byte offsets into its memory; see `assembly/rows.ts`). */
export const rowsWasm = rows;

/**
 * Buffers that stay in the row kernels' WebAssembly memory across calls (a whole GD run, no
 * copies per step). Creating one frees every earlier allocation of this thread's module instance
 * (one resident run at a time); {@link ResidentRows.check} throws when another call (one of the
 * copying kernels below) has reset the memory since.
 */
export class ResidentRows {
  readonly #generation: number;

  constructor() {
    arena.reset();
    this.#generation = arena.generation;
  }

  /** Copy `a` in; returns its byte offset. */
  put(a: Float64Array): number {
    this.check();
    return arena.put(a);
  }

  /** Reserve `bytes` (16-aligned); returns the byte offset. */
  alloc(bytes: number): number {
    this.check();
    return arena.alloc(bytes);
  }

  /** A view of `n` f64 at byte offset `at` (valid until the next allocation). */
  f64(at: number, n: number): Float64Array {
    this.check();
    return arena.f64(at, n);
  }

  /** Throws if the memory was reset since this run started. */
  check(): void {
    if (arena.generation !== this.#generation) {
      throw new Error("the row kernels' WebAssembly memory was reset during a resident run");
    }
  }
}

/** {@link innerProducts} in WebAssembly: P = W Xᵀ (M × R), the same bits. */
export function innerProductsWasm(
  W: Float64Array,
  X: Float64Array,
  M: number,
  R: number,
  d: number,
  out: Float64Array = new Float64Array(M * R),
): Float64Array {
  arena.reset();
  const wp = arena.put(W.subarray(0, M * d)), xp = arena.put(X.subarray(0, R * d));
  const pp = arena.alloc(8 * M * R), sp = arena.alloc(rows.innerScratch(R, d));
  rows.innerProducts(wp, xp, pp, sp, M, R, d);
  out.set(arena.f64(pp, M * R));
  return out;
}

/** G = W Wᵀ (m × m) in WebAssembly: the same bits as `gram` of `diffusion.ts`. */
export function gramWasm(W: Float64Array, m: number, d: number): Float64Array {
  arena.reset();
  const wp = arena.put(W.subarray(0, m * d)), gp = arena.alloc(8 * m * m);
  const sp = arena.alloc(rows.innerScratch(m, d));
  rows.gram(wp, gp, sp, m, d);
  return arena.f64(gp, m * m).slice();
}

/** {@link addRowCombinations} in WebAssembly: the same bits. */
export function addRowCombinationsWasm(
  out: Float64Array,
  C: Float64Array,
  X: Float64Array,
  M: number,
  R: number,
  d: number,
  scale = 1,
): void {
  arena.reset();
  const op = arena.put(out.subarray(0, M * d)), cp = arena.put(C.subarray(0, M * R));
  const xp = arena.put(X.subarray(0, R * d)), sp = arena.alloc(rows.combineScratch(M, R));
  rows.addRowCombinations(op, cp, xp, sp, M, R, d, scale);
  out.set(arena.f64(op, M * d));
}

/**
 * The m × m × R terms of the diffusion loss in WebAssembly (see `diffusionLossGrad`): fills
 * `coef` (m × R) and adds to `H` (m × m) and returns the loss, the same bits as the JS loop.
 */
export function diffusionTermsWasm(
  P: Float64Array,
  G: Float64Array,
  weights: Float64Array,
  coef: Float64Array,
  H: Float64Array,
  m: number,
  R: number,
  d: number,
  alpha: number,
  beta: number,
): number {
  arena.reset();
  const pp = arena.put(P.subarray(0, m * R)), gp = arena.put(G.subarray(0, m * m));
  const wp = arena.put(weights.subarray(0, R)), cp = arena.alloc(8 * m * R);
  const hp = arena.put(H.subarray(0, m * m)), sp = arena.alloc(rows.diffusionScratch(m, R));
  const loss = rows.diffusionTerms(pp, gp, wp, cp, hp, sp, m, R, d, alpha, beta);
  coef.set(arena.f64(cp, m * R));
  H.set(arena.f64(hp, m * m));
  return loss;
}

/** The row kernels a loss-and-gradient evaluation uses. */
export interface RowKernels {
  innerProducts: typeof innerProducts;
  /** G = W Wᵀ (m × m). */
  gram: (W: Float64Array, m: number, d: number) => Float64Array;
  addRowCombinations: typeof addRowCombinations;
  /** The diffusion loss's m × m × R terms, or null for the JS loop of `diffusion.ts`. */
  diffusionTerms: typeof diffusionTermsWasm | null;
}

/** The plain-JS kernels of `batch.ts` (the reference). */
export const JS_ROWS: RowKernels = {
  innerProducts,
  gram: (W, m, d) => innerProducts(W, W, m, m, d),
  addRowCombinations,
  diffusionTerms: null,
};

/** The WebAssembly SIMD kernels (the same bits, the default). */
export const WASM_ROWS: RowKernels = {
  innerProducts: innerProductsWasm,
  gram: gramWasm,
  addRowCombinations: addRowCombinationsWasm,
  diffusionTerms: diffusionTermsWasm,
};

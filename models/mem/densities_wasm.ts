/**
 * The WebAssembly SIMD path of Paper C's Gaussian log densities (`models/wasm/assembly/gauss.ts`):
 * the same bits as the JS reference `logGaussianDensities` of `distances.ts` (same operations in
 * the same order per row, tested for equality), eight rows per pass. {@link ResidentRows} copies a
 * point set into the module's memory once and evaluates it under many Gaussians (the original
 * set of a trial meets 2 × 11 generated Gaussians at quick), so nothing is copied or allocated
 * per call but the output.
 * @module
 */
import * as gauss from "../wasm/gauss.wasm";
import { WasmArena } from "../wasm/arena.ts";
import { cholesky, logDetFromCholesky } from "../linalg.ts";

const LOG_2PI = Math.log(2 * Math.PI);
const arena = new WasmArena(gauss.memory as WebAssembly.Memory, gauss.heapBase());
/** The live sets, oldest first: they are freed newest first (a stack in the module's memory). */
const live: ResidentRows[] = [];

/**
 * A set of rows (rows × d, f64) held in the WebAssembly module's memory until {@link dispose}.
 * Sets live on a stack per module instance (each worker has its own): a set must be disposed
 * after every set created later; {@link logGaussianDensitiesWasm} creates and disposes its own.
 */
export class ResidentRows {
  readonly rows: number;
  readonly d: number;
  #mark: number;
  #x: number;
  #mu: number;
  #l: number;
  #out: number;
  #scratch: number;

  /** Copy `x` (at least rows × d values) into the module's memory. */
  constructor(x: Float64Array, rows: number, d: number) {
    this.rows = rows, this.d = d;
    if (!live.length) arena.reset();
    this.#mark = arena.mark();
    this.#x = arena.put(x.subarray(0, rows * d));
    this.#mu = arena.alloc(8 * d);
    this.#l = arena.alloc(8 * d * d);
    this.#out = arena.alloc(8 * rows);
    this.#scratch = arena.alloc(gauss.densityScratch(d));
    live.push(this);
  }

  /** Free the set's memory; it must be the newest live set. */
  dispose(): void {
    if (live[live.length - 1] !== this) {
      throw new Error("ResidentRows: dispose the newest set first (or this one twice)");
    }
    live.pop();
    arena.release(this.#mark);
  }

  /** log N(x_i; μ, C) for every row, C positive definite: `logGaussianDensities`' bits. */
  logGaussianDensities(mu: Float64Array, cov: Float64Array): Float64Array {
    if (!live.includes(this)) throw new Error("ResidentRows: used after dispose");
    const d = this.d;
    const { l, norm } = gaussianFactor(cov, d);
    arena.f64(this.#mu, d).set(mu.subarray(0, d));
    arena.f64(this.#l, d * d).set(l);
    gauss.logDensities(this.#x, this.rows, d, this.#mu, this.#l, norm, this.#out, this.#scratch);
    return arena.f64(this.#out, this.rows).slice();
  }
}

/**
 * The Cholesky factor L of a positive definite covariance (d × d) and the log normaliser
 * −(d log 2π + log det C) / 2 of its Gaussian density; throws when C is not positive definite.
 */
export function gaussianFactor(cov: Float64Array, d: number): { l: Float64Array; norm: number } {
  const l = cholesky(cov, d);
  if (!l) throw new Error("logGaussianDensities: covariance is not positive definite");
  return { l, norm: -0.5 * (d * LOG_2PI + logDetFromCholesky(l, d)) };
}

/** `logGaussianDensities` of `distances.ts` in WebAssembly (copies `x` in): the same bits. */
export function logGaussianDensitiesWasm(
  x: Float64Array,
  rows: number,
  d: number,
  mu: Float64Array,
  cov: Float64Array,
): Float64Array {
  const set = new ResidentRows(x, rows, d);
  try {
    return set.logGaussianDensities(mu, cov);
  } finally {
    set.dispose();
  }
}

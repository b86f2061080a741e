/**
 * The WebAssembly path of the CPU pSGD trainer (`models/wasm/assembly/sgd.ts`): one run of a
 * batch, the same bits as the JS reference loop of {@link ./sgd.ts} (tested for equality), with
 * Philox on native 64-bit multiplies (four blocks per vector), a vectorised Box–Muller that gives
 * Math.log/cos/sin's bits (`models/wasm/assembly/box_muller.ts`) and no allocation per step.
 * Progress and abort are handled between chunks of 4096 steps, where the reference handles them.
 * @module
 */
import * as sgd from "../wasm/sgd.wasm";
import { WasmArena } from "../wasm/arena.ts";
import { CORRELATED_THRESHOLD, LATENTS } from "../../datasets/mixed_cumulant.ts";
import type { SgdBatch, SgdBatchResult } from "./sgd.ts";

const arena = new WasmArena(sgd.memory as WebAssembly.Memory, sgd.heapBase());

/** Steps between progress reports and abort checks (as in the reference). */
const CHUNK = 4096;

/**
 * Train run `run` of `b` from the initial weights `w0` (K × d), writing its crossings, failure
 * step and logged overlaps into `res` (rows `run`).
 */
export function runOneWasm(
  b: SgdBatch,
  run: number,
  w0: Float64Array,
  res: SgdBatchResult,
  onProgress?: (steps: number) => void,
  signal?: AbortSignal,
): void {
  const { d, K, cap, logEvery } = b;
  const L = res.logs;
  const { key, eta } = b.runs[run];
  arena.reset();
  const wp = arena.put(w0), sp = arena.alloc(sgd.sgdScratch(d, K));
  const rp = arena.put(new Uint32Array(3)), lu = arena.zerosF32(L), lv = arena.zerosF32(L);
  const latent = LATENTS.indexOf(b.data.latent);
  if (latent < 0) throw new RangeError(`unknown latent ${JSON.stringify(b.data.latent)}`);
  for (let t0 = 1; t0 <= cap;) {
    if (t0 % CHUNK === 0) {
      if (signal?.aborted) throw new DOMException("aborted", "AbortError");
      onProgress?.(CHUNK);
    }
    const t1 = Math.min(cap + 1, (Math.floor(t0 / CHUNK) + 1) * CHUNK);
    const ok = sgd.sgdSteps(
      wp,
      sp,
      rp,
      lu,
      lv,
      d,
      K,
      b.act === "linear" ? 1 : 0,
      latent,
      b.data.betaU,
      b.data.betaV,
      CORRELATED_THRESHOLD,
      b.alpha,
      eta,
      key[0] >>> 0,
      key[1] >>> 0,
      t0,
      t1,
      logEvery,
      b.thresholdU,
      b.thresholdV,
    );
    if (!ok) break;
    t0 = t1;
  }
  onProgress?.(cap % CHUNK);
  const r = arena.u32(rp, 3);
  res.crossU[run] = r[0], res.crossV[run] = r[1], res.failedAt[run] = r[2];
  res.logU.set(arena.f32(lu, L), run * L);
  res.logV.set(arena.f32(lv, L), run * L);
}

/** Word `i` of Philox4x32-10 block (c0..c3) under key (k0, k1), computed in WebAssembly. */
export function philoxWordWasm(
  c: readonly [number, number, number, number],
  k: readonly [number, number],
  i: number,
): number {
  return sgd.philoxWord(c[0], c[1], c[2], c[3], k[0], k[1], i) >>> 0;
}

function putWords(words: Uint32Array): { wp: number; pairs: number } {
  if (words.length % 4 !== 0) throw new RangeError("words must hold an even number of pairs");
  arena.reset();
  return { wp: arena.put(words), pairs: words.length / 2 };
}

/**
 * Box–Muller of word pairs (x, y) in WebAssembly: the normals `normal2FromU32(x, y)` gives, in
 * pair order (cos normal, sin normal). `words.length` must be a multiple of 4.
 */
export function normalsWasm(words: Uint32Array): Float64Array {
  const { wp, pairs } = putWords(words);
  const out = arena.alloc(16 * pairs);
  sgd.normalsFromWords(wp, out, pairs);
  return arena.f64(out, 2 * pairs).slice();
}

/**
 * The WebAssembly Box–Muller's log u1, cos th and sin th per word pair (x, y), u1 = 1 −
 * (x>>>8)·2⁻²⁴ and th = 2π·(y>>>8)·2⁻²⁴ (for tests against Math.log/cos/sin).
 */
export function logCosSinWasm(
  words: Uint32Array,
): { log: Float64Array; cos: Float64Array; sin: Float64Array } {
  const { wp, pairs } = putWords(words);
  const l = arena.alloc(8 * pairs), c = arena.alloc(8 * pairs), s = arena.alloc(8 * pairs);
  sgd.logCosSinFromWords(wp, l, c, s, pairs);
  return {
    log: arena.f64(l, pairs).slice(),
    cos: arena.f64(c, pairs).slice(),
    sin: arena.f64(s, pairs).slice(),
  };
}

/** How many log/cos/sin values the WebAssembly Box–Muller took from the engine so far. */
export function boxMullerFallbacks(): number {
  return sgd.boxMullerFallbacks();
}

/**
 * Philox4x32-10 blocks (j + ℓ, t, 0, 0), ℓ < 8, under `key`, drawn four lanes at a time in
 * WebAssembly as the trainer draws a step: `out[4ℓ + i]` is word i of block j + ℓ.
 */
export function philoxGroupWasm(j: number, t: number, key: readonly [number, number]): Uint32Array {
  arena.reset();
  const p = arena.alloc(128);
  sgd.philoxGroupWords(j, t, key[0] >>> 0, key[1] >>> 0, p);
  const w = arena.u32(p, 32), out = new Uint32Array(32);
  for (let l = 0; l < 8; l++) {
    for (let i = 0; i < 4; i++) out[4 * l + i] = w[16 * (l >> 2) + 4 * i + (l & 3)];
  }
  return out;
}

/**
 * The WebAssembly path of the CPU pSGD trainer (`models/wasm/assembly/sgd.ts`): one run of a
 * batch, the same bits as the JS reference loop of {@link ./sgd.ts} (tested for equality), with
 * Philox on native 64-bit multiplies and no allocation per step. The samples of a chunk of steps
 * are drawn ahead (they do not depend on the weights): Philox words in WebAssembly, their
 * Box–Muller normals here in one JS loop over the chunk (the engine's Math.log/cos/sin called from
 * optimised JS rather than once per value across the WebAssembly boundary), then the steps in
 * WebAssembly. Progress and abort are handled between chunks of 4096 steps, where the reference
 * handles them.
 * @module
 */
import * as sgd from "../wasm/sgd.wasm";
import { WasmArena } from "../wasm/arena.ts";
import { CORRELATED_THRESHOLD, LATENTS } from "../../datasets/mixed_cumulant.ts";
import { normal2FromU32 } from "../../datasets/philox.ts";
import type { SgdBatch, SgdBatchResult } from "./sgd.ts";

const arena = new WasmArena(sgd.memory as WebAssembly.Memory, sgd.heapBase());

/** Steps between progress reports and abort checks (as in the reference). */
const CHUNK = 4096;

/** Bytes of normals (f64) a chunk of drawn-ahead samples may take (it stays in the L2 cache). */
const SAMPLE_BYTES = 1 << 16;

/**
 * Box–Muller of `pairs` word pairs: normals 2p, 2p+1 of `out` from words 2p, 2p+1 of `words`,
 * exactly as {@link normal2FromU32}.
 */
export function normalsFromWords(words: Uint32Array, out: Float64Array, pairs: number): void {
  for (let p = 0; p < pairs; p++) {
    const [a, b] = normal2FromU32(words[2 * p], words[2 * p + 1]);
    out[2 * p] = a, out[2 * p + 1] = b;
  }
}

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
  const pairs = sgd.pairsPerStep(d);
  const ahead = Math.max(1, Math.min(CHUNK, Math.floor(SAMPLE_BYTES / (16 * pairs))));
  const wordsP = arena.alloc(8 * pairs * ahead), latP = arena.alloc(4 * ahead);
  const nzP = arena.alloc(16 * pairs * ahead);
  const words = arena.u32(wordsP, 2 * pairs * ahead), nz = arena.f64(nzP, 2 * pairs * ahead);
  const latent = LATENTS.indexOf(b.data.latent);
  if (latent < 0) throw new RangeError(`unknown latent ${JSON.stringify(b.data.latent)}`);
  const k0 = key[0] >>> 0, k1 = key[1] >>> 0;
  let ok = true;
  for (let t0 = 1; t0 <= cap && ok;) {
    if (t0 % CHUNK === 0) {
      if (signal?.aborted) throw new DOMException("aborted", "AbortError");
      onProgress?.(CHUNK);
    }
    const t1 = Math.min(cap + 1, t0 + ahead, (Math.floor(t0 / CHUNK) + 1) * CHUNK);
    sgd.sgdWords(wordsP, latP, d, t0, t1, k0, k1);
    normalsFromWords(words, nz, pairs * (t1 - t0));
    ok = !!sgd.sgdSteps(
      wp,
      sp,
      rp,
      lu,
      lv,
      nzP,
      latP,
      d,
      K,
      b.act === "linear" ? 1 : 0,
      latent,
      b.data.betaU,
      b.data.betaV,
      CORRELATED_THRESHOLD,
      b.alpha,
      eta,
      t0,
      t1,
      logEvery,
      b.thresholdU,
      b.thresholdV,
    );
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

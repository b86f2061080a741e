/**
 * The WebAssembly path of the CPU pSGD trainer (`models/wasm/assembly/sgd.ts`): one run of a
 * batch, the same bits as the JS reference loop of {@link ./sgd.ts} (tested for equality), with
 * Philox on native 64-bit multiplies and no allocation per step. Progress and abort are handled
 * between chunks of 4096 steps, where the reference handles them.
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

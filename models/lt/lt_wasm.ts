/**
 * The WebAssembly SIMD module of Paper D's hot loops (`models/wasm/assembly/lt.ts`) and the one
 * arena over its memory that every wrapper of this folder uses (`sampler_cpu.ts`, `moment_wasm.ts`,
 * `igd_wasm.ts`); each worker imports its own instance. A wrapper resets the arena when it starts
 * and calls no other wrapper while it holds allocations.
 * @module
 */
import * as lt from "../wasm/lt.wasm";
import { WasmArena } from "../wasm/arena.ts";

/** The module's exports. */
export const ltWasm = lt;

/** The bump allocator over the module's memory. */
export const ltArena: WasmArena = new WasmArena(lt.memory as WebAssembly.Memory, lt.heapBase());

/** Whether every entry of `a` is finite. */
export function allFinite(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) return false;
  return true;
}

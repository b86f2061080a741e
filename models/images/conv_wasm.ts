/**
 * The WebAssembly SIMD path of the 3×3 convolutions (`models/wasm/assembly/conv.ts`): same
 * signatures and the same bits as {@link ./conv_cpu.ts} (f64 accumulation in the reference's
 * order, tested for equality), about 10× faster. Where the kernel's exactness precondition does
 * not hold (a non-finite weight or gradient, a −0 bias or gradient entry) it runs the reference.
 * @module
 */
import * as conv from "../wasm/conv.wasm";
import { WasmArena } from "../wasm/arena.ts";
import { conv3x3, conv3x3Backward, type ConvGeom, samePadding } from "./conv_cpu.ts";

const arena = new WasmArena(conv.memory as WebAssembly.Memory, conv.heapBase());

/** {@link conv3x3} in WebAssembly: the same result bit for bit. */
export function conv3x3Wasm(
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array,
  g: ConvGeom,
): Float32Array {
  const n = g.b * samePadding(g.h, g.stride).out * samePadding(g.w, g.stride).out * g.co;
  arena.reset();
  const xp = arena.put(x), wp = arena.put(w), bp = arena.put(bias), yp = arena.alloc(4 * n);
  const sp = arena.alloc(conv.forwardScratch(g.b, g.h, g.w, g.ci, g.co));
  const ok = conv.conv3x3Forward(xp, wp, bp, yp, sp, g.b, g.h, g.w, g.ci, g.co, g.stride);
  return ok ? arena.f32(yp, n).slice() : conv3x3(x, w, bias, g);
}

/** {@link conv3x3Backward} in WebAssembly: the same results bit for bit. */
export function conv3x3BackwardWasm(
  x: Float32Array,
  w: Float32Array,
  dy: Float32Array,
  g: ConvGeom,
  dw: Float64Array,
  db: Float64Array,
  needDx = true,
): Float32Array | null {
  const nx = g.b * g.h * g.w * g.ci;
  arena.reset();
  const xp = arena.put(x), wp = arena.put(w), gp = arena.put(dy);
  const dwp = arena.put(dw), dbp = arena.put(db);
  const dxp = needDx ? arena.zerosF32(nx) : 0;
  const sp = arena.alloc(conv.backwardScratch(g.b, g.h, g.w, g.ci, g.co, g.stride));
  const ok = conv.conv3x3Backward(
    xp,
    wp,
    gp,
    dwp,
    dbp,
    dxp,
    sp,
    g.b,
    g.h,
    g.w,
    g.ci,
    g.co,
    g.stride,
  );
  if (!ok) return conv3x3Backward(x, w, dy, g, dw, db, needDx);
  dw.set(arena.f64(dwp, dw.length));
  db.set(arena.f64(dbp, db.length));
  return needDx ? arena.f32(dxp, nx).slice() : null;
}

// AssemblyScript source of models/wasm/conv.wasm (build: `deno task wasm`). 3×3 "same"
// convolutions over NHWC f32 tensors with f64 accumulation, in the exact operation order of
// models/images/conv_cpu.ts (the JS reference), so both give the same bits:
// - forward: y[p, c] = bias[c] + Σ_k x[p, k] w[k, c], k = (ky·3 + kx)·Ci + ci ascending;
// - dw[k, c] += x[p, k] dy[p, c] over the active pixels p (any dy ≠ 0) in pixel order;
// - dx: s = Σ_c w[k, c] dy[p, c] (c ascending, from 0), dx += s rounded to f32, pixels in order.
// The reference skips zero inputs and padding taps; here they take part as exact zeros, which
// adds ±0 and changes nothing provided every weight and dy is finite and no bias / dw entry is
// −0. Each entry point checks that first and returns 0 without touching its outputs when it
// does not hold (the caller then runs the reference).
// The input is first converted to f64 once, with a zero border of one pixel (taps over the
// padding read those zeros), so that every pixel's taps lie at the same offsets from its
// top-left tap (`tapOffsets`): the forward pass works on register tiles of 2 pixels × 8
// channels straight from it; the backward pass on blocks of PB active pixels, in tiles of
// 2 taps × 8 channels (dw) and 2 pixels × 8 taps (dx).

const PB: i32 = 32; // pixels per block (even)

@inline function ceilDiv(a: i32, b: i32): i32 {
  return (a + b - 1) / b;
}

@inline function padTop(n: i32, stride: i32): i32 {
  const out = ceilDiv(n, stride);
  const total = (out - 1) * stride + 3 - n;
  return total > 0 ? total >> 1 : 0;
}

@inline function even(n: i32): i32 {
  return (n + 1) & ~1;
}

@inline function align16(n: usize): usize {
  return (n + 15) & ~(<usize>15);
}

/** First byte the caller may use (after the module's static data), 16-aligned. */
export function heapBase(): usize {
  return align16(__heap_base);
}

/** Bytes of the zero-bordered f64 copy of one H×W×Ci image. */
@inline function paddedBytes(H: i32, W: i32, Ci: i32): usize {
  return align16(<usize>((H + 2) * (W + 2) * Ci) << 3);
}

/** Scratch bytes {@link conv3x3Forward} needs for a B×H×W×Ci input and Co output channels. */
export function forwardScratch(B: i32, H: i32, W: i32, ci: i32, co: i32): usize {
  const K = 9 * ci, Co2 = even(co);
  return align16(<usize>(K * Co2 + Co2) * 8) + align16(<usize>K * 4) + paddedBytes(H, W, ci) + 64;
}

/** Scratch bytes {@link conv3x3Backward} needs for a B×H×W×Ci input and Co output channels. */
export function backwardScratch(B: i32, H: i32, W: i32, ci: i32, co: i32, stride: i32): usize {
  const Kp = even(9 * ci), Co2 = even(co);
  const pixels = B * ceilDiv(H, stride) * ceilDiv(W, stride);
  const f64s = Kp * Co2 * 2 + PB * Kp + PB * Co2;
  return align16(<usize>f64s * 8) + align16(<usize>(pixels + PB + Kp) * 4) +
    paddedBytes(H, W, ci) + 128;
}

function finiteF32(p: usize, n: i32): bool {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(p + (<usize>i << 2));
    if (v128.any_true(f32x4.ne(f32x4.sub(v, v), z))) return false; // NaN or ±∞
  }
  for (; i < n; i++) {
    const v = load<f32>(p + (<usize>i << 2));
    if (v - v != 0) return false;
  }
  return true;
}

function hasNegZeroF32(p: usize, n: i32): bool {
  for (let i = 0; i < n; i++) {
    if (load<u32>(p + (<usize>i << 2)) == 0x80000000) return true;
  }
  return false;
}

function hasNegZeroF64(p: usize, n: i32): bool {
  for (let i = 0; i < n; i++) {
    if (load<u64>(p + (<usize>i << 3)) == 0x8000000000000000) return true;
  }
  return false;
}

/** n f32 at `src` → n f64 at `dst` (exact). */
function toF64(src: usize, dst: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(src + (<usize>i << 2));
    const d = dst + (<usize>i << 3);
    v128.store(d, f64x2.promote_low_f32x4(v));
    v128.store(d, f64x2.promote_low_f32x4(v128.shuffle<u64>(v, v, 1, 0)), 16);
  }
  for (; i < n; i++) store<f64>(dst + (<usize>i << 3), <f64>load<f32>(src + (<usize>i << 2)));
}

/** Image b of x (f32 B×H×W×Ci) → xp (f64 (H+2)×(W+2)×Ci, pixel (y, x) at (y+1, x+1), zero border). */
function padImage(x: usize, xp: usize, b: i32, H: i32, W: i32, Ci: i32): void {
  const Wp = W + 2, rowB = <usize>(Wp * Ci) << 3, ciB = <usize>Ci << 3;
  memory.fill(xp, 0, rowB);
  memory.fill(xp + <usize>(H + 1) * rowB, 0, rowB);
  for (let y = 0; y < H; y++) {
    const row = xp + <usize>(y + 1) * rowB;
    memory.fill(row, 0, ciB);
    toF64(x + (<usize>((b * H + y) * W * Ci) << 2), row + ciB, W * Ci);
    memory.fill(row + <usize>(W + 1) * ciB, 0, ciB);
  }
}

/**
 * Byte offset of tap k = (ky·3 + kx)·Ci + ci from a pixel's top-left tap in the padded copy,
 * for k < Kp; taps K ≤ k < Kp (padding of an odd K) repeat tap K − 1 (their results are unused).
 */
function tapOffsets(koff: usize, Ci: i32, Wp: i32, Kp: i32): void {
  const K = 9 * Ci;
  for (let k = 0; k < Kp; k++) {
    const kk = k < K ? k : K - 1;
    const ci = kk % Ci, t = kk / Ci, kx = t % 3, ky = t / 3;
    store<i32>(koff + (<usize>k << 2), ((ky * Wp + kx) * Ci + ci) << 3);
  }
}

/** Address of the top-left tap of output pixel p (of its image) in the image's padded copy. */
@inline function pixelBase(xp: usize, p: i32, Wo: i32, W: i32, Ci: i32, stride: i32, ph: i32, pw: i32): usize {
  const ox = p % Wo, oy = p / Wo;
  return xp + (<usize>(((oy * stride - ph + 1) * (W + 2) + ox * stride - pw + 1) * Ci) << 3);
}

@inline function madd(acc: v128, a: v128, b: v128): v128 {
  return f64x2.add(acc, f64x2.mul(a, b));
}

@inline function storeOut(y: usize, p: i32, Co: i32, c: i32, v: v128): void {
  // two f64 lanes → f32 outputs c, c+1 of pixel p (c+1 only when it is a real channel)
  const o = y + (<usize>(p * Co + c) << 2);
  store<f32>(o, <f32>f64x2.extract_lane(v, 0));
  if (c + 1 < Co) store<f32>(o, <f32>f64x2.extract_lane(v, 1), 4);
}

/**
 * The forward pass for one output channel (Co = 1): tiles of 8 pixels of an image with scalar
 * f64 accumulators (the 2 × 8 tiles would leave half their lanes idle). w64: K f64 at a stride
 * of 2 (the Co2 = 2 layout), koff: tap offsets, xp: one padded image.
 */
function forwardOneChannel(
  x: usize, w64: usize, bias: f64, y: usize, koff: usize, xp: usize,
  B: i32, H: i32, W: i32, Ci: i32, Wo: i32, HWo: i32, stride: i32, ph: i32, pw: i32,
): void {
  const K = 9 * Ci;
  for (let b = 0; b < B; b++) {
    padImage(x, xp, b, H, W, Ci);
    const yo = y + (<usize>(b * HWo) << 2);
    let i = 0;
    for (; i + 8 <= HWo; i += 8) {
      const r0 = pixelBase(xp, i, Wo, W, Ci, stride, ph, pw), r1 = pixelBase(xp, i + 1, Wo, W, Ci, stride, ph, pw);
      const r2 = pixelBase(xp, i + 2, Wo, W, Ci, stride, ph, pw), r3 = pixelBase(xp, i + 3, Wo, W, Ci, stride, ph, pw);
      const r4 = pixelBase(xp, i + 4, Wo, W, Ci, stride, ph, pw), r5 = pixelBase(xp, i + 5, Wo, W, Ci, stride, ph, pw);
      const r6 = pixelBase(xp, i + 6, Wo, W, Ci, stride, ph, pw), r7 = pixelBase(xp, i + 7, Wo, W, Ci, stride, ph, pw);
      let a0 = bias, a1 = bias, a2 = bias, a3 = bias, a4 = bias, a5 = bias, a6 = bias, a7 = bias;
      for (let k = 0; k < K; k++) {
        const o = <usize>load<i32>(koff + (<usize>k << 2));
        const wk = load<f64>(w64 + (<usize>k << 4));
        a0 += load<f64>(r0 + o) * wk; a1 += load<f64>(r1 + o) * wk;
        a2 += load<f64>(r2 + o) * wk; a3 += load<f64>(r3 + o) * wk;
        a4 += load<f64>(r4 + o) * wk; a5 += load<f64>(r5 + o) * wk;
        a6 += load<f64>(r6 + o) * wk; a7 += load<f64>(r7 + o) * wk;
      }
      const o = yo + (<usize>i << 2);
      store<f32>(o, <f32>a0); store<f32>(o, <f32>a1, 4); store<f32>(o, <f32>a2, 8); store<f32>(o, <f32>a3, 12);
      store<f32>(o, <f32>a4, 16); store<f32>(o, <f32>a5, 20); store<f32>(o, <f32>a6, 24); store<f32>(o, <f32>a7, 28);
    }
    for (; i < HWo; i++) {
      const r0 = pixelBase(xp, i, Wo, W, Ci, stride, ph, pw);
      let a0 = bias;
      for (let k = 0; k < K; k++) {
        a0 += load<f64>(r0 + <usize>load<i32>(koff + (<usize>k << 2))) * load<f64>(w64 + (<usize>k << 4));
      }
      store<f32>(yo + (<usize>i << 2), <f32>a0);
    }
  }
}

/**
 * y = conv3×3(x, w) + bias (see the file comment). x: f32 B×H×W×Ci, w: f32 HWIO 3×3×Ci×Co,
 * bias: f32 Co, y: f32 B×Ho×Wo×Co; scratch: {@link forwardScratch} bytes, 16-aligned.
 * Returns 1, or 0 (nothing written) when a weight is not finite or a bias is −0.
 */
export function conv3x3Forward(
  x: usize, w: usize, bias: usize, y: usize, scratch: usize,
  B: i32, H: i32, W: i32, Ci: i32, Co: i32, stride: i32,
): i32 {
  const K = 9 * Ci, Co2 = even(Co);
  if (!finiteF32(w, K * Co) || hasNegZeroF32(bias, Co)) return 0;
  const Ho = ceilDiv(H, stride), Wo = ceilDiv(W, stride);
  const ph = padTop(H, stride), pw = padTop(W, stride);
  const w64 = scratch; // K × Co2
  const b64 = w64 + (<usize>(K * Co2) << 3); // Co2
  const koff = align16(b64 + (<usize>Co2 << 3)); // K i32
  const xp = align16(koff + (<usize>K << 2)); // padded input
  for (let k = 0; k < K; k++) {
    for (let c = 0; c < Co2; c++) {
      store<f64>(w64 + (<usize>(k * Co2 + c) << 3), c < Co ? <f64>load<f32>(w + (<usize>(k * Co + c) << 2)) : 0);
    }
  }
  for (let c = 0; c < Co2; c++) store<f64>(b64 + (<usize>c << 3), c < Co ? <f64>load<f32>(bias + (<usize>c << 2)) : 0);
  tapOffsets(koff, Ci, W + 2, K);
  const HWo = Ho * Wo;
  if (Co == 1) {
    forwardOneChannel(x, w64, load<f64>(b64), y, koff, xp, B, H, W, Ci, Wo, HWo, stride, ph, pw);
    return 1;
  }
  const colB = <usize>Co2 << 3;
  for (let q = 0; q < B * HWo; q += 2) {
    const i = q % HWo; // q's pixel in its image; pairs stay within an image
    if (i == 0) padImage(x, xp, q / HWo, H, W, Ci);
    const two = i + 1 < HWo;
    const r0 = pixelBase(xp, i, Wo, W, Ci, stride, ph, pw);
    const r1 = two ? pixelBase(xp, i + 1, Wo, W, Ci, stride, ph, pw) : r0;
    let c = 0;
    for (; c + 8 <= Co2; c += 8) {
      const bc = b64 + (<usize>c << 3);
      let a0 = v128.load(bc), a1 = v128.load(bc, 16), a2 = v128.load(bc, 32), a3 = v128.load(bc, 48);
      let b0 = a0, b1 = a1, b2 = a2, b3 = a3;
      let wp = w64 + (<usize>c << 3);
      // taps in order; within a tap the Ci inputs lie side by side (two per iteration)
      for (let t = 0; t < 9; t++) {
        const o = <usize>load<i32>(koff + (<usize>(t * Ci) << 2));
        let p0 = r0 + o, p1 = r1 + o;
        const end = p0 + (<usize>(Ci & ~1) << 3);
        for (; p0 < end; p0 += 16, p1 += 16) {
          let x0 = v128.load64_splat(p0), x1 = v128.load64_splat(p1);
          let w0 = v128.load(wp), w1 = v128.load(wp, 16), w2 = v128.load(wp, 32), w3 = v128.load(wp, 48);
          a0 = madd(a0, x0, w0); a1 = madd(a1, x0, w1); a2 = madd(a2, x0, w2); a3 = madd(a3, x0, w3);
          b0 = madd(b0, x1, w0); b1 = madd(b1, x1, w1); b2 = madd(b2, x1, w2); b3 = madd(b3, x1, w3);
          x0 = v128.load64_splat(p0, 8); x1 = v128.load64_splat(p1, 8);
          wp += colB;
          w0 = v128.load(wp); w1 = v128.load(wp, 16); w2 = v128.load(wp, 32); w3 = v128.load(wp, 48);
          a0 = madd(a0, x0, w0); a1 = madd(a1, x0, w1); a2 = madd(a2, x0, w2); a3 = madd(a3, x0, w3);
          b0 = madd(b0, x1, w0); b1 = madd(b1, x1, w1); b2 = madd(b2, x1, w2); b3 = madd(b3, x1, w3);
          wp += colB;
        }
        if (Ci & 1) {
          const x0 = v128.load64_splat(p0), x1 = v128.load64_splat(p1);
          const w0 = v128.load(wp), w1 = v128.load(wp, 16), w2 = v128.load(wp, 32), w3 = v128.load(wp, 48);
          a0 = madd(a0, x0, w0); a1 = madd(a1, x0, w1); a2 = madd(a2, x0, w2); a3 = madd(a3, x0, w3);
          b0 = madd(b0, x1, w0); b1 = madd(b1, x1, w1); b2 = madd(b2, x1, w2); b3 = madd(b3, x1, w3);
          wp += colB;
        }
      }
      storeOut(y, q, Co, c, a0); storeOut(y, q, Co, c + 2, a1);
      storeOut(y, q, Co, c + 4, a2); storeOut(y, q, Co, c + 6, a3);
      if (two) {
        storeOut(y, q + 1, Co, c, b0); storeOut(y, q + 1, Co, c + 2, b1);
        storeOut(y, q + 1, Co, c + 4, b2); storeOut(y, q + 1, Co, c + 6, b3);
      }
    }
    for (; c < Co2; c += 2) {
      let a0 = v128.load(b64 + (<usize>c << 3));
      let b0 = a0;
      let wp = w64 + (<usize>c << 3);
      for (let k = 0; k < K; k++) {
        const o = <usize>load<i32>(koff + (<usize>k << 2));
        const w0 = v128.load(wp);
        a0 = madd(a0, v128.load64_splat(r0 + o), w0);
        b0 = madd(b0, v128.load64_splat(r1 + o), w0);
        wp += colB;
      }
      storeOut(y, q, Co, c, a0);
      if (two) storeOut(y, q + 1, Co, c, b0);
    }
    if (!two) q--; // an odd image size: the next image starts at q + 1
  }
  return 1;
}

@inline function pairAt(dw64: usize, k: i32): v128 {
  // dw64[k], dw64[k + 1] of the Co2 = 2 layout (stride 2)
  return f64x2.replace_lane(f64x2.splat(load<f64>(dw64 + (<usize>k << 4))), 1, load<f64>(dw64 + (<usize>k << 4), 16));
}

@inline function pairTo(dw64: usize, k: i32, v: v128): void {
  store<f64>(dw64 + (<usize>k << 4), f64x2.extract_lane(v, 0));
  store<f64>(dw64 + (<usize>k << 4), f64x2.extract_lane(v, 1), 16);
}

/**
 * dw of a one-channel layer (Co = 1, Ci even) for the block's n pixels, in tiles of 16 taps
 * whose pairs (k, k+1) lie side by side in the padded image; returns the first tap not done.
 */
function dwOneChannel(dw64: usize, g: usize, base: usize, koff: usize, n: i32, K: i32): i32 {
  let k = 0;
  for (; k + 16 <= K; k += 16) {
    const kp = koff + (<usize>k << 2);
    const q0 = <usize>load<i32>(kp), q1 = <usize>load<i32>(kp, 8), q2 = <usize>load<i32>(kp, 16);
    const q3 = <usize>load<i32>(kp, 24), q4 = <usize>load<i32>(kp, 32), q5 = <usize>load<i32>(kp, 40);
    const q6 = <usize>load<i32>(kp, 48), q7 = <usize>load<i32>(kp, 56);
    let a0 = pairAt(dw64, k), a1 = pairAt(dw64, k + 2), a2 = pairAt(dw64, k + 4), a3 = pairAt(dw64, k + 6);
    let a4 = pairAt(dw64, k + 8), a5 = pairAt(dw64, k + 10), a6 = pairAt(dw64, k + 12), a7 = pairAt(dw64, k + 14);
    for (let j = 0; j < n; j++) {
      const r = <usize>load<i32>(base + (<usize>j << 2));
      const gs = v128.load64_splat(g + (<usize>j << 4));
      a0 = madd(a0, v128.load(r + q0), gs); a1 = madd(a1, v128.load(r + q1), gs);
      a2 = madd(a2, v128.load(r + q2), gs); a3 = madd(a3, v128.load(r + q3), gs);
      a4 = madd(a4, v128.load(r + q4), gs); a5 = madd(a5, v128.load(r + q5), gs);
      a6 = madd(a6, v128.load(r + q6), gs); a7 = madd(a7, v128.load(r + q7), gs);
    }
    pairTo(dw64, k, a0); pairTo(dw64, k + 2, a1); pairTo(dw64, k + 4, a2); pairTo(dw64, k + 6, a3);
    pairTo(dw64, k + 8, a4); pairTo(dw64, k + 10, a5); pairTo(dw64, k + 12, a6); pairTo(dw64, k + 14, a7);
  }
  return k;
}

/** db[c] += dy[p, c] over the P pixels in order; the pixels with a nonzero dy into `act`. */
function dbAndActiveScalar(dy: usize, db: usize, act: usize, P: i32, Co: i32): i32 {
  let na = 0;
  for (let p = 0; p < P; p++) {
    const gp = dy + (<usize>(p * Co) << 2);
    let any = false;
    for (let c = 0; c < Co; c++) {
      const gv = load<f32>(gp + (<usize>c << 2));
      const dp = db + (<usize>c << 3);
      store<f64>(dp, load<f64>(dp) + <f64>gv);
      if (gv != 0) any = true;
    }
    if (any) store<i32>(act + (<usize>(na++) << 2), p);
  }
  return na;
}

/** {@link dbAndActiveScalar} for Co a multiple of 8: 8 channels at a time in f64x2 lanes. */
function dbAndActive8(dy: usize, db: usize, act: usize, P: i32, Co: i32): i32 {
  const rowB = <usize>Co << 2;
  for (let c = 0; c < Co; c += 8) {
    const dp = db + (<usize>c << 3);
    let d0 = v128.load(dp), d1 = v128.load(dp, 16), d2 = v128.load(dp, 32), d3 = v128.load(dp, 48);
    let gp = dy + (<usize>c << 2);
    for (let p = 0; p < P; p++) {
      const u = v128.load(gp), v = v128.load(gp, 16);
      d0 = f64x2.add(d0, f64x2.promote_low_f32x4(u));
      d1 = f64x2.add(d1, f64x2.promote_low_f32x4(v128.shuffle<u64>(u, u, 1, 0)));
      d2 = f64x2.add(d2, f64x2.promote_low_f32x4(v));
      d3 = f64x2.add(d3, f64x2.promote_low_f32x4(v128.shuffle<u64>(v, v, 1, 0)));
      gp += rowB;
    }
    v128.store(dp, d0); v128.store(dp, d1, 16); v128.store(dp, d2, 32); v128.store(dp, d3, 48);
  }
  const z = f32x4.splat(0);
  let na = 0;
  for (let p = 0; p < P; p++) {
    const gp = dy + <usize>p * rowB;
    let any = f32x4.ne(v128.load(gp), z);
    for (let c = 4; c < Co; c += 4) any = v128.or(any, f32x4.ne(v128.load(gp + (<usize>c << 2)), z));
    if (v128.any_true(any)) store<i32>(act + (<usize>(na++) << 2), p);
  }
  return na;
}

/**
 * Backward pass of {@link conv3x3Forward}: dw (f64 3×3×Ci×Co) and db (f64 Co) are added to, dx
 * (f32 B×H×W×Ci, zeroed by the caller) is added to unless the pointer is 0. Scratch:
 * {@link backwardScratch} bytes, 16-aligned. Returns 1, or 0 (nothing written) when a weight or
 * dy is not finite or a dw entry is −0.
 */
export function conv3x3Backward(
  x: usize, w: usize, dy: usize, dw: usize, db: usize, dx: usize, scratch: usize,
  B: i32, H: i32, W: i32, Ci: i32, Co: i32, stride: i32,
): i32 {
  const K = 9 * Ci, Kp = even(K), Co2 = even(Co);
  const Ho = ceilDiv(H, stride), Wo = ceilDiv(W, stride);
  const P = B * Ho * Wo;
  if (!finiteF32(w, K * Co) || !finiteF32(dy, P * Co) || hasNegZeroF64(dw, K * Co)) return 0;
  const ph = padTop(H, stride), pw = padTop(W, stride);
  const dw64 = scratch; // Kp × Co2
  const wt = dw64 + (<usize>(Kp * Co2) << 3); // Co2 × Kp (transposed weights)
  const s = wt + (<usize>(Kp * Co2) << 3); // PB × Kp
  const g = s + (<usize>(PB * Kp) << 3); // PB × Co2
  const act = align16(g + (<usize>(PB * Co2) << 3)); // active pixels
  const base = act + (<usize>P << 2); // PB addresses of the block's pixels
  const koff = base + (<usize>PB << 2); // Kp i32
  const xp = align16(koff + (<usize>Kp << 2)); // padded input
  for (let k = 0; k < Kp; k++) {
    for (let c = 0; c < Co2; c++) {
      const real = k < K && c < Co;
      store<f64>(dw64 + (<usize>(k * Co2 + c) << 3), real ? load<f64>(dw + (<usize>(k * Co + c) << 3)) : 0);
      store<f64>(wt + (<usize>(c * Kp + k) << 3), real ? <f64>load<f32>(w + (<usize>(k * Co + c) << 2)) : 0);
    }
  }
  // db over every pixel, in pixel order; the active list
  const na = Co & 7 ? dbAndActiveScalar(dy, db, act, P, Co) : dbAndActive8(dy, db, act, P, Co);
  tapOffsets(koff, Ci, W + 2, Kp);
  const rowB = <usize>Kp << 3, gB = <usize>Co2 << 3, HWo = Ho * Wo;
  // image by image (the active pixels of an image are a run of the list), blocks of PB pixels
  let imgEnd = 0;
  for (let a0 = 0, n = 0; a0 < na; a0 += n) {
    const first = load<i32>(act + (<usize>a0 << 2)), img = first / HWo;
    if (first >= imgEnd) {
      padImage(x, xp, img, H, W, Ci);
      imgEnd = (img + 1) * HWo;
    }
    n = 0;
    while (n < PB && a0 + n < na && load<i32>(act + (<usize>(a0 + n) << 2)) < imgEnd) n++;
    const pix = act + (<usize>a0 << 2);
    for (let j = 0; j < PB; j++) {
      const q = j < n ? load<i32>(pix + (<usize>j << 2)) : img * HWo;
      store<i32>(base + (<usize>j << 2), <i32>pixelBase(xp, q - img * HWo, Wo, W, Ci, stride, ph, pw));
      const gr = g + <usize>j * gB;
      if (j < n) {
        toF64(dy + (<usize>(q * Co) << 2), gr, Co);
        if (Co & 1) store<f64>(gr + (<usize>Co << 3), 0);
      } else memory.fill(gr, 0, gB);
    }
    // dw tiles: taps k, k+1 × channels c..c+7 (or c, c+1), pixels in order; with one channel
    // and Ci even, 16 taps first (lanes over tap pairs, adjacent in the padded image)
    const k0 = Co == 1 && (Ci & 1) == 0 ? dwOneChannel(dw64, g, base, koff, n, K) : 0;
    for (let k = k0; k < Kp; k += 2) {
      const o0 = <usize>load<i32>(koff + (<usize>k << 2)), o1 = <usize>load<i32>(koff + (<usize>k << 2), 4);
      let c = 0;
      for (; c + 8 <= Co2; c += 8) {
        const d0p = dw64 + (<usize>(k * Co2 + c) << 3), d1p = d0p + gB;
        let a0 = v128.load(d0p), a1 = v128.load(d0p, 16), a2 = v128.load(d0p, 32), a3 = v128.load(d0p, 48);
        let b0 = v128.load(d1p), b1 = v128.load(d1p, 16), b2 = v128.load(d1p, 32), b3 = v128.load(d1p, 48);
        let gp = g + (<usize>c << 3), bp = base;
        const bend = base + (<usize>(n & ~1) << 2);
        for (; bp < bend; bp += 8) { // two pixels per iteration, in order
          let r = <usize>load<i32>(bp);
          let x0 = v128.load64_splat(r + o0), x1 = v128.load64_splat(r + o1);
          let g0 = v128.load(gp), g1 = v128.load(gp, 16), g2 = v128.load(gp, 32), g3 = v128.load(gp, 48);
          a0 = madd(a0, x0, g0); a1 = madd(a1, x0, g1); a2 = madd(a2, x0, g2); a3 = madd(a3, x0, g3);
          b0 = madd(b0, x1, g0); b1 = madd(b1, x1, g1); b2 = madd(b2, x1, g2); b3 = madd(b3, x1, g3);
          gp += gB;
          r = <usize>load<i32>(bp, 4);
          x0 = v128.load64_splat(r + o0); x1 = v128.load64_splat(r + o1);
          g0 = v128.load(gp); g1 = v128.load(gp, 16); g2 = v128.load(gp, 32); g3 = v128.load(gp, 48);
          a0 = madd(a0, x0, g0); a1 = madd(a1, x0, g1); a2 = madd(a2, x0, g2); a3 = madd(a3, x0, g3);
          b0 = madd(b0, x1, g0); b1 = madd(b1, x1, g1); b2 = madd(b2, x1, g2); b3 = madd(b3, x1, g3);
          gp += gB;
        }
        if (n & 1) {
          const r = <usize>load<i32>(bp);
          const x0 = v128.load64_splat(r + o0), x1 = v128.load64_splat(r + o1);
          const g0 = v128.load(gp), g1 = v128.load(gp, 16), g2 = v128.load(gp, 32), g3 = v128.load(gp, 48);
          a0 = madd(a0, x0, g0); a1 = madd(a1, x0, g1); a2 = madd(a2, x0, g2); a3 = madd(a3, x0, g3);
          b0 = madd(b0, x1, g0); b1 = madd(b1, x1, g1); b2 = madd(b2, x1, g2); b3 = madd(b3, x1, g3);
        }
        v128.store(d0p, a0); v128.store(d0p, a1, 16); v128.store(d0p, a2, 32); v128.store(d0p, a3, 48);
        v128.store(d1p, b0); v128.store(d1p, b1, 16); v128.store(d1p, b2, 32); v128.store(d1p, b3, 48);
      }
      for (; c < Co2; c += 2) {
        const d0p = dw64 + (<usize>(k * Co2 + c) << 3), d1p = d0p + gB;
        let a0 = v128.load(d0p), b0 = v128.load(d1p);
        let gp = g + (<usize>c << 3);
        for (let j = 0; j < n; j++) {
          const r = <usize>load<i32>(base + (<usize>j << 2));
          const g0 = v128.load(gp);
          a0 = madd(a0, v128.load64_splat(r + o0), g0);
          b0 = madd(b0, v128.load64_splat(r + o1), g0);
          gp += gB;
        }
        v128.store(d0p, a0);
        v128.store(d1p, b0);
      }
    }
    if (!dx) continue;
    // s[j, k] = Σ_c g[j, c] w[k, c], tiles of 2 pixels × 8 (or 2) taps
    const tB = <usize>Kp << 3;
    for (let j = 0; j < n; j += 2) {
      const g0p = g + <usize>j * gB, g1p = g0p + gB;
      const s0 = s + <usize>j * rowB, s1 = s0 + rowB;
      let k = 0;
      for (; k + 8 <= Kp; k += 8) {
        let a0 = f64x2.splat(0), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        let wp = wt + (<usize>k << 3), c = 0;
        for (; c + 2 <= Co; c += 2) { // two channels per iteration, in order
          const co = <usize>c << 3;
          let u0 = v128.load64_splat(g0p + co), u1 = v128.load64_splat(g1p + co);
          let w0 = v128.load(wp), w1 = v128.load(wp, 16), w2 = v128.load(wp, 32), w3 = v128.load(wp, 48);
          a0 = madd(a0, w0, u0); a1 = madd(a1, w1, u0); a2 = madd(a2, w2, u0); a3 = madd(a3, w3, u0);
          b0 = madd(b0, w0, u1); b1 = madd(b1, w1, u1); b2 = madd(b2, w2, u1); b3 = madd(b3, w3, u1);
          wp += tB;
          u0 = v128.load64_splat(g0p + co, 8); u1 = v128.load64_splat(g1p + co, 8);
          w0 = v128.load(wp); w1 = v128.load(wp, 16); w2 = v128.load(wp, 32); w3 = v128.load(wp, 48);
          a0 = madd(a0, w0, u0); a1 = madd(a1, w1, u0); a2 = madd(a2, w2, u0); a3 = madd(a3, w3, u0);
          b0 = madd(b0, w0, u1); b1 = madd(b1, w1, u1); b2 = madd(b2, w2, u1); b3 = madd(b3, w3, u1);
          wp += tB;
        }
        if (c < Co) {
          const u0 = v128.load64_splat(g0p + (<usize>c << 3)), u1 = v128.load64_splat(g1p + (<usize>c << 3));
          const w0 = v128.load(wp), w1 = v128.load(wp, 16), w2 = v128.load(wp, 32), w3 = v128.load(wp, 48);
          a0 = madd(a0, w0, u0); a1 = madd(a1, w1, u0); a2 = madd(a2, w2, u0); a3 = madd(a3, w3, u0);
          b0 = madd(b0, w0, u1); b1 = madd(b1, w1, u1); b2 = madd(b2, w2, u1); b3 = madd(b3, w3, u1);
        }
        const o0 = s0 + (<usize>k << 3), o1 = s1 + (<usize>k << 3);
        v128.store(o0, a0); v128.store(o0, a1, 16); v128.store(o0, a2, 32); v128.store(o0, a3, 48);
        v128.store(o1, b0); v128.store(o1, b1, 16); v128.store(o1, b2, 32); v128.store(o1, b3, 48);
      }
      for (; k < Kp; k += 2) {
        let a0 = f64x2.splat(0), b0 = a0;
        let wp = wt + (<usize>k << 3);
        for (let c = 0; c < Co; c++) {
          const w0 = v128.load(wp);
          a0 = madd(a0, w0, v128.load64_splat(g0p + (<usize>c << 3)));
          b0 = madd(b0, w0, v128.load64_splat(g1p + (<usize>c << 3)));
          wp += tB;
        }
        v128.store(s0 + (<usize>k << 3), a0);
        v128.store(s1 + (<usize>k << 3), b0);
      }
    }
    // dx += s (rounded to f32 per addition), pixels in order, valid taps only
    for (let j = 0; j < n; j++) {
      const p = load<i32>(pix + (<usize>j << 2));
      const ox = p % Wo, t = p / Wo, oy = t % Ho, b = t / Ho;
      const sr = s + <usize>j * rowB;
      for (let ky = 0; ky < 3; ky++) {
        const iy = oy * stride + ky - ph;
        if (iy < 0 || iy >= H) continue;
        for (let kx = 0; kx < 3; kx++) {
          const ix = ox * stride + kx - pw;
          if (ix < 0 || ix >= W) continue;
          const dp = dx + (<usize>(((b * H + iy) * W + ix) * Ci) << 2);
          const sp = sr + (<usize>((ky * 3 + kx) * Ci) << 3);
          let ci = 0;
          for (; ci + 4 <= Ci; ci += 4) {
            const o = dp + (<usize>ci << 2), so = sp + (<usize>ci << 3);
            const d = v128.load(o);
            const lo = f64x2.add(f64x2.promote_low_f32x4(d), v128.load(so));
            const hi = f64x2.add(f64x2.promote_low_f32x4(v128.shuffle<u64>(d, d, 1, 0)), v128.load(so, 16));
            v128.store(o, v128.shuffle<u64>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 2));
          }
          for (; ci + 2 <= Ci; ci += 2) {
            const o = dp + (<usize>ci << 2);
            const v = f64x2.add(f64x2.promote_low_f32x4(v128.load64_zero(o)), v128.load(sp + (<usize>ci << 3)));
            v128.store64_lane(o, f32x4.demote_f64x2_zero(v), 0);
          }
          for (; ci < Ci; ci++) {
            const o = dp + (<usize>ci << 2);
            store<f32>(o, <f32>(<f64>load<f32>(o) + load<f64>(sp + (<usize>ci << 3))));
          }
        }
      }
    }
  }
  for (let k = 0; k < K; k++) {
    for (let c = 0; c < Co; c++) {
      store<f64>(dw + (<usize>(k * Co + c) << 3), load<f64>(dw64 + (<usize>(k * Co2 + c) << 3)));
    }
  }
  return 1;
}

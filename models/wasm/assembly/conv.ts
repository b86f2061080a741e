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
// Work is done on blocks of PB pixels gathered into f64 rows (im2col), in register tiles of
// 2 pixels × 8 channels (forward), 2 taps × 8 channels (dw) and 2 pixels × 8 taps (dx).

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

/** Scratch bytes {@link conv3x3Forward} needs for Ci input and Co output channels. */
export function forwardScratch(ci: i32, co: i32): usize {
  const K = 9 * ci, Co2 = even(co);
  return align16(<usize>(K * Co2 + Co2 + PB * K) * 8) + 64;
}

/** Scratch bytes {@link conv3x3Backward} needs. */
export function backwardScratch(ci: i32, co: i32, pixels: i32): usize {
  const Kp = even(9 * ci), Co2 = even(co);
  const f64s = Kp * Co2 * 2 + PB * Kp * 2 + PB * Co2;
  return align16(<usize>f64s * 8) + align16(<usize>pixels * 4) + 128;
}

function finiteF32(p: usize, n: i32): bool {
  for (let i = 0; i < n; i++) {
    const v = load<f32>(p + (<usize>i << 2));
    if (v - v != 0) return false; // NaN or ±∞
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

/**
 * Gather pixels `pix[j]` (or p0 + j when `pix` is 0) of the block, j < n, into rows of `rowLen`
 * f64 (taps × Ci, zero for padding taps and the row tail); rows n ≤ j < PB are zeroed.
 */
function gather(
  x: usize, xc: usize, rowLen: i32, pix: usize, p0: i32, n: i32,
  H: i32, W: i32, Ci: i32, Ho: i32, Wo: i32, stride: i32, ph: i32, pw: i32,
): void {
  for (let j = 0; j < PB; j++) {
    const row = xc + (<usize>(j * rowLen) << 3);
    if (j >= n) {
      memory.fill(row, 0, <usize>rowLen << 3);
      continue;
    }
    const p = pix ? load<i32>(pix + (<usize>j << 2)) : p0 + j;
    const ox = p % Wo, t = p / Wo, oy = t % Ho, b = t / Ho;
    for (let ky = 0; ky < 3; ky++) {
      const iy = oy * stride + ky - ph;
      for (let kx = 0; kx < 3; kx++) {
        const ix = ox * stride + kx - pw;
        const dst = row + (<usize>((ky * 3 + kx) * Ci) << 3);
        if (iy < 0 || iy >= H || ix < 0 || ix >= W) {
          memory.fill(dst, 0, <usize>Ci << 3);
          continue;
        }
        const src = x + (<usize>(((b * H + iy) * W + ix) * Ci) << 2);
        for (let ci = 0; ci < Ci; ci++) {
          store<f64>(dst + (<usize>ci << 3), <f64>load<f32>(src + (<usize>ci << 2)));
        }
      }
    }
    for (let k = 9 * Ci; k < rowLen; k++) store<f64>(row + (<usize>k << 3), 0);
  }
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
  const xc = align16(b64 + (<usize>Co2 << 3)); // PB × K
  for (let k = 0; k < K; k++) {
    for (let c = 0; c < Co2; c++) {
      store<f64>(w64 + (<usize>(k * Co2 + c) << 3), c < Co ? <f64>load<f32>(w + (<usize>(k * Co + c) << 2)) : 0);
    }
  }
  for (let c = 0; c < Co2; c++) store<f64>(b64 + (<usize>c << 3), c < Co ? <f64>load<f32>(bias + (<usize>c << 2)) : 0);
  const P = B * Ho * Wo;
  const rowB = <usize>K << 3, colB = <usize>Co2 << 3;
  for (let p0 = 0; p0 < P; p0 += PB) {
    const n = min(PB, P - p0);
    gather(x, xc, K, 0, p0, n, H, W, Ci, Ho, Wo, stride, ph, pw);
    for (let j = 0; j < n; j += 2) {
      const r0 = xc + <usize>j * rowB, r1 = r0 + rowB;
      let c = 0;
      for (; c + 8 <= Co2; c += 8) {
        const bc = b64 + (<usize>c << 3);
        let a0 = v128.load(bc), a1 = v128.load(bc, 16), a2 = v128.load(bc, 32), a3 = v128.load(bc, 48);
        let b0 = a0, b1 = a1, b2 = a2, b3 = a3;
        let wp = w64 + (<usize>c << 3);
        for (let k = 0; k < K; k++) {
          const x0 = v128.load64_splat(r0 + (<usize>k << 3));
          const x1 = v128.load64_splat(r1 + (<usize>k << 3));
          const w0 = v128.load(wp), w1 = v128.load(wp, 16), w2 = v128.load(wp, 32), w3 = v128.load(wp, 48);
          a0 = madd(a0, x0, w0); a1 = madd(a1, x0, w1); a2 = madd(a2, x0, w2); a3 = madd(a3, x0, w3);
          b0 = madd(b0, x1, w0); b1 = madd(b1, x1, w1); b2 = madd(b2, x1, w2); b3 = madd(b3, x1, w3);
          wp += colB;
        }
        const q = p0 + j;
        storeOut(y, q, Co, c, a0); storeOut(y, q, Co, c + 2, a1);
        storeOut(y, q, Co, c + 4, a2); storeOut(y, q, Co, c + 6, a3);
        if (j + 1 < n) {
          storeOut(y, q + 1, Co, c, b0); storeOut(y, q + 1, Co, c + 2, b1);
          storeOut(y, q + 1, Co, c + 4, b2); storeOut(y, q + 1, Co, c + 6, b3);
        }
      }
      for (; c < Co2; c += 2) {
        let a0 = v128.load(b64 + (<usize>c << 3));
        let b0 = a0;
        let wp = w64 + (<usize>c << 3);
        for (let k = 0; k < K; k++) {
          const w0 = v128.load(wp);
          a0 = madd(a0, v128.load64_splat(r0 + (<usize>k << 3)), w0);
          b0 = madd(b0, v128.load64_splat(r1 + (<usize>k << 3)), w0);
          wp += colB;
        }
        storeOut(y, p0 + j, Co, c, a0);
        if (j + 1 < n) storeOut(y, p0 + j + 1, Co, c, b0);
      }
    }
  }
  return 1;
}

/**
 * Backward pass of {@link conv3x3Forward}: dw (f64 3×3×Ci×Co) and db (f64 Co) are added to, dx
 * (f32 B×H×W×Ci, zeroed by the caller) is added to unless the pointer is 0. Scratch:
 * {@link backwardScratch} bytes (pixels = B·Ho·Wo), 16-aligned. Returns 1, or 0 (nothing
 * written) when a weight or dy is not finite or a dw entry is −0.
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
  const xc = wt + (<usize>(Kp * Co2) << 3); // PB × Kp
  const s = xc + (<usize>(PB * Kp) << 3); // PB × Kp
  const g = s + (<usize>(PB * Kp) << 3); // PB × Co2
  const act = align16(g + (<usize>(PB * Co2) << 3)); // active pixels
  for (let k = 0; k < Kp; k++) {
    for (let c = 0; c < Co2; c++) {
      const real = k < K && c < Co;
      store<f64>(dw64 + (<usize>(k * Co2 + c) << 3), real ? load<f64>(dw + (<usize>(k * Co + c) << 3)) : 0);
      store<f64>(wt + (<usize>(c * Kp + k) << 3), real ? <f64>load<f32>(w + (<usize>(k * Co + c) << 2)) : 0);
    }
  }
  // db over every pixel, in pixel order; the active list
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
  const rowB = <usize>Kp << 3, gB = <usize>Co2 << 3;
  for (let a0 = 0; a0 < na; a0 += PB) {
    const n = min(PB, na - a0);
    const pix = act + (<usize>a0 << 2);
    gather(x, xc, Kp, pix, 0, n, H, W, Ci, Ho, Wo, stride, ph, pw);
    for (let j = 0; j < PB; j++) {
      const q = j < n ? load<i32>(pix + (<usize>j << 2)) : 0;
      for (let c = 0; c < Co2; c++) {
        const v: f64 = j < n && c < Co ? <f64>load<f32>(dy + (<usize>(q * Co + c) << 2)) : 0;
        store<f64>(g + (<usize>(j * Co2 + c) << 3), v);
      }
    }
    // dw tiles: taps k, k+1 × channels c..c+7 (or c, c+1), pixels in order
    for (let k = 0; k < Kp; k += 2) {
      let c = 0;
      for (; c + 8 <= Co2; c += 8) {
        const d0p = dw64 + (<usize>(k * Co2 + c) << 3), d1p = d0p + gB;
        let a0 = v128.load(d0p), a1 = v128.load(d0p, 16), a2 = v128.load(d0p, 32), a3 = v128.load(d0p, 48);
        let b0 = v128.load(d1p), b1 = v128.load(d1p, 16), b2 = v128.load(d1p, 32), b3 = v128.load(d1p, 48);
        let xp = xc + (<usize>k << 3), gp = g + (<usize>c << 3);
        for (let j = 0; j < n; j++) {
          const x0 = v128.load64_splat(xp), x1 = v128.load64_splat(xp, 8);
          const g0 = v128.load(gp), g1 = v128.load(gp, 16), g2 = v128.load(gp, 32), g3 = v128.load(gp, 48);
          a0 = madd(a0, x0, g0); a1 = madd(a1, x0, g1); a2 = madd(a2, x0, g2); a3 = madd(a3, x0, g3);
          b0 = madd(b0, x1, g0); b1 = madd(b1, x1, g1); b2 = madd(b2, x1, g2); b3 = madd(b3, x1, g3);
          xp += rowB;
          gp += gB;
        }
        v128.store(d0p, a0); v128.store(d0p, a1, 16); v128.store(d0p, a2, 32); v128.store(d0p, a3, 48);
        v128.store(d1p, b0); v128.store(d1p, b1, 16); v128.store(d1p, b2, 32); v128.store(d1p, b3, 48);
      }
      for (; c < Co2; c += 2) {
        const d0p = dw64 + (<usize>(k * Co2 + c) << 3), d1p = d0p + gB;
        let a0 = v128.load(d0p), b0 = v128.load(d1p);
        let xp = xc + (<usize>k << 3), gp = g + (<usize>c << 3);
        for (let j = 0; j < n; j++) {
          const g0 = v128.load(gp);
          a0 = madd(a0, v128.load64_splat(xp), g0);
          b0 = madd(b0, v128.load64_splat(xp, 8), g0);
          xp += rowB;
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
        let wp = wt + (<usize>k << 3);
        for (let c = 0; c < Co; c++) {
          const u0 = v128.load64_splat(g0p + (<usize>c << 3)), u1 = v128.load64_splat(g1p + (<usize>c << 3));
          const w0 = v128.load(wp), w1 = v128.load(wp, 16), w2 = v128.load(wp, 32), w3 = v128.load(wp, 48);
          a0 = madd(a0, w0, u0); a1 = madd(a1, w1, u0); a2 = madd(a2, w2, u0); a3 = madd(a3, w3, u0);
          b0 = madd(b0, w0, u1); b1 = madd(b1, w1, u1); b2 = madd(b2, w2, u1); b3 = madd(b3, w3, u1);
          wp += tB;
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
          for (let ci = 0; ci < Ci; ci++) {
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

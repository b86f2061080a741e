// AssemblyScript source of models/wasm/denoiser.wasm (build: `deno task wasm`). A denoiser
// training step of models/images/denoiser_cpu.ts kept in WebAssembly memory: the 3×3
// convolutions of ./conv.ts (re-exported) and the element-wise parts between them — network
// input, ReLU, upsampling with concatenation, the loss and its gradient, the adjoints of those,
// and Adam — each in the exact operation order of its JS reference, so every result has the
// reference's bits. Rounding to f32 happens where the reference stores into a Float32Array;
// an f32 addition of two f32 values equals the reference's f64 addition rounded to f32.

export {
  backwardScratch,
  conv3x3Backward,
  conv3x3Forward,
  forwardScratch,
  heapBase,
} from "./conv";

/**
 * The network input of `forwardCpu`/`lossesCpu`: per image n and pixel k, xt = f32(x + σ ε) and
 * a0[2k] = f32(xt · cin[n]), a0[2k+1] = f32(lvl[n]), where `coef` holds the f64 pairs
 * (cin, lvl) = (1/√(1 + σ²), log σ) per image (computed by the caller with the JS engine's Math).
 */
export function denoiserInput(
  x: usize, eps: usize, sigma: usize, coef: usize, a0: usize, B: i32, px: i32,
): void {
  for (let n = 0; n < B; n++) {
    const s = <f64>load<f32>(sigma + (<usize>n << 2));
    const cin = load<f64>(coef + (<usize>n << 4)), lvl = <f32>load<f64>(coef + (<usize>n << 4), 8);
    const base = <usize>(n * px);
    for (let k = 0; k < px; k++) {
      const i = base + <usize>k;
      const xt = <f32>(<f64>load<f32>(x + (i << 2)) + s * <f64>load<f32>(eps + (i << 2)));
      store<f32>(a0 + (i << 3), <f32>(<f64>xt * cin));
      store<f32>(a0 + (i << 3), lvl, 4);
    }
  }
}

/** In-place ReLU of n f32: x < 0 becomes +0 (NaN and −0 stay), as `reluInPlace`. */
export function relu(p: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const a = p + (<usize>i << 2);
    const v = v128.load(a);
    v128.store(a, v128.andnot(v, f32x4.lt(v, z)));
  }
  for (; i < n; i++) {
    const a = p + (<usize>i << 2);
    if (load<f32>(a) < 0) store<f32>(a, 0);
  }
}

/** da ← +0 where !(a > 0), in place on n f32, as `reluBackwardInPlace`. */
export function reluBackward(da: usize, a: usize, n: i32): void {
  const z = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(da + o, v128.and(v128.load(da + o), f32x4.gt(v128.load(a + o), z)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    if (!(load<f32>(a + o) > 0)) store<f32>(da + o, 0);
  }
}

/**
 * cat = [upsample2(lo), hi] along channels: lo B×H×W×Cl (nearest ×2), hi B×2H×2W×Ch, cat
 * B×2H×2W×(Cl+Ch); as `upsample2` followed by `concatChannels` (plain copies).
 */
export function upsampleConcat(
  lo: usize, hi: usize, cat: usize, B: i32, H: i32, W: i32, Cl: i32, Ch: i32,
): void {
  const C = Cl + Ch, H2 = 2 * H, W2 = 2 * W;
  const lB = <usize>Cl << 2, hB = <usize>Ch << 2;
  for (let n = 0; n < B; n++) {
    for (let oy = 0; oy < H2; oy++) {
      for (let ox = 0; ox < W2; ox++) {
        const p = (n * H2 + oy) * W2 + ox;
        const src = lo + (<usize>(((n * H + (oy >> 1)) * W + (ox >> 1)) * Cl) << 2);
        const dst = cat + (<usize>(p * C) << 2);
        memory.copy(dst, src, lB);
        memory.copy(dst + lB, hi + (<usize>(p * Ch) << 2), hB);
      }
    }
  }
}

/**
 * The adjoint of {@link upsampleConcat} for its first part, followed by the ReLU backward of
 * `lo`: dlo[q, k] = (((0 + d₀) + d₁) + d₂) + d₃ over the 2×2 block of dcat's first Cl channels in
 * row order (f32 additions, as `upsample2Backward`'s +=), then +0 where !(lo > 0).
 */
export function upsampleConcatBackward(
  dcat: usize, lo: usize, dlo: usize, B: i32, H: i32, W: i32, Cl: i32, Ch: i32,
): void {
  const C = Cl + Ch, W2 = 2 * W;
  for (let n = 0; n < B; n++) {
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const q = (n * H + y) * W + x;
        const p00 = (n * 2 * H + 2 * y) * W2 + 2 * x;
        const r0 = dcat + (<usize>(p00 * C) << 2), r1 = r0 + (<usize>(W2 * C) << 2);
        const cB = <usize>C << 2, z = f32x4.splat(0);
        let k = 0;
        for (; k + 4 <= Cl; k += 4) {
          const o = <usize>k << 2, qo = <usize>(q * Cl + k) << 2;
          let v = f32x4.add(z, v128.load(r0 + o));
          v = f32x4.add(v, v128.load(r0 + cB + o));
          v = f32x4.add(v, v128.load(r1 + o));
          v = f32x4.add(v, v128.load(r1 + cB + o));
          v128.store(dlo + qo, v128.and(v, f32x4.gt(v128.load(lo + qo), z)));
        }
        for (; k < Cl; k++) {
          const o = <usize>k << 2;
          let v: f32 = 0;
          v += load<f32>(r0 + o);
          v += load<f32>(r0 + cB + o);
          v += load<f32>(r1 + o);
          v += load<f32>(r1 + cB + o);
          const qo = <usize>(q * Cl + k) << 2;
          store<f32>(dlo + qo, load<f32>(lo + qo) > 0 ? v : 0);
        }
      }
    }
  }
}

/**
 * The second part of dcat plus `dskip`, then the ReLU backward of `hi`: per pixel p and channel
 * k < Ch, dhi[p, k] = f32(dcat[p, Cl + k] + dskip[p, k]), +0 where !(hi > 0) (as `splitChannels`,
 * `+=` and `reluBackwardInPlace`).
 */
export function concatSkipBackward(
  dcat: usize, dskip: usize, hi: usize, dhi: usize, pixels: i32, Cl: i32, Ch: i32,
): void {
  const C = Cl + Ch;
  for (let p = 0; p < pixels; p++) {
    const src = dcat + (<usize>(p * C + Cl) << 2);
    const o = <usize>(p * Ch) << 2, z = f32x4.splat(0);
    let k = 0;
    for (; k + 4 <= Ch; k += 4) {
      const kk = <usize>k << 2;
      const v = f32x4.add(v128.load(src + kk), v128.load(dskip + o + kk));
      v128.store(dhi + o + kk, v128.and(v, f32x4.gt(v128.load(hi + o + kk), z)));
    }
    for (; k < Ch; k++) {
      const kk = <usize>k << 2;
      const v = load<f32>(src + kk) + load<f32>(dskip + o + kk);
      store<f32>(dhi + o + kk, load<f32>(hi + o + kk) > 0 ? v : 0);
    }
  }
}

/**
 * Per-image losses of `lossesCpu` and, when `dE` ≠ 0, the gradient of their mean (as
 * `lossAndGradCpu`): losses[n] = f32(Σ_k σ² d_k d_k / px) with d = ε − ε̂ (f64, k ascending) and
 * dE = f32(f · d) with f = −2σ²/(B·px). Returns the mean of the f32 losses (f64 sum, n
 * ascending, divided by B).
 */
export function denoiserLoss(
  eps: usize, epsHat: usize, sigma: usize, losses: usize, dE: usize, B: i32, px: i32,
): f64 {
  let total: f64 = 0;
  for (let n = 0; n < B; n++) {
    const s = <f64>load<f32>(sigma + (<usize>n << 2));
    const s2 = s * s;
    const base = <usize>(n * px) << 2;
    let acc: f64 = 0;
    for (let k = 0; k < px; k++) {
      const o = base + (<usize>k << 2);
      const d = <f64>load<f32>(eps + o) - <f64>load<f32>(epsHat + o);
      acc += s2 * d * d;
    }
    const l = <f32>(acc / <f64>px);
    store<f32>(losses + (<usize>n << 2), l);
    total += <f64>l;
    if (!dE) continue;
    const f = -2.0 * s * s / <f64>(B * px);
    for (let k = 0; k < px; k++) {
      const o = base + (<usize>k << 2);
      store<f32>(dE + o, <f32>(f * (<f64>load<f32>(eps + o) - <f64>load<f32>(epsHat + o))));
    }
  }
  return total / <f64>B;
}

/**
 * One Adam step over n parameters (as `AdamCpu.step`): m ← b1 m + (1 − b1) g,
 * v ← b2 v + (1 − b2) g g, p ← f32(p − lr (m / c1) / (√(v / c2) + ε)); p f32, g, m, v f64.
 * `omb1` = 1 − b1 and `omb2` = 1 − b2 and the bias corrections c1, c2 come from the caller.
 */
export function adamStep(
  p: usize, g: usize, m: usize, v: usize, n: i32,
  lr: f64, b1: f64, b2: f64, omb1: f64, omb2: f64, c1: f64, c2: f64, eps: f64,
): void {
  const B1 = f64x2.splat(b1), B2 = f64x2.splat(b2), O1 = f64x2.splat(omb1), O2 = f64x2.splat(omb2);
  const C1 = f64x2.splat(c1), C2 = f64x2.splat(c2), LR = f64x2.splat(lr), E = f64x2.splat(eps);
  let i = 0;
  for (; i + 2 <= n; i += 2) {
    const o8 = <usize>i << 3, o4 = <usize>i << 2;
    const gv = v128.load(g + o8);
    const mv = f64x2.add(f64x2.mul(B1, v128.load(m + o8)), f64x2.mul(O1, gv));
    const vv = f64x2.add(f64x2.mul(B2, v128.load(v + o8)), f64x2.mul(f64x2.mul(O2, gv), gv));
    v128.store(m + o8, mv);
    v128.store(v + o8, vv);
    const u = f64x2.div(f64x2.mul(LR, f64x2.div(mv, C1)), f64x2.add(f64x2.sqrt(f64x2.div(vv, C2)), E));
    const pv = f64x2.promote_low_f32x4(v128.load64_zero(p + o4));
    v128.store64_lane(p + o4, f32x4.demote_f64x2_zero(f64x2.sub(pv, u)), 0);
  }
  for (; i < n; i++) {
    const o8 = <usize>i << 3, o4 = <usize>i << 2;
    const gs = load<f64>(g + o8);
    const ms = b1 * load<f64>(m + o8) + omb1 * gs;
    const vs = b2 * load<f64>(v + o8) + omb2 * gs * gs;
    store<f64>(m + o8, ms);
    store<f64>(v + o8, vs);
    store<f32>(p + o4, <f32>(<f64>load<f32>(p + o4) - lr * (ms / c1) / (Math.sqrt(vs / c2) + eps)));
  }
}

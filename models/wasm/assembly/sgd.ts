// AssemblyScript source of models/wasm/sgd.wasm (build: `deno task wasm`). Online pSGD of the
// tied denoiser on the mixed cumulant model, one run at a time: the same algorithm, operation
// order and Philox stream as the JS reference `runSgdCpu` (models/cum/sgd.ts) and
// `mcmStepSample` (datasets/mixed_cumulant.ts), so both give the same bits. Philox uses native
// 32×32 → 64-bit multiplies; a step's Philox words are drawn first (eight blocks per call, four
// per i32x4) and
// turned into normals two pairs at a time by box_muller.ts, which gives Math.log/cos/sin's bits
// (correctly rounded, the engine's function where the rounding is not settled); tanh is the
// engine's (imported).

@external("./math_imports.ts", "tanh") declare function jsTanh(x: f64): f64;

import { philox, philox8, r0, r1, r2, r3, u0, u1, u2, u3, v0, v1, v2, v3 } from "./philox";
import { normals2 } from "./box_muller";
export { boxMullerFallbacks, logCosSinFromWords, normalsFromWords } from "./box_muller";

/** Run one Philox4x32-10 block and return word `i` (for tests against the JS generator). */
export function philoxWord(c0: u32, c1: u32, c2: u32, c3: u32, k0: u32, k1: u32, i: i32): u32 {
  philox(c0, c1, c2, c3, k0, k1);
  return i == 0 ? r0 : i == 1 ? r1 : i == 2 ? r2 : r3;
}

@inline function ld(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

@inline function st(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

@inline function ldv(p: usize, i: i32): v128 {
  return v128.load(p + (<usize>i << 3));
}

@inline function stv(p: usize, i: i32, v: v128): void {
  v128.store(p + (<usize>i << 3), v);
}

/** Groups of four Philox blocks per step: ⌈d/2⌉ + 1 blocks, rounded up to a multiple of 8. */
@inline function groups(d: i32): i32 {
  return ((((d + 1) >> 1) + 8) >> 3) << 1;
}

/**
 * The sample of step t (as mcmStepSample with u = e₁, v = e₂): clean x and noised xt, each
 * with room for 8 values per group (`groups(d)`); `words` holds the step's Philox words, per
 * group of four blocks word 0 of each, then words 1, 2 and 3 (64 bytes).
 */
function sample(
  x: usize, xt: usize, words: usize, d: i32, t: u32, k0: u32, k1: u32,
  latent: i32, betaU: f64, betaV: f64, corrThreshold: f64, alpha: f64,
): void {
  const s = Math.sqrt(1 - alpha * alpha);
  const blocks = (d + 1) >> 1;
  const G = groups(d), step = i32x4.splat(t);
  for (let g = 0; g < G; g += 2) {
    groupWords(4 * g, step, k0, k1, words + (<usize>g << 6));
  }
  // block b: words (0, 1) → x[2b], x[2b+1] (z), words (2, 3) → xt[2b], xt[2b+1] (ε); block
  // `blocks` gives g (its first normal, x[2·blocks]). Two blocks per call: blocks 2h and 2h+1 are
  // lanes 2(h&1) and 2(h&1)+1 of group h>>1 (the values past d are not used).
  for (let h = 0; 2 * h <= blocks; h++) {
    const p = words + (<usize>(h >> 1) << 6), o = <usize>h << 5;
    let w0 = v128.load(p), w1 = v128.load(p, 16), w2 = v128.load(p, 32), w3 = v128.load(p, 48);
    if (h & 1) {
      w0 = v128.shuffle<u64>(w0, w0, 1, 0);
      w1 = v128.shuffle<u64>(w1, w1, 1, 0);
      w2 = v128.shuffle<u64>(w2, w2, 1, 0);
      w3 = v128.shuffle<u64>(w3, w3, 1, 0);
    }
    normals2(w0, w1, x + o);
    if (2 * h < blocks) normals2(w2, w3, xt + o);
  }
  const word = load<u32>(words + (<usize>(blocks >> 2) << 6) + 32 + (<usize>(blocks & 3) << 2));
  const g = ld(x, 2 * blocks);
  let nu: f64;
  if (latent == 0) nu = (word >>> 31) == 1 ? -1 : 1;
  else {
    const sg: f64 = g >= 0 ? 1 : -1;
    nu = latent == 2 ? sg : sg * (Math.abs(g) >= corrThreshold ? 1 : -1);
  }
  st(x, 0, ld(x, 0) + Math.sqrt(betaU) * g);
  st(x, 1, (Math.sqrt(betaV) * nu + ld(x, 1)) / Math.sqrt(1 + betaV));
  const av = f64x2.splat(alpha), sv = f64x2.splat(s), d2 = d & ~1;
  for (let i = 0; i < d2; i += 2) stv(xt, i, f64x2.add(f64x2.mul(av, ldv(x, i)), f64x2.mul(sv, ldv(xt, i))));
  for (let i = d2; i < d; i++) st(xt, i, alpha * ld(x, i) + s * ld(xt, i));
}

// the sums stay sequential (the reference's order); the elementwise loops take two i per f64x2
function gramSchmidt(w: usize, d: i32, K: i32): void {
  const d2 = d & ~1;
  for (let k = 0; k < K; k++) {
    const o = k * d;
    for (let j = 0; j < k; j++) {
      let dot: f64 = 0;
      for (let i = 0; i < d; i++) dot += ld(w, o + i) * ld(w, j * d + i);
      const dv = f64x2.splat(dot);
      for (let i = 0; i < d2; i += 2) {
        stv(w, o + i, f64x2.sub(ldv(w, o + i), f64x2.mul(dv, ldv(w, j * d + i))));
      }
      for (let i = d2; i < d; i++) st(w, o + i, ld(w, o + i) - dot * ld(w, j * d + i));
    }
    let n: f64 = 0;
    for (let i = 0; i < d; i++) n += ld(w, o + i) * ld(w, o + i);
    const inv = 1 / Math.sqrt(n), iv = f64x2.splat(inv);
    for (let i = 0; i < d2; i += 2) stv(w, o + i, f64x2.mul(ldv(w, o + i), iv));
    for (let i = d2; i < d; i++) st(w, o + i, ld(w, o + i) * inv);
  }
}

/**
 * Philox blocks j…j+7 at counters (block, t, 0, 0) by {@link philox8}, as `sample` draws them:
 * 32 u32 to `out`, per group of four blocks word 0 of each, then words 1, 2 and 3 (for tests).
 */
export function philoxGroupWords(j: u32, t: u32, k0: u32, k1: u32, out: usize): void {
  groupWords(<i32>j, i32x4.splat(t), k0, k1, out);
}

// Philox blocks j … j+7 of step `step` (splatted): their 32 words to `out`, as philox8 leaves them
@inline function groupWords(j: i32, step: v128, k0: u32, k1: u32, out: usize): void {
  philox8(i32x4(j, j + 1, j + 2, j + 3), step, i32x4(j + 4, j + 5, j + 6, j + 7), step, k0, k1);
  v128.store(out, v0);
  v128.store(out, v1, 16);
  v128.store(out, v2, 32);
  v128.store(out, v3, 48);
  v128.store(out, u0, 64);
  v128.store(out, u1, 80);
  v128.store(out, u2, 96);
  v128.store(out, u3, 112);
}

/** First byte the caller may use, 16-aligned. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

/** Bytes of the work area {@link sgdSteps} needs (a step's words, x, xt, three K-vectors). */
export function sgdScratch(d: i32, K: i32): usize {
  return 3 * (<usize>groups(d) << 6) + <usize>(3 * K) * 8;
}

/**
 * Steps t0 ≤ t < t1 of one run, in place: weights `w` (K × d, f64), first crossings and the
 * failure step in `res` (three u32: crossU, crossV, failedAt; 0 = not yet), logged overlaps in
 * `logU`/`logV` (f32, one per logEvery steps). `latent`: 0 independent, 1 correlated, 2
 * naive-sign; `act`: 0 tanh, 1 linear. Returns 0 when the run failed (stop), else 1.
 */
export function sgdSteps(
  w: usize, scratch: usize, res: usize, logU: usize, logV: usize,
  d: i32, K: i32, act: i32, latent: i32, betaU: f64, betaV: f64, corrThreshold: f64,
  alpha: f64, eta: f64, k0: u32, k1: u32, t0: u32, t1: u32, logEvery: u32,
  thresholdU: f64, thresholdV: f64,
): i32 {
  // scratch is 16-aligned: words, x, xt (64 bytes per group each), then the K-vectors
  const gb = <usize>groups(d) << 6;
  const words = scratch, x = words + gb, xt = x + gb, mu = xt + gb;
  const sg = mu + (<usize>K << 3), sp = sg + (<usize>K << 3);
  for (let t = t0; t < t1; t++) {
    sample(x, xt, words, d, t, k0, k1, latent, betaU, betaV, corrThreshold, alpha);
    for (let k = 0; k < K; k++) {
      let l: f64 = 0, m: f64 = 0;
      const o = k * d;
      for (let i = 0; i < d; i++) {
        const wi = ld(w, o + i);
        l += wi * ld(xt, i);
        m += wi * ld(x, i);
      }
      st(mu, k, m);
      if (act == 1) {
        st(sg, k, l);
        st(sp, k, 1);
      } else {
        const th = jsTanh(l);
        st(sg, k, th);
        st(sp, k, 1 - th * th);
      }
    }
    const e2 = eta * 2, e2v = f64x2.splat(e2), d2 = d & ~1;
    for (let i = 0; i < d2; i += 2) {
      let r = f64x2.neg(ldv(x, i));
      for (let k = 0; k < K; k++) r = f64x2.add(r, f64x2.mul(ldv(w, k * d + i), f64x2.splat(ld(sg, k))));
      const xi = ldv(xt, i);
      for (let k = 0; k < K; k++) {
        const s = ld(sg, k), c = ld(sp, k) * (s - ld(mu, k)), o = k * d + i;
        const g = f64x2.add(f64x2.mul(f64x2.splat(s), r), f64x2.mul(f64x2.splat(c), xi));
        stv(w, o, f64x2.sub(ldv(w, o), f64x2.mul(e2v, g)));
      }
    }
    for (let i = d2; i < d; i++) {
      let r = -ld(x, i);
      for (let k = 0; k < K; k++) r += ld(w, k * d + i) * ld(sg, k);
      const xi = ld(xt, i);
      for (let k = 0; k < K; k++) {
        const s = ld(sg, k);
        st(w, k * d + i, ld(w, k * d + i) - e2 * (s * r + ld(sp, k) * (s - ld(mu, k)) * xi));
      }
    }
    gramSchmidt(w, d, K);
    let ou: f64 = 0, ov: f64 = 0;
    for (let k = 0; k < K; k++) {
      ou = jsMax(ou, Math.abs(ld(w, k * d)));
      ov = jsMax(ov, Math.abs(ld(w, k * d + 1)));
    }
    if (!isFinite(ou) || !isFinite(ov)) {
      store<u32>(res, t, 8);
      return 0;
    }
    if (load<u32>(res) == 0 && ou > thresholdU) store<u32>(res, t);
    if (load<u32>(res, 4) == 0 && ov > thresholdV) store<u32>(res, t, 4);
    if (t % logEvery == 0) {
      const l = t / logEvery - 1;
      store<f32>(logU + (<usize>l << 2), <f32>ou);
      store<f32>(logV + (<usize>l << 2), <f32>ov);
    }
  }
  return 1;
}

// Math.max of two non-negative values or NaN: NaN wins
@inline function jsMax(a: f64, b: f64): f64 {
  return a != a || b != b ? NaN : a > b ? a : b;
}

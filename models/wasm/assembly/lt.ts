// AssemblyScript source of models/wasm/lt.wasm (build: `deno task wasm`). The f64 hot loops of
// Paper D (models/lt/): the random-features score sampler, the pool moments Φ_aᵀ diag(w) Φ_b and
// IGD's minibatch and full-batch steps, each in its JS reference's exact operation order per
// output element (sums in the same index order, the same products, quotients and roundings), so
// both give the same bits. SIMD lanes run over independent outputs only: particles (sampler),
// output columns (moments, full-batch IGD) and the d = 2 coordinates (minibatch IGD).
// Philox uses native 32×32 → 64-bit multiplies, as models/wasm/assembly/sgd.ts; the sampler's
// Box–Muller is box_muller.ts's (the engine's Math.log/cos/sin bits, the engine's functions
// imported for the inputs whose rounding it cannot settle).

import { philox, philox8, r0, r1, r2, r3, u0, u1, v0, v1 } from "./philox";
import { normals2Split } from "./box_muller";

export { boxMullerFallbacks } from "./box_muller";


// PhiloxStream.int (datasets/philox.ts) of a stream read from its start: u32 number n is word
// n mod 4 of block ⌊n/4⌋ = philox(⌊n/4⌋ mod 2³², ⌊n/2³⁴⌋, 0, 0, key); int number i takes words
// 2i, 2i + 1 as uniform() does: ⌊((a >>> 5)·2²⁶ + (b >>> 6))/2⁵³ · n⌋.

/** Ints number i0, i0 + 1, …, i0 + count − 1 of the stream with key (k0, k1), each in [0, n), into out (i32). */
function streamInts(out: usize, count: i32, i0: u64, n: i32, k0: u32, k1: u32): void {
  for (let c = 0; c < count; c++) {
    const i = i0 + <u64>c, block = i >> 1;
    philox(<u32>block, <u32>(block >> 32), 0, 0, k0, k1);
    const a = (i & 1) == 0 ? r0 : r2, b = (i & 1) == 0 ? r1 : r3;
    const u = (<f64>(a >>> 5) * 67108864 + <f64>(b >>> 6)) / 9007199254740992;
    store<i32>(out + (<usize>c << 2), <i32>Math.floor(u * <f64>n));
  }
}

/** {@link streamInts} for tests against the JS stream. */
export function streamIntsTest(out: usize, count: i32, i0: f64, n: i32, k0: u32, k1: u32): void {
  streamInts(out, count, <u64>i0, n, k0, k1);
}

@inline function ld(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

@inline function st(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

@inline function vat(p: usize, i: i32): usize {
  return p + (<usize>i << 3);
}

@inline function madd(acc: v128, a: v128, b: v128): v128 {
  return f64x2.add(acc, f64x2.mul(a, b));
}

/** First byte the caller may use, 16-aligned. */
export function heapBase(): usize {
  return (__heap_base + 15) & ~(<usize>15);
}

// ---------------------------------------------------------------------------------------------
// Sampler noise: the normals of normal2FromU32 (datasets/philox.ts) for counters (p, k, 0, 0)
// under the key, the first (cos) normal at Z[(2k)·Pp + p], the second (sin) at
// Z[(2k + 1)·Pp + p], for p < P and kFrom ≤ k ≤ kTo; entries P ≤ p < Pp are 0. Philox eight
// particles at a time (philox8), Box–Muller two pairs per f64x2 by box_muller.ts, which gives the
// engine's Math.log/cos/sin bits (its own where it can prove the rounding, else the engine's).

/** The sampler's noise table, steps kFrom..kTo (see above; Pp a multiple of 4). */
export function samplerNoise(Z: usize, P: i32, Pp: i32, kFrom: i32, kTo: i32, k0: u32, k1: u32): void {
  for (let k = kFrom; k <= kTo; k++) {
    const z0 = Z + (<usize>(2 * k * Pp) << 3), z1 = z0 + (<usize>Pp << 3);
    const kv = i32x4.splat(k);
    for (let p = 0; p < Pp; p += 8) {
      philox8(i32x4(p, p + 1, p + 2, p + 3), kv, i32x4(p + 4, p + 5, p + 6, p + 7), kv, k0, k1);
      const o = <usize>p << 3;
      normals2Split(v0, v1, z0 + o, z1 + o);
      normals2Split(highPairs(v0), highPairs(v1), z0 + o + 16, z1 + o + 16);
      if (p + 4 < Pp) {
        normals2Split(u0, u1, z0 + o + 32, z1 + o + 32);
        normals2Split(highPairs(u0), highPairs(u1), z0 + o + 48, z1 + o + 48);
      }
    }
    for (let p = P; p < Pp; p++) {
      st(z0, p, 0);
      st(z1, p, 0);
    }
  }
}

// lanes 2, 3 of an i32x4 moved to lanes 0, 1
@inline function highPairs(w: v128): v128 {
  return v128.shuffle<u32>(w, w, 2, 3, 0, 1);
}

// ---------------------------------------------------------------------------------------------
// The sampler for d = 2 (models/lt/sampler.ts: sampleCpu with scoreSum2), one slot, particles
// eight at a time (four vectors per coordinate). Per particle and step, in the reference's order:
//   h_j = (tb[k·m + j] + W[2j]·x0) + W[2j+1]·x1,  s_q += A[q·m + j]·h_j over j ascending with h_j > 0
//   SDE: x_q += dt·(x_q + 2·s_q/m) + √(2dt)·z_q;  ODE: x_q += dt·(x_q + s_q/m).
// An inactive feature (h ≤ 0) is added as A·max(h, +0) = A·(±0) = ±0 (pmax: h < 0 gives +0, ±0
// stays), which leaves s unchanged: s starts at +0 and a round-to-nearest sum is −0 only when both
// terms are −0, so s is never −0. That needs a finite A; the caller runs the reference for a slot
// whose A is not finite. NaN h stays NaN (pmax keeps its first operand; the reference adds it too).

/**
 * Sample one slot: `Z` the noise table (normals, layout as {@link samplerNoise}, Pp a multiple
 * of 8; step nT − 1 + 1 = nT holds x_T), `out` P × 2 samples at t_min. mode 0: SDE, 1: ODE.
 * Particles eight at a time (four vectors per coordinate), so the splatted weights and the loop
 * counters of a feature serve eight.
 */
export function sample2(
  W: usize, tb: usize, A: usize, grid: usize, Z: usize, out: usize,
  nT: i32, m: i32, P: i32, Pp: i32, mode: i32,
): void {
  const zero = f64x2.splat(0), two = f64x2.splat(2), mv = f64x2.splat(<f64>m);
  const rowB = <usize>Pp << 3;
  const A1 = A + (<usize>m << 3);
  for (let p = 0; p < Pp; p += 8) {
    const zT = Z + <usize>(2 * nT) * rowB + (<usize>p << 3);
    let x0a = v128.load(zT), x0b = v128.load(zT, 16), x0c = v128.load(zT, 32), x0d = v128.load(zT, 48);
    const zT1 = zT + rowB;
    let x1a = v128.load(zT1), x1b = v128.load(zT1, 16), x1c = v128.load(zT1, 32), x1d = v128.load(zT1, 48);
    for (let k = nT - 1; k >= 1; k--) {
      let s0a = zero, s0b = zero, s0c = zero, s0d = zero, s1a = zero, s1b = zero, s1c = zero, s1d = zero;
      let tp = tb + (<usize>(k * m) << 3), wp = W, ap = A, bp = A1;
      const tEnd = tp + (<usize>m << 3);
      while (tp < tEnd) {
        const t = v128.load64_splat(tp), w0 = v128.load64_splat(wp), w1 = v128.load64_splat(wp, 8);
        const ha = relu(t, w0, w1, x0a, x1a, zero), hb = relu(t, w0, w1, x0b, x1b, zero);
        const hc = relu(t, w0, w1, x0c, x1c, zero), hd = relu(t, w0, w1, x0d, x1d, zero);
        const a0 = v128.load64_splat(ap), a1 = v128.load64_splat(bp);
        s0a = madd(s0a, a0, ha);
        s0b = madd(s0b, a0, hb);
        s0c = madd(s0c, a0, hc);
        s0d = madd(s0d, a0, hd);
        s1a = madd(s1a, a1, ha);
        s1b = madd(s1b, a1, hb);
        s1c = madd(s1c, a1, hc);
        s1d = madd(s1d, a1, hd);
        tp += 8;
        wp += 16;
        ap += 8;
        bp += 8;
      }
      const dt = ld(grid, k) - ld(grid, k - 1), dtv = f64x2.splat(dt);
      if (mode == 0) {
        const sq = f64x2.splat(Math.sqrt(2 * dt));
        const z0 = Z + <usize>(2 * k) * rowB + (<usize>p << 3), z1 = z0 + rowB;
        x0a = sdeStep(x0a, s0a, dtv, two, mv, sq, v128.load(z0));
        x0b = sdeStep(x0b, s0b, dtv, two, mv, sq, v128.load(z0, 16));
        x0c = sdeStep(x0c, s0c, dtv, two, mv, sq, v128.load(z0, 32));
        x0d = sdeStep(x0d, s0d, dtv, two, mv, sq, v128.load(z0, 48));
        x1a = sdeStep(x1a, s1a, dtv, two, mv, sq, v128.load(z1));
        x1b = sdeStep(x1b, s1b, dtv, two, mv, sq, v128.load(z1, 16));
        x1c = sdeStep(x1c, s1c, dtv, two, mv, sq, v128.load(z1, 32));
        x1d = sdeStep(x1d, s1d, dtv, two, mv, sq, v128.load(z1, 48));
      } else {
        x0a = odeStep(x0a, s0a, dtv, mv);
        x0b = odeStep(x0b, s0b, dtv, mv);
        x0c = odeStep(x0c, s0c, dtv, mv);
        x0d = odeStep(x0d, s0d, dtv, mv);
        x1a = odeStep(x1a, s1a, dtv, mv);
        x1b = odeStep(x1b, s1b, dtv, mv);
        x1c = odeStep(x1c, s1c, dtv, mv);
        x1d = odeStep(x1d, s1d, dtv, mv);
      }
    }
    storePairs(out, p, P, x0a, x1a);
    storePairs(out, p + 2, P, x0b, x1b);
    storePairs(out, p + 4, P, x0c, x1c);
    storePairs(out, p + 6, P, x0d, x1d);
  }
}

// max((t + w0·x0) + w1·x1, +0) of two particles (see above for ±0 and NaN)
@inline function relu(t: v128, w0: v128, w1: v128, x0: v128, x1: v128, zero: v128): v128 {
  return f64x2.pmax(f64x2.add(f64x2.add(t, f64x2.mul(w0, x0)), f64x2.mul(w1, x1)), zero);
}

// x + (dt·(x + 2·s/m) + √(2dt)·z), two particles
@inline function sdeStep(x: v128, s: v128, dt: v128, two: v128, mv: v128, sq: v128, z: v128): v128 {
  return f64x2.add(x, f64x2.add(f64x2.mul(dt, f64x2.add(x, f64x2.div(f64x2.mul(two, s), mv))), f64x2.mul(sq, z)));
}

// x + dt·(x + s/m), two particles
@inline function odeStep(x: v128, s: v128, dt: v128, mv: v128): v128 {
  return f64x2.add(x, f64x2.mul(dt, f64x2.add(x, f64x2.div(s, mv))));
}

// particles p, p + 1 (lanes 0, 1 of x0 and x1) to out as (x0, x1) pairs, those below P
@inline function storePairs(out: usize, p: i32, P: i32, x0: v128, x1: v128): void {
  const o = out + (<usize>(2 * p) << 3);
  if (p < P) {
    store<f64>(o, f64x2.extract_lane(x0, 0));
    store<f64>(o, f64x2.extract_lane(x1, 0), 8);
  }
  if (p + 1 < P) {
    store<f64>(o, f64x2.extract_lane(x0, 1), 16);
    store<f64>(o, f64x2.extract_lane(x1, 1), 24);
  }
}

// ---------------------------------------------------------------------------------------------
// Pool moments (models/lt/game.ts: PoolStats.moment): out[j·m + k] = Σ_i (pa[i·m + j]·w_i)·pb[i·m + k]
// over i ascending (w_i = wt_i / N, given), in tiles of 2 rows j × 8 columns k. The reference
// skips v = pa·w = 0; here such a term is added as 0·pb = ±0 (the caller checks that pb is
// finite), which leaves a sum that starts at +0, and so is never −0, unchanged. sym: only
// tiles reaching k ≥ j, then the lower triangle mirrored (the reference's mirror).

/** Draws per pass over the output tiles: pa's and pb's rows of a pass (2 × 64 KB at m = 128) stay in L2. */
const MOMENT_ROWS = 64;

/** The moment (see above): pa, pb N × m; w N; out m × m (overwritten). */
export function moment(pa: usize, pb: usize, w: usize, out: usize, N: i32, m: i32, sym: i32): void {
  const rowB = <usize>m << 3;
  // draws in passes of MOMENT_ROWS, each tile's sums carried in `out` from pass to pass: every
  // entry still adds its terms in draw order, from +0
  for (let i0 = 0; i0 < N; i0 += MOMENT_ROWS) {
    const i1 = min(N, i0 + MOMENT_ROWS), first = i0 == 0;
    for (let j = 0; j < m; j += 2) {
      const j1 = j + 1 < m ? j + 1 : j; // an odd last row is computed twice, stored once
      for (let k = sym ? j & ~7 : 0; k < m; k += 8) {
        let a0 = f64x2.splat(0), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        if (!first) {
          const pa0 = out + (<usize>(j * m + k) << 3), pb0 = out + (<usize>(j1 * m + k) << 3);
          a0 = v128.load(pa0); a1 = v128.load(pa0, 16); a2 = v128.load(pa0, 32); a3 = v128.load(pa0, 48);
          b0 = v128.load(pb0); b1 = v128.load(pb0, 16); b2 = v128.load(pb0, 32); b3 = v128.load(pb0, 48);
        }
        let ra = pa + <usize>i0 * rowB, rb = pb + <usize>i0 * rowB + (<usize>k << 3);
        for (let i = i0; i < i1; i++) {
          const wi = ld(w, i);
          const u = f64x2.splat(ld(ra, j) * wi), v = f64x2.splat(ld(ra, j1) * wi);
          const x0 = v128.load(rb), x1 = v128.load(rb, 16), x2 = v128.load(rb, 32), x3 = v128.load(rb, 48);
          a0 = madd(a0, u, x0); a1 = madd(a1, u, x1); a2 = madd(a2, u, x2); a3 = madd(a3, u, x3);
          b0 = madd(b0, v, x0); b1 = madd(b1, v, x1); b2 = madd(b2, v, x2); b3 = madd(b3, v, x3);
          ra += rowB;
          rb += rowB;
        }
        storeTile(out, j, m, k, a0, a1, a2, a3);
        if (j + 1 < m) storeTile(out, j + 1, m, k, b0, b1, b2, b3);
      }
    }
  }
  if (sym) {
    for (let j = 0; j < m; j++) for (let k = 0; k < j; k++) st(out, j * m + k, ld(out, k * m + j));
  }
}

@inline function storePair(out: usize, o: i32, k: i32, m: i32, v: v128): void {
  if (k < m) st(out, o + k, f64x2.extract_lane(v, 0));
  if (k + 1 < m) st(out, o + k + 1, f64x2.extract_lane(v, 1));
}

@inline function storeTile(out: usize, j: i32, m: i32, k: i32, v0: v128, v1: v128, v2: v128, v3: v128): void {
  const o = j * m;
  if (k + 8 <= m) {
    const p = out + (<usize>(o + k) << 3);
    v128.store(p, v0);
    v128.store(p, v1, 16);
    v128.store(p, v2, 32);
    v128.store(p, v3, 48);
  } else {
    storePair(out, o, k, m, v0);
    storePair(out, o, k + 2, m, v1);
    storePair(out, o, k + 4, m, v2);
    storePair(out, o, k + 6, m, v3);
  }
}

// ---------------------------------------------------------------------------------------------
// IGD (models/lt/igd.ts: runIgd), steps t0 ≤ t < t1 of one run, K classes. Shared arguments:
// A and G: K blocks of d·m f64 (the iterate and its gradient); L: K smoothness values; lr,
// invsqrt (1: η_t ∝ 1/√(t+1), 0: constant); ridge.

@inline function stepIterate(A: usize, G: usize, L: usize, K: i32, dm: i32, t: u32, lr: f64, invsqrt: i32): void {
  const decay: f64 = invsqrt ? 1 / Math.sqrt(<f64>t + 1) : 1;
  for (let y = 0; y < K; y++) {
    const eta = f64x2.splat(lr * decay / ld(L, y));
    const a = A + (<usize>(y * dm) << 3), g = G + (<usize>(y * dm) << 3);
    let k = 0;
    for (; k + 2 <= dm; k += 2) {
      v128.store(vat(a, k), f64x2.sub(v128.load(vat(a, k)), f64x2.mul(eta, v128.load(vat(g, k)))));
    }
    if (k < dm) st(a, k, ld(a, k) - f64x2.extract_lane(eta, 0) * ld(g, k));
  }
}

// Minibatch steps, d = 2. Here A and G hold each class's block interleaved, [j][q] (m × 2), so a
// vector is the two coordinates of feature j and every sum runs over j ascending as in the
// reference. phi: K·K pointers (u32), phi[y·K + c] = class y's pool under network c (N × m);
// lam, om: K pointers to λ_i, ω_i; tgt: K pointers to the N × 2 targets; Ns: K pool sizes (i32);
// the minibatch indices are ints of the stream with key (k0, k1) read from its start, in the
// reference's order (step, class, batch entry), ints number draw0, draw0 + 1, … drawn here;
// idx: batch i32, R: 2·batch f64 and Dt: 2·K·(batch + 1) f64 of scratch.

/** Σ_j a[j]·φ0_j and Σ_j a[j]·φ1_j (a: m × 2 interleaved), j ascending, into out0 and out1. */
function dotPair(a: usize, p0: usize, p1: usize, m: i32, out0: usize, out1: usize): void {
  let s0 = f64x2.splat(0), s1 = s0;
  for (let j = 0; j < m; j++) {
    const av = v128.load(vat(a, 2 * j));
    s0 = madd(s0, av, v128.load64_splat(vat(p0, j)));
    s1 = madd(s1, av, v128.load64_splat(vat(p1, j)));
  }
  v128.store(out0, s0);
  v128.store(out1, s1);
}

/** {@link dotPair} of a with (p0, p1) and of c with (q0, q1) in one pass: four chains. */
function dotQuad(
  a: usize, c: usize, p0: usize, p1: usize, q0: usize, q1: usize, m: i32,
  oa0: usize, oa1: usize, oc0: usize, oc1: usize,
): void {
  let s0 = f64x2.splat(0), s1 = s0, u0 = s0, u1 = s0;
  for (let j = 0; j < m; j++) {
    const av = v128.load(vat(a, 2 * j)), cv = v128.load(vat(c, 2 * j));
    s0 = madd(s0, av, v128.load64_splat(vat(p0, j)));
    s1 = madd(s1, av, v128.load64_splat(vat(p1, j)));
    u0 = madd(u0, cv, v128.load64_splat(vat(q0, j)));
    u1 = madd(u1, cv, v128.load64_splat(vat(q1, j)));
  }
  v128.store(oa0, s0);
  v128.store(oa1, s1);
  v128.store(oc0, u0);
  v128.store(oc1, u1);
}

/** Minibatch IGD steps t0..t1−1 for d = 2 (layout above). */
export function igdMinibatch2(
  phi: usize, lam: usize, om: usize, tgt: usize, Ns: usize, idx: usize, A: usize, G: usize,
  L: usize, R: usize, Dt: usize, K: i32, m: i32, batch: i32, beta: f64, ridge: f64, lr: f64, invsqrt: i32,
  t0: u32, t1: u32, k0: u32, k1: u32, draw0: f64,
): void {
  const dm = 2 * m, mv = f64x2.splat(<f64>m);
  const twoM = f64x2.splat(2 / <f64>m), bv = f64x2.splat(<f64>batch), zero = f64x2.splat(0);
  const rc = f64x2.splat(2 * ridge / <f64>(m * m)), bK = beta / <f64>K;
  const ip = idx;
  let draw = <u64>draw0;
  for (let t = t0; t < t1; t++) {
    for (let y = 0; y < K; y++) {
      streamInts(idx, batch, draw, load<i32>(Ns + (<usize>y << 2)), k0, k1);
      draw += <u64>batch;
      const Ay = A + (<usize>(y * dm) << 3), g = G + (<usize>(y * dm) << 3);
      const py = <usize>load<u32>(phi + (<usize>(y * K + y) << 2));
      const lamY = <usize>load<u32>(lam + (<usize>y << 2)), omY = <usize>load<u32>(om + (<usize>y << 2));
      const tgY = <usize>load<u32>(tgt + (<usize>y << 2));
      // the scores of the batch (they depend on A only), two draws at a time for independent
      // chains and memory streams: Dt[(b·K + c)·2 + q] = Σ_j A_c[q, j] φ_{y,c}(x_b)_j
      for (let b = 0; b < batch; b += 2) {
        const b1 = b + 1 < batch ? b + 1 : b; // an odd last draw is computed twice
        const o0 = <usize>(load<i32>(ip + (<usize>b << 2)) * m) << 3;
        const o1 = <usize>(load<i32>(ip + (<usize>b1 << 2)) * m) << 3;
        const d0 = Dt + (<usize>(b * K) << 4), d1 = Dt + (<usize>(b1 * K) << 4);
        if (K == 2 && beta != 0) {
          const c = 1 - y, pc = <usize>load<u32>(phi + (<usize>(y * K + c) << 2));
          dotQuad(Ay, A + (<usize>(c * dm) << 3), py + o0, py + o1, pc + o0, pc + o1, m,
            d0 + (<usize>y << 4), d1 + (<usize>y << 4), d0 + (<usize>c << 4), d1 + (<usize>c << 4));
        } else {
          for (let c = 0; c < K; c++) {
            if (c != y && beta == 0) continue;
            const pc = <usize>load<u32>(phi + (<usize>(y * K + c) << 2));
            dotPair(A + (<usize>(c * dm) << 3), pc + o0, pc + o1, m, d0 + (<usize>c << 4), d1 + (<usize>c << 4));
          }
        }
      }
      // the residuals r_b, in the reference's order
      for (let b = 0; b < batch; b++) {
        const i = load<i32>(ip + (<usize>b << 2)), db = Dt + (<usize>(b * K) << 4);
        const sy = f64x2.div(v128.load(db + (<usize>y << 4)), mv);
        let r = f64x2.mul(v128.load64_splat(vat(lamY, i)), f64x2.sub(sy, v128.load(vat(tgY, 2 * i))));
        if (beta != 0) {
          for (let c = 0; c < K; c++) {
            if (c == y) continue;
            const sc = f64x2.div(v128.load(db + (<usize>c << 4)), mv);
            r = f64x2.add(r, f64x2.mul(f64x2.splat(bK * ld(omY, i)), f64x2.sub(sy, sc)));
          }
        }
        v128.store(vat(R, 2 * b), r);
      }
      // g = Σ_b v_b φ_b in b order (a zero v_q skipped, as the reference: its lane keeps g), then
      // the ridge term; four features at a time held in registers over the batch. R becomes v_b,
      // Dt the masks of its nonzero lanes, nz[b] whether both are.
      let allNz = true;
      for (let b = 0; b < batch; b++) {
        const v = f64x2.div(f64x2.mul(twoM, v128.load(vat(R, 2 * b))), bv), mk = f64x2.ne(v, zero);
        v128.store(vat(R, 2 * b), v);
        v128.store(vat(Dt, 2 * b), mk);
        allNz = allNz && i64x2.all_true(mk);
      }
      let j = 0;
      for (; j + 4 <= m; j += 4) {
        let g0 = zero, g1 = zero, g2 = zero, g3 = zero;
        for (let b = 0; b < batch; b++) {
          const pb = py + (<usize>(load<i32>(ip + (<usize>b << 2)) * m + j) << 3);
          const v = v128.load(vat(R, 2 * b));
          const x0 = v128.load64_splat(pb), x1 = v128.load64_splat(pb, 8);
          const x2 = v128.load64_splat(pb, 16), x3 = v128.load64_splat(pb, 24);
          if (allNz) {
            g0 = madd(g0, v, x0); g1 = madd(g1, v, x1); g2 = madd(g2, v, x2); g3 = madd(g3, v, x3);
          } else {
            const mk = v128.load(vat(Dt, 2 * b));
            g0 = v128.bitselect(madd(g0, v, x0), g0, mk); g1 = v128.bitselect(madd(g1, v, x1), g1, mk);
            g2 = v128.bitselect(madd(g2, v, x2), g2, mk); g3 = v128.bitselect(madd(g3, v, x3), g3, mk);
          }
        }
        const gp = vat(g, 2 * j), ap = vat(Ay, 2 * j);
        v128.store(gp, madd(g0, rc, v128.load(ap)));
        v128.store(gp, madd(g1, rc, v128.load(ap, 16)), 16);
        v128.store(gp, madd(g2, rc, v128.load(ap, 32)), 32);
        v128.store(gp, madd(g3, rc, v128.load(ap, 48)), 48);
      }
      for (; j < m; j++) {
        let g0 = zero;
        for (let b = 0; b < batch; b++) {
          const x = v128.load64_splat(vat(py + (<usize>(load<i32>(ip + (<usize>b << 2)) * m) << 3), j));
          g0 = v128.bitselect(madd(g0, v128.load(vat(R, 2 * b)), x), g0, v128.load(vat(Dt, 2 * b)));
        }
        v128.store(vat(g, 2 * j), madd(g0, rc, v128.load(vat(Ay, 2 * j))));
      }
    }
    stepIterate(A, G, L, K, dm, t, lr, invsqrt);
  }
}

// Full-batch steps, any d, A and G in the reference's layout [q][j] (d × m per class). For class
// y: R = rhs_y + Σ_{c≠y} Σ_i (A_c[q, i]/m) O_{y,c}[i, :] (linearTerm), g = −(2/m) R, then
// g += Σ_i ((2/m²) A_y[q, i]) H_y[i, :], each sum over c, then i ascending, zero coefficients
// skipped. Rows q go in pairs sharing each matrix row; columns in blocks of 8 held in registers.
// mats: K·K pointers (u32): mats[y·K + y] = H_y, mats[y·K + c] = O_{y,c}; rhs: K pointers (d × m);
// S: scratch of 2·d·m f64 (the row coefficients and R).

function rowsAccumulate(
  out: usize, M: usize, V: usize, d: i32, m: i32,
): void {
  // out[q·m + j] += Σ_i V[q·m + i] M[i·m + j] over i ascending, V[q·m + i] = 0 skipped
  for (let q = 0; q < d; q += 2) {
    const pair = q + 1 < d;
    const o0 = out + (<usize>(q * m) << 3), o1 = pair ? o0 + (<usize>m << 3) : o0;
    const v0p = V + (<usize>(q * m) << 3), v1p = pair ? v0p + (<usize>m << 3) : v0p;
    let j = 0;
    for (; j + 8 <= m; j += 8) {
      let a0 = v128.load(vat(o0, j)), a1 = v128.load(vat(o0, j + 2));
      let a2 = v128.load(vat(o0, j + 4)), a3 = v128.load(vat(o0, j + 6));
      let b0 = v128.load(vat(o1, j)), b1 = v128.load(vat(o1, j + 2));
      let b2 = v128.load(vat(o1, j + 4)), b3 = v128.load(vat(o1, j + 6));
      let mp = M + (<usize>j << 3);
      const rowB = <usize>m << 3;
      for (let i = 0; i < m; i++) {
        const s0 = ld(v0p, i), s1 = pair ? ld(v1p, i) : 0;
        if (s0 != 0 || s1 != 0) {
          const x0 = v128.load(mp), x1 = v128.load(mp, 16), x2 = v128.load(mp, 32), x3 = v128.load(mp, 48);
          if (s0 != 0) {
            const u = f64x2.splat(s0);
            a0 = madd(a0, u, x0); a1 = madd(a1, u, x1); a2 = madd(a2, u, x2); a3 = madd(a3, u, x3);
          }
          if (s1 != 0) {
            const u = f64x2.splat(s1);
            b0 = madd(b0, u, x0); b1 = madd(b1, u, x1); b2 = madd(b2, u, x2); b3 = madd(b3, u, x3);
          }
        }
        mp += rowB;
      }
      v128.store(vat(o0, j), a0); v128.store(vat(o0, j + 2), a1);
      v128.store(vat(o0, j + 4), a2); v128.store(vat(o0, j + 6), a3);
      if (pair) {
        v128.store(vat(o1, j), b0); v128.store(vat(o1, j + 2), b1);
        v128.store(vat(o1, j + 4), b2); v128.store(vat(o1, j + 6), b3);
      }
    }
    for (; j < m; j++) {
      let a = ld(o0, j), b = pair ? ld(o1, j) : 0;
      for (let i = 0; i < m; i++) {
        const s0 = ld(v0p, i), mij = ld(M, i * m + j);
        if (s0 != 0) a += s0 * mij;
        if (pair) {
          const s1 = ld(v1p, i);
          if (s1 != 0) b += s1 * mij;
        }
      }
      st(o0, j, a);
      if (pair) st(o1, j, b);
    }
  }
}

// Class y's R = rhs_y + Σ_{c≠y} Σ_i (A_c[q, i]/m) O_{y,c}[i, :] into Rb (d × m), c ascending;
// V (d × m) is scratch for the scaled A_c.
@inline function linearTerm(
  Rb: usize, V: usize, mats: usize, rhs: usize, A: usize, y: i32, K: i32, d: i32, m: i32,
): void {
  const dm = d * m, mf = <f64>m;
  const rp = <usize>load<u32>(rhs + (<usize>y << 2));
  for (let k = 0; k < dm; k++) st(Rb, k, ld(rp, k));
  for (let c = 0; c < K; c++) {
    if (c == y) continue;
    const Ac = A + (<usize>(c * dm) << 3);
    for (let k = 0; k < dm; k++) st(V, k, ld(Ac, k) / mf);
    rowsAccumulate(Rb, <usize>load<u32>(mats + (<usize>(y * K + c) << 2)), V, d, m);
  }
}

/** Full-batch IGD steps t0..t1−1 (layout above). */
export function igdFull(
  mats: usize, rhs: usize, A: usize, G: usize, L: usize, S: usize,
  K: i32, d: i32, m: i32, lr: f64, invsqrt: i32, t0: u32, t1: u32,
): void {
  const dm = d * m, V = S, Rb = S + (<usize>dm << 3);
  const mf = <f64>m, negTwoM = -(2 / mf), hc = 2 / <f64>(m * m);
  for (let t = t0; t < t1; t++) {
    for (let y = 0; y < K; y++) {
      linearTerm(Rb, V, mats, rhs, A, y, K, d, m);
      const Ay = A + (<usize>(y * dm) << 3), g = G + (<usize>(y * dm) << 3);
      for (let k = 0; k < dm; k++) st(g, k, negTwoM * ld(Rb, k));
      for (let k = 0; k < dm; k++) st(V, k, hc * ld(Ay, k));
      rowsAccumulate(g, <usize>load<u32>(mats + (<usize>(y * K + y) << 2)), V, d, m);
    }
    stepIterate(A, G, L, K, dm, t, lr, invsqrt);
  }
}

// ---------------------------------------------------------------------------------------------
// LU solve with partial pivoting (models/lt/linsolve.ts: luSolve), in place: a (n × n) becomes
// the factors, b (n × r) the solution. The same pivots (first largest |a[i, k]|), the same
// eliminations (a zero multiplier skipped) and the same back substitution, each entry's
// operations in the reference's order; the row updates two columns at a time. Returns the
// column at which the matrix is singular, or −1.

/** The in-place LU solve (see above). */
export function luSolve(a: usize, b: usize, n: i32, r: i32): i32 {
  for (let k = 0; k < n; k++) {
    let piv = k, best = Math.abs(ld(a, k * n + k));
    for (let i = k + 1; i < n; i++) {
      const v = Math.abs(ld(a, i * n + k));
      if (v > best) {
        best = v;
        piv = i;
      }
    }
    if (!(best > 0)) return k;
    if (piv != k) {
      for (let j = 0; j < n; j++) {
        const t = ld(a, k * n + j);
        st(a, k * n + j, ld(a, piv * n + j));
        st(a, piv * n + j, t);
      }
      for (let j = 0; j < r; j++) {
        const t = ld(b, k * r + j);
        st(b, k * r + j, ld(b, piv * r + j));
        st(b, piv * r + j, t);
      }
    }
    const inv = 1 / ld(a, k * n + k);
    const rowK = a + (<usize>(k * n) << 3);
    for (let i = k + 1; i < n; i++) {
      const f = ld(a, i * n + k) * inv;
      if (f == 0) continue;
      const fv = f64x2.splat(f), rowI = a + (<usize>(i * n) << 3);
      let j = k + 1;
      for (; j + 2 <= n; j += 2) {
        v128.store(vat(rowI, j), f64x2.sub(v128.load(vat(rowI, j)), f64x2.mul(fv, v128.load(vat(rowK, j)))));
      }
      if (j < n) st(rowI, j, ld(rowI, j) - f * ld(rowK, j));
      for (let c = 0; c < r; c++) st(b, i * r + c, ld(b, i * r + c) - f * ld(b, k * r + c));
    }
  }
  for (let k = n - 1; k >= 0; k--) {
    for (let c = 0; c < r; c++) {
      let s = ld(b, k * r + c);
      for (let i = k + 1; i < n; i++) s -= ld(a, k * n + i) * ld(b, i * r + c);
      st(b, k * r + c, s / ld(a, k * n + k));
    }
  }
  return -1;
}

// ---------------------------------------------------------------------------------------------
// The exact gap of class y (models/lt/game.ts: classGaps → quadraticExcess(H_y, A_y,
// bestResponse(A, y))), in the reference's order: R = linearTerm(A, y) (as in igdFull), the
// Cholesky solves of (L Lᵀ) X = Rᵀ (forward, then backward, each sum over k ascending), the best
// response B = m Xᵀ, then Σ_q Σ_i δ_i Σ_j H[i, j] δ_j with δ = (A_y − B)/m, zero δ_i skipped.
// chol: the factor L of H_y (m × m, lower); A: K blocks of d × m ([q][j]); S: 4·d·m f64 of scratch.

/** Class y's gap (see above); mats and rhs as {@link igdFull}. */
export function classGap(
  mats: usize, rhs: usize, chol: usize, A: usize, S: usize, y: i32, K: i32, d: i32, m: i32,
): f64 {
  const dm = d * m, mf = <f64>m;
  const V = S, Rb = V + (<usize>dm << 3), X = Rb + (<usize>dm << 3), B = X + (<usize>dm << 3);
  linearTerm(Rb, V, mats, rhs, A, y, K, d, m);
  for (let q = 0; q < d; q++) for (let j = 0; j < m; j++) st(X, j * d + q, ld(Rb, q * m + j));
  for (let i = 0; i < m; i++) {
    for (let q = 0; q < d; q++) {
      let s = ld(X, i * d + q);
      for (let k = 0; k < i; k++) s -= ld(chol, i * m + k) * ld(X, k * d + q);
      st(X, i * d + q, s / ld(chol, i * m + i));
    }
  }
  for (let i = m - 1; i >= 0; i--) {
    for (let q = 0; q < d; q++) {
      let s = ld(X, i * d + q);
      for (let k = i + 1; k < m; k++) s -= ld(chol, k * m + i) * ld(X, k * d + q);
      st(X, i * d + q, s / ld(chol, i * m + i));
    }
  }
  for (let q = 0; q < d; q++) for (let j = 0; j < m; j++) st(B, q * m + j, mf * ld(X, j * d + q));
  const H = <usize>load<u32>(mats + (<usize>(y * K + y) << 2)), Ay = A + (<usize>(y * dm) << 3);
  let s: f64 = 0;
  for (let q = 0; q < d; q++) {
    for (let j = 0; j < m; j++) st(V, j, (ld(Ay, q * m + j) - ld(B, q * m + j)) / mf);
    for (let i = 0; i < m; i++) {
      const di = ld(V, i);
      if (di == 0) continue;
      let r: f64 = 0;
      for (let j = 0; j < m; j++) r += ld(H, i * m + j) * ld(V, j);
      s += di * r;
    }
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// Pool features (models/lt/features.ts: featuresAt, as buildPool calls it): for every draw i,
// out[i·m + j] = ReLU(tb[tIdx_i·m + j] + Σ_q W[j, q]·x[i·d + q]), the sum from tb over q
// ascending, h > 0 ? h : +0 (NaN → +0). Two features per vector; Wt = Wᵀ (d × m).

/** The features of N draws (see above): x N × d, tIdx N (i32), tb nT × m, out N × m. */
export function poolFeatures(Wt: usize, x: usize, tIdx: usize, tb: usize, out: usize, N: i32, m: i32, d: i32): void {
  const zero = f64x2.splat(0);
  for (let i = 0; i < N; i++) {
    const tr = tb + (<usize>(load<i32>(tIdx + (<usize>i << 2)) * m) << 3);
    const o = out + (<usize>(i * m) << 3), xi = x + (<usize>(i * d) << 3);
    let j = 0;
    for (; j + 2 <= m; j += 2) {
      let h = v128.load(vat(tr, j));
      for (let q = 0; q < d; q++) h = madd(h, v128.load(vat(Wt, q * m + j)), v128.load64_splat(vat(xi, q)));
      v128.store(vat(o, j), v128.and(h, f64x2.gt(h, zero)));
    }
    for (; j < m; j++) {
      let h = ld(tr, j);
      for (let q = 0; q < d; q++) h += ld(Wt, q * m + j) * ld(xi, q);
      st(o, j, h > 0 ? h : 0);
    }
  }
}

/** 1 when all n f64 at p are finite (x − x is 0 exactly then, NaN otherwise), else 0. */
export function allFinite(p: usize, n: i32): i32 {
  let acc = f64x2.splat(0), i = 0;
  for (; i + 2 <= n; i += 2) {
    const v = v128.load(vat(p, i));
    acc = f64x2.add(acc, f64x2.sub(v, v));
  }
  let s = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  if (i < n) s += ld(p, i) - ld(p, i);
  return s == 0 ? 1 : 0;
}

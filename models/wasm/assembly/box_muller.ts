// Box–Muller of Philox words, two pairs per f64x2 vector, with the engine's own bits: for words
// (x, y), u1 = 1 − (x>>>8)·2⁻²⁴, th = 2π·(y>>>8)·2⁻²⁴, the normals are
// sqrt(−2 log u1)·(cos th, sin th) exactly as `normal2FromU32` (datasets/philox.ts) computes them
// with Math.log/cos/sin. Those are correctly rounded in this engine (V8's LLVM-libc functions),
// so log, cos and sin are evaluated here to ~2⁻⁶⁵ relative (table + short polynomial, the
// leading terms as exact double-double sums) and rounded; where the error bound does not settle
// the rounding (Ziv's test; ~0.1–0.3 % of inputs), the engine's function is called instead. No
// fused multiply-add anywhere. models/cum/sgd_wasm_box_muller_test.ts compares all 2²⁴ inputs of
// each function with Math.log/cos/sin. Not a kernel of its own (sgd.ts and lt.ts import it).

@external("./math_imports.ts", "log") declare function jsLog(x: f64): f64;
@external("./math_imports.ts", "cos") declare function jsCos(x: f64): f64;
@external("./math_imports.ts", "sin") declare function jsSin(x: f64): f64;

import { LN2_HI, LN2_LO, LOG_TAB, STEP1, STEP2, STEP3, TRIG_TAB } from "./box_muller_tables";

const PI2: f64 = 2 * 3.141592653589793; // 2 * Math.PI, as the reference computes it
const TWO_M24: f64 = 5.9604644775390625e-8;
const EPS_LOG: f64 = 1.0842021724855044e-19; // 2⁻⁶³: bound on the relative error of log
const EPS_TRIG: f64 = 2.168404344971009e-19; // 2⁻⁶²: of sin and cos

// inputs whose rounding the error bound did not settle (the engine's function was called)
let fallbacks: u32 = 0;

/** How many log/cos/sin values so far came from the engine's function (Ziv's test failed). */
export function boxMullerFallbacks(): u32 {
  return fallbacks;
}

// results of the last `transform`: log u1, cos th, sin th of the two pairs
let vLog: v128 = i64x2(0, 0), vCos: v128 = i64x2(0, 0), vSin: v128 = i64x2(0, 0);

// Constants as splatted pairs in memory, loaded where used: a load from a constant address costs
// the engine less than materialising a v128 constant (and the optimiser does not fold it back).
const KF: usize = memory.data<f64>([
  4503599627371519.0, 4503599627371519.0, // 0
  1, 1, // 1
  0.1111111111111111, 0.1111111111111111, // 2
  -0.1, -0.1, // 3
  -0.125, -0.125, // 4
  0.14285714285714285, 0.14285714285714285, // 5
  -0.16666666666666666, -0.16666666666666666, // 6
  0.2, 0.2, // 7
  -0.25, -0.25, // 8
  0.3333333333333333, 0.3333333333333333, // 9
  LN2_HI, LN2_HI, // 10
  -0.5, -0.5, // 11
  LN2_LO, LN2_LO, // 12
  40.74366543152521, 40.74366543152521, // 13
  STEP1, STEP1, // 14
  STEP2, STEP2, // 15
  STEP3, STEP3, // 16
  -0.0001984126984126984, -0.0001984126984126984, // 17
  0.0000027557319223985893, 0.0000027557319223985893, // 18
  0.008333333333333333, 0.008333333333333333, // 19
  -0.001388888888888889, -0.001388888888888889, // 20
  0.0000248015873015873, 0.0000248015873015873, // 21
  0.041666666666666664, 0.041666666666666664, // 22
  134217729.0, 134217729.0, // 23
  TWO_M24, TWO_M24, // 24
  PI2, PI2, // 25
  -2, -2, // 26
], 16);
const KI: usize = memory.data<u64>([
  0x4330000000000000, 0x4330000000000000, // 0
  127, 127, // 1
  0x000fffffffffffff, 0x000fffffffffffff, // 2
  0x3ff0000000000000, 0x3ff0000000000000, // 3
], 16);

@inline function kf(i: i32): v128 {
  return v128.load(KF + (<usize>i << 4));
}

@inline function ki(i: i32): v128 {
  return v128.load(KI + (<usize>i << 4));
}

@inline function splat(x: f64): v128 {
  return f64x2.splat(x);
}

@inline function add(a: v128, b: v128): v128 {
  return f64x2.add(a, b);
}

@inline function sub(a: v128, b: v128): v128 {
  return f64x2.sub(a, b);
}

@inline function mul(a: v128, b: v128): v128 {
  return f64x2.mul(a, b);
}

// error of the sum a + b = s (TwoSum, any magnitudes)
@inline function sumErr(a: v128, b: v128, s: v128): v128 {
  const bb = sub(s, a);
  return add(sub(a, sub(s, bb)), sub(b, bb));
}

// h + l rounded, or a NaN-free mask of lanes where |error| ≤ eps·|h| leaves the rounding open
@inline function zivRound(h: v128, l: v128, eps: f64): v128 {
  const e = mul(f64x2.abs(h), splat(eps));
  return add(h, add(l, e));
}

@inline function zivOk(h: v128, l: v128, eps: f64, r: v128): v128 {
  const e = mul(f64x2.abs(h), splat(eps));
  return f64x2.eq(r, add(h, sub(l, e)));
}

@inline function logOf(u1: v128): void {
  const e = i64x2.shr_u(u1, 52);
  const k = sub(v128.or(e, ki(0)), kf(0)); // e − 1023
  const idx = v128.and(i64x2.shr_u(u1, 45), ki(1));
  const p0 = LOG_TAB + (<usize>i64x2.extract_lane(idx, 0) << 5);
  const p1 = LOG_TAB + (<usize>i64x2.extract_lane(idx, 1) << 5);
  const a0 = v128.load(p0), a1 = v128.load(p1);
  const c = v128.shuffle<u64>(a0, a1, 0, 2), th = v128.shuffle<u64>(a0, a1, 1, 3);
  const tl = v128.shuffle<u64>(v128.load(p0, 16), v128.load(p1, 16), 0, 2);
  const x = v128.or(
    v128.and(u1, ki(2)),
    ki(3),
  );
  const r = sub(mul(x, c), kf(1)); // exact (x: 24 bits, c: 10 bits)
  const r2 = mul(r, r); // exact (r: ≤ 26 bits)
  const r4 = mul(r2, r2); // q(r) = 1/3 − r/4 + r²/5 − … − r⁷/10 (Estrin)
  const q01 = add(kf(9), mul(r, kf(8))), q23 = add(kf(7), mul(r, kf(6)));
  const q45 = add(kf(5), mul(r, kf(4))), q67 = add(kf(2), mul(r, kf(3)));
  const q = add(add(q01, mul(r2, q23)), mul(r4, add(q45, mul(r2, q67))));
  const s = add(mul(k, kf(10)), th); // exact (multiples of 2⁻⁴³ below 2⁵)
  const h = add(s, r); // exact: s a multiple of 2⁻⁴³ below 2⁵, r of 2⁻³³ below 2⁻⁷
  const m = mul(kf(11), r2);
  const h2 = add(h, m), e2 = sumErr(h, m, h2);
  const low = add(e2, add(mul(mul(r2, r), q), add(mul(k, kf(12)), tl)));
  const v = zivRound(h2, low, EPS_LOG);
  const ok = zivOk(h2, low, EPS_LOG, v);
  vLog = v;
  if (!i64x2.all_true(ok)) {
    if (i64x2.extract_lane(ok, 0) == 0) {
      vLog = f64x2.replace_lane(vLog, 0, jsLog(f64x2.extract_lane(u1, 0)));
      fallbacks++;
    }
    if (i64x2.extract_lane(ok, 1) == 0) {
      vLog = f64x2.replace_lane(vLog, 1, jsLog(f64x2.extract_lane(u1, 1)));
      fallbacks++;
    }
  }
}

@inline function sinCosOf(th: v128): void {
  // th = i·2π/256 + a, a = ah + al (Cody–Waite: i·STEP1 and i·STEP2 exact, th − i·STEP1 exact)
  const fi = f64x2.nearest(mul(th, kf(13)));
  const t = sub(th, mul(fi, kf(14)));
  const m = f64x2.neg(mul(fi, kf(15)));
  const ah = add(t, m);
  const al = sub(sumErr(t, m, ah), mul(fi, kf(16)));
  const ii = i32x4.trunc_sat_f64x2_s_zero(fi);
  const p0 = TRIG_TAB + (<usize>(i32x4.extract_lane(ii, 0) & 255) << 5);
  const p1 = TRIG_TAB + (<usize>(i32x4.extract_lane(ii, 1) & 255) << 5);
  const a0 = v128.load(p0), a1 = v128.load(p1), b0 = v128.load(p0, 16), b1 = v128.load(p1, 16);
  const s26 = v128.shuffle<u64>(a0, a1, 0, 2), sl = v128.shuffle<u64>(a0, a1, 1, 3);
  const c26 = v128.shuffle<u64>(b0, b1, 0, 2), cl = v128.shuffle<u64>(b0, b1, 1, 3);
  const sd = add(s26, sl), cd = add(c26, cl);
  const a2 = mul(ah, ah);
  let ps = add(kf(17), mul(a2, kf(18)));
  ps = add(kf(19), mul(a2, ps));
  ps = mul(a2, add(kf(6), mul(a2, ps))); // (sin ah − ah)/ah
  let cp = add(kf(20), mul(a2, kf(21)));
  cp = add(kf(22), mul(a2, cp));
  const cm1 = sub(mul(a2, add(kf(11), mul(a2, cp))), mul(ah, al)); // cos a − 1
  const g = mul(ah, kf(23)); // Veltkamp split ah = hi (26 bits) + lo
  const hi = sub(g, sub(g, ah)), lo = sub(ah, hi);
  const sas = add(al, add(mul(ah, ps), mul(al, cm1))); // sin a − ah
  // sin th = S + C·sin a + S·(cos a − 1);  cos th = C − S·sin a + C·(cos a − 1)
  const ps1 = mul(c26, hi);
  const hs = add(s26, ps1), es = sumErr(s26, ps1, hs);
  const ls = add(
    es,
    add(mul(c26, lo), add(sl, add(mul(cl, ah), add(mul(cd, sas), mul(sd, cm1))))),
  );
  const pc1 = f64x2.neg(mul(s26, hi));
  const hc = add(c26, pc1), ec = sumErr(c26, pc1, hc);
  const lc = add(
    ec,
    add(
      f64x2.neg(mul(s26, lo)),
      add(cl, add(f64x2.neg(mul(sl, ah)), add(f64x2.neg(mul(sd, sas)), mul(cd, cm1)))),
    ),
  );
  const vs = zivRound(hs, ls, EPS_TRIG), vc = zivRound(hc, lc, EPS_TRIG);
  const oks = zivOk(hs, ls, EPS_TRIG, vs), okc = zivOk(hc, lc, EPS_TRIG, vc);
  vSin = vs;
  vCos = vc;
  if (!i64x2.all_true(v128.and(oks, okc))) {
    for (let lane = 0; lane < 2; lane++) {
      const x = lane == 0 ? f64x2.extract_lane(th, 0) : f64x2.extract_lane(th, 1);
      const sOk = lane == 0 ? i64x2.extract_lane(oks, 0) : i64x2.extract_lane(oks, 1);
      const cOk = lane == 0 ? i64x2.extract_lane(okc, 0) : i64x2.extract_lane(okc, 1);
      if (sOk == 0) {
        vSin = lane == 0 ? f64x2.replace_lane(vSin, 0, jsSin(x)) : f64x2.replace_lane(vSin, 1, jsSin(x));
        fallbacks++;
      }
      if (cOk == 0) {
        vCos = lane == 0 ? f64x2.replace_lane(vCos, 0, jsCos(x)) : f64x2.replace_lane(vCos, 1, jsCos(x));
        fallbacks++;
      }
    }
  }
}

// log u1, cos th, sin th of two pairs, x words in lanes 0, 1 of xw, y words in lanes 0, 1 of
// yw: sets vLog, vCos, vSin
@inline function transform(xw: v128, yw: v128): void {
  const jx = f64x2.convert_low_i32x4_u(i32x4.shr_u(xw, 8));
  const jy = f64x2.convert_low_i32x4_u(i32x4.shr_u(yw, 8));
  logOf(sub(kf(1), mul(jx, kf(24))));
  sinCosOf(mul(kf(25), mul(jy, kf(24))));
}

/**
 * The normals of two pairs (x words in lanes 0, 1 of `xw`, y words in lanes 0, 1 of `yw`),
 * stored as four f64 at `out`: pair 0's (cos, sin) normals, then pair 1's.
 */
@inline export function normals2(xw: v128, yw: v128, out: usize): void {
  transform(xw, yw);
  const rad = f64x2.sqrt(mul(kf(26), vLog));
  const n0 = mul(rad, vCos), n1 = mul(rad, vSin);
  v128.store(out, v128.shuffle<u64>(n0, n1, 0, 2));
  v128.store(out, v128.shuffle<u64>(n0, n1, 1, 3), 16);
}

/**
 * {@link normals2} with the normals by kind: the two pairs' first (cos) normals as one f64x2 at
 * `outCos`, their second (sin) normals at `outSin` (the layout of lt.ts's noise table).
 */
@inline export function normals2Split(xw: v128, yw: v128, outCos: usize, outSin: usize): void {
  transform(xw, yw);
  const rad = f64x2.sqrt(mul(kf(26), vLog));
  v128.store(outCos, mul(rad, vCos));
  v128.store(outSin, mul(rad, vSin));
}

// words (x₀, y₀, x₁, y₁) as x words and y words in lanes 0, 1
@inline function xWords(w: v128): v128 {
  return v128.shuffle<u32>(w, w, 0, 2, 1, 3);
}

@inline function yWords(w: v128): v128 {
  return v128.shuffle<u32>(w, w, 1, 3, 0, 2);
}

/**
 * Normals of `pairs` word pairs (u32 at `words`, x then y per pair; `pairs` even), written as
 * (cos, sin) normals per pair to the f64 array `out`.
 */
export function normalsFromWords(words: usize, out: usize, pairs: i32): void {
  for (let p = 0; p < pairs; p += 2) {
    const w = v128.load(words + (<usize>p << 3));
    normals2(xWords(w), yWords(w), out + (<usize>p << 4));
  }
}

/** log u1, cos th and sin th of `pairs` word pairs (`pairs` even) into three f64 arrays. */
export function logCosSinFromWords(
  words: usize, outLog: usize, outCos: usize, outSin: usize, pairs: i32,
): void {
  for (let p = 0; p < pairs; p += 2) {
    const w = v128.load(words + (<usize>p << 3));
    transform(xWords(w), yWords(w));
    const o = <usize>p << 3;
    v128.store(outLog + o, vLog);
    v128.store(outCos + o, vCos);
    v128.store(outSin + o, vSin);
  }
}

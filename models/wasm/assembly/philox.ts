// Philox4x32-10 with native 32×32 → 64-bit multiplies, shared by the kernels that draw from a
// Philox stream (sgd.ts, lt.ts): the words of datasets/philox.ts, bit for bit. Not a kernel of
// its own (build.ts compiles only the kernels; they import it).

export const M0: u64 = 0xD2511F53;
export const M1: u64 = 0xCD9E8D57;
export const W0: u32 = 0x9E3779B9;
export const W1: u32 = 0xBB67AE85;

/** The four output words of the last {@link philox} call. */
export let r0: u32 = 0, r1: u32 = 0, r2: u32 = 0, r3: u32 = 0;

/** Philox4x32-10 of counter (c0, c1, c2, c3) under key (k0, k1): sets r0…r3. */
export function philox(c0: u32, c1: u32, c2: u32, c3: u32, k0: u32, k1: u32): void {
  for (let i = 0; i < 10; i++) {
    const p0 = M0 * <u64>c0, p1 = M1 * <u64>c2;
    c0 = <u32>(p1 >> 32) ^ c1 ^ k0;
    c1 = <u32>p1;
    c2 = <u32>(p0 >> 32) ^ c3 ^ k1;
    c3 = <u32>p0;
    k0 += W0;
    k1 += W1;
  }
  r0 = c0;
  r1 = c1;
  r2 = c2;
  r3 = c3;
}

/** Words 0…3 of the first four blocks of the last {@link philox8} call, one block per lane. */
export let v0: v128 = i32x4(0, 0, 0, 0), v1: v128 = i32x4(0, 0, 0, 0);
export let v2: v128 = i32x4(0, 0, 0, 0), v3: v128 = i32x4(0, 0, 0, 0);

// high 32 bits of the four 32 × 32-bit products a·b
@inline function mulhi4(a: v128, b: v128): v128 {
  return v128.shuffle<u32>(
    i64x2.extmul_low_i32x4_u(a, b),
    i64x2.extmul_high_i32x4_u(a, b),
    1, 3, 5, 7,
  );
}

/** Words 0…3 of the second four blocks of the last {@link philox8} call. */
export let u0: v128 = i32x4(0, 0, 0, 0), u1: v128 = i32x4(0, 0, 0, 0);
export let u2: v128 = i32x4(0, 0, 0, 0), u3: v128 = i32x4(0, 0, 0, 0);

/**
 * Philox4x32-10 of eight blocks at once, four per i32x4 in two interleaved groups (independent
 * chains for the processor), lane ℓ of group a with counter (a0[ℓ], a1[ℓ], 0, 0), of group b
 * (b0[ℓ], b1[ℓ], 0, 0), all under the key (k0, k1): the words of {@link philox} per lane, group
 * a's to v0…v3 and group b's to u0…u3.
 */
@inline export function philox8(a0: v128, a1: v128, b0: v128, b1: v128, k0: u32, k1: u32): void {
  const m0 = i32x4.splat(<i32>M0), m1 = i32x4.splat(<i32>M1);
  let a2 = i32x4.splat(0), a3 = a2, b2 = a2, b3 = a2;
  for (let i = 0; i < 10; i++) {
    const ka = i32x4.splat(k0), kb = i32x4.splat(k1);
    const ahi0 = mulhi4(a0, m0), alo0 = i32x4.mul(a0, m0);
    const bhi0 = mulhi4(b0, m0), blo0 = i32x4.mul(b0, m0);
    const ahi1 = mulhi4(a2, m1), alo1 = i32x4.mul(a2, m1);
    const bhi1 = mulhi4(b2, m1), blo1 = i32x4.mul(b2, m1);
    a0 = v128.xor(v128.xor(ahi1, a1), ka);
    b0 = v128.xor(v128.xor(bhi1, b1), ka);
    a1 = alo1;
    b1 = blo1;
    a2 = v128.xor(v128.xor(ahi0, a3), kb);
    b2 = v128.xor(v128.xor(bhi0, b3), kb);
    a3 = alo0;
    b3 = blo0;
    k0 += W0;
    k1 += W1;
  }
  v0 = a0;
  v1 = a1;
  v2 = a2;
  v3 = a3;
  u0 = b0;
  u1 = b1;
  u2 = b2;
  u3 = b3;
}

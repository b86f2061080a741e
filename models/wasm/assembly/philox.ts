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

/** Words 0…3 of the last {@link philox4} call, one block per lane. */
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

/**
 * Philox4x32-10 of four blocks at once, lane ℓ with counter (c0[ℓ], c1[ℓ], c2[ℓ], c3[ℓ]) under
 * the same key (k0, k1): the words of {@link philox} per lane. Sets v0…v3.
 */
@inline export function philox4(c0: v128, c1: v128, c2: v128, c3: v128, k0: u32, k1: u32): void {
  const m0 = i32x4.splat(<i32>M0), m1 = i32x4.splat(<i32>M1);
  for (let i = 0; i < 10; i++) {
    const hi0 = mulhi4(c0, m0), lo0 = i32x4.mul(c0, m0);
    const hi1 = mulhi4(c2, m1), lo1 = i32x4.mul(c2, m1);
    c0 = v128.xor(v128.xor(hi1, c1), i32x4.splat(k0));
    c1 = lo1;
    c2 = v128.xor(v128.xor(hi0, c3), i32x4.splat(k1));
    c3 = lo0;
    k0 += W0;
    k1 += W1;
  }
  v0 = c0;
  v1 = c1;
  v2 = c2;
  v3 = c3;
}

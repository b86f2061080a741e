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

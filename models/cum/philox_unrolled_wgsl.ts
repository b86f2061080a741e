/**
 * Philox4x32-10 in WGSL with its rounds written out (`philox4x32u`), for the pSGD kernels that
 * want no loop there: on llvmpipe a loop's back-edges count against its per-dispatch budget and
 * cost a limiter check each. Integer arithmetic: the same words as `philox4x32` of
 * `models/gpu/philox_wgsl.ts` (which must be prepended too, for `normal2`); tested through the
 * kernels that use it (`sgd_test.ts`: the unrolled kernel against the loop kernel, bit for bit).
 * @module
 */

/**
 * `philox4x32u(ctr, key)`: Philox4x32-10 with its ten rounds written out and the high halves of
 * the products from {@link MULHI_WGSL} (integer arithmetic: the same words as `philox4x32`).
 */
function philoxUnrolledWgsl(): string {
  const mul = (m: number, c: string) =>
    `mulhiC(0x${(m & 0xffff).toString(16)}u, 0x${(m >>> 16).toString(16)}u, ${c}); ` +
    `let lo${c === "c.x" ? 0 : 1} = 0x${m.toString(16)}u * ${c};`;
  const round = /* wgsl */ `
  { let hi0 = ${mul(0xD2511F53, "c.x")}
    let hi1 = ${mul(0xCD9E8D57, "c.z")}
    c = vec4<u32>(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    k = k + vec2<u32>(0x9E3779B9u, 0xBB67AE85u); }`;
  return MULHI_WGSL + /* wgsl */ `
fn philox4x32u(ctr: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var c = ctr; var k = key;${round.repeat(10)}
  return c;
}
`;
}

/**
 * `mulhiC(a0, a1, b)`: the high 32 bits of the 64-bit product a·b, a = a1·2¹⁶ + a0 (16-bit halves
 * given), in 32-bit arithmetic with three partial sums (none overflows): 14 operations where
 * `mulhi32` of `philox_wgsl.ts` takes 17.
 */
export const MULHI_WGSL = /* wgsl */ `
fn mulhiC(a0: u32, a1: u32, b: u32) -> u32 {
  let b0 = b & 0xffffu; let b1 = b >> 16u;
  let t = a1 * b0 + ((a0 * b0) >> 16u);
  let u = a0 * b1 + (t & 0xffffu);
  return a1 * b1 + (t >> 16u) + (u >> 16u);
}
`;

/** WGSL of `philox4x32u` and its `mulhiC` (see {@link MULHI_WGSL}). */
export const PHILOX_UNROLLED_WGSL: string = philoxUnrolledWgsl();

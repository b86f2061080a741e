/**
 * The Philox4x32-10 generator of `datasets/philox.ts` in WGSL, for kernels that draw their own
 * random numbers; `philox_wgsl_test.ts` checks it against the TypeScript reference bit for bit.
 * @module
 */

/**
 * WGSL source of the same generator, to be prepended to a kernel:
 * `philox4x32(ctr: vec4<u32>, key: vec2<u32>) -> vec4<u32>`, `u01(x: u32) -> f32` in [0, 1),
 * and `normal2(r: vec4<u32>) -> vec2<f32>` (Box–Muller on the first two words).
 */
export const PHILOX_WGSL = /* wgsl */ `
fn mulhi32(a: u32, b: u32) -> u32 {
  let a0 = a & 0xffffu; let a1 = a >> 16u; let b0 = b & 0xffffu; let b1 = b >> 16u;
  let p00 = a0 * b0; let p01 = a0 * b1; let p10 = a1 * b0; let p11 = a1 * b1;
  let mid = (p00 >> 16u) + (p01 & 0xffffu) + (p10 & 0xffffu);
  return p11 + (p01 >> 16u) + (p10 >> 16u) + (mid >> 16u);
}
fn philox4x32(ctr: vec4<u32>, key: vec2<u32>) -> vec4<u32> {
  var c = ctr; var k = key;
  for (var i = 0u; i < 10u; i = i + 1u) {
    let hi0 = mulhi32(0xD2511F53u, c.x); let lo0 = 0xD2511F53u * c.x;
    let hi1 = mulhi32(0xCD9E8D57u, c.z); let lo1 = 0xCD9E8D57u * c.z;
    c = vec4<u32>(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    k = k + vec2<u32>(0x9E3779B9u, 0xBB67AE85u);
  }
  return c;
}
fn u01(x: u32) -> f32 { return f32(x >> 8u) * 5.9604644775390625e-8; }
fn normal2(r: vec4<u32>) -> vec2<f32> {
  let u1 = 1.0 - u01(r.x);
  let u2 = u01(r.y);
  let rad = sqrt(-2.0 * log(u1));
  let th = 6.283185307179586 * u2;
  return vec2<f32>(rad * cos(th), rad * sin(th));
}
`;

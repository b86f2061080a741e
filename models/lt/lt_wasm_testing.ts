/**
 * Bit-level equality for the tests of the WebAssembly kernels of this folder: two float arrays
 * are the same when their bytes are (so −0 ≠ +0 and NaN payloads count).
 * @module
 */
import assert from "node:assert/strict";

/** Assert that `a` and `b` (f64) have the same length and the same bits, naming the first difference. */
export function assertSameBits(a: Float64Array, b: Float64Array, label = ""): void {
  assert.equal(a.length, b.length, `${label}: lengths`);
  const ua = new BigUint64Array(a.buffer, a.byteOffset, a.length);
  const ub = new BigUint64Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < a.length; i++) {
    if (ua[i] !== ub[i]) assert.fail(`${label}: entry ${i} differs: ${a[i]} vs ${b[i]}`);
  }
}

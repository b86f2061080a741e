import assert from "node:assert/strict";
import { normal2FromU32, philox4x32, streamKey } from "../../datasets/philox.ts";
import { ltArena, ltWasm } from "./lt_wasm.ts";
import { assertSameBits } from "./lt_wasm_testing.ts";

// samplerNoise (models/wasm/assembly/lt.ts) fills the CPU sampler's noise table with the normals
// of normal2FromU32 of Philox (particle, step, 0, 0): the reference's bits, no tolerance.

/** The table as the JS reference gives it: rows kFrom..kTo filled, other rows `fill`, padding 0. */
function reference(
  P: number,
  Pp: number,
  nT: number,
  kFrom: number,
  kTo: number,
  key: [number, number],
  fill: number,
): Float64Array {
  const z = new Float64Array(2 * (nT + 1) * Pp).fill(fill);
  for (let k = kFrom; k <= kTo; k++) {
    z.fill(0, 2 * k * Pp, 2 * (k + 1) * Pp);
    for (let p = 0; p < P; p++) {
      const w = philox4x32(p, k, 0, 0, key[0], key[1]);
      const [a, b] = normal2FromU32(w[0], w[1]);
      z[2 * k * Pp + p] = a, z[(2 * k + 1) * Pp + p] = b;
    }
  }
  return z;
}

function noise(
  P: number,
  nT: number,
  kFrom: number,
  kTo: number,
  key: [number, number],
  fill: number,
): { got: Float64Array; want: Float64Array; fallbacks: number } {
  const Pp = Math.ceil(P / 4) * 4, n = 2 * (nT + 1) * Pp;
  ltArena.reset();
  const zp = ltArena.alloc(8 * n);
  ltArena.f64(zp, n).fill(fill);
  const before = ltWasm.boxMullerFallbacks();
  ltWasm.samplerNoise(zp, P, Pp, kFrom, kTo, key[0] >>> 0, key[1] >>> 0);
  const fallbacks = ltWasm.boxMullerFallbacks() - before;
  const got = ltArena.f64(zp, n).slice();
  return { got, want: reference(P, Pp, nT, kFrom, kTo, key, fill), fallbacks };
}

Deno.test("samplerNoise: normal2FromU32's normals, padding 0, rows outside kFrom..kTo untouched", () => {
  const key = streamKey(7, "lt-noise-test");
  // P = 1: one partial group of four; 13: a group of eight and a partial one (Pp = 16);
  // 21: Pp = 24, two groups of eight and a last group of four
  for (const [P, nT, kFrom, kTo] of [[1, 4, 1, 4], [13, 9, 3, 7], [21, 6, 6, 6], [64, 5, 1, 5]]) {
    const { got, want } = noise(P, nT, kFrom, kTo, key, -1.5);
    assertSameBits(got, want, `P=${P} k=${kFrom}..${kTo}`);
  }
});

Deno.test("samplerNoise: the reference's bits where the engine's log/cos/sin are called too", () => {
  // 20 000 pairs: about 150 of the 60 000 log/cos/sin values leave the rounding to the engine
  const { got, want, fallbacks } = noise(1000, 20, 1, 20, streamKey(11, "lt-noise-test"), 0);
  assertSameBits(got, want, "P=1000");
  assert.ok(fallbacks > 0, "no fallback exercised");
});

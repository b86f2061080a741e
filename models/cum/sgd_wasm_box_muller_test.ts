import assert from "node:assert/strict";
import { normal2FromU32, philox4x32, streamKey } from "../../datasets/philox.ts";
import { boxMullerFallbacks, logCosSinWasm, normalsWasm, philoxGroupWasm } from "./sgd_wasm.ts";

// The WebAssembly Box–Muller evaluates log, cos and sin itself (correctly rounded, the engine's
// function where its error bound leaves the rounding open) and must give the engine's bits:
// checked on every one of the 2²⁴ inputs each function can get from a Philox word.

/** Object.is for the non-NaN doubles here, without its call. */
const same = (a: number, b: number) => a === b && (a !== 0 || 1 / a === 1 / b);

const N = 1 << 24, CHUNK = 1 << 18, TWO_M24 = 5.9604644775390625e-8, PI2 = 2 * Math.PI;

/**
 * Run the kernel on all 2²⁴ inputs (pair i: x = y = the word whose top 24 bits are i; the low 8
 * bits are dropped) and count the values of `fn` that differ from the engine's.
 */
function countDifferences(fn: "log" | "cos" | "sin"): { diff: number; fallbacks: number } {
  const words = new Uint32Array(2 * CHUNK);
  const before = boxMullerFallbacks();
  let diff = 0;
  for (let base = 0; base < N; base += CHUNK) {
    for (let i = 0; i < CHUNK; i++) {
      words[2 * i] = (base + i) << 8, words[2 * i + 1] = (base + i) << 8 | 0xff;
    }
    const got = logCosSinWasm(words);
    for (let i = 0; i < CHUNK; i++) {
      const j = base + i, th = PI2 * (j * TWO_M24);
      const want = fn === "log"
        ? Math.log(1 - j * TWO_M24)
        : fn === "cos"
        ? Math.cos(th)
        : Math.sin(th);
      if (!same(got[fn][i], want)) diff++;
    }
  }
  return { diff, fallbacks: boxMullerFallbacks() - before };
}

Deno.test("sgd_wasm Box–Muller: log equals Math.log on all 2^24 inputs", () => {
  const { diff, fallbacks } = countDifferences("log");
  assert.equal(diff, 0);
  // the engine's function is the exception, not the rule (0.26 % of the 3·2²⁴ log/cos/sin values)
  assert.ok(fallbacks > 0 && fallbacks < 0.01 * 3 * N, `fallbacks ${fallbacks}`);
});

Deno.test("sgd_wasm Box–Muller: cos equals Math.cos on all 2^24 inputs", () => {
  assert.equal(countDifferences("cos").diff, 0);
});

Deno.test("sgd_wasm Box–Muller: sin equals Math.sin on all 2^24 inputs", () => {
  assert.equal(countDifferences("sin").diff, 0);
});

Deno.test("sgd_wasm Box–Muller: the normals are normal2FromU32's, bit for bit", () => {
  const key = streamKey(3, "box-muller-test");
  const n = 1 << 16, words = new Uint32Array(2 * n);
  for (let b = 0; b < n / 2; b++) words.set(philox4x32(b, 9, 0, 0, key[0], key[1]), 4 * b);
  // and the edges: u1 = 1 (log 0), u1 = 2⁻²⁴, th = 0 and th next to 2π
  words.set([0, 0, 0xffffffff, 0xffffffff, 0xff, 0x100, 0xffffff00, 0xfffffeff], 0);
  const got = normalsWasm(words);
  for (let i = 0; i < n; i++) {
    const [a, b] = normal2FromU32(words[2 * i], words[2 * i + 1]);
    assert.ok(Object.is(got[2 * i], a) && Object.is(got[2 * i + 1], b), `pair ${i}`);
  }
});

Deno.test("sgd_wasm Box–Muller: word arrays must hold an even number of pairs", () => {
  assert.throws(() => normalsWasm(new Uint32Array(2)), /even number of pairs/);
});

Deno.test("sgd_wasm Philox: eight blocks, four per vector, give the JS generator's words", () => {
  for (
    const [j, t, key] of [[0, 1, [0, 0]], [64, 6400, streamKey(1, "x", 128)], [
      0xfffffff8,
      0xffffffff,
      [0xffffffff, 7],
    ]] as const
  ) {
    const got = philoxGroupWasm(j, t, key);
    for (let l = 0; l < 8; l++) {
      assert.deepEqual(
        Array.from(got.subarray(4 * l, 4 * l + 4)),
        Array.from(philox4x32(j + l, t, 0, 0, key[0], key[1])),
        `block ${j + l} step ${t}`,
      );
    }
  }
});

import assert from "node:assert/strict";
import { PhiloxStream } from "../../datasets/philox.ts";
import { conv3x3, conv3x3Backward, type ConvGeom } from "./conv_cpu.ts";
import { conv3x3BackwardWasm, conv3x3Wasm } from "./conv_wasm.ts";
import { initDenoiserParams } from "./denoiser.ts";
import { JS_CONV, lossAndGradCpu, WASM_CONV } from "./denoiser_cpu.ts";
import { firstDiff } from "../wasm/bits_testing.ts";

// Tolerance: none. The WebAssembly kernels accumulate in f64 in the reference's order, so every
// output must have the same bits (compared with Object.is, NaN included).

/** Index and values of the first difference in bits, or null. */
/** Normals with a fraction `zeros` of exact zeros (as after a ReLU). */
function sparse(n: number, rng: PhiloxStream, zeros: number): Float32Array {
  return new Float32Array(n).map(() => (rng.uniform() < zeros ? 0 : rng.normal()));
}

function bothWays(
  g: ConvGeom,
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array,
  dy: Float32Array,
) {
  for (const needDx of [true, false]) {
    const y1 = conv3x3(x, w, bias, g), y2 = conv3x3Wasm(x, w, bias, g);
    assert.equal(firstDiff(y2, y1), null, `forward ${JSON.stringify(g)}`);
    const dw1 = new Float64Array(w.length).fill(0.25), db1 = new Float64Array(g.co).fill(-1);
    const dw2 = dw1.slice(), db2 = db1.slice();
    const dx1 = conv3x3Backward(x, w, dy, g, dw1, db1, needDx);
    const dx2 = conv3x3BackwardWasm(x, w, dy, g, dw2, db2, needDx);
    const tag = `${JSON.stringify(g)} needDx=${needDx}`;
    assert.equal(firstDiff(dw2, dw1), null, `dw ${tag}`);
    assert.equal(firstDiff(db2, db1), null, `db ${tag}`);
    if (needDx) assert.equal(firstDiff(dx2!, dx1!), null, `dx ${tag}`);
    else assert.equal(dx2, null);
  }
}

Deno.test("conv_wasm: forward and backward have the reference's bits (strides 1, 2; odd sizes and channels)", () => {
  const rng = new PhiloxStream(7, "conv-wasm");
  const shapes: [number, number, number, number, number, 1 | 2][] = [
    [2, 6, 6, 3, 4, 1],
    [2, 7, 5, 3, 5, 2],
    [1, 5, 5, 1, 1, 1],
    [3, 14, 14, 24, 8, 1],
    [2, 14, 14, 8, 16, 2],
    [2, 7, 7, 16, 16, 1],
    [2, 9, 9, 8, 1, 1],
    [1, 4, 6, 2, 19, 2],
    [1, 33, 3, 5, 9, 1], // more pixels than one block, odd count
  ];
  for (const [b, h, w, ci, co, stride] of shapes) {
    const g = { b, h, w, ci, co, stride };
    const x = sparse(b * h * w * ci, rng, 0.4), wt = sparse(9 * ci * co, rng, 0.1);
    const bias = sparse(co, rng, 0.3);
    const ho = Math.ceil(h / stride), wo = Math.ceil(w / stride);
    // some pixels with an all-zero gradient (skipped by the reference)
    const dy = sparse(b * ho * wo * co, rng, co === 1 ? 0.5 : 0.3);
    for (let p = 0; p < b * ho * wo; p += 3) dy.fill(0, p * co, (p + 1) * co);
    bothWays(g, x, wt, bias, dy);
  }
});

Deno.test("conv_wasm: non-finite weights or gradients and −0 entries fall back to the reference", () => {
  const rng = new PhiloxStream(8, "conv-wasm-edge");
  const g = { b: 2, h: 5, w: 5, ci: 3, co: 4, stride: 1 as const };
  const x = sparse(2 * 25 * 3, rng, 0.3), dy = sparse(2 * 25 * 4, rng, 0.3);
  const w = sparse(9 * 12, rng, 0), bias = sparse(4, rng, 0);
  const wInf = w.slice();
  wInf[5] = Infinity;
  bothWays(g, x, wInf, bias, dy);
  const wNaN = w.slice();
  wNaN[7] = NaN;
  bothWays(g, x, wNaN, bias, dy);
  const negZero = bias.slice();
  negZero[1] = -0;
  bothWays(g, x, w, negZero, dy);
  const dyInf = dy.slice();
  dyInf[3] = -Infinity;
  bothWays(g, x, w, bias, dyInf);
  const xNaN = x.slice();
  xNaN[4] = NaN;
  bothWays(g, xNaN, w, bias, dy);
  // −0 in an accumulated dw entry
  const dw1 = new Float64Array(w.length), dw2 = new Float64Array(w.length);
  dw1[2] = dw2[2] = -0;
  const db1 = new Float64Array(4), db2 = new Float64Array(4);
  conv3x3Backward(x, w, dy, g, dw1, db1);
  conv3x3BackwardWasm(x, w, dy, g, dw2, db2);
  assert.equal(firstDiff(dw2, dw1), null);
});

Deno.test("denoiser: loss and gradients with the WebAssembly kernels have the JS kernels' bits", () => {
  const shape = { side: 8, channels: 3 };
  const rng = new PhiloxStream(9, "denoiser-wasm");
  const p = initDenoiserParams(shape, rng);
  const b = 5, px = 64;
  const x = new Float32Array(b * px).map(() => rng.uniform() * 2 - 1);
  const eps = new Float32Array(b * px).map(() => rng.normal());
  const sigma = new Float32Array([0.1, 0.3, 1, 2, 5]);
  const a = lossAndGradCpu(shape, p, x, eps, sigma, JS_CONV);
  const c = lossAndGradCpu(shape, p, x, eps, sigma, WASM_CONV);
  assert.ok(Object.is(a.loss, c.loss));
  a.grads.forEach((g, i) => assert.equal(firstDiff(c.grads[i], g), null, `parameter ${i}`));
});

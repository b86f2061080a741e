import assert from "node:assert/strict";
import { PhiloxStream } from "../../datasets/philox.ts";
import { WasmArena } from "../wasm/arena.ts";
import {
  concatChannels,
  reluBackwardInPlace,
  reluInPlace,
  splitChannels,
  upsample2,
  upsample2Backward,
} from "./conv_cpu.ts";
import { initDenoiserParams } from "./denoiser.ts";
import {
  AdamCpu,
  imageLosses,
  JS_CONV,
  lossGradient,
  makeCpuTrainer,
  networkInput,
  noisyImages,
} from "./denoiser_cpu.ts";
import { denoiserWasmInstance, makeWasmTrainer } from "./denoiser_wasm.ts";
import { firstDiff } from "../wasm/bits_testing.ts";

// Tolerance: none. Every kernel of denoiser.wasm keeps its JS reference's operation order, so
// every output must have the same bits (Object.is: NaN and the sign of zero included).

/** Normals sprinkled with the values element-wise code must get right: ±0, ±∞, NaN. */
function awkward(n: number, rng: PhiloxStream): Float32Array {
  const special = [0, -0, Infinity, -Infinity, NaN, 1e-40, -1e-40];
  return new Float32Array(n).map(() => {
    const u = rng.uniform();
    return u < 0.3 ? special[Math.floor(rng.uniform() * special.length)] : rng.normal();
  });
}

function kernels() {
  const w = denoiserWasmInstance();
  const arena = new WasmArena(w.memory, w.heapBase());
  const f32 = (at: number, n: number) => new Float32Array(w.memory.buffer, at, n).slice();
  const f64 = (at: number, n: number) => new Float64Array(w.memory.buffer, at, n).slice();
  return { w, arena, f32, f64 };
}

Deno.test("denoiser_wasm: network input, ReLU and its backward have the reference's bits", () => {
  const rng = new PhiloxStream(21, "dw-elem");
  const { w, arena, f32 } = kernels();
  for (const [b, px] of [[3, 36], [2, 7], [1, 1]]) {
    const x = awkward(b * px, rng), eps = awkward(b * px, rng);
    const sigma = new Float32Array(b).map((_, i) => [0.2, 1e-3, 7.5, 0][i % 4]);
    const ref = networkInput(noisyImages(x, eps, sigma, px), sigma, px);
    arena.reset();
    const xp = arena.put(x), ep = arena.put(eps), sp = arena.put(sigma);
    const coef = arena.put(
      new Float64Array(2 * b).map((_, i) =>
        i % 2 ? Math.log(sigma[i >> 1]) : 1 / Math.sqrt(1 + sigma[i >> 1] * sigma[i >> 1])
      ),
    );
    const a0 = arena.alloc(8 * b * px);
    w.denoiserInput(xp, ep, sp, coef, a0, b, px);
    assert.equal(firstDiff(f32(a0, 2 * b * px), ref), null, `input b=${b} px=${px}`);
  }
  for (const n of [1, 4, 7, 1001]) {
    const v = awkward(n, rng), a = awkward(n, rng);
    arena.reset();
    const vp = arena.put(v), ap = arena.put(a);
    w.relu(vp, n);
    assert.equal(firstDiff(f32(vp, n), reluInPlace(v.slice())), null, `relu n=${n}`);
    const dp = arena.put(v);
    w.reluBackward(dp, ap, n);
    assert.equal(firstDiff(f32(dp, n), reluBackwardInPlace(v.slice(), a)), null, `relu' n=${n}`);
  }
});

Deno.test("denoiser_wasm: upsampling with concatenation and its adjoints have the reference's bits", () => {
  const rng = new PhiloxStream(22, "dw-up");
  const { w, arena, f32 } = kernels();
  for (const [b, h, wd, cl, ch] of [[2, 3, 3, 4, 2], [1, 2, 5, 3, 1], [3, 7, 7, 16, 8]]) {
    const lo = awkward(b * h * wd * cl, rng), hi = awkward(b * 4 * h * wd * ch, rng);
    const pixels = b * 4 * h * wd;
    arena.reset();
    const lp = arena.put(lo), hp = arena.put(hi), cat = arena.alloc(4 * pixels * (cl + ch));
    w.upsampleConcat(lp, hp, cat, b, h, wd, cl, ch);
    const ref = concatChannels(upsample2(lo, b, h, wd, cl), cl, hi, ch, pixels);
    assert.equal(firstDiff(f32(cat, ref.length), ref), null, `forward ${[b, h, wd, cl, ch]}`);
    // adjoints: dcat with ±0, ±∞ and NaN, split into the upsampled and the skip part
    const dcat = awkward(pixels * (cl + ch), rng), dskip = awkward(pixels * ch, rng);
    // a first image whose gradient is all −0: the adjoint's sums start from +0 (0 + −0 = +0)
    dcat.fill(-0, 0, 4 * h * wd * (cl + ch));
    lo.fill(1, 0, h * wd * cl);
    new Float32Array(w.memory.buffer, lp, lo.length).set(lo);
    const [dup, dhi] = splitChannels(dcat, cl, ch, pixels);
    const dloRef = reluBackwardInPlace(upsample2Backward(dup, b, h, wd, cl), lo);
    for (let i = 0; i < dhi.length; i++) dhi[i] += dskip[i];
    reluBackwardInPlace(dhi, hi);
    const dp = arena.put(dcat), sp = arena.put(dskip), dlo = arena.alloc(4 * lo.length);
    w.upsampleConcatBackward(dp, lp, dlo, b, h, wd, cl, ch);
    assert.equal(firstDiff(f32(dlo, lo.length), dloRef), null, `upsample adjoint`);
    w.concatSkipBackward(dp, sp, hp, sp, pixels, cl, ch); // in place, as the trainer does
    assert.equal(firstDiff(f32(sp, dhi.length), dhi), null, `skip adjoint`);
  }
});

Deno.test("denoiser_wasm: loss, its gradient and Adam have the reference's bits", () => {
  const rng = new PhiloxStream(23, "dw-loss");
  const { w, arena, f32, f64 } = kernels();
  for (const [b, px] of [[4, 36], [3, 5], [1, 196]]) {
    const eps = awkward(b * px, rng), epsHat = awkward(b * px, rng);
    for (let i = 0; i < b * px; i += 3) eps[i] = rng.normal(); // mostly finite images
    const sigma = new Float32Array(b).map((_, i) => [0.2, 0.5, 1, 3][i % 4]);
    const losses = imageLosses(eps, epsHat, sigma, px);
    let mean = 0;
    for (let n = 0; n < b; n++) mean += losses[n];
    mean /= b;
    arena.reset();
    const ep = arena.put(eps), hp = arena.put(epsHat), sp = arena.put(sigma);
    const lp = arena.alloc(4 * b), dp = arena.alloc(4 * b * px);
    const got = w.denoiserLoss(ep, hp, sp, lp, dp, b, px);
    assert.ok(Object.is(got, mean), `mean loss ${got} vs ${mean}`);
    assert.equal(firstDiff(f32(lp, b), losses), null, "losses");
    assert.equal(firstDiff(f32(dp, b * px), lossGradient(eps, epsHat, sigma, px)), null, "dE");
  }
  for (const n of [1, 2, 301]) {
    const p = new Float32Array(n).map(() => rng.normal());
    const opt = { learningRate: 2e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
    const ref = new AdamCpu([p], opt), pr = p.slice();
    arena.reset();
    const pp = arena.put(p), gp = arena.alloc(8 * n);
    const mp = arena.put(new Float64Array(n)), vp = arena.put(new Float64Array(n));
    for (let t = 1; t <= 4; t++) {
      const g = new Float64Array(n).map(() => (rng.uniform() < 0.2 ? 0 : rng.normal() * 1e-3));
      ref.step([pr], [g]);
      new Float64Array(w.memory.buffer, gp, n).set(g);
      const c1 = 1 - opt.beta1 ** t, c2 = 1 - opt.beta2 ** t;
      w.adamStep(pp, gp, mp, vp, n, opt.learningRate, 0.9, 0.999, 1 - 0.9, 1 - 0.999, c1, c2, 1e-8);
      assert.equal(firstDiff(f32(pp, n), pr), null, `adam n=${n} t=${t}`);
      const { m, v } = ref.moments();
      assert.equal(firstDiff(f64(mp, n), m[0]), null, `adam m n=${n} t=${t}`);
      assert.equal(firstDiff(f64(vp, n), v[0]), null, `adam v n=${n} t=${t}`);
    }
  }
});

/** Train both trainers side by side; every loss, evaluation and parameter must agree in bits. */
async function sameTraining(
  shape: { side: number; channels: number },
  params: Float32Array[],
  batches: number[],
  seed: number,
) {
  const rng = new PhiloxStream(seed, "dw-train");
  const px = shape.side * shape.side, adam = { learningRate: 1e-2 };
  const ref = makeCpuTrainer(shape, params, adam, 5, JS_CONV);
  const res = makeWasmTrainer(shape, params, adam, 5);
  const levels = [0.2, 0.5, 1, 2];
  for (const [s, b] of batches.entries()) {
    const x = new Float32Array(b * px).map(() => rng.uniform() * 2 - 1);
    const eps = new Float32Array(b * px).map(() => rng.normal());
    const sigma = new Float32Array(b).map((_, i) => levels[(i + s) % 4]);
    const [a, c] = [await ref.trainStep(x, eps, sigma), await res.trainStep(x, eps, sigma)];
    assert.ok(Object.is(a, c), `step ${s}: loss ${c} vs ${a}`);
    const [pa, pc] = [await ref.params(), await res.params()];
    pa.forEach((q, i) => assert.equal(firstDiff(pc[i], q), null, `step ${s} parameter ${i}`));
  }
  const n = 12, x = new Float32Array(n * px).map(() => rng.uniform() * 2 - 1);
  const eps = new Float32Array(n * px).map(() => rng.normal());
  const sigma = new Float32Array(n).map((_, i) => levels[i % 4]);
  const [la, lc] = [await ref.evalLosses(x, eps, sigma), await res.evalLosses(x, eps, sigma)];
  assert.equal(firstDiff(lc, la), null, "evaluation losses");
}

Deno.test("denoiser_wasm: the resident trainer trains and evaluates with the JS reference's bits", async () => {
  for (const [side, channels, seed] of [[8, 3, 1], [6, 2, 2], [14, 8, 3]]) {
    const shape = { side, channels };
    const params = initDenoiserParams(shape, new PhiloxStream(seed, "dw-init"));
    // batch sizes change (buffers grow), including after an evaluation
    await sameTraining(shape, params, side === 14 ? [4, 4] : [3, 5, 2, 5, 1, 4], seed);
  }
});

Deno.test("denoiser_wasm: a non-finite weight or a −0 bias runs the reference (same bits)", async () => {
  const shape = { side: 6, channels: 2 };
  const params = initDenoiserParams(shape, new PhiloxStream(4, "dw-edge"));
  const negZero = params.map((a) => a.slice());
  negZero[3].fill(-0); // the "down" layer's biases
  await sameTraining(shape, negZero, [3, 3, 3], 5);
  const nan = params.map((a) => a.slice());
  nan[6][5] = NaN; // a weight of the "up" layer: every loss is NaN
  await sameTraining(shape, nan, [2, 2], 6);
});

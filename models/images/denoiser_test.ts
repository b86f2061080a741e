import assert from "node:assert/strict";
import { loadTf } from "../../deps.ts";
import { sharedBackend } from "../gpu/device.ts";
import { PhiloxStream } from "../../datasets/philox.ts";
import { conv3x3, conv3x3Backward, samePadding } from "./conv_cpu.ts";
import { initDenoiserParams, paramShapes } from "./denoiser.ts";
import { lossAndGradCpu, makeCpuTrainer } from "./denoiser_cpu.ts";
import { lossesTf, makeTfTrainer } from "./denoiser_tf.ts";

const rand = (n: number, rng: PhiloxStream, scale = 1) =>
  new Float32Array(n).map(() => scale * rng.normal());

function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 1e-6;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

Deno.test("conv_cpu: TF 'same' padding", () => {
  assert.deepEqual(samePadding(28, 1), { out: 28, pad: 1 });
  assert.deepEqual(samePadding(28, 2), { out: 14, pad: 0 });
  assert.deepEqual(samePadding(7, 2), { out: 4, pad: 1 });
});

Deno.test("conv_cpu: conv3x3 and its backward match tfjs (cpu backend), stride 1 and 2", async () => {
  const tf = await loadTf();
  await tf.setBackend("cpu");
  const rng = new PhiloxStream(3, "conv-test");
  for (const [h, stride] of [[6, 1], [6, 2], [5, 2]] as const) {
    const g = { b: 2, h, w: h, ci: 3, co: 4, stride };
    const x = rand(2 * h * h * 3, rng), w = rand(9 * 12, rng), bias = rand(4, rng);
    const y = conv3x3(x, w, bias, g);
    const xT = tf.tensor4d(x, [2, h, h, 3]), wT = tf.tensor4d(w, [3, 3, 3, 4]);
    const ref = await tf.add(tf.conv2d(xT, wT, stride, "same"), tf.tensor1d(bias)).data();
    assert.ok(maxRelErr(y, ref) < 1e-5, `forward h=${h} s=${stride}`);
    const dy = rand(y.length, rng);
    const dw = new Float64Array(w.length), db = new Float64Array(4);
    const dx = conv3x3Backward(x, w, dy, g, dw, db)!;
    const dyT = tf.tensor4d(dy, [2, samePadding(h, stride).out, samePadding(h, stride).out, 4]);
    const [gx, gw] = tf.grads((a, b) =>
      tf.sum(tf.mul(tf.conv2d(a as never, b as never, stride, "same"), dyT))
    )(
      [xT, wT],
    );
    assert.ok(maxRelErr(dx, await gx.data()) < 1e-5, `dx h=${h} s=${stride}`);
    assert.ok(maxRelErr(dw, await gw.data()) < 1e-5, `dw h=${h} s=${stride}`);
    assert.ok(maxRelErr(db, await tf.sum(dyT, [0, 1, 2]).data()) < 1e-5, "db");
  }
});

Deno.test("denoiser: CPU gradients match central finite differences", () => {
  const shape = { side: 6, channels: 3 };
  const rng = new PhiloxStream(5, "denoiser-fd");
  const p = initDenoiserParams(shape, rng).map((a) => a.map((v) => v + 0.05 * rng.normal()));
  const b = 3, px = 36;
  const x = rand(b * px, rng, 0.5),
    eps = rand(b * px, rng),
    sigma = new Float32Array([0.2, 0.5, 1]);
  const { grads } = lossAndGradCpu(shape, p, x, eps, sigma);
  for (let pi = 0; pi < p.length; pi++) {
    // the largest-gradient coordinate of each parameter array (well above f32 round-off)
    let k = 0;
    for (let i = 1; i < grads[pi].length; i++) {
      if (Math.abs(grads[pi][i]) > Math.abs(grads[pi][k])) k = i;
    }
    const h = 1e-2 * Math.max(1e-2, Math.abs(p[pi][k])), orig = p[pi][k];
    p[pi][k] = orig + h;
    const lp = lossAndGradCpu(shape, p, x, eps, sigma).loss;
    p[pi][k] = orig - h;
    const lm = lossAndGradCpu(shape, p, x, eps, sigma).loss;
    p[pi][k] = orig;
    const fd = (lp - lm) / (2 * h);
    assert.ok(
      Math.abs(fd - grads[pi][k]) < 0.02 * Math.abs(grads[pi][k]) + 1e-6,
      `parameter ${pi}[${k}]: finite difference ${fd} vs analytic ${grads[pi][k]}`,
    );
  }
});

Deno.test("denoiser: CPU loss and gradients match tfjs autodiff (cpu backend, batch 1)", async () => {
  // batch 1 only: tfjs-backend-cpu 4.22's ResizeNearestNeighborGrad is wrong for batch > 1
  // (checked against finite differences and the WebGPU backend), so it is no reference there
  const tf = await loadTf();
  await tf.setBackend("cpu");
  const shape = { side: 6, channels: 3 };
  const rng = new PhiloxStream(5, "denoiser-test");
  const p = initDenoiserParams(shape, rng).map((a) => a.map((v) => v + 0.05 * rng.normal()));
  const b = 1, px = 36;
  const x = rand(b * px, rng, 0.5), eps = rand(b * px, rng), sigma = new Float32Array([0.5]);
  const { loss, grads } = lossAndGradCpu(shape, p, x, eps, sigma);
  const shapes = paramShapes(shape);
  const vars = p.map((a, i) => tf.tensor(a, shapes[i]));
  const xT = tf.tensor4d(x, [b, 6, 6, 1]),
    eT = tf.tensor4d(eps, [b, 6, 6, 1]),
    sT = tf.tensor1d(sigma);
  const f = (...v: import("@tensorflow/tfjs").Tensor[]) =>
    tf.mean(lossesTf(tf, shape, v, xT, eT, sT));
  const { value, grads: tg } = tf.valueAndGrads(f)(vars);
  assert.ok(Math.abs(loss - (await value.data())[0]) < 1e-5 * loss);
  for (let i = 0; i < p.length; i++) {
    const err = maxRelErr(grads[i], await tg[i].data());
    assert.ok(err < 1e-4, `gradient of parameter ${i}: relative error ${err}`);
  }
});

Deno.test("denoiser: CPU training is deterministic", async () => {
  const shape = { side: 4, channels: 2 };
  const run = async () => {
    const rng = new PhiloxStream(9, "det");
    const tr = makeCpuTrainer(shape, initDenoiserParams(shape, rng), { learningRate: 1e-2 });
    const losses: number[] = [];
    for (let s = 0; s < 5; s++) {
      losses.push(await tr.trainStep(rand(32, rng), rand(32, rng), new Float32Array([0.5, 1])));
    }
    return { losses, p: await tr.params() };
  };
  const [a, b] = [await run(), await run()];
  assert.deepEqual(a.losses, b.losses);
  assert.deepEqual(a.p.map((x) => Array.from(x)), b.p.map((x) => Array.from(x)));
  assert.ok(a.losses[4] < a.losses[0], "the loss goes down");
});

Deno.test("denoiser: tfjs WebGPU trainer agrees with the CPU trainer", async () => {
  const choice = await sharedBackend().catch(() => null);
  if (!choice || choice.backend !== "webgpu") {
    console.warn("no WebGPU adapter: skipping the GPU agreement test");
    return;
  }
  const tf = await loadTf();
  await tf.setBackend("webgpu");
  await tf.ready();
  const shape = { side: 6, channels: 2 };
  const rng = new PhiloxStream(11, "gpu-agree");
  const p = initDenoiserParams(shape, rng);
  const cpu = makeCpuTrainer(shape, p, { learningRate: 1e-2 });
  const gpu = makeTfTrainer(tf, shape, p, { learningRate: 1e-2 });
  try {
    let lossRel = 0, paramRel = 0;
    for (let s = 0; s < 4; s++) {
      const x = rand(4 * 36, rng, 0.5),
        e = rand(4 * 36, rng),
        sg = new Float32Array([0.2, 0.5, 1, 2]);
      const [a, b] = [await cpu.trainStep(x, e, sg), await gpu.trainStep(x, e, sg)];
      assert.ok(Math.abs(a - b) < 1e-4 * Math.abs(a) + 1e-6, `step ${s}: ${a} vs ${b}`);
      lossRel = Math.max(lossRel, Math.abs(a - b) / Math.abs(a));
    }
    const [pc, pg] = [await cpu.params(), await gpu.params()];
    for (let i = 0; i < pc.length; i++) {
      assert.ok(maxRelErr(pg[i], pc[i]) < 1e-3, `parameter ${i}`);
      paramRel = Math.max(paramRel, maxRelErr(pg[i], pc[i]));
    }
    const x = rand(5 * 36, rng, 0.5), e = rand(5 * 36, rng), sg = new Float32Array(5).fill(0.5);
    const evalRel = maxRelErr(await gpu.evalLosses(x, e, sg), await cpu.evalLosses(x, e, sg));
    assert.ok(evalRel < 1e-4);
    console.log(
      `precision: denoiser tfjs/WebGPU vs CPU: train loss ${lossRel.toExponential(2)}, ` +
        `parameters ${paramRel.toExponential(2)}, eval losses ${evalRel.toExponential(2)} (rel.)`,
    );
  } finally {
    gpu.dispose();
    await tf.setBackend("cpu");
  }
});

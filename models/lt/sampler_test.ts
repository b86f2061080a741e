import assert from "node:assert/strict";
import { streamKey } from "../../datasets/philox.ts";
import { sharedBackend } from "../gpu/device.ts";
import { timeGrid } from "./features.ts";
import { PhiloxStream } from "../../datasets/philox.ts";
import { sampleCpu, type SamplerBatch, sampleWithScore, scoreSum, scoreSum2 } from "./sampler.ts";
import { sampleCpuParallel } from "./sampler_cpu.ts";
import { sampleGpu } from "./sampler_kernel.ts";
import { demoSamplerBatch } from "./sampler_fixture.ts";
import { frechetGaussian, frechetSamples, gaussianFit, kdeKl } from "./metrics.ts";

Deno.test("Fréchet distance of Gaussians: closed form on diagonal covariances", () => {
  const fd = frechetGaussian(
    Float64Array.of(0, 0),
    Float64Array.of(1, 0, 0, 4),
    Float64Array.of(1, 0),
    Float64Array.of(4, 0, 0, 1),
    2,
  );
  // 1 + (1 + 4 − 2·2) + (4 + 1 − 2·2) = 3
  assert.ok(Math.abs(fd - 3) < 1e-12, String(fd));
});

Deno.test("reverse SDE and PF-ODE on the exact score of a Gaussian recover it (FD near 0)", () => {
  // data N((1, −0.5), diag(2, 0.5)); OU marginal at t: N(e^{-t}μ, e^{-2t}Σ + (1−e^{-2t}) I)
  const mu = [1, -0.5], v = [2, 0.5];
  const score = (x: Float64Array, t: number, out: Float64Array) => {
    const a = Math.exp(-t);
    for (let q = 0; q < 2; q++) out[q] = -(x[q] - a * mu[q]) / (a * a * v[q] + 1 - a * a);
  };
  const grid = timeGrid(1e-3, 6, 400, "geometric");
  const truth = new PhiloxStream(3, "truth").fillNormal(new Float64Array(8000));
  for (let i = 0; i < 4000; i++) {
    for (let q = 0; q < 2; q++) truth[2 * i + q] = mu[q] + Math.sqrt(v[q]) * truth[2 * i + q];
  }
  for (const mode of ["sde", "ode"] as const) {
    const x = sampleWithScore(score, 2, grid, 4000, streamKey(1, "s"), mode);
    const fd = frechetSamples(x, truth, 2);
    assert.ok(fd < 0.05, `${mode}: FD ${fd}`);
  }
});

Deno.test("KDE KL is near 0 for two samples of one distribution and large for shifted ones", () => {
  const a = new PhiloxStream(1, "a").fillNormal(new Float64Array(600)) as Float64Array;
  const b = new PhiloxStream(1, "b").fillNormal(new Float64Array(600)) as Float64Array;
  const e = new PhiloxStream(1, "e").fillNormal(new Float64Array(300)) as Float64Array;
  const near = kdeKl(a, b, e, 1);
  const far = kdeKl(a, b.map((x) => x + 3), e, 1);
  assert.ok(Math.abs(near) < 0.1, String(near));
  assert.ok(far > 2, String(far));
});

function smallBatch(particles: number): SamplerBatch {
  return demoSamplerBatch({ particles });
}

Deno.test("sampler CPU path is bit-for-bit deterministic", () => {
  const a = sampleCpu(smallBatch(50)), b = sampleCpu(smallBatch(50));
  assert.deepEqual(a, b);
});

Deno.test("the unrolled d = 2 score sum equals the generic one bit for bit", () => {
  const m = 37, nT = 3, rng = new PhiloxStream(5, "score-sum");
  const W = rng.fillNormal(new Float64Array(m * 2)) as Float64Array;
  const tb = rng.fillNormal(new Float64Array(nT * m)) as Float64Array;
  const A = rng.fillNormal(new Float64Array(2 * m)) as Float64Array;
  for (let trial = 0; trial < 20; trial++) {
    const x = rng.fillNormal(new Float64Array(2), 2) as Float64Array;
    const a = new Float64Array(2), b = new Float64Array(2);
    scoreSum(W, tb, A, m * (trial % nT), m, 2, x, a);
    scoreSum2(W, tb, A, m * (trial % nT), m, x, b);
    assert.deepEqual(b, a);
  }
});

Deno.test("sampleCpuParallel: bit-identical to sampleCpu with 2 and 3 workers", async () => {
  const batch = smallBatch(20);
  assert.ok(batch.slots.length >= 3, "the fixture needs several slots");
  const serial = sampleCpu(batch);
  for (const workers of [2, 3]) {
    assert.deepEqual(await sampleCpuParallel(batch, { workers }), serial);
  }
});

Deno.test("GPU sampler agrees with the f64 CPU reference (same Philox noise)", async () => {
  const choice = await sharedBackend();
  if (!choice.device) {
    console.warn(`no WebGPU device (${choice.fallbackReason}); skipping the GPU sampler test`);
    return;
  }
  for (const mode of ["sde", "ode"] as const) {
    const batch = { ...smallBatch(64), mode };
    const cpu = sampleCpu(batch), gpu = await sampleGpu(choice.device, batch);
    let maxErr = 0;
    for (let i = 0; i < cpu.length; i++) {
      maxErr = Math.max(maxErr, Math.abs(cpu[i] - gpu[i]) / (1 + Math.abs(cpu[i])));
    }
    assert.ok(maxErr < 1e-3, `${mode}: max rel. error ${maxErr}`);
    const fc = gaussianFit(cpu, 2), fg = gaussianFit(gpu, 2);
    const fd = frechetGaussian(fc.mean, fc.cov, fg.mean, fg.cov, 2);
    assert.ok(fd < 1e-4);
    console.log(
      `precision: lt sampler ${mode}: max rel. sample difference ${maxErr.toExponential(2)}, ` +
        `FD(cpu fit, gpu fit) ${fd.toExponential(2)}`,
    );
  }
});

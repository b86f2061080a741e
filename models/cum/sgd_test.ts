import assert from "node:assert/strict";
import {
  gramSchmidt,
  initialWeights,
  runSgdCpu,
  runSgdCpuParallel,
  type SgdBatch,
  type SgdBatchResult,
} from "./sgd.ts";
import { groupBatches, runSgdGpu, runSgdGpuBatches } from "./sgd_kernel.ts";
import { sharedBackend } from "../gpu/device.ts";
import { streamKey } from "../../datasets/philox.ts";
import type { Latent } from "../../datasets/mixed_cumulant.ts";

function batch(over: Partial<SgdBatch> & { latent?: Latent } = {}): SgdBatch {
  const d = over.d ?? 12;
  return {
    d,
    K: 1,
    act: "tanh",
    data: { betaU: 4, betaV: 4, latent: over.latent ?? "correlated" },
    alpha: 0.8,
    cap: 600,
    logEvery: 20,
    thresholdU: 0.9,
    thresholdV: 0.3,
    runs: Array.from({ length: 6 }, (_, i) => ({ key: streamKey(i, "sgd-test", d), eta: 0.1 / d })),
    ...over,
  };
}

Deno.test("initial weights are orthonormal", () => {
  const w = initialWeights([3, 4], 9, 3);
  for (let a = 0; a < 3; a++) {
    for (let b = 0; b < 3; b++) {
      let dot = 0;
      for (let i = 0; i < 9; i++) dot += w[a * 9 + i] * w[b * 9 + i];
      assert.ok(Math.abs(dot - (a === b ? 1 : 0)) < 1e-12);
    }
  }
  const v = new Float64Array([3, 4]);
  gramSchmidt(v, 2, 1);
  assert.ok(Math.abs(v[0] - 0.6) < 1e-15 && Math.abs(v[1] - 0.8) < 1e-15);
});

Deno.test("CPU pSGD is deterministic and learns the spike u at d = 16", () => {
  const b = batch({ d: 16, latent: "independent", cap: 1200, logEvery: 40 });
  const r1 = runSgdCpu(b), r2 = runSgdCpu(b);
  assert.deepEqual(r1, r2);
  assert.ok([...r1.crossU].every((t) => t > 0), `crossU ${[...r1.crossU]}`);
  assert.ok(r1.logU[r1.logs - 1] > 0.9);
});

Deno.test("runSgdCpuParallel: bit-identical to runSgdCpu with 2 and 3 workers", async () => {
  const b = batch({ K: 2, latent: "independent", cap: 400 });
  const serial = runSgdCpu(b);
  for (const workers of [2, 3]) {
    let steps = 0;
    const par = await runSgdCpuParallel(b, { workers, onProgress: (s) => (steps += s) });
    assert.deepEqual(par, serial);
    assert.equal(steps, b.runs.length * b.cap);
  }
});

// Same Philox stream → same trajectory. f32 (GPU) vs f64 (CPU) rounding grows along a trajectory,
// so early logs are compared tightly and the rest loosely; first crossings must agree to within a
// few steps (they agreed exactly when this test was written, both kernels, logs within 1.1e-6).
// Tolerances, stated for f32 on the device against the f64 reference: crossing steps ±5, logged
// overlaps 1e-3 over the first 5 logs and 0.05 over all. The workgroup-per-run kernel (the
// discrete-GPU variant) runs here on llvmpipe with the software class's loop budget, at small
// workgroup sizes so that the reductions span several invocations and some own no coordinate.
function assertAgrees(b: SgdBatch, cpu: SgdBatchResult, gpu: SgdBatchResult, what: string): void {
  assert.deepEqual([...gpu.failedAt], b.runs.map(() => 0), what);
  let maxEarly = 0, maxAll = 0, maxCross = 0;
  for (let r = 0; r < b.runs.length; r++) {
    for (let l = 0; l < cpu.logs; l++) {
      const j = r * cpu.logs + l;
      const e = Math.max(Math.abs(cpu.logU[j] - gpu.logU[j]), Math.abs(cpu.logV[j] - gpu.logV[j]));
      if (l < 5) maxEarly = Math.max(maxEarly, e);
      maxAll = Math.max(maxAll, e);
    }
    for (const k of ["crossU", "crossV"] as const) {
      assert.ok(
        (cpu[k][r] === 0) === (gpu[k][r] === 0) && Math.abs(cpu[k][r] - gpu[k][r]) <= 5,
        `${what}: ${k} run ${r}: cpu ${cpu[k][r]} gpu ${gpu[k][r]}`,
      );
      maxCross = Math.max(maxCross, Math.abs(cpu[k][r] - gpu[k][r]));
    }
  }
  assert.ok(maxEarly < 1e-3, `${what}: early logs differ by ${maxEarly}`);
  assert.ok(maxAll < 0.05, `${what}: logs differ by ${maxAll}`);
  console.log(
    `precision: cum pSGD ${what}: max |Δ crossing| ${maxCross} steps, logs ` +
      `${maxEarly.toExponential(2)} (first 5), ${maxAll.toExponential(2)} (all)`,
  );
}

for (
  const [label, over, wg] of [
    ["K=1 tanh, correlated", {}, 4],
    ["K=2 tanh, independent, β_u=0", { K: 2, latent: "independent" as Latent }, 8],
    ["K=1 linear, naive-sign", { act: "linear" as const, latent: "naive-sign" as Latent }, 2],
    ["K=1 tanh, many dispatches (d=8, 4000 steps)", { d: 8, cap: 4000, logEvery: 100 }, 4],
    ["K=4 tanh, odd d = 9 (3 blocks per invocation, one unused)", { d: 9, K: 4, cap: 300 }, 2],
  ] as [string, Partial<SgdBatch> & { latent?: Latent }, number][]
) {
  Deno.test(`pSGD kernels agree with the CPU reference: ${label}`, async () => {
    const choice = await sharedBackend();
    if (!choice.device) return console.warn(`skipped: ${choice.fallbackReason}`);
    const b = batch(over);
    if (over.latent === "independent" && over.K === 2) b.data.betaU = 0;
    const cpu = runSgdCpu(b);
    for (const variant of ["thread-per-run", "workgroup-per-run"] as const) {
      const gpu = await runSgdGpu(choice.device, b, { variant, workgroupSize: wg });
      const what = `${label}, ${variant}${variant === "thread-per-run" ? "" : ` (${wg})`}`;
      assertAgrees(b, cpu, gpu, what);
    }
  });
}

Deno.test("runSgdGpuBatches: batches that differ only in their runs share a dispatch; results equal separate runs", async () => {
  const choice = await sharedBackend();
  if (!choice.device) return console.warn(`skipped: ${choice.fallbackReason}`);
  const a = batch({ cap: 200 }), c = batch({ cap: 200, K: 2 });
  const b2 = { ...a, runs: a.runs.slice(0, 3).map((r) => ({ ...r, eta: 2 * r.eta })) };
  assert.deepEqual(groupBatches([a, c, b2]), [[0, 2], [1]]);
  for (const variant of ["thread-per-run", "workgroup-per-run"] as const) {
    const opts = { variant, workgroupSize: 4 };
    const together = await runSgdGpuBatches(choice.device, [a, c, b2], opts);
    const apart = [];
    for (const x of [a, c, b2]) apart.push(await runSgdGpu(choice.device, x, opts));
    assert.deepEqual(together, apart, variant);
  }
});

/** Every output of two results, compared bit for bit (Object.is: NaN = NaN, 0 ≠ −0). */
function assertSameBits(a: SgdBatchResult, b: SgdBatchResult, what: string): void {
  assert.deepEqual([a.crossU, a.crossV, a.failedAt], [b.crossU, b.crossV, b.failedAt], what);
  for (const k of ["logU", "logV"] as const) {
    const i = a[k].findIndex((x, j) => !Object.is(x, b[k][j]));
    assert.ok(i < 0 && a[k].length === b[k].length, `${what}: ${k}[${i}] ${a[k][i]} vs ${b[k][i]}`);
  }
}

Deno.test("the unrolled thread-per-run kernel gives the loop kernel's bits (odd d, K = 1–4, both σ, every latent, a blow-up)", async () => {
  const choice = await sharedBackend();
  if (!choice.device) return console.warn(`skipped: ${choice.fallbackReason}`);
  const cases: (Partial<SgdBatch> & { latent?: Latent })[] = [
    { d: 13, cap: 900, logEvery: 9 },
    { d: 8, K: 2, latent: "independent", cap: 500, logEvery: 5 },
    { d: 5, K: 4, act: "linear", latent: "naive-sign", cap: 300, logEvery: 3 },
    { d: 6, K: 3, cap: 400, logEvery: 4 },
    // non-finite weights (both kernels flag them from the bits: same failure step)
    { d: 7, cap: 60, logEvery: 2, runs: [{ key: [5, 6], eta: 3e38 }, { key: [7, 8], eta: 0.01 }] },
  ];
  for (const over of cases) {
    const b = batch(over);
    const what = `d=${b.d} K=${b.K} ${b.act} ${b.data.latent}`;
    const loop = await runSgdGpu(choice.device, b, { variant: "thread-per-run" });
    // a small work target: many dispatches, so the weights also pass through the buffer
    const unrolled = await runSgdGpu(choice.device, b, {
      variant: "thread-per-run-unrolled",
      workPerDispatch: 40 * b.d * b.K * b.runs.length,
    });
    assertSameBits(unrolled, loop, what);
  }
});

Deno.test("workgroup-per-run: flat reductions give the tree reductions' bits", async () => {
  const choice = await sharedBackend();
  if (!choice.device) return console.warn(`skipped: ${choice.fallbackReason}`);
  for (const [over, wg] of [[{ d: 12 }, 4], [{ d: 9, K: 3 }, 2], [{ d: 35, K: 2 }, 8]] as const) {
    const b = batch({ ...over, cap: 300, logEvery: 3 });
    const opts = { variant: "workgroup-per-run", workgroupSize: wg } as const;
    const tree = await runSgdGpu(choice.device, b, { ...opts, flatReduce: false });
    const flat = await runSgdGpu(choice.device, b, { ...opts, flatReduce: true });
    assertSameBits(flat, tree, `d=${b.d} K=${b.K} wg=${wg}`);
  }
});

Deno.test("every pSGD kernel flags non-finite weights as a failure, as the CPU reference does (llvmpipe's max(0, NaN) is 0)", async () => {
  const choice = await sharedBackend();
  if (!choice.device) return console.warn(`skipped: ${choice.fallbackReason}`);
  for (const over of [{ d: 7 }, { d: 9, K: 2 }]) {
    const b = batch({
      ...over,
      cap: 60,
      logEvery: 2,
      runs: [{ key: [5, 6], eta: 1e308 }, {
        key: [7, 8],
        eta: 0.01,
      }],
    });
    const cpu = runSgdCpu(b);
    assert.ok(cpu.failedAt[0] > 0 && cpu.failedAt[1] === 0, `CPU ${cpu.failedAt}`);
    for (
      const opts of [
        { variant: "thread-per-run" },
        { variant: "thread-per-run-unrolled" },
        { variant: "workgroup-per-run", workgroupSize: 4 },
      ] as const
    ) {
      const gpu = await runSgdGpu(choice.device, b, opts);
      const what = `d=${b.d} K=${b.K} ${opts.variant}`;
      assert.ok(gpu.failedAt[0] > 0, `${what}: the blown-up run is not flagged (${gpu.failedAt})`);
      assert.equal(gpu.failedAt[1], 0, what);
    }
  }
});

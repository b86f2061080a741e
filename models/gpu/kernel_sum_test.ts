import assert from "node:assert/strict";
import { acquireBackend } from "./device.ts";
import { kernelRowsCpu, kernelRowsGpu, packSets } from "./kernel_sum.ts";
import { PhiloxStream } from "./philox.ts";

function randomSets(dim: number, sizes: number[], mean: number): Float64Array[] {
  const s = new PhiloxStream(3, "kernel-sum-test", dim);
  return sizes.map((n) => s.fillNormal(new Float64Array(n * dim), 1, mean) as Float64Array);
}

Deno.test("kernelRowsCpu matches a direct sum on a 3-point set", () => {
  const x = Float64Array.from([0, 0, 1, 0, 0, 2]); // dim 2: (0,0), (1,0), (0,2)
  const rows = kernelRowsCpu(packSets([x], 2, [0.5]));
  const k = (d2: number) => Math.exp(-0.5 * d2);
  const want = [1 + k(1) + k(4), k(1) + 1 + k(5), k(4) + k(5) + 1].map(Math.log);
  want.forEach((w, i) => assert.ok(Math.abs(rows[i] - w) < 1e-12));
});

Deno.test("WebGPU kernel rows agree with the f64 CPU reference (rel. 1e-4) on data with mean 10", async () => {
  const choice = await acquireBackend("auto", { timeoutMs: 10000 });
  if (!choice.device) {
    console.warn(`skipped GPU comparison: ${choice.fallbackReason}`);
    return;
  }
  for (const dim of [3, 8, 16]) {
    const sets = randomSets(dim, [37, 5, 64, 1], 10);
    const packed = packSets(sets, dim, [0.25, 1, 0.1, 0.3]);
    const cpu = kernelRowsCpu(packed), gpu = await kernelRowsGpu(choice.device, packed);
    assert.equal(gpu.length, cpu.length);
    for (let i = 0; i < cpu.length; i++) {
      assert.ok(
        Math.abs(gpu[i] - cpu[i]) <= 1e-4 * Math.max(1, Math.abs(cpu[i])),
        `dim ${dim} row ${i}: ${gpu[i]} vs ${cpu[i]}`,
      );
    }
  }
  choice.device.destroy();
});

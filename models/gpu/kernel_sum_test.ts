import assert from "node:assert/strict";
import { sharedBackend } from "./device.ts";
import { packSets, pairSumsCpu, pairSumsGpu } from "./kernel_sum.ts";
import { PhiloxStream } from "./philox.ts";

function randomSets(dim: number, sizes: number[], mean: number): Float64Array[] {
  const s = new PhiloxStream(3, "kernel-sum-test", dim);
  return sizes.map((n) => s.fillNormal(new Float64Array(n * dim), 1, mean) as Float64Array);
}

Deno.test("pairSumsCpu matches a direct double sum on a 3-point set", () => {
  const x = Float64Array.from([0, 0, 1, 0, 0, 2]); // dim 2: (0,0), (1,0), (0,2)
  const sums = pairSumsCpu(packSets([x, x.subarray(0, 4)], 2, [0.5, 0.5]));
  const k = (d2: number) => Math.exp(-0.5 * d2);
  assert.ok(Math.abs(sums[0] - Math.log(3 + 2 * (k(1) + k(4) + k(5)))) < 1e-12);
  assert.ok(Math.abs(sums[1] - Math.log(2 + 2 * k(1))) < 1e-12);
});

Deno.test("WebGPU pair sums agree with the f64 CPU reference (1e-4 in the log) on data with mean 10", async () => {
  const choice = await sharedBackend();
  if (!choice.device) {
    console.warn(`skipped GPU comparison: ${choice.fallbackReason}`);
    return;
  }
  for (const dim of [3, 8, 16]) {
    const sets = randomSets(dim, [37, 5, 64, 1], 10);
    const packed = packSets(sets, dim, [0.25, 1, 0.1, 0.3]);
    const cpu = pairSumsCpu(packed), gpu = await pairSumsGpu(choice.device, packed);
    assert.equal(gpu.length, cpu.length);
    for (let i = 0; i < cpu.length; i++) {
      assert.ok(
        Math.abs(gpu[i] - cpu[i]) <= 1e-4 * Math.max(1, Math.abs(cpu[i])),
        `dim ${dim} set ${i}: ${gpu[i]} vs ${cpu[i]}`,
      );
    }
  }
});

Deno.test("WebGPU pair sums stay right for long loops (N = 10^4 points in d = 32: 8·10^4 iterations per invocation)", async () => {
  const choice = await sharedBackend();
  if (!choice.device) return console.warn(`skipped GPU comparison: ${choice.fallbackReason}`);
  const [x] = randomSets(32, [10000], 10);
  const eps = Math.pow(10000, -1 / 32);
  const packed = packSets([x], 32, [1 / (4 * eps * eps)]);
  const cpu = pairSumsCpu(packed), gpu = await pairSumsGpu(choice.device, packed);
  assert.ok(Math.abs(gpu[0] - cpu[0]) < 1e-5, `${gpu[0]} vs ${cpu[0]}`);
});

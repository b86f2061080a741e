/**
 * The reverse-SDE sampler of Paper D: 8 jobs × 1000 particles × 100 steps, m = 128 random
 * features in d = 2, each job its own noise: the CPU reference, its WebAssembly path (the same
 * bits) and the WebGPU kernel, one thread each.
 */
import { sharedBackend } from "../gpu/device.ts";
import { sampleCpu } from "./sampler.ts";
import { sampleCpuFast } from "./sampler_cpu.ts";
import { sampleGpu } from "./sampler_kernel.ts";
import { demoSamplerBatch } from "./sampler_fixture.ts";

const batch = demoSamplerBatch({
  particles: 1000,
  m: 128,
  steps: 100,
  slots: 8,
  aScale: 0.1,
  pairedNoise: false,
});
const gpu = await sharedBackend();
const group = "lt.sampler (8×1000 particles × 100 steps)";

Deno.bench({ name: "lt sampler cpu", group, baseline: true, n: 3 }, () => {
  sampleCpu(batch);
});
Deno.bench({ name: "lt sampler cpu wasm", group, n: 5 }, () => {
  sampleCpuFast(batch);
});
Deno.bench({
  name: `lt sampler webgpu (${gpu.adapter?.description ?? "no adapter"})`,
  group,
  ignore: !gpu.device,
  n: 5,
}, async () => {
  await sampleGpu(gpu.device!, batch);
});

/**
 * The reverse-SDE sampler of Paper D: 8 jobs × 1000 particles × 100 steps, m = 128 random
 * features in d = 2, CPU reference against the WebGPU kernel.
 */
import { streamKey } from "../gpu/philox.ts";
import { PhiloxStream } from "../gpu/philox.ts";
import { sharedBackend } from "../gpu/device.ts";
import { drawFeatures, timeBiasTable, timeGrid } from "./features.ts";
import { sampleCpu, type SamplerBatch } from "./sampler.ts";
import { sampleGpu } from "./sampler_kernel.ts";

const m = 128, d = 2;
const grid = timeGrid(0.01, 4, 100, "geometric");
const features = [0, 1].map((c) => {
  const f = drawFeatures(
    new PhiloxStream(2, "f", c),
    d,
    m,
    4,
    { wScale: 1, uScale: 1, bScale: 1 },
    0.01,
    4,
  );
  return { W: f.W, tb: timeBiasTable(f, grid) };
});
const slots = Array.from({ length: 8 }, (_, k) => ({
  fs: k % 2,
  A: new PhiloxStream(2, "A", k).fillNormal(new Float64Array(d * m), 0.1) as Float64Array,
  key: streamKey(7, "sampler", k),
}));
const batch: SamplerBatch = { d, m, grid, features, slots, particles: 1000, mode: "sde" };
const gpu = await sharedBackend();

Deno.bench({
  name: "lt sampler cpu",
  group: "lt.sampler (8×1000 particles × 100 steps)",
  baseline: true,
  n: 3,
}, () => {
  sampleCpu(batch);
});
Deno.bench({
  name: `lt sampler webgpu (${gpu.adapter?.description ?? "no adapter"})`,
  group: "lt.sampler (8×1000 particles × 100 steps)",
  ignore: !gpu.device,
  n: 5,
}, async () => {
  await sampleGpu(gpu.device!, batch);
});

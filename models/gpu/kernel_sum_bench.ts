/**
 * Throughput of the pairwise kernel sum (the Paper C hot loop): 8 original sets of N = 1000
 * points in d = 32, i.e. 8·10^6 pair distances (2.6·10^8 flop-ish) per iteration.
 * Pairs/s = 8e6 / (time per iteration).
 */
import { sharedBackend } from "./device.ts";
import { packSets, pairSumsCpu, pairSumsGpu } from "./kernel_sum.ts";
import { PhiloxStream } from "./philox.ts";

const d = 32, N = 1000, sets = 8;
const s = new PhiloxStream(1, "bench");
const data = Array.from(
  { length: sets },
  () => s.fillNormal(new Float64Array(N * d), 1, 10) as Float64Array,
);
const eps = Math.pow(N, -1 / d);
const packed = packSets(data, d, data.map(() => 1 / (4 * eps * eps)));
const choice = await sharedBackend();

Deno.bench({
  name: "kernel_sum cpu f64 (8 sets × 1000² pairs, d=32)",
  group: "kernel_sum",
  baseline: true,
  n: 3,
}, () => {
  pairSumsCpu(packed);
});

Deno.bench({
  name: `kernel_sum webgpu (${choice.adapter?.description ?? "no adapter"})`,
  group: "kernel_sum",
  ignore: !choice.device,
  n: 10,
}, async () => {
  await pairSumsGpu(choice.device!, packed);
});

/**
 * Throughput of the pairwise kernel sum (the Paper C hot loop). Group `kernel_sum`: 8 sets of
 * N = 1000 points in d = 32, i.e. 8·1000·999/2 ≈ 4.0·10^6 unordered pairs per iteration (as the
 * perf harness counts them), the CPU path (JS reference loop, WebAssembly serial, over every
 * core; all bit-identical); on llvmpipe
 * about 12 ms of each WebGPU iteration is the fixed latency of one readback. Group `kernel_sum_transition`: WebGPU only, one set of
 * N = 10^4 points in d = 32 (5.0·10^7 pairs), the shape of `mem.transition`'s original sets.
 * Pairs/s = pairs / (time per iteration).
 */
import { sharedBackend } from "./device.ts";
import { packSets, pairSumsCpu, pairSumsCpuParallel, pairSumsGpu } from "./kernel_sum.ts";
import { PhiloxStream } from "../../datasets/philox.ts";
import { laterPairSums } from "../cpu/pair_sums.ts";

const d = 32, N = 1000, sets = 8;
const s = new PhiloxStream(1, "bench");
const data = Array.from(
  { length: sets },
  () => s.fillNormal(new Float64Array(N * d), 1, 10) as Float64Array,
);
const eps = Math.pow(N, -1 / d);
const packed = packSets(data, d, data.map(() => 1 / (4 * eps * eps)));
const bigN = 10000, bigEps = Math.pow(bigN, -1 / d);
const big = packSets(
  [s.fillNormal(new Float64Array(bigN * d), 1, 10) as Float64Array],
  d,
  [1 / (4 * bigEps * bigEps)],
);
const choice = await sharedBackend();

Deno.bench({
  name: "kernel_sum cpu f64, JS loop (the reference; 8 sets × 1000² pairs, d=32)",
  group: "kernel_sum",
  baseline: true,
  n: 3,
}, () => {
  pairSumsCpu(packed, laterPairSums);
});

Deno.bench({
  name: "kernel_sum cpu f64, WebAssembly SIMD (the CPU path; same bits)",
  group: "kernel_sum",
  n: 3,
}, () => {
  pairSumsCpu(packed);
});

Deno.bench({
  name: `kernel_sum cpu f64 over ${navigator.hardwareConcurrency} workers`,
  group: "kernel_sum",
  n: 3,
}, async () => {
  await pairSumsCpuParallel(packed);
});

Deno.bench({
  name: `kernel_sum webgpu (${choice.adapter?.description ?? "no adapter"})`,
  group: "kernel_sum",
  ignore: !choice.device,
  n: 10,
}, async () => {
  await pairSumsGpu(choice.device!, packed);
});

Deno.bench({
  name: `kernel_sum webgpu, 1 set × 10^4 points, d=32 (${
    choice.adapter?.description ?? "no adapter"
  })`,
  group: "kernel_sum_transition",
  ignore: !choice.device,
  n: 5,
}, async () => {
  await pairSumsGpu(choice.device!, big);
});

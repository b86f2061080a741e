/**
 * The CPU path of `cum.simplicity-bias`'s denoiser at the quick profile's shape (14×14, 8
 * channels, batch 32): one training step (forward, backward: 51.9 MMAC) with the JS reference
 * kernels against the WebAssembly SIMD convolutions (the same bits), and a whole Adam step of
 * the resident WebAssembly trainer (`denoiser_wasm.ts`, the seeds' CPU engine; Adam adds
 * 5.4k parameter updates); then the "up" convolution alone (24 → 8 channels at 14×14, 10.8 MMAC
 * forward). Multiply-accumulates per second = MACs / (time per iteration).
 */
import { PhiloxStream } from "../../datasets/philox.ts";
import { conv3x3, conv3x3Backward } from "./conv_cpu.ts";
import { conv3x3BackwardWasm, conv3x3Wasm } from "./conv_wasm.ts";
import { initDenoiserParams } from "./denoiser.ts";
import { JS_CONV, lossAndGradCpu, WASM_CONV } from "./denoiser_cpu.ts";
import { ResidentDenoiser } from "./denoiser_wasm.ts";

const shape = { side: 14, channels: 8 }, B = 32, px = 196;
const rng = new PhiloxStream(1, "conv-bench");
const p = initDenoiserParams(shape, rng);
const x = new Float32Array(B * px).map(() => rng.uniform() * 2 - 1);
const eps = new Float32Array(B * px).map(() => rng.normal());
const sigma = new Float32Array(B).map((_, i) => [0.1, 0.5, 1, 2][i % 4]);
const step = "denoiser training step (14×14, 8 channels, batch 32)";
Deno.bench({ name: "step js", group: step, baseline: true, n: 20, warmup: 3 }, () => {
  lossAndGradCpu(shape, p, x, eps, sigma, JS_CONV);
});
Deno.bench({ name: "step wasm", group: step, n: 20, warmup: 3 }, () => {
  lossAndGradCpu(shape, p, x, eps, sigma, WASM_CONV);
});
const resident = new ResidentDenoiser(shape, p, { learningRate: 2e-3 });
Deno.bench({ name: "step wasm resident (+ Adam)", group: step, n: 20, warmup: 3 }, () => {
  resident.trainStep(x, eps, sigma);
});

const g = { b: B, h: 14, w: 14, ci: 24, co: 8, stride: 1 as const };
const xs = new Float32Array(B * px * 24).map(() => (rng.uniform() < 0.5 ? 0 : rng.normal()));
const ws = new Float32Array(9 * 24 * 8).map(() => rng.normal());
const bs = new Float32Array(8);
const dy = new Float32Array(B * px * 8).map(() => rng.normal());
const up = "conv3x3 24→8 at 14×14, batch 32 (10.8 MMAC forward, 21.7 backward)";
Deno.bench({ name: "forward js", group: up, baseline: true, n: 20, warmup: 3 }, () => {
  conv3x3(xs, ws, bs, g);
});
Deno.bench({ name: "forward wasm", group: up, n: 20, warmup: 3 }, () => {
  conv3x3Wasm(xs, ws, bs, g);
});
Deno.bench({ name: "backward js", group: up, n: 20, warmup: 3 }, () => {
  conv3x3Backward(xs, ws, dy, g, new Float64Array(ws.length), new Float64Array(8));
});
Deno.bench({ name: "backward wasm", group: up, n: 20, warmup: 3 }, () => {
  conv3x3BackwardWasm(xs, ws, dy, g, new Float64Array(ws.length), new Float64Array(8));
});

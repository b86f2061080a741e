/**
 * The adapter's measured limits, for roofline points: peak f32 FMA throughput (GFLOP/s) and
 * device-memory copy bandwidth (GB/s). WebGPU does not expose peak numbers, so we measure them
 * with two tiny kernels; the same recurrences have CPU references for the tests.
 * @module
 */
import {
  computePipeline,
  dispatch,
  readF32,
  storageBuffer,
  uniformBuffer,
  workgroupGrid,
} from "./buffers.ts";

const WG = 256;

/**
 * Independent vec4 FMA chains per invocation: enough to hide the FMA latency on a SIMD CPU.
 * On llvmpipe (2 cores) 2 chains measured 22 GFLOP/s, below what the register-blocked kernel-sum
 * kernel does, so that "peak" was latency-bound; 8, 16 and 24 chains measured 65, 81 and 96
 * GFLOP/s at 2048 iterations. 16 keeps the shader small.
 */
export const FMA_CHAINS = 16;

/** FMA kernel: each invocation runs `iters` steps of {@link FMA_CHAINS} vec4 chains a = a·m + c. */
export function fmaSource(chains = FMA_CHAINS): string {
  const ids = Array.from({ length: chains }, (_, q) => q);
  return /* wgsl */ `
struct P { iters: u32, total: u32, stride: u32, pad: u32 };
@group(0) @binding(0) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<uniform> p: P;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let i = g.x + g.y * p.stride;
  if (i >= p.total) { return; }
  let m = vec4<f32>(0.999, 0.998, 0.997, 0.996);
  let c = vec4<f32>(0.001, 0.002, 0.003, 0.004);
${
    ids.map((q) =>
      `  var a${q} = vec4<f32>(f32(i % ${7 + q}u) * 0.001, 0.1, 0.2, ${q * 0.1 + 0.3});`
    ).join("\n")
  }
  for (var k = 0u; k < p.iters; k = k + 1u) {
${ids.map((q) => `    a${q} = fma(a${q}, m, c);`).join("\n")}
  }
  var s = vec4<f32>(0.0);
${ids.map((q) => `  s = s + a${q};`).join("\n")}
  out[i] = s.x + s.y + s.z + s.w;
}`;
}

/** The FMA kernel's output for invocation `i`, in f64 (its CPU reference). */
export function fmaReference(i: number, iters: number, chains = FMA_CHAINS): number {
  const m = [0.999, 0.998, 0.997, 0.996], c = [0.001, 0.002, 0.003, 0.004];
  let total = 0;
  for (let q = 0; q < chains; q++) {
    const a = [(i % (7 + q)) * 0.001, 0.1, 0.2, q * 0.1 + 0.3];
    for (let k = 0; k < iters; k++) for (let j = 0; j < 4; j++) a[j] = a[j] * m[j] + c[j];
    total += a.reduce((s, x) => s + x, 0);
  }
  return total;
}

/** Run the FMA kernel over `total` invocations; returns outputs and seconds. */
export async function runFma(
  device: GPUDevice,
  total: number,
  iters: number,
  chains = FMA_CHAINS,
) {
  const pipe = await computePipeline(device, fmaSource(chains));
  const [gx, gy] = workgroupGrid(device, total, WG);
  const out = storageBuffer(device, total * 4);
  const uni = uniformBuffer(device, Uint32Array.of(iters, total, gx * WG, 0));
  const t0 = performance.now();
  dispatch(device, pipe, [out, uni], [gx, gy]);
  const values = await readF32(device, out, total);
  const seconds = (performance.now() - t0) / 1000;
  out.destroy(), uni.destroy();
  return { values, seconds, flops: total * iters * 8 * chains };
}

/** Copy kernel: out[i] = in[i] (vec4), one read and one write per element. */
const COPY = /* wgsl */ `
struct P { total: u32, stride: u32, pad0: u32, pad1: u32 };
@group(0) @binding(0) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4<f32>>;
@group(0) @binding(2) var<uniform> p: P;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) g: vec3<u32>) {
  let i = g.x + g.y * p.stride;
  if (i < p.total) { dst[i] = src[i]; }
}`;

/** Copy `vec4s` vec4<f32> elements; returns the copy and seconds (of `reps` dispatches). */
export async function runCopy(device: GPUDevice, data: Float32Array<ArrayBuffer>, reps = 1) {
  const vec4s = data.length / 4;
  const pipe = await computePipeline(device, COPY);
  const [gx, gy] = workgroupGrid(device, vec4s, WG);
  const src = storageBuffer(device, data), dst = storageBuffer(device, data.byteLength);
  const uni = uniformBuffer(device, Uint32Array.of(vec4s, gx * WG, 0, 0));
  await device.queue.onSubmittedWorkDone();
  const t0 = performance.now();
  const enc = device.createCommandEncoder();
  for (let r = 0; r < reps; r++) dispatch(device, pipe, [src, dst, uni], [gx, gy], enc);
  device.queue.submit([enc.finish()]);
  await device.queue.onSubmittedWorkDone();
  const seconds = (performance.now() - t0) / 1000;
  const copy = await readF32(device, dst, data.length);
  src.destroy(), dst.destroy(), uni.destroy();
  return { copy, seconds, bytes: 2 * data.byteLength * reps };
}

/** Measured peaks of the adapter. */
export interface MeasuredPeak {
  gflops: number;
  gbps: number;
}

/** Measure peak FMA GFLOP/s and copy GB/s (best of a few runs, after a warm-up). */
export async function measurePeak(
  device: GPUDevice,
  scale: "small" | "large" = "small",
): Promise<MeasuredPeak> {
  const total = scale === "large" ? 1 << 22 : 1 << 16, iters = scale === "large" ? 4096 : 2048;
  const bytes = scale === "large" ? 256 << 20 : 8 << 20;
  await runFma(device, 1024, 8);
  let gflops = 0, gbps = 0;
  for (let r = 0; r < 3; r++) {
    const f = await runFma(device, total, iters);
    gflops = Math.max(gflops, f.flops / f.seconds / 1e9);
    const c = await runCopy(device, new Float32Array(bytes / 4), 4);
    gbps = Math.max(gbps, c.bytes / c.seconds / 1e9);
  }
  return { gflops, gbps };
}

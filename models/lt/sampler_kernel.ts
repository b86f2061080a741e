/**
 * The WGSL sampler: one invocation per (slot, particle) runs the whole reverse-time SDE / PF-ODE
 * with Philox noise drawn in the shader (same counters and keys as `sampleCpu`), all slots of a
 * batch in one dispatch, one readback. f32 throughout; `sampleCpu` is its f64 reference.
 * @module
 */
import { PHILOX_WGSL } from "../gpu/philox_wgsl.ts";
import {
  computePipeline,
  dispatch,
  readF32,
  storageBuffer,
  uniformBuffer,
  workgroupGrid,
} from "../gpu/buffers.ts";
import type { SamplerBatch } from "./sampler.ts";

const WG = 64;

/** WGSL source of the sampler kernel (d ≤ 4). */
export const SAMPLER_WGSL = /* wgsl */ `
${PHILOX_WGSL}
struct Params { slots: u32, particles: u32, nT: u32, m: u32, d: u32, mode: u32, rowStride: u32, pad: u32 };
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> grid: array<f32>;
@group(0) @binding(2) var<storage, read> W: array<f32>;      // per feature set: m*d
@group(0) @binding(3) var<storage, read> TB: array<f32>;     // per feature set: nT*m
@group(0) @binding(4) var<storage, read> A: array<f32>;      // per slot: d*m
@group(0) @binding(5) var<storage, read> slotInfo: array<u32>; // per slot: fs, key0, key1, 0
@group(0) @binding(6) var<storage, read_write> outX: array<f32>;

fn noise(p: u32, step: u32, key: vec2<u32>, z: ptr<function, array<f32, 4>>) {
  for (var c = 0u; 2u * c < P.d; c = c + 1u) {
    let n = normal2(philox4x32(vec4<u32>(p, step, c, 0u), key));
    (*z)[2u * c] = n.x;
    if (2u * c + 1u < 4u) { (*z)[2u * c + 1u] = n.y; }
  }
}

@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let id = gid.x + gid.y * P.rowStride;
  if (id >= P.slots * P.particles) { return; }
  let slot = id / P.particles;
  let p = id % P.particles;
  let fs = slotInfo[slot * 4u];
  let key = vec2<u32>(slotInfo[slot * 4u + 1u], slotInfo[slot * 4u + 2u]);
  let m = P.m; let d = P.d;
  let wOff = fs * m * d; let tbBase = fs * P.nT * m; let aOff = slot * d * m;
  var x: array<f32, 4>; var s: array<f32, 4>; var z: array<f32, 4>;
  noise(p, P.nT, key, &z);
  for (var q = 0u; q < d; q = q + 1u) { x[q] = z[q]; }
  for (var k = P.nT - 1u; k >= 1u; k = k - 1u) {
    for (var q = 0u; q < 4u; q = q + 1u) { s[q] = 0.0; }
    let tbo = tbBase + k * m;
    for (var j = 0u; j < m; j = j + 1u) {
      var h = TB[tbo + j];
      for (var q = 0u; q < d; q = q + 1u) { h = h + W[wOff + j * d + q] * x[q]; }
      if (h > 0.0) {
        for (var q = 0u; q < d; q = q + 1u) { s[q] = s[q] + A[aOff + q * m + j] * h; }
      }
    }
    let dt = grid[k] - grid[k - 1u];
    let invm = 1.0 / f32(m);
    if (P.mode == 0u) {
      noise(p, k, key, &z);
      let sq = sqrt(2.0 * dt);
      for (var q = 0u; q < d; q = q + 1u) { x[q] = x[q] + dt * (x[q] + 2.0 * s[q] * invm) + sq * z[q]; }
    } else {
      for (var q = 0u; q < d; q = q + 1u) { x[q] = x[q] + dt * (x[q] + s[q] * invm); }
    }
  }
  for (var q = 0u; q < d; q = q + 1u) { outX[id * d + q] = x[q]; }
}
`;

/** Run a sampler batch on the GPU; returns slots × particles × d samples (f32 widened to f64). */
export async function sampleGpu(device: GPUDevice, batch: SamplerBatch): Promise<Float64Array> {
  const { d, m, grid, particles } = batch;
  if (d > 4) throw new Error("sampleGpu supports d ≤ 4");
  const nT = grid.length, S = batch.slots.length, total = S * particles;
  const W = new Float32Array(batch.features.length * m * d);
  const TB = new Float32Array(batch.features.length * nT * m);
  batch.features.forEach((f, i) => {
    W.set(f.W, i * m * d);
    TB.set(f.tb, i * nT * m);
  });
  const A = new Float32Array(S * d * m), info = new Uint32Array(S * 4);
  batch.slots.forEach((s, i) => {
    A.set(s.A, i * d * m);
    info[i * 4] = s.fs, info[i * 4 + 1] = s.key[0], info[i * 4 + 2] = s.key[1];
  });
  const [gx, gy] = workgroupGrid(device, total, WG);
  const params = new Uint32Array([
    S,
    particles,
    nT,
    m,
    d,
    batch.mode === "sde" ? 0 : 1,
    gx * WG,
    0,
  ]);
  const bufs = [
    uniformBuffer(device, params),
    storageBuffer(device, Float32Array.from(grid)),
    storageBuffer(device, W),
    storageBuffer(device, TB),
    storageBuffer(device, A),
    storageBuffer(device, info),
    storageBuffer(device, total * d * 4),
  ];
  const pipeline = await computePipeline(device, SAMPLER_WGSL);
  dispatch(device, pipeline, bufs, [gx, gy]);
  const out = await readF32(device, bufs[6], total * d);
  for (const b of bufs) b.destroy();
  return Float64Array.from(out);
}

/**
 * The in-shader online pSGD kernel: one invocation per run (seed × step size), weights resident
 * in a storage buffer, samples drawn inside the shader from Philox with the layout of
 * `mcmStepSample` (datasets/mixed_cumulant.ts), many steps per dispatch. The host writes the
 * step window before each dispatch and reads back once at the end: first-crossing steps and the
 * overlaps the shader logged every `logEvery` steps. CPU reference: `runSgdCpu` in `sgd.ts`.
 * @module
 */
import { PHILOX_WGSL } from "../gpu/philox_wgsl.ts";
import {
  computePipeline,
  dispatch,
  readBuffer,
  storageBuffer,
  uniformBuffer,
} from "../gpu/buffers.ts";
import { latentCode } from "../../datasets/mixed_cumulant.ts";
import { ACTIVATIONS, emptyResult, logCount, type SgdBatch, type SgdBatchResult } from "./sgd.ts";

/**
 * Threads per workgroup (one run each). llvmpipe spreads workgroups, not invocations, over its
 * threads, and a batch has only tens of runs: 32 put a 32-run batch on one core; 8 (one AVX2 vector
 * of f32 lanes) measured 1.6× faster on 2 cores (1.87e5 → 3.01e5 run-steps/s, d = 128).
 */
export const SGD_WORKGROUP = 8;

/** WGSL source of the kernel (Philox prepended). */
export const SGD_WGSL = PHILOX_WGSL + /* wgsl */ `
struct Params {
  d: u32, K: u32, act: u32, latent: u32,
  sqrtBu: f32, sqrtBv: f32, vScale: f32, alpha: f32,
  sNoise: f32, thrU: f32, thrV: f32, corrT: f32,
  stepStart: u32, stepEnd: u32, logEvery: u32, nRuns: u32,
  logs: u32, p0: u32, p1: u32, p2: u32,
};
@group(0) @binding(0) var<uniform> P: Params;
@group(0) @binding(1) var<storage, read> runs: array<vec4<u32>>;     // key0, key1, bits(eta), 0
@group(0) @binding(2) var<storage, read_write> W: array<f32>;        // run × K × d
@group(0) @binding(3) var<storage, read_write> S: array<f32>;        // run × 2d: x then x_t
@group(0) @binding(4) var<storage, read_write> state: array<vec4<u32>>; // crossU, crossV, failedAt, 0
@group(0) @binding(5) var<storage, read_write> logs: array<f32>;     // run × logs × 2 (u, v)

fn act(l: f32) -> vec2<f32> {
  if (P.act == 1u) { return vec2<f32>(l, 1.0); }
  // tanh through exp of a clamped argument: some backends' tanh gives NaN for large |l|
  let e = exp(-2.0 * abs(clamp(l, -15.0, 15.0)));
  let t = sign(l) * (1.0 - e) / (1.0 + e);
  return vec2<f32>(t, 1.0 - t * t);
}

fn gramSchmidt(wo: u32) {
  let d = P.d;
  for (var k = 0u; k < P.K; k++) {
    let o = wo + k * d;
    for (var j = 0u; j < k; j++) {
      var dot = 0.0;
      for (var i = 0u; i < d; i++) { dot += W[o + i] * W[wo + j * d + i]; }
      for (var i = 0u; i < d; i++) { W[o + i] -= dot * W[wo + j * d + i]; }
    }
    var n = 0.0;
    for (var i = 0u; i < d; i++) { n += W[o + i] * W[o + i]; }
    let inv = 1.0 / sqrt(n);
    for (var i = 0u; i < d; i++) { W[o + i] *= inv; }
  }
}

@compute @workgroup_size(${SGD_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let run = gid.x;
  if (run >= P.nRuns) { return; }
  var st = state[run];
  if (st.z != 0u) { return; }
  let r = runs[run];
  let key = vec2<u32>(r.x, r.y);
  let eta = bitcast<f32>(r.z);
  let d = P.d; let K = P.K;
  let wo = run * K * d;
  let so = run * 2u * d;
  let blocks = (d + 1u) / 2u;
  if (P.stepStart == 1u) {
    for (var k = 0u; k < K; k++) {
      for (var j = 0u; j < blocks; j++) {
        let nz = normal2(philox4x32(vec4<u32>(j, k, 1u, 0u), key));
        W[wo + k * d + 2u * j] = nz.x;
        if (2u * j + 1u < d) { W[wo + k * d + 2u * j + 1u] = nz.y; }
      }
    }
    gramSchmidt(wo);
  }
  for (var t = P.stepStart; t < P.stepEnd; t++) {
    // latent block first: x_0 and x_1 depend on g, nu
    let lr = philox4x32(vec4<u32>(blocks, t, 0u, 0u), key);
    let g = normal2(lr).x;
    var nu = 1.0;
    if (P.latent == 0u) {
      if ((lr.z >> 31u) == 1u) { nu = -1.0; }
    } else {
      nu = select(-1.0, 1.0, g >= 0.0);
      if (P.latent == 1u && abs(g) < P.corrT) { nu = -nu; }
    }
    var lam = vec4<f32>(0.0); var mu = vec4<f32>(0.0);
    for (var j = 0u; j < blocks; j++) {
      let b = philox4x32(vec4<u32>(j, t, 0u, 0u), key);
      let z = normal2(b);
      let e = normal2(vec4<u32>(b.z, b.w, 0u, 0u));
      for (var q = 0u; q < 2u; q++) {
        let i = 2u * j + q;
        if (i >= d) { break; }
        var xi = select(z.x, z.y, q == 1u);
        let ei = select(e.x, e.y, q == 1u);
        if (i == 0u) { xi += P.sqrtBu * g; }
        if (i == 1u) { xi = (P.sqrtBv * nu + xi) * P.vScale; }
        let xti = P.alpha * xi + P.sNoise * ei;
        S[so + i] = xi; S[so + d + i] = xti;
        for (var k = 0u; k < K; k++) {
          let wk = W[wo + k * d + i];
          lam[k] += wk * xti; mu[k] += wk * xi;
        }
      }
    }
    var sg = vec4<f32>(0.0); var sp = vec4<f32>(0.0);
    for (var k = 0u; k < K; k++) { let a = act(lam[k]); sg[k] = a.x; sp[k] = a.y; }
    let coef = sp * (sg - mu);
    for (var i = 0u; i < d; i++) {
      let xi = S[so + i]; let xti = S[so + d + i];
      var res = -xi;
      for (var k = 0u; k < K; k++) { res += W[wo + k * d + i] * sg[k]; }
      for (var k = 0u; k < K; k++) {
        W[wo + k * d + i] -= eta * 2.0 * (sg[k] * res + coef[k] * xti);
      }
    }
    gramSchmidt(wo);
    var ou = 0.0; var ov = 0.0;
    for (var k = 0u; k < K; k++) {
      ou = max(ou, abs(W[wo + k * d])); ov = max(ov, abs(W[wo + k * d + 1u]));
    }
    // non-finite weights: NaN fails every comparison, so test finiteness positively
    if (!(ou <= 2.0) || !(ov <= 2.0)) { st.z = t; break; }
    if (st.x == 0u && ou > P.thrU) { st.x = t; }
    if (st.y == 0u && ov > P.thrV) { st.y = t; }
    if (t % P.logEvery == 0u) {
      let l = t / P.logEvery - 1u;
      if (l < P.logs) {
        logs[(run * P.logs + l) * 2u] = ou; logs[(run * P.logs + l) * 2u + 1u] = ov;
      }
    }
  }
  state[run] = st;
}
`;

/**
 * Mesa's llvmpipe (the software WebGPU adapter here) has a loop limiter: an invocation whose
 * nested loops run more than ~65535 back-edges in total is cut off mid-loop and returns garbage
 * silently (measured: a d = 16 run "failed" at step 318 of one dispatch, whatever its key). So a
 * dispatch advances at most this many inner-loop iterations per invocation; see
 * {@link loopIterationsPerStep}. Real GPUs do not need it, and it costs them little.
 */
export const LOOP_ITERATION_BUDGET = 30000;

/** An upper estimate of the loop back-edges one step of the kernel takes. */
export function loopIterationsPerStep(d: number, K: number): number {
  return (6 + 4 * K + 2 * K * K) * d + 4 * K + 8;
}

/** Options of {@link runSgdGpu}. */
export interface GpuRunOptions {
  /** Target run-coordinate-steps per dispatch (runs × d × K × steps); default 2^22. */
  workPerDispatch?: number;
  onProgress?: (steps: number) => void;
  signal?: AbortSignal;
}

/** Train every run of the batch on the device (f32); same stream and layout as `runSgdCpu`. */
export async function runSgdGpu(
  device: GPUDevice,
  b: SgdBatch,
  opts: GpuRunOptions = {},
): Promise<SgdBatchResult> {
  const { d, K } = b;
  const n = b.runs.length;
  const L = logCount(b);
  const pipeline = await computePipeline(device, SGD_WGSL);
  const runData = new Uint32Array(n * 4);
  const f = new Float32Array(1), u = new Uint32Array(f.buffer);
  b.runs.forEach((r, i) => {
    f[0] = r.eta;
    runData.set([r.key[0], r.key[1], u[0], 0], i * 4);
  });
  const runsBuf = storageBuffer(device, runData);
  const wBuf = storageBuffer(device, n * K * d * 4);
  const sBuf = storageBuffer(device, n * 2 * d * 4);
  const stBuf = storageBuffer(device, n * 16);
  const logBuf = storageBuffer(device, Math.max(1, n * L * 2) * 4);
  const params = new ArrayBuffer(80);
  const pu = new Uint32Array(params), pf = new Float32Array(params);
  pu.set([d, K, ACTIVATIONS.indexOf(b.act), latentCode(b.data.latent)], 0);
  pf.set([
    Math.sqrt(b.data.betaU),
    Math.sqrt(b.data.betaV),
    1 / Math.sqrt(1 + b.data.betaV),
    b.alpha,
    Math.sqrt(1 - b.alpha * b.alpha),
    b.thresholdU,
    b.thresholdV,
    Math.sqrt(2 * Math.LN2),
  ], 4);
  pu.set([0, 0, b.logEvery, n, L, 0, 0, 0], 12);
  const paramBuf = uniformBuffer(device, pu);
  const chunk = Math.max(
    1,
    Math.min(
      Math.floor((opts.workPerDispatch ?? 1 << 22) / (n * d * K)),
      Math.floor(LOOP_ITERATION_BUDGET / loopIterationsPerStep(d, K)),
    ),
  );
  const groups = Math.ceil(n / SGD_WORKGROUP);
  let sinceSync = 0;
  try {
    for (let t0 = 1; t0 <= b.cap; t0 += chunk) {
      const t1 = Math.min(b.cap + 1, t0 + chunk);
      pu[12] = t0, pu[13] = t1;
      device.queue.writeBuffer(paramBuf, 0, pu);
      dispatch(device, pipeline, [paramBuf, runsBuf, wBuf, sBuf, stBuf, logBuf], [groups]);
      sinceSync += t1 - t0;
      if (sinceSync * n * d * K >= 4 * (opts.workPerDispatch ?? 1 << 22) || t1 > b.cap) {
        await device.queue.onSubmittedWorkDone();
        opts.onProgress?.(sinceSync * n);
        sinceSync = 0;
        if (opts.signal?.aborted) throw new DOMException("aborted", "AbortError");
      }
    }
    const st = new Uint32Array(await readBuffer(device, stBuf, n * 16));
    const lg = new Float32Array(await readBuffer(device, logBuf, Math.max(1, n * L * 2) * 4));
    const res = emptyResult(n, L);
    for (let i = 0; i < n; i++) {
      res.crossU[i] = st[4 * i], res.crossV[i] = st[4 * i + 1], res.failedAt[i] = st[4 * i + 2];
    }
    for (let j = 0; j < n * L; j++) res.logU[j] = lg[2 * j], res.logV[j] = lg[2 * j + 1];
    return res;
  } finally {
    for (const buf of [runsBuf, wBuf, sBuf, stBuf, logBuf, paramBuf]) buf.destroy();
  }
}

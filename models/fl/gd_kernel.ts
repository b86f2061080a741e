/**
 * The batched WebGPU trainer of Paper A's two models: one workgroup per run, every run of the
 * batch (seed × grid point) advanced by many full-batch GD steps per dispatch, data and weights
 * resident on the device, logs of S, N and the loss written by the shader and read back once at
 * the end (with the final weights). f32 throughout. CPU reference: `train_cpu.ts` (same phase
 * order: inner products, per-row coefficients, update); agreement is tested.
 *
 * No randomness is drawn during training (the diffusion loss is the closed-form E_ε, see
 * `diffusion.ts`), so the host uploads data and initial weights drawn from Philox once.
 * @module
 */
import { computePipeline, readBuffer, storageBuffer, uniformBuffer } from "../gpu/buffers.ts";
import { gpuProfile, SOFTWARE_LOOP_BUDGET } from "../gpu/device_class.ts";
import {
  type FlBatch,
  type FlResult,
  logCount,
  neuronCount,
  rowCount,
  rowWeights,
} from "./batch.ts";

/** Threads per workgroup (one workgroup per run). */
export const FL_WORKGROUP = 128;

/**
 * Mesa's llvmpipe cuts off an invocation whose loops run more than ~65535 back-edges in one
 * dispatch (see `models/gpu/device_class.ts`): on a software adapter a dispatch advances only as
 * many steps as fit in this many inner-loop iterations per thread.
 */
export const FALLBACK_LOOP_BUDGET = SOFTWARE_LOOP_BUDGET;
/** Steps per dispatch on a real GPU (keeps single dispatches well under a second). */
export const GPU_STEPS_PER_DISPATCH = 100;

/** Sizes baked into the shader as constants. */
interface Dims {
  D: number;
  R: number;
  NS: number;
  MN: number;
  M: number;
}

function dimsOf(b: FlBatch): Dims {
  return {
    D: b.d,
    R: rowCount(b.n),
    NS: b.n,
    MN: b.m,
    M: neuronCount(b.model, b.m),
  };
}

/** Scratch floats per run and the offsets of its parts. */
function scratchLayout(k: Dims) {
  const oP = 0, oG = oP + k.M * k.R, oH = oG + k.MN * k.MN, oA = oH + k.MN * k.MN;
  const oGA = oA + k.R * k.MN, oC = oGA + k.R * k.MN, oL = oC + k.M * k.R, oc = oL + k.R;
  return { oP, oG, oH, oA, oGA, oC, oL, oc, size: oc + k.NS };
}

const HEADER = /* wgsl */ `
struct Params {
  steps: u32, stepStart: u32, stepEnd: u32, logEvery: u32,
  L: u32, p0: u32, p1: u32, p2: u32,
  alpha: f32, beta: f32, lr: f32, q: f32,
};
@group(0) @binding(0) var<uniform> U: Params;
@group(0) @binding(1) var<storage, read> data: array<f32>;        // per run: X (R*D), aux (R)
@group(0) @binding(2) var<storage, read_write> W: array<f32>;     // per run: M*D
@group(0) @binding(3) var<storage, read_write> scr: array<f32>;   // per run: scratch
@group(0) @binding(4) var<storage, read_write> logs: array<f32>;  // per run: L*3
`;

function consts(k: Dims): string {
  const s = scratchLayout(k);
  return `
const D = ${k.D}u; const R = ${k.R}u; const NS = ${k.NS}u; const MN = ${k.MN}u; const M = ${k.M}u;
const WG = ${FL_WORKGROUP}u; const SCR = ${s.size}u;
const oP = ${s.oP}u; const oG = ${s.oG}u; const oH = ${s.oH}u; const oA = ${s.oA}u;
const oGA = ${s.oGA}u; const oC = ${s.oC}u; const oL = ${s.oL}u; const oc = ${s.oc}u;
`;
}

/** S and N from P (thread 0 at a log step): the same formula as `signalNoise`. */
const LOG_FN = /* wgsl */ `
fn writeLog(so: u32, lo: u32) {
  var S = 0.0;
  for (var j = NS; j < R; j++) {
    var mx = 0.0;
    for (var r = 0u; r < M; r++) { mx = max(mx, abs(scr[so + oP + r * R + j])); }
    S += 0.5 * mx;
  }
  var N = 0.0;
  for (var j = 0u; j < NS; j++) {
    var mx = 0.0;
    for (var r = 0u; r < M; r++) { mx = max(mx, abs(scr[so + oP + r * R + j])); }
    N += mx;
  }
  var loss = 0.0;
  for (var j = 0u; j < R; j++) { loss += scr[so + oL + j]; }
  logs[lo] = S; logs[lo + 1u] = N / f32(NS); logs[lo + 2u] = loss;
}
`;

const INNER = /* wgsl */ `
    for (var e = tid; e < M * R; e += WG) {
      let r = e / R; let j = e % R;
      var s = 0.0;
      for (var k = 0u; k < D; k++) { s += W[wo + r * D + k] * data[xo + j * D + k]; }
      scr[so + oP + e] = s;
    }
`;

/** WGSL of the diffusion model's GD kernel for the given sizes. */
export function diffusionWgsl(k: Dims): string {
  return HEADER + consts(k) + LOG_FN + /* wgsl */ `
@compute @workgroup_size(${FL_WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) tid: u32) {
  let run = wid.x;
  let xo = run * (R * D + R); let ao = xo + R * D;
  let wo = run * M * D; let so = run * SCR;
  let b2 = U.beta * U.beta; let fm = f32(MN); let c4 = 4.0 * U.beta / sqrt(fm);
  for (var t = U.stepStart; t < U.stepEnd; t++) {
${INNER}
    for (var e = tid; e < MN * MN; e += WG) {
      let r = e / MN; let q = e % MN;
      if (q < r) { continue; }
      var s = 0.0;
      for (var k = 0u; k < D; k++) { s += W[wo + r * D + k] * W[wo + q * D + k]; }
      scr[so + oG + r * MN + q] = s; scr[so + oG + q * MN + r] = s;
    }
    storageBarrier();
    for (var j = tid; j < R; j += WG) {
      let w = data[ao + j];
      for (var r = 0u; r < MN; r++) {
        let u = U.alpha * scr[so + oP + r * R + j];
        scr[so + oA + j * MN + r] = u * u + b2 * scr[so + oG + r * MN + r];
      }
      var tt = 0.0; var lin = 0.0;
      for (var r = 0u; r < MN; r++) {
        let ur = U.alpha * scr[so + oP + r * R + j];
        var ga = 0.0; var qq = 0.0;
        for (var q = 0u; q < MN; q++) {
          let g = scr[so + oG + r * MN + q];
          let uq = U.alpha * scr[so + oP + q * R + j];
          ga += g * scr[so + oA + j * MN + q];
          qq += g * g * uq;
          tt += g * (2.0 * b2 * b2 * g * g);
        }
        scr[so + oGA + j * MN + r] = ga;
        let grr = scr[so + oG + r * MN + r];
        tt += scr[so + oA + j * MN + r] * ga + 4.0 * b2 * ur * qq;
        lin += ur * grr;
        let gc = (4.0 / fm) * ga * ur + (8.0 * b2 / fm) * qq - c4 * grr;
        scr[so + oC + r * R + j] = w * U.alpha * gc;
      }
      scr[so + oL + j] = w * (tt / fm - c4 * lin + f32(D));
    }
    storageBarrier();
    for (var e = tid; e < MN * MN; e += WG) {
      let r = e / MN; let q = e % MN;
      let g = scr[so + oG + e];
      var h = 0.0; var wsum = 0.0;
      for (var j = 0u; j < R; j++) {
        let w = data[ao + j];
        let ur = U.alpha * scr[so + oP + r * R + j]; let uq = U.alpha * scr[so + oP + q * R + j];
        h += w * (scr[so + oA + j * MN + r] * scr[so + oA + j * MN + q] + 8.0 * b2 * ur * uq * g) / fm;
        if (r == q) { h += w * ((2.0 * b2 / fm) * scr[so + oGA + j * MN + r] - c4 * ur); }
        wsum += w;
      }
      scr[so + oH + e] = h + wsum * (6.0 * b2 * b2 / fm) * g * g;
    }
    if (tid == 0u && t % U.logEvery == 0u) { writeLog(so, (run * U.L + t / U.logEvery) * 3u); }
    storageBarrier();
    if (t == U.steps) { break; }
    for (var k = tid; k < D; k += WG) {
      var col: array<f32, ${k.M}>;
      for (var s = 0u; s < M; s++) { col[s] = W[wo + s * D + k]; }
      for (var r = 0u; r < M; r++) {
        var g = 0.0;
        for (var j = 0u; j < R; j++) { g += scr[so + oC + r * R + j] * data[xo + j * D + k]; }
        for (var s = 0u; s < M; s++) { g += 2.0 * scr[so + oH + r * MN + s] * col[s]; }
        W[wo + r * D + k] = col[r] - U.lr * g;
      }
    }
    storageBarrier();
  }
}
`;
}

/** WGSL of the classifier's GD kernel for the given sizes. */
export function classifierWgsl(k: Dims): string {
  return HEADER + consts(k) + LOG_FN + /* wgsl */ `
fn act(z: f32) -> vec2<f32> {
  if (z <= 0.0) { return vec2<f32>(0.0, 0.0); }
  let p = pow(z, U.q - 1.0);
  return vec2<f32>(p * z, U.q * p);
}
fn sigRow(y: f32) -> u32 { return select(NS + 1u, NS, y > 0.0); }

@compute @workgroup_size(${FL_WORKGROUP})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) tid: u32) {
  let run = wid.x;
  let xo = run * (R * D + R); let ao = xo + R * D;
  let wo = run * M * D; let so = run * SCR;
  let fm = f32(MN); let fn_ = f32(NS);
  for (var t = U.stepStart; t < U.stepEnd; t++) {
${INNER}
    storageBarrier();
    for (var i = tid; i < NS; i += WG) {
      let y = data[ao + i]; let sr = sigRow(y);
      var F = 0.0;
      for (var r = 0u; r < M; r++) {
        let sg = select(-1.0, 1.0, r < MN);
        F += sg * (act(scr[so + oP + r * R + i]).x + act(scr[so + oP + r * R + sr]).x);
      }
      let mg = y * F / fm;
      // softplus(−mg) with log1p done by hand: log(1 + e) loses e in f32 when e is tiny
      let e = exp(-abs(mg));
      let l1p = select(log(1.0 + e), e * (1.0 - 0.5 * e + e * e / 3.0), e < 1e-3);
      scr[so + oL + i] = (max(-mg, 0.0) + l1p) / fn_;
      scr[so + oc + i] = (-1.0 / (1.0 + exp(mg))) * y / (fn_ * fm);
    }
    if (tid == 0u) { scr[so + oL + NS] = 0.0; scr[so + oL + NS + 1u] = 0.0; }
    storageBarrier();
    for (var e = tid; e < M * R; e += WG) {
      let r = e / R; let j = e % R;
      let sg = select(-1.0, 1.0, r < MN);
      var c = 0.0;
      if (j < NS) {
        c = scr[so + oc + j];
      } else {
        for (var i = 0u; i < NS; i++) {
          if (sigRow(data[ao + i]) == j) { c += scr[so + oc + i]; }
        }
      }
      scr[so + oC + e] = c * sg * act(scr[so + oP + e]).y;
    }
    if (tid == 0u && t % U.logEvery == 0u) { writeLog(so, (run * U.L + t / U.logEvery) * 3u); }
    storageBarrier();
    if (t == U.steps) { break; }
    for (var e = tid; e < M * D; e += WG) {
      let r = e / D; let k = e % D;
      var g = 0.0;
      for (var j = 0u; j < R; j++) { g += scr[so + oC + r * R + j] * data[xo + j * D + k]; }
      W[wo + e] -= U.lr * g;
    }
    storageBarrier();
  }
}
`;
}

/** Upper estimate of the inner-loop iterations one GD step costs one thread. */
export function loopIterationsPerStep(b: FlBatch): number {
  const k = dimsOf(b), wg = FL_WORKGROUP;
  const per = (work: number) => Math.ceil(work / wg);
  const inner = per(k.M * k.R) * k.D;
  if (b.model === "diffusion") {
    return inner + per(k.MN * k.MN) * k.D + per(k.R) * (k.MN * k.MN + 2 * k.MN) +
      per(k.MN * k.MN) * k.R + per(k.D) * k.M * (k.R + 2 * k.M) + k.M * k.R + 64;
  }
  return inner + per(k.NS) * k.M + per(k.M * k.R) * k.NS + per(k.M * k.D) * k.R + k.M * k.R + 64;
}

/** Whether the device is a software (fallback) adapter such as llvmpipe (its device class). */
export function isFallbackDevice(device: GPUDevice): boolean {
  return gpuProfile(device).deviceClass === "software";
}

/** Steps one dispatch advances on this device for this batch (the loop budget on software only). */
export function stepsPerDispatch(device: GPUDevice, b: FlBatch): number {
  const profile = gpuProfile(device);
  if (profile.deviceClass === "discrete") return GPU_STEPS_PER_DISPATCH;
  return Math.max(1, Math.floor(profile.loopBudget / loopIterationsPerStep(b)));
}

/** Options of {@link trainGpu}. */
export interface GpuTrainOptions {
  /** Called after each submitted chunk with the steps done. */
  onProgress?: (steps: number) => void;
  signal?: AbortSignal;
  /** Override the steps per dispatch (tests). */
  stepsPerDispatch?: number;
}

/** Train every run of the batch on the device; same layout and logs as `trainCpu`. */
export async function trainGpu(
  device: GPUDevice,
  b: FlBatch,
  opts: GpuTrainOptions = {},
): Promise<FlResult> {
  const k = dimsOf(b);
  const L = logCount(b);
  const nRuns = b.runs.length;
  if (nRuns > device.limits.maxComputeWorkgroupsPerDimension) {
    throw new RangeError(`too many runs in one batch: ${nRuns}`);
  }
  const code = b.model === "diffusion" ? diffusionWgsl(k) : classifierWgsl(k);
  const pipeline = await computePipeline(device, code);
  const per = k.R * k.D + k.R;
  const data = new Float32Array(nRuns * per);
  const W = new Float32Array(nRuns * k.M * k.D);
  b.runs.forEach((run, i) => {
    data.set(run.X, i * per);
    const aux = b.model === "diffusion" ? rowWeights(run.y) : Float64Array.from(run.y);
    data.set(aux, i * per + k.R * k.D);
    W.set(run.W0, i * k.M * k.D);
  });
  const dataBuf = storageBuffer(device, data);
  const wBuf = storageBuffer(device, W);
  const scrBuf = storageBuffer(device, nRuns * scratchLayout(k).size * 4);
  const logBuf = storageBuffer(device, new Float32Array(nRuns * L * 3).fill(NaN));
  const spd = opts.stepsPerDispatch ?? stepsPerDispatch(device, b);
  const CHUNK = 32; // dispatches per submit
  const params = new ArrayBuffer(48);
  const pu = new Uint32Array(params), pf = new Float32Array(params);
  const temps: GPUBuffer[] = [];
  try {
    let enc = device.createCommandEncoder();
    let inChunk = 0;
    for (let s = 0; s <= b.steps; s += spd) {
      pu.set([b.steps, s, Math.min(s + spd, b.steps + 1), b.logEvery, L, 0, 0, 0], 0);
      pf.set([b.alpha, b.beta, b.lr, b.q], 8);
      const ub = uniformBuffer(device, new Uint32Array(params.slice(0)));
      temps.push(ub);
      const bind = device.createBindGroup({
        layout: pipeline.getBindGroupLayout(0),
        entries: [ub, dataBuf, wBuf, scrBuf, logBuf].map((buffer, binding) => ({
          binding,
          resource: { buffer },
        })),
      });
      const pass = enc.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, bind);
      pass.dispatchWorkgroups(nRuns);
      pass.end();
      if (++inChunk === CHUNK || s + spd > b.steps) {
        device.queue.submit([enc.finish()]);
        await device.queue.onSubmittedWorkDone();
        for (const t of temps.splice(0)) t.destroy();
        opts.onProgress?.(Math.min(s + spd, b.steps));
        if (opts.signal?.aborted) throw new Error("aborted");
        enc = device.createCommandEncoder();
        inChunk = 0;
      }
    }
    const logs = new Float32Array(await readBuffer(device, logBuf, nRuns * L * 3 * 4));
    const Wf = new Float32Array(await readBuffer(device, wBuf, nRuns * k.M * k.D * 4));
    return { logs: Float64Array.from(logs), logPoints: L, W: Float64Array.from(Wf) };
  } finally {
    for (const t of temps) t.destroy();
    for (const buf of [dataBuf, wBuf, scrBuf, logBuf]) buf.destroy();
  }
}

/**
 * The pairwise Gaussian kernel sums (`kernel_sum.ts`) shaped for a real GPU: a GEMM-style tiled
 * kernel. One workgroup of S×S invocations takes one pair of T-point tiles (T = 4S) of one set,
 * i-tile ≤ j-tile (upper triangle only: each unordered pair once); the two tiles stream through
 * workgroup memory a chunk of coordinates at a time, and each invocation accumulates a 4×4 block
 * of ⟨x_i, x_j⟩ in registers (16 accumulators and 8 vec4 operands, ~60 registers: at ≤ 64 an
 * NVIDIA SM holds 1024 invocations, 4 such workgroups; the llvmpipe kernel's 512 floats per
 * invocation would spill). Then ‖x_i − x_j‖² = ‖x_i‖² + ‖x_j‖² − 2⟨x_i, x_j⟩
 * (norms from the host, in f64 of the f32 values), exp, and a workgroup tree reduction to one
 * f32 partial per tile pair; the host adds the partials of a set in f64.
 *
 * Every tile pair is its own workgroup and the whole call is one dispatch: the full profile's
 * mem.transition call at d = 100 (one original set of 10⁴ points and 11 training sets) is ~12,500
 * tile pairs, 3.2·10⁶ invocations. The workgroup side S and the coordinate chunk come from the
 * adapter's limits (`device_class.ts`). CPU reference: `pairSumsCpu` (`models/cpu/pair_sums.ts`).
 *
 * Not for llvmpipe: there a barrier is a coroutine switch and workgroups, not invocations, are
 * spread over the cores. Measured on llvmpipe (8 sets × 1000 points, d = 32, warm, median of 5,
 * load average 9–14 from other jobs): the blocked kernel 5.0e7 pairs/s, this one 1.4e6 (S = 2),
 * 2.1e6 (S = 4), 1.7e6 (S = 8), 8.3e5 (S = 16). `pairSumsGpu` picks by device class.
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
import { centredRows } from "./centred_rows.ts";
import { floorPow2, type GpuProfile, gpuProfile } from "./device_class.ts";
import type { PackedSets } from "../cpu/pair_sums.ts";

/** Rows and columns of the register block of one invocation. */
export const MICRO = 4;

/** The shape of the tiled kernel for one dimension on one adapter. */
export interface TiledPlan {
  /** Workgroup side S: S×S invocations, tiles of T = 4S points. */
  side: number;
  tile: number;
  workgroupSize: number;
  /** vec4s per point in memory (a multiple of `chunk`) and per workgroup-memory chunk. */
  vec4PerPoint: number;
  chunk: number;
  /** Bytes of workgroup memory one workgroup uses. */
  sharedBytes: number;
}

/**
 * Plan the kernel: the largest power-of-two side S ≤ `want` (default 16: 256 invocations) with
 * S² within the workgroup limits, and the largest coordinate chunk (≤ 8 vec4s) whose two tiles
 * fit in workgroup memory, evened out so that the padding of a point stays under one chunk.
 */
export function planTiled(profile: GpuProfile, dim: number, want = 16): TiledPlan {
  const maxInv = Math.min(
    profile.maxComputeInvocationsPerWorkgroup,
    profile.maxComputeWorkgroupSizeX,
  );
  let side = floorPow2(Math.min(want, Math.sqrt(maxInv)));
  const V = Math.ceil(dim / 4);
  for (;; side /= 2) {
    const tile = MICRO * side, wg = side * side;
    const maxChunk = Math.floor(
      (profile.maxComputeWorkgroupStorageSize - 4 * wg) / (2 * tile * 16),
    );
    if (maxChunk >= 1 || side === 1) {
      const chunks = Math.ceil(V / Math.max(1, Math.min(8, maxChunk)));
      const chunk = Math.ceil(V / chunks);
      return {
        side,
        tile,
        workgroupSize: wg,
        vec4PerPoint: chunks * chunk,
        chunk,
        sharedBytes: 2 * tile * chunk * 16 + 4 * wg,
      };
    }
  }
}

/** WGSL of the tiled kernel for a plan. */
export function tiledSource(plan: TiledPlan): string {
  const { side: S, tile: T, chunk: C, workgroupSize: WG } = plan;
  const r = Array.from({ length: MICRO }, (_, i) => i);
  return /* wgsl */ `
struct Params { pairs: u32, groupsX: u32, vp: u32, p0: u32 };
@group(0) @binding(0) var<storage, read> pts: array<vec4<f32>>;         // point × vp vec4s
@group(0) @binding(1) var<storage, read> norms: array<f32>;             // ‖x_i‖², per point
@group(0) @binding(2) var<storage, read> tilePairs: array<vec4<u32>>;   // i0, j0, set end, set
@group(0) @binding(3) var<storage, read> scale: array<f32>;
@group(0) @binding(4) var<storage, read_write> partial: array<f32>;     // per tile pair
@group(0) @binding(5) var<uniform> P: Params;
const S: u32 = ${S}u;
const T: u32 = ${T}u;
const C: u32 = ${C}u;
const WG: u32 = ${WG}u;
var<workgroup> As: array<vec4<f32>, ${C * T}>;   // [chunk vec4][tile row]
var<workgroup> Bs: array<vec4<f32>, ${C * T}>;
var<workgroup> red: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) l: u32) {
  let pr = wid.x + wid.y * P.groupsX;
  if (pr >= P.pairs) { return; }
  let tp = tilePairs[pr];
  let i0 = tp.x; let j0 = tp.y; let e = tp.z;
  let tx = l % S; let ty = l / S;
${r.map((a) => `  var acc${a} = vec4<f32>(0.0);`).join("\n")}
  for (var k0 = 0u; k0 < P.vp; k0 += C) {
    workgroupBarrier();
    for (var q = l; q < C * T; q += WG) {
      let row = q / C; let kk = q % C;
      var va = vec4<f32>(0.0); var vb = vec4<f32>(0.0);
      if (i0 + row < e) { va = pts[(i0 + row) * P.vp + k0 + kk]; }
      if (j0 + row < e) { vb = pts[(j0 + row) * P.vp + k0 + kk]; }
      As[kk * T + row] = va; Bs[kk * T + row] = vb;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < C; kk++) {
${r.map((a) => `      let a${a} = As[kk * T + tx + ${a * S}u];`).join("\n")}
${r.map((b) => `      let b${b} = Bs[kk * T + ty + ${b * S}u];`).join("\n")}
${
    r.map((a) => `      acc${a} += vec4<f32>(${r.map((b) => `dot(a${a}, b${b})`).join(", ")});`)
      .join("\n")
  }
    }
  }
  // i = i0 + tx + a·S, j = j0 + ty + b·S; a pair counts when i < j < e (j0 ≥ i0 + T off the diagonal)
  let sc = -scale[tp.w];
  var s = 0.0;
${
    r.map((a) =>
      `  {
    let i = i0 + tx + ${a * S}u;
    let ni = norms[min(i, e - 1u)];
${
        r.map((b) =>
          `    { let j = j0 + ty + ${b * S}u;
      if (j > i && j < e) { s += exp(sc * max(fma(-2.0, acc${a}[${b}], ni + norms[j]), 0.0)); } }`
        ).join("\n")
      }
  }`
    ).join("\n")
  }
  red[l] = s;
  for (var h = WG / 2u; h > 0u; h = h >> 1u) {
    workgroupBarrier();
    if (l < h) { red[l] += red[l + h]; }
  }
  if (l == 0u) { partial[pr] = red[0]; }
}`;
}

/** Options of {@link pairSumsTiled}. */
export interface TiledOptions {
  /** Workgroup side S (a power of two; default 16, within the limits). Tests use small ones. */
  side?: number;
  /** Centre each set at its mean before the f32 upload (default true). */
  center?: boolean;
  /** The device's profile (default: read from the device). */
  profile?: GpuProfile;
}

/** Tile pairs (i0, j0, set end, set) of the upper triangle of every set, for tile size T. */
export function tilePairsOf(
  p: PackedSets,
  order: readonly number[],
  T: number,
): Uint32Array<ArrayBuffer> {
  const out: number[] = [];
  for (const s of order) {
    const a = p.start[s], e = a + p.count[s];
    for (let i0 = a; i0 < e; i0 += T) {
      for (let j0 = i0; j0 < e; j0 += T) out.push(i0, j0, e, s);
    }
  }
  return Uint32Array.from(out);
}

/**
 * Per-set log pair sums, `log(N + 2 Σ_{i<j} exp(−scale ‖x_i − x_j‖²))`, by the tiled kernel:
 * one dispatch for all sets. Agrees with the f64 reference to f32 rounding (tested at 1e-4
 * relative in the log, as the llvmpipe kernel).
 */
export async function pairSumsTiled(
  device: GPUDevice,
  p: PackedSets,
  opts: TiledOptions = {},
): Promise<Float64Array> {
  const profile = opts.profile ?? gpuProfile(device);
  const plan = planTiled(profile, p.dim, opts.side);
  const total = p.points.length / p.dim;
  const vp = plan.vec4PerPoint;
  const bytes = total * vp * 16;
  if (bytes > profile.maxStorageBufferBindingSize) {
    throw new RangeError(
      `${total} points in d = ${p.dim} need ${bytes} B, over this adapter's storage binding ` +
        `limit (${profile.maxStorageBufferBindingSize} B): pass fewer sets per call`,
    );
  }
  const { x, order } = centredRows(p, vp * 4, 0, opts.center ?? true);
  const out = new Float64Array(p.start.length);
  p.count.forEach((n, s) => out[s] = Math.log(n));
  const pairs = tilePairsOf(p, order, plan.tile);
  const nPairs = pairs.length / 4;
  if (nPairs === 0) return out;
  const norms = new Float32Array(total);
  for (let i = 0; i < total; i++) {
    let n = 0;
    for (let k = 0; k < p.dim; k++) n += x[i * vp * 4 + k] * x[i * vp * 4 + k];
    norms[i] = n;
  }
  const pipeline = await computePipeline(device, tiledSource(plan));
  const [gx, gy] = workgroupGrid(device, nPairs, 1);
  const bufs = [
    storageBuffer(device, x),
    storageBuffer(device, norms),
    storageBuffer(device, pairs),
    storageBuffer(device, Float32Array.from(p.scale)),
    storageBuffer(device, nPairs * 4),
    uniformBuffer(device, Uint32Array.from([nPairs, gx, vp, 0])),
  ];
  try {
    dispatch(device, pipeline, bufs, [gx, gy]);
    const partial = await readF32(device, bufs[4], nPairs);
    const acc = new Float64Array(p.start.length);
    for (let q = 0; q < nPairs; q++) acc[pairs[4 * q + 3]] += partial[q];
    for (const s of order) out[s] = Math.log(p.count[s] + 2 * acc[s]);
    return out;
  } finally {
    for (const b of bufs) b.destroy();
  }
}

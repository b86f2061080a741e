/**
 * Pairwise Gaussian kernel sums in log space, for many point sets at once:
 * for each set s, `logPairSum[s] = log Σ_{i,j∈s} exp(−scale_s ‖x_i − x_j‖²)`.
 * Every term is ≤ 1 and the N self terms equal 1 (the maximum of the log-sum-exp), so the sum
 * lies in [N, N²] and never overflows; the Gaussian normaliser is applied in log space by the
 * caller. Each unordered pair is evaluated once; {@link pairSumsCpu} (`models/cpu/pair_sums.ts`,
 * re-exported here) is the f64 CPU path (WebAssembly SIMD, the bits of the JS reference loop),
 * {@link pairSumsCpuParallel} the same over every core (bit-identical), which {@link pairSums}
 * uses for inputs of at least `MIN_PARALLEL_PAIRS` pairs (smaller ones serially).
 *
 * {@link pairSumsGpu} picks the WebGPU kernel by device class (`device_class.ts`): on a discrete
 * GPU the tiled kernel of `kernel_sum_tiled.ts`; on a software adapter {@link pairSumsBlocked},
 * this module's kernel, tuned on llvmpipe, where loads, not FMAs, bounded
 * the one-point-per-invocation version (~40 M pairs/s at d = 32):
 * - register blocking: an invocation holds a block of R consecutive points of one set and pairs
 *   each loaded point j with all R of them, so each load serves R pairs;
 * - ‖x_i − x_j‖² = ‖x_i‖² + ‖x_j‖² − 2⟨x_i, x_j⟩, clamped at 0: one FMA per coordinate instead
 *   of a subtraction and an FMA (no faster on llvmpipe, measured, but fewer instructions); the
 *   sets are centred at their means first, so the f32 norms stay small and the cancellation
 *   harmless;
 * - the points j come from a 64 KiB uniform-buffer tile (one dispatch per tile): indexed uniform
 *   loads are cheaper on llvmpipe than storage loads, and the tile bounds every loop well under
 *   llvmpipe's silent cut-off of an invocation at ~65k loop iterations;
 * - the block's own points come from a texture (textureLoad): as fast as storage loads here,
 *   but llvmpipe JIT-compiles the shader in ~40% less time (~1 s at d = 32 with a cold cache).
 * @module
 */
import {
  computePipeline,
  readF32,
  storageBuffer,
  uniformBuffer,
  workgroupGrid,
} from "./buffers.ts";
import { centredRows } from "./centred_rows.ts";
import { gpuProfile } from "./device_class.ts";
import { pairSumsTiled, type TiledOptions } from "./kernel_sum_tiled.ts";
import {
  finishPairSums as finish,
  type PackedSets,
  pairSumsCpu,
  pairSumsCpuParallel,
} from "../cpu/pair_sums.ts";

export { type PackedSets, pairSumsCpu, pairSumsCpuParallel };

/** Pack a list of sets (each a row-major Float64Array of `dim` columns) with their scales. */
export function packSets(sets: Float64Array[], dim: number, scales: number[]): PackedSets {
  const total = sets.reduce((s, x) => s + x.length, 0);
  const points = new Float64Array(total);
  const start = new Uint32Array(sets.length), count = new Uint32Array(sets.length);
  let off = 0;
  sets.forEach((x, s) => {
    points.set(x, off);
    start[s] = off / dim;
    count[s] = x.length / dim;
    off += x.length;
  });
  return { points, dim, start, count, scale: Float64Array.from(scales) };
}

/** Invocations per workgroup (llvmpipe runs 8 at a time per core; a multiple of 8 suits it). */
const WG = 16;
/**
 * vec4s in one j-tile: 64 KiB, WebGPU's guaranteed `maxUniformBufferBindingSize`. The tile is a
 * uniform-buffer window; on llvmpipe, reading j from it instead of from a storage buffer made
 * the kernel ~25% faster at d = 32 (N = 10⁴).
 */
const TILE_VEC4 = 4096;
/** Texels per row of the texture that holds every point (the i side of each pair). */
const TEX_WIDTH = 4096;
/** Register budget: rows per invocation × vec4s per point (beyond it LLVM's compile time soars). */
const BLOCK_VEC4 = 128;

/** Tuning and diagnostics knobs of {@link pairSumsGpu}; the defaults are the best measured on llvmpipe. */
export interface KernelSumOptions {
  /**
   * Points per invocation (register blocking: each loaded point j is paired with all of them).
   * Default `min(32, ⌊128 / ⌈d/4⌉⌋)`: 32 for d ≤ 16, 16 for d = 32, 8 for d = 64.
   */
  rowsPerInvocation?: number;
  /**
   * Points per j-tile (one dispatch each). Default: as many as fit in 64 KiB of vec4s, rounded
   * down so that tile offsets meet the adapter's uniform-offset alignment. Smaller values only
   * serve tests of the tiling.
   */
  tileRows?: number;
  /**
   * Centre each set at its mean before the f32 upload (default true). Off only in the test that
   * shows why: with a data mean of 100 the f32 norms then cost ~1e-5 in the log sums, not ~1e-8.
   */
  center?: boolean;
}

/** Default points per invocation for dimension `dim` (see {@link KernelSumOptions}). */
export function defaultRowsPerInvocation(dim: number): number {
  return Math.max(1, Math.min(32, Math.floor(BLOCK_VEC4 / Math.ceil(dim / 4))));
}

function kernelSource(dim: number, rows: number, tileRows: number): string {
  // points are padded to vec4s (zeros in the padding change neither norms nor dot products)
  const V = Math.ceil(dim / 4),
    R = rows,
    range = (n: number) => Array.from({ length: n }, (_, i) => i);
  const load = range(R).map((r) =>
    `  let row${r} = min(i0 + ${r}u, e - 1u);\n` +
    range(V).map((k) => `  let x${r}_${k} = point(row${r}, ${k}u);`).join("\n") +
    `\n  var q${r} = vec4<f32>(0.0);\n` +
    range(V).map((k) => `  q${r} = fma(x${r}_${k}, x${r}_${k}, q${r});`).join("\n") +
    `\n  let n${r} = q${r}.x + q${r}.y + q${r}.z + q${r}.w;\n  var acc${r} = 0.0;`
  ).join("\n");
  // one j against the R rows: ‖x_i − x_j‖² = ‖x_i‖² + ‖x_j‖² − 2⟨x_i, x_j⟩, clamped at 0
  // (rounding can make it slightly negative); `masked`: only pairs with j > i count
  const body = (masked: boolean) =>
    range(V).map((k) => `    let y${k} = tile[t * V + ${k}u];`).join("\n") +
    `\n    var qj = vec4<f32>(0.0);\n` +
    range(V).map((k) => `    qj = fma(y${k}, y${k}, qj);`).join("\n") +
    `\n    let nj = qj.x + qj.y + qj.z + qj.w;\n` +
    range(R).map((r) => {
      const dot = range(V).map((k) => `p = fma(x${r}_${k}, y${k}, p);`).join(" ");
      const term = `exp(sc * max(fma(-2.0, p.x + p.y + p.z + p.w, n${r} + nj), 0.0))`;
      return `    { var p = vec4<f32>(0.0); ${dot}\n      acc${r} = acc${r} + ` +
        (masked ? `select(0.0, ${term}, j > i0 + ${r}u); }` : `${term}; }`);
    }).join("\n");
  return /* wgsl */ `
struct Params { blockOff: u32, blocks: u32, rowStride: u32, t0: u32, t1: u32, p0: u32, p1: u32, p2: u32 };
@group(0) @binding(0) var points: texture_2d<f32>;
@group(0) @binding(1) var<uniform> tile: array<vec4<f32>, ${tileRows * V}>;
@group(0) @binding(2) var<storage, read> blocks: array<vec4<u32>>;
@group(0) @binding(3) var<storage, read> scale: array<f32>;
@group(0) @binding(4) var<storage, read_write> sums: array<f32>;
@group(0) @binding(5) var<uniform> P: Params;
const V: u32 = ${V}u;
fn point(i: u32, k: u32) -> vec4<f32> {
  let texel = i * V + k;
  return textureLoad(points, vec2<u32>(texel % ${TEX_WIDTH}u, texel / ${TEX_WIDTH}u), 0);
}
// One invocation: rows i0 .. i0+${R - 1} of one set (clamped to its last row e-1) against the
// points j > i of that set that lie in this dispatch's tile, rows P.t0 .. P.t1-1.
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let lb = gid.x + gid.y * P.rowStride;
  if (lb >= P.blocks) { return; }
  let b = P.blockOff + lb;
  let blk = blocks[b];
  let i0 = blk.x;
  let e = blk.y;
  if (e <= P.t0) { return; }
  let sc = -scale[blk.z];
${load}
  let tEnd = min(e, P.t1) - P.t0;
  let tMid = min(max(i0 + ${R}u, P.t0) - P.t0, tEnd);
  // j in (i0, i0+${R}): inside the block, pair (i0+r, j) counts only when j > i0+r
  for (var t = max(i0 + 1u, P.t0) - P.t0; t < tMid; t = t + 1u) {
    let j = P.t0 + t;
${body(true)}
  }
  for (var t = tMid; t < tEnd; t = t + 1u) {
${body(false)}
  }
  sums[b] = sums[b] + ${range(R).map((r) => `acc${r}`).join(" + ")};
}`;
}

/** The two WebGPU kernels: `blocked` (this module, shaped for llvmpipe), `tiled` (`kernel_sum_tiled.ts`). */
export type KernelSumVariant = "blocked" | "tiled";

/** Options of {@link pairSumsGpu}: the variant and the options of either kernel. */
export interface PairSumsGpuOptions extends KernelSumOptions, Omit<TiledOptions, "center"> {
  /** Default by device class: `blocked` on a software adapter, `tiled` on a discrete GPU. */
  variant?: KernelSumVariant;
}

/**
 * The WebGPU pair sums, by the kernel of the device's class: on a software adapter (llvmpipe) the
 * register-blocked kernel of this module ({@link pairSumsBlocked}), on a discrete GPU the tiled
 * GEMM-style kernel (`pairSumsTiled`, `kernel_sum_tiled.ts`). Both agree with
 * {@link pairSumsCpu} to f32 rounding.
 */
export function pairSumsGpu(
  device: GPUDevice,
  p: PackedSets,
  opts: PairSumsGpuOptions = {},
): Promise<Float64Array> {
  const profile = opts.profile ?? gpuProfile(device);
  const variant = opts.variant ?? (profile.deviceClass === "software" ? "blocked" : "tiled");
  return variant === "tiled"
    ? pairSumsTiled(device, p, { side: opts.side, center: opts.center, profile })
    : pairSumsBlocked(device, p, opts);
}

/**
 * The llvmpipe-shaped kernel. Points are centred per set before the f32 upload (distances are
 * shift-invariant) so that the f32 norms stay small for data with a large mean. Each invocation
 * takes a block of consecutive points of one set (see {@link KernelSumOptions}); one dispatch per
 * 64 KiB tile of points j, so an invocation runs at most tileRows + rowsPerInvocation loop
 * iterations per dispatch (well under llvmpipe's silent ~65k cut-off). Sets must not overlap.
 * Agrees with {@link pairSumsCpu} to ~1e-6 relative in the log sums (tested at 1e-4).
 */
export async function pairSumsBlocked(
  device: GPUDevice,
  p: PackedSets,
  opts: KernelSumOptions = {},
): Promise<Float64Array> {
  const { dim } = p;
  const total = p.points.length / dim;
  const V = Math.ceil(dim / 4);
  const R = opts.rowsPerInvocation ?? defaultRowsPerInvocation(dim);
  if (!Number.isInteger(R) || R < 1) throw new RangeError(`rowsPerInvocation ${R}`);
  // tile offsets (t0·V·16 bytes) must meet the uniform-buffer offset alignment
  const align = Math.max(1, device.limits.minUniformBufferOffsetAlignment / 16);
  const rowAlign = align / gcd(align, V);
  const T = opts.tileRows ?? Math.floor(Math.floor(TILE_VEC4 / V) / rowAlign) * rowAlign;
  if (!Number.isInteger(T) || T < 1 || T * V > TILE_VEC4 || T % rowAlign !== 0) {
    throw new RangeError(`tileRows ${T}: must be a multiple of ${rowAlign} and ≤ ${TILE_VEC4 / V}`);
  }
  const texRows = Math.max(1, Math.ceil(total * V / TEX_WIDTH));
  if (texRows > device.limits.maxTextureDimension2D) {
    throw new RangeError(`${total} points in d = ${dim} exceed one texture; split the sets`);
  }
  const tiles = Math.ceil(total / T);
  const { x, order } = centredRows(
    p,
    V * 4,
    Math.max(tiles * T * V, texRows * TEX_WIDTH) * 4,
    opts.center ?? true,
  );
  // blocks of R consecutive points of one set, in row order: (first row, set end, set, 0)
  const blocks: number[] = [], blockSet: number[] = [];
  for (const s of order) {
    const a = p.start[s], b = a + p.count[s];
    for (let i = a; i < b; i += R) blocks.push(i, b, s, 0), blockSet.push(s);
  }
  const nBlocks = blockSet.length;
  if (nBlocks === 0) return finish(p, new Float64Array(total));
  const pipeline = await computePipeline(device, kernelSource(dim, R, T));
  const texture = device.createTexture({
    size: [TEX_WIDTH, texRows],
    format: "rgba32float",
    usage: GPUTextureUsage.TEXTURE_BINDING | GPUTextureUsage.COPY_DST,
  });
  device.queue.writeTexture({ texture }, x, { bytesPerRow: TEX_WIDTH * 16 }, [
    TEX_WIDTH,
    texRows,
  ]);
  const tileBuf = device.createBuffer({
    size: tiles * T * V * 16,
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(tileBuf, 0, x, 0, tiles * T * V * 4);
  const blockBuf = storageBuffer(device, Uint32Array.from(blocks));
  const scaleBuf = storageBuffer(device, Float32Array.from(p.scale));
  const sumBuf = storageBuffer(device, nBlocks * 4);
  // one dispatch per tile, over the blocks that can pair with its rows (row order: contiguous)
  const params: number[] = [], grids: [number, number][] = [], tileOf: number[] = [];
  let lo = 0;
  for (let k = 0; k < tiles; k++) {
    const t0 = k * T, t1 = Math.min(total, t0 + T);
    while (lo < nBlocks && blocks[lo * 4 + 1] <= t0) lo++;
    let hi = lo;
    while (hi < nBlocks && blocks[hi * 4] + 1 < t1) hi++;
    if (hi === lo) continue;
    const [gx, gy] = workgroupGrid(device, hi - lo, WG);
    params.push(lo, hi - lo, gx * WG, t0, t1, 0, 0, 0), grids.push([gx, gy]), tileOf.push(k);
  }
  const stride = Math.max(32, device.limits.minUniformBufferOffsetAlignment) / 4;
  const paramData = new Uint32Array(Math.max(1, grids.length) * stride);
  grids.forEach((_, d) => paramData.set(params.slice(d * 8, d * 8 + 8), d * stride));
  const paramBuf = uniformBuffer(device, paramData);
  const view = texture.createView();
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  grids.forEach(([gx, gy], d) => {
    const entries: GPUBindGroupEntry[] = [
      { binding: 0, resource: view },
      {
        binding: 1,
        resource: { buffer: tileBuf, offset: tileOf[d] * T * V * 16, size: T * V * 16 },
      },
      { binding: 2, resource: { buffer: blockBuf } },
      { binding: 3, resource: { buffer: scaleBuf } },
      { binding: 4, resource: { buffer: sumBuf } },
      { binding: 5, resource: { buffer: paramBuf, offset: d * stride * 4, size: 32 } },
    ];
    pass.setBindGroup(
      0,
      device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }),
    );
    pass.dispatchWorkgroups(gx, gy);
  });
  pass.end();
  device.queue.submit([enc.finish()]);
  const blockSums = await readF32(device, sumBuf, nBlocks);
  for (const b of [tileBuf, blockBuf, scaleBuf, sumBuf, paramBuf]) b.destroy();
  texture.destroy();
  const perSet = new Float64Array(p.start.length);
  for (let b = 0; b < nBlocks; b++) perSet[blockSet[b]] += blockSums[b];
  return perSet.map((acc, s) => Math.log(p.count[s] + 2 * acc));
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** Per-set log pair sums on the given backend (the same bits on the CPU, serial or not). */
export function pairSums(device: GPUDevice | null, p: PackedSets): Promise<Float64Array> {
  if (device) return pairSumsGpu(device, p);
  return pairSumsCpuParallel(p);
}

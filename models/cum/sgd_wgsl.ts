/**
 * WGSL sources of the two online pSGD kernels (host side and selection: `sgd_kernel.ts`; CPU
 * reference: `runSgdCpu` in `sgd.ts`). Both draw the samples of `mcmStepSample`
 * (datasets/mixed_cumulant.ts) inside the shader from Philox and keep the weights of each run in
 * a storage buffer between dispatches:
 * - {@link SGD_THREAD_WGSL}, one invocation per run: CPU-shaped, the variant for a software
 *   adapter (llvmpipe runs 8 invocations as one AVX2 vector; a run's d coordinates are a loop);
 * - {@link sgdWorkgroupWgsl}, one workgroup per run: the d coordinates spread over its
 *   invocations (each owns ⌈d/2/WG⌉ Philox blocks of 2 coordinates, weights in registers for
 *   the whole dispatch), the dot products and Gram–Schmidt as reductions in workgroup memory
 *   (tree, or flat for small workgroups), Philox with its rounds written out
 *   (`philox_unrolled_wgsl.ts`): the variant for a real GPU, and for large d on llvmpipe.
 *
 * `sgd_wgsl_unrolled.ts` generates a third, thread-per-run written out for one (d, K).
 * @module
 */
import { PHILOX_WGSL } from "../gpu/philox_wgsl.ts";
import { PHILOX_UNROLLED_WGSL } from "./philox_unrolled_wgsl.ts";

/** Threads per workgroup of the thread-per-run kernel (one run each). */
export const SGD_THREAD_WORKGROUP = 8;

/**
 * The uniform block, the activation and the latent draw, shared by the kernels; the samples come
 * from the WGSL function `philox` (`philox4x32` of `PHILOX_WGSL`, or another with its bits).
 * `zeroBits` is always 0: `bitcast<f32>(P.zeroBits)` is a 0.0 the shader compiler cannot fold.
 */
export function sgdPrelude(philox = "philox4x32"): string {
  return PHILOX_WGSL + /* wgsl */ `
struct Params {
  d: u32, K: u32, act: u32, latent: u32,
  sqrtBu: f32, sqrtBv: f32, vScale: f32, alpha: f32,
  sNoise: f32, thrU: f32, thrV: f32, corrT: f32,
  stepStart: u32, stepEnd: u32, logEvery: u32, nRuns: u32,
  logs: u32, groupsX: u32, zeroBits: u32, p2: u32,
};
@group(0) @binding(0) var<uniform> P: Params;

// inf or NaN, from the bits: max(0, NaN) can drop a NaN (llvmpipe's does), hiding it from the overlaps
fn nonFinite(x: f32) -> bool { return (bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u; }

fn act(l: f32) -> vec2<f32> {
  if (P.act == 1u) { return vec2<f32>(l, 1.0); }
  // tanh through exp of a clamped argument: some backends' tanh gives NaN for large |l|
  let e = exp(-2.0 * abs(clamp(l, -15.0, 15.0)));
  let t = sign(l) * (1.0 - e) / (1.0 + e);
  return vec2<f32>(t, 1.0 - t * t);
}

// The latent block of step t (Philox counter (blocks, t, 0, 0)): (g, ν).
fn latentOf(blocks: u32, t: u32, key: vec2<u32>) -> vec2<f32> {
  let lr = ${philox}(vec4<u32>(blocks, t, 0u, 0u), key);
  let g = normal2(lr).x;
  var nu = 1.0;
  if (P.latent == 0u) {
    if ((lr.z >> 31u) == 1u) { nu = -1.0; }
  } else {
    nu = select(-1.0, 1.0, g >= 0.0);
    if (P.latent == 1u && abs(g) < P.corrT) { nu = -nu; }
  }
  return vec2<f32>(g, nu);
}

// Coordinates 2j, 2j+1 of (x, x_t) from block j of step t, given the latent (g, ν).
fn sampleBlock(j: u32, t: u32, key: vec2<u32>, gnu: vec2<f32>) -> array<vec2<f32>, 2> {
  let b = ${philox}(vec4<u32>(j, t, 0u, 0u), key);
  var x = normal2(b);
  let e = normal2(vec4<u32>(b.z, b.w, 0u, 0u));
  if (j == 0u) {
    x.x += P.sqrtBu * gnu.x;
    x.y = (P.sqrtBv * gnu.y + x.y) * P.vScale;
  }
  return array<vec2<f32>, 2>(x, P.alpha * x + P.sNoise * e);
}
`;
}

const PRELUDE = sgdPrelude();

/**
 * The bindings of the kernels that keep a run's weights in registers and need no sample buffer
 * (the workgroup-per-run kernel and the unrolled thread-per-run kernel): runs, W, state, logs.
 */
export const SGD_REGISTER_BINDINGS_WGSL =
  /* wgsl */ `@group(0) @binding(1) var<storage, read> runs: array<vec4<u32>>;     // key0, key1, bits(eta), 0
@group(0) @binding(2) var<storage, read_write> W: array<f32>;        // run × K × d
@group(0) @binding(3) var<storage, read_write> state: array<vec4<u32>>; // crossU, crossV, failedAt, 0
@group(0) @binding(4) var<storage, read_write> logs: array<f32>;     // run × logs × 2 (u, v)
`;

/**
 * The entry of the thread-per-run kernels (the loop kernel and the unrolled one): one invocation
 * a run, stopped runs return at once; declares run, st, r, key and eta.
 */
export const SGD_THREAD_ENTRY_WGSL = /* wgsl */ `@compute @workgroup_size(${SGD_THREAD_WORKGROUP})
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let run = gid.x;
  if (run >= P.nRuns) { return; }
  var st = state[run];
  if (st.z != 0u) { return; }
  let r = runs[run];
  let key = vec2<u32>(r.x, r.y);
  let eta = bitcast<f32>(r.z);
`;

/**
 * The end of a thread-per-run kernel's step (the loop and unrolled kernels share it): with the
 * overlaps `ou`, `ov` and the non-finite flag `bad` of step `t`, mark a failure and stop, record
 * first crossings, log every `logEvery` steps.
 */
export const SGD_THREAD_STEP_END_WGSL =
  /* wgsl */ `    // non-finite weights (tested on the bits and, positively, on the overlaps)
    if (bad || !(ou <= 2.0) || !(ov <= 2.0)) { st.z = t; break; }
    if (st.x == 0u && ou > P.thrU) { st.x = t; }
    if (st.y == 0u && ov > P.thrV) { st.y = t; }
    if (t % P.logEvery == 0u) {
      let l = t / P.logEvery - 1u;
      if (l < P.logs) {
        logs[(run * P.logs + l) * 2u] = ou; logs[(run * P.logs + l) * 2u + 1u] = ov;
      }
    }
`;

/** WGSL of the thread-per-run kernel (bindings: P, runs, W, S, state, logs). */
export const SGD_THREAD_WGSL = PRELUDE + /* wgsl */ `
@group(0) @binding(1) var<storage, read> runs: array<vec4<u32>>;     // key0, key1, bits(eta), 0
@group(0) @binding(2) var<storage, read_write> W: array<f32>;        // run × K × d
@group(0) @binding(3) var<storage, read_write> S: array<f32>;        // run × 2d: x then x_t
@group(0) @binding(4) var<storage, read_write> state: array<vec4<u32>>; // crossU, crossV, failedAt, 0
@group(0) @binding(5) var<storage, read_write> logs: array<f32>;     // run × logs × 2 (u, v)

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

${SGD_THREAD_ENTRY_WGSL}  let d = P.d; let K = P.K;
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
    let gnu = latentOf(blocks, t, key);
    var lam = vec4<f32>(0.0); var mu = vec4<f32>(0.0);
    for (var j = 0u; j < blocks; j++) {
      var xx = sampleBlock(j, t, key, gnu);
      for (var q = 0u; q < 2u; q++) {
        let i = 2u * j + q;
        if (i >= d) { break; }
        let xi = xx[0][q]; let xti = xx[1][q];
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
    var ou = 0.0; var ov = 0.0; var bad = false;
    for (var k = 0u; k < K; k++) {
      let a = W[wo + k * d]; let b = W[wo + k * d + 1u];
      ou = max(ou, abs(a)); ov = max(ov, abs(b)); bad = bad || nonFinite(a) || nonFinite(b);
    }
${SGD_THREAD_STEP_END_WGSL}  }
  state[run] = st;
}
`;

/** Largest workgroup whose reductions are flat by default (see {@link sgdWorkgroupWgsl}). */
export const FLAT_REDUCE_MAX_WG = 8;

/** WGSL expression of the tree sum of `arr[0..wg)` in the tree reduction's order. */
export function treeSum(arr: string, wg: number): string {
  const at = (l: number, s: number): string =>
    s >= wg ? `${arr}[${l}]` : `(${at(l, 2 * s)} + ${at(l + s, 2 * s)})`;
  return at(0, 1);
}

/**
 * WGSL of the workgroup-per-run kernel for `wg` invocations (a power of two), `cb` Philox blocks
 * per invocation (⌈⌈d/2⌉/wg⌉) and `K` neurons (bindings: P, runs, W, state, logs). Invocation l
 * owns blocks j = l + c·wg (coordinates 2j, 2j+1), so the weights a dispatch reads and writes are
 * contiguous across the workgroup. Gram–Schmidt is classical per row (one reduction for the
 * dots with the rows before it, one for its norm): the CPU's modified order differs from it by
 * rounding only, the rows before being orthonormal.
 *
 * The reductions are tree sums (step s = wg/2, …, 1: slot l += slot l + s). With `flat` (default
 * for wg ≤ {@link FLAT_REDUCE_MAX_WG}) every invocation instead reads all wg slots and adds them
 * in the tree's order (the same bits): one barrier pair per reduction instead of log2(wg) + 2,
 * and on llvmpipe reads at one address for all lanes instead of per-lane accesses.
 */
export function sgdWorkgroupWgsl(
  wg: number,
  cb: number,
  K: number,
  flat = wg <= FLAT_REDUCE_MAX_WG,
): string {
  if (!Number.isInteger(Math.log2(wg)) || cb < 1 || K < 1 || K > 4) {
    throw new RangeError(`workgroup kernel: wg ${wg} (a power of two), cb ${cb}, K ${K} (1–4)`);
  }
  return sgdPrelude("philox4x32u") + PHILOX_UNROLLED_WGSL + /* wgsl */ `
const WG: u32 = ${wg}u;
const CB: u32 = ${cb}u;
const K: u32 = ${K}u;
${SGD_REGISTER_BINDINGS_WGSL}
var<workgroup> redA: array<vec4<f32>, WG>;
var<workgroup> redB: array<vec4<f32>, WG>;
var<workgroup> wgOverlap: vec2<f32>;
var<workgroup> wgState: vec4<u32>;
// w[c * K + k]: coordinates (2j, 2j+1) of row k, j = lid + c·WG; zero beyond d
var<private> w: array<vec2<f32>, ${cb * K}>;
var<private> lid: u32;

struct Sums { a: vec4<f32>, b: vec4<f32> };

// Sums of a and b over the workgroup, returned to every invocation (uniform control flow only).
fn reduce(a: vec4<f32>, b: vec4<f32>) -> Sums {
  workgroupBarrier();
  redA[lid] = a; redB[lid] = b;${
    flat ? "" : `
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    workgroupBarrier();
    if (lid < s) { redA[lid] += redA[lid + s]; redB[lid] += redB[lid + s]; }
  }`
  }
  workgroupBarrier();
  return Sums(${flat ? `${treeSum("redA", wg)}, ${treeSum("redB", wg)}` : "redA[0], redB[0]"});
}

fn gramSchmidt() {
  for (var k = 0u; k < K; k++) {
    if (k > 0u) {
      var dots = vec4<f32>(0.0);
      for (var c = 0u; c < CB; c++) {
        for (var j = 0u; j < k; j++) { dots[j] += dot(w[c * K + k], w[c * K + j]); }
      }
      let r = reduce(dots, vec4<f32>(0.0)).a;
      for (var c = 0u; c < CB; c++) {
        for (var j = 0u; j < k; j++) { w[c * K + k] -= r[j] * w[c * K + j]; }
      }
    }
    var n = 0.0;
    for (var c = 0u; c < CB; c++) { n += dot(w[c * K + k], w[c * K + k]); }
    let inv = 1.0 / sqrt(reduce(vec4<f32>(n, 0.0, 0.0, 0.0), vec4<f32>(0.0)).a.x);
    for (var c = 0u; c < CB; c++) { w[c * K + k] *= inv; }
  }
}

@compute @workgroup_size(WG)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) li: u32) {
  lid = li;
  let run = wid.x + wid.y * P.groupsX;
  if (run >= P.nRuns) { return; }
  if (lid == 0u) { wgState = state[run]; }
  var st = workgroupUniformLoad(&wgState);
  if (st.z != 0u) { return; }
  let r = runs[run];
  let key = vec2<u32>(r.x, r.y);
  let eta = bitcast<f32>(r.z);
  let d = P.d;
  let wo = run * K * d;
  let blocks = (d + 1u) / 2u;
  let oddTail = (d & 1u) == 1u;
  if (P.stepStart == 1u) {
    // the initial rows go through W, in loops over the uniform P.K and blocks that the compiler
    // keeps (one Philox in the shader, not CB·K copies); each invocation reads back its own
    for (var j = lid; j < blocks; j += WG) {
      for (var k = 0u; k < P.K; k++) {
        let v = normal2(philox4x32u(vec4<u32>(j, k, 1u, 0u), key));
        W[wo + k * d + 2u * j] = v.x;
        if (2u * j + 1u < d) { W[wo + k * d + 2u * j + 1u] = v.y; }
      }
    }
  }
  for (var c = 0u; c < CB; c++) {
    let j = lid + c * WG;
    for (var k = 0u; k < K; k++) {
      var v = vec2<f32>(0.0);
      if (j < blocks) {
        v.x = W[wo + k * d + 2u * j];
        if (2u * j + 1u < d) { v.y = W[wo + k * d + 2u * j + 1u]; }
        if (oddTail && j == blocks - 1u) { v.y = 0.0; }
      }
      w[c * K + k] = v;
    }
  }
  if (P.stepStart == 1u) { gramSchmidt(); }
  var xs: array<vec2<f32>, CB>;
  var xts: array<vec2<f32>, CB>;
  for (var t = P.stepStart; t < P.stepEnd; t++) {
    var lam = vec4<f32>(0.0); var mu = vec4<f32>(0.0);
    // only block 0 (invocation 0, c = 0) uses the latent (g, ν): x_0 and x_1; drawn outside the
    // loop over c, so the shader holds one copy of it
    var gnu = vec2<f32>(0.0);
    if (lid == 0u) { gnu = latentOf(blocks, t, key); }
    for (var c = 0u; c < CB; c++) {
      let j = lid + c * WG;
      var x = vec2<f32>(0.0); var xt = vec2<f32>(0.0);
      if (j < blocks) {
        var xx = sampleBlock(j, t, key, gnu);
        x = xx[0]; xt = xx[1];
        if (oddTail && j == blocks - 1u) { x.y = 0.0; xt.y = 0.0; }
      }
      xs[c] = x; xts[c] = xt;
      for (var k = 0u; k < K; k++) {
        lam[k] += dot(w[c * K + k], xt); mu[k] += dot(w[c * K + k], x);
      }
    }
    let sums = reduce(lam, mu);
    var sg = vec4<f32>(0.0); var sp = vec4<f32>(0.0);
    for (var k = 0u; k < K; k++) { let a = act(sums.a[k]); sg[k] = a.x; sp[k] = a.y; }
    let coef = sp * (sg - sums.b);
    for (var c = 0u; c < CB; c++) {
      var res = -xs[c];
      for (var k = 0u; k < K; k++) { res += w[c * K + k] * sg[k]; }
      for (var k = 0u; k < K; k++) {
        w[c * K + k] -= eta * 2.0 * (sg[k] * res + coef[k] * xts[c]);
      }
    }
    gramSchmidt();
    // coordinates 0 and 1 live in invocation 0 (block 0); share their overlaps uniformly
    if (lid == 0u) {
      var ou = 0.0; var ov = 0.0; var bad = false;
      for (var k = 0u; k < K; k++) {
        ou = max(ou, abs(w[k].x)); ov = max(ov, abs(w[k].y));
        bad = bad || nonFinite(w[k].x) || nonFinite(w[k].y);
      }
      // a non-finite weight shares as an overlap above 2 (max may have dropped its NaN)
      wgOverlap = select(vec2<f32>(ou, ov), vec2<f32>(4.0), bad);
    }
    let o = workgroupUniformLoad(&wgOverlap);
    // non-finite weights: NaN fails every comparison, so test finiteness positively
    if (!(o.x <= 2.0) || !(o.y <= 2.0)) { st.z = t; break; }
    if (st.x == 0u && o.x > P.thrU) { st.x = t; }
    if (st.y == 0u && o.y > P.thrV) { st.y = t; }
    if (lid == 0u && t % P.logEvery == 0u) {
      let l = t / P.logEvery - 1u;
      if (l < P.logs) {
        logs[(run * P.logs + l) * 2u] = o.x; logs[(run * P.logs + l) * 2u + 1u] = o.y;
      }
    }
  }
  for (var c = 0u; c < CB; c++) {
    let j = lid + c * WG;
    if (j < blocks) {
      for (var k = 0u; k < K; k++) {
        W[wo + k * d + 2u * j] = w[c * K + k].x;
        if (2u * j + 1u < d) { W[wo + k * d + 2u * j + 1u] = w[c * K + k].y; }
      }
    }
  }
  if (lid == 0u) { state[run] = st; }
}
`;
}

/**
 * The f64 CPU path of the pairwise Gaussian kernel sums (`models/gpu/kernel_sum.ts` has the
 * WebGPU kernel): for each set s, `log Σ_{i,j∈s} exp(−scale_s ‖x_i − x_j‖²)`, each unordered
 * pair evaluated once. {@link laterPairSums} is the JS reference of the row sums, which
 * `pair_sums_wasm.ts` computes in WebAssembly SIMD with the same bits (the default kernel);
 * {@link pairSumsCpu} is the serial path; {@link pairSumsCpuParallel}
 * spreads the points over CPU workers (`./pool.ts`) in chunks of near-equal pair counts and gives
 * bit-identical results: every per-point sum over later points is computed by the same code in
 * the same order, and the per-set totals are added on the host in point order.
 *
 * The workers are the process's warm pool (`./warm_pool.ts`: started once, not per call), and
 * each task's points are moved to its worker, not copied. Medians of 15 interleaved calls on the
 * 2-core dev machine (idle, WebAssembly kernel, d = 32), serial → 2 warm workers: 2 × 1000 points
 * (10⁶ pairs) 15.3 → 14.2 ms, 4 × 1000 27.6 → 23.8, 8 × 1000 58.4 → 39.7, 16 × 1000 101 → 70,
 * 8 × 2000 194 → 130; hence {@link MIN_PARALLEL_PAIRS}. (With a fresh worker per call, starting
 * at ~115 ms, the old threshold was 5·10⁷ pairs.)
 * @module
 */
import { cpuWorkerCount, runInWorkers } from "./pool.ts";
import { laterPairSumsWasm } from "./pair_sums_wasm.ts";

/** Point sets of equal dimension, packed: points of set s are rows start[s] .. start[s]+count[s]-1. */
export interface PackedSets {
  /** Row-major points, one row of `dim` values per point. */
  points: Float64Array | Float32Array;
  dim: number;
  start: Uint32Array;
  count: Uint32Array;
  /** Per-set scale: 1/(4ε²) for the L2 inner product of two kernel-smoothed densities. */
  scale: Float64Array;
}

/** Per-set log of the total from the per-point sums over later points (f64, in point order). */
export function finishPairSums(p: PackedSets, after: ArrayLike<number>): Float64Array {
  const out = new Float64Array(p.start.length);
  for (let s = 0; s < out.length; s++) {
    let acc = 0;
    for (let i = p.start[s]; i < p.start[s] + p.count[s]; i++) acc += after[i];
    out[s] = Math.log(p.count[s] + 2 * acc);
  }
  return out;
}

/**
 * out[o + (i − from)] = Σ_{j=i+1}^{end−1} exp(−scale ‖x_i − x_j‖²) for rows from ≤ i < to of `x`
 * (rows of `dim`). Four j at a time share the loads of x_i; each distance is summed over k in
 * order and the terms are added in j order, so the blocking does not change the result.
 */
export function laterPairSums(
  x: ArrayLike<number>,
  dim: number,
  from: number,
  to: number,
  end: number,
  scale: number,
  out: Float64Array,
  o = 0,
): void {
  for (let i = from; i < to; i++) {
    const oi = i * dim;
    let acc = 0, j = i + 1;
    for (; j + 3 < end; j += 4) {
      const o0 = j * dim, o1 = o0 + dim, o2 = o1 + dim, o3 = o2 + dim;
      let d0 = 0, d1 = 0, d2 = 0, d3 = 0;
      for (let k = 0; k < dim; k++) {
        const xi = x[oi + k];
        const t0 = xi - x[o0 + k], t1 = xi - x[o1 + k], t2 = xi - x[o2 + k], t3 = xi - x[o3 + k];
        d0 += t0 * t0, d1 += t1 * t1, d2 += t2 * t2, d3 += t3 * t3;
      }
      acc += Math.exp(-scale * d0);
      acc += Math.exp(-scale * d1);
      acc += Math.exp(-scale * d2);
      acc += Math.exp(-scale * d3);
    }
    for (; j < end; j++) {
      const oj = j * dim;
      let d2 = 0;
      for (let k = 0; k < dim; k++) {
        const t = x[oi + k] - x[oj + k];
        d2 += t * t;
      }
      acc += Math.exp(-scale * d2);
    }
    out[o + i - from] = acc;
  }
}

/** The row kernel of the CPU pair sums: {@link laterPairSums} or its WebAssembly twin. */
export type LaterPairSums = typeof laterPairSums;

/**
 * The f64 CPU path, serial: {@link laterPairSums}' bits, computed by its WebAssembly SIMD twin
 * (`pair_sums_wasm.ts`, ~2–3× faster) unless `kernel` says otherwise (the JS loop is the
 * reference the tests compare with).
 */
export function pairSumsCpu(
  p: PackedSets,
  kernel: LaterPairSums = laterPairSumsWasm,
): Float64Array {
  const after = new Float64Array(p.points.length / p.dim);
  for (let s = 0; s < p.start.length; s++) {
    const a = p.start[s], b = a + p.count[s];
    kernel(p.points, p.dim, a, b, b, p.scale[s], after, a);
  }
  return finishPairSums(p, after);
}

/** One worker task: rows [0, rows) of `points` against all later rows of it. */
export interface PairSumsTask {
  points: Float64Array | Float32Array;
  dim: number;
  rows: number;
  scale: number;
}

/** The worker side of {@link pairSumsCpuParallel}. */
export function pairSumsTask(t: PairSumsTask): Float64Array {
  const out = new Float64Array(t.rows);
  laterPairSumsWasm(t.points, t.dim, 0, t.rows, t.points.length / t.dim, t.scale, out);
  return out;
}

/** A contiguous range of points [from, to) of one set whose later partners end at `end`. */
export interface PairRange {
  set: number;
  from: number;
  to: number;
  end: number;
}

/**
 * Cut the points of every set into at most about `parts` contiguous ranges of near-equal pair
 * counts (point i of a set of end e has e − 1 − i later partners); never splits a point.
 */
export function pairRanges(p: PackedSets, parts: number): PairRange[] {
  let total = 0;
  for (const n of p.count) total += (n * (n - 1)) / 2;
  const target = Math.max(1, total / Math.max(1, parts));
  const out: PairRange[] = [];
  for (let s = 0; s < p.start.length; s++) {
    const a = p.start[s], end = a + p.count[s];
    let from = a, acc = 0;
    for (let i = a; i < end; i++) {
      acc += end - 1 - i;
      if (acc >= target || i === end - 1) {
        out.push({ set: s, from, to: i + 1, end });
        from = i + 1, acc = 0;
      }
    }
  }
  return out;
}

/**
 * Below this many pairs the hand-off to the workers costs about what it saves (1.08× at 10⁶ pairs,
 * 1.16× at 2·10⁶ in the module doc's measurement): run serially.
 */
export const MIN_PARALLEL_PAIRS = 2_000_000;

/**
 * {@link pairSumsCpu} over CPU workers (`workers`, default {@link cpuWorkerCount}), four chunks
 * of near-equal pair counts per worker; bit-identical to the serial reference. Inputs under
 * `minPairs` (default {@link MIN_PARALLEL_PAIRS}) run serially.
 */
export async function pairSumsCpuParallel(
  p: PackedSets,
  opts: { workers?: number; signal?: AbortSignal; minPairs?: number } = {},
): Promise<Float64Array> {
  const workers = opts.workers ?? cpuWorkerCount();
  let pairs = 0;
  for (const n of p.count) pairs += (n * (n - 1)) / 2;
  if (workers <= 1 || pairs < (opts.minPairs ?? MIN_PARALLEL_PAIRS)) return pairSumsCpu(p);
  const ranges = pairRanges(p, 4 * workers);
  const inputs: PairSumsTask[] = ranges.map((r) => ({
    points: p.points.slice(r.from * p.dim, r.end * p.dim),
    dim: p.dim,
    rows: r.to - r.from,
    scale: p.scale[r.set],
  }));
  const outs = await runInWorkers<PairSumsTask, Float64Array>(
    new URL(import.meta.url),
    "pairSumsTask",
    inputs,
    // each task's points are a fresh copy: move them
    { workers, signal: opts.signal, transfer: (t) => [t.points.buffer as ArrayBuffer] },
  );
  const after = new Float64Array(p.points.length / p.dim);
  ranges.forEach((r, k) => after.set(outs[k], r.from));
  return finishPairSums(p, after);
}

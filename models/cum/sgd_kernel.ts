/**
 * The in-shader online pSGD: host side. The weights stay in a storage buffer, the samples are
 * drawn inside the shader (`sgd_wgsl.ts`), many steps run per dispatch; the host writes the step
 * window before each dispatch and reads back once at the end: first-crossing steps and the
 * overlaps logged every `logEvery` steps. CPU reference: `runSgdCpu` in `sgd.ts`.
 *
 * The kernel and the dispatch sizes follow the device class (`models/gpu/device_class.ts`):
 * on a software adapter a thread-per-run kernel (unrolled for the batch's d and K where the
 * shader stays small, `sgd_wgsl_unrolled.ts`), with each dispatch's loop iterations under
 * llvmpipe's budget; on a discrete GPU a workgroup per run with its coordinates in parallel
 * (workgroup size from d and the adapter's limits), dispatches sized by work, not by a loop cap.
 * {@link runSgdGpuBatches} runs batches that differ only in their runs (e.g. the step-size sets
 * of one d) in one dispatch series.
 * @module
 */
import {
  computePipeline,
  dispatch,
  readBuffer,
  storageBuffer,
  uniformBuffer,
  workgroupGrid,
} from "../gpu/buffers.ts";
import {
  ceilPow2,
  type GpuProfile,
  gpuProfile,
  softwareLanes,
  workgroupSizeFor,
} from "../gpu/device_class.ts";
import { latentCode } from "../../datasets/mixed_cumulant.ts";
import { ACTIVATIONS, emptyResult, logCount, type SgdBatch, type SgdBatchResult } from "./sgd.ts";
import { SGD_THREAD_WGSL, SGD_THREAD_WORKGROUP, sgdWorkgroupWgsl } from "./sgd_wgsl.ts";
import { sgdUnrolledWgsl, UNROLLED_LOOPS_PER_STEP } from "./sgd_wgsl_unrolled.ts";

/**
 * The kernels: thread-per-run and workgroup-per-run (`sgd_wgsl.ts`), and thread-per-run with its
 * loops written out for one (d, K) (`sgd_wgsl_unrolled.ts`; the same bits as thread-per-run).
 */
export type SgdVariant = "thread-per-run" | "thread-per-run-unrolled" | "workgroup-per-run";

/**
 * Run-coordinate-steps (runs × d × K × steps) per dispatch: on a software adapter 2^22 (the loop
 * budget binds first at d ≥ 16); on a discrete GPU 2^26, a few ms of a latency-bound step loop,
 * so the ~10–50 µs cost of a dispatch stays ≤ 1% and a dispatch never nears a watchdog.
 */
export const WORK_PER_DISPATCH = { software: 1 << 22, discrete: 1 << 26 } as const;

/**
 * On a software adapter, d above which the workgroup-per-run kernel (a workgroup of one SIMD
 * vector, 8 invocations on AVX2) is the default. Measured on llvmpipe (2 cores, 32 runs, K = 1,
 * tanh, warm pipelines, median of 3, load average 8–9 from other jobs), run-steps/s
 * thread-per-run vs workgroup-per-run: d = 16: 3.9e5 vs 1.1e5; d = 32: 1.5e5 vs 8.7e4;
 * d = 64: 1.4e5 vs 1.1e5; d = 128: 4.5e4 vs 1.3e5; d = 512: 1.2e4 vs 5.8e4; d = 2048: 2.8e3 vs
 * 1.6e4. Larger workgroups were slower there (d = 512: 16 invocations 2.7e4, 128: 4.1e3).
 */
export const SOFTWARE_WORKGROUP_MIN_D = 65;

/**
 * On a software adapter, the unrolled thread-per-run kernel is the default up to this K·d, for
 * batches of at least {@link UNROLLED_MIN_RUN_STEPS_PER_KD}·K·d run-steps. Measured on llvmpipe
 * (2 cores, 32 runs, K = 1, tanh; run-steps/s, loop kernel → unrolled): d = 8: 1.33e6 → 1.0e7,
 * d = 24: 4.8e5 → 3.0e6, d = 64: 2.8e5 → 1.4e6 (workgroup-per-run 2.0e5 tree, 2.6e5 flat);
 * d = 128: 5.4e5 unrolled against 1.1e5 workgroup-per-run, but its shader took ~15 CPU-seconds
 * to compile. Compiling (once per d and K; Mesa caches it on disk) costs about 85 ms of CPU per
 * coordinate: 0.6 s at d = 8, 1.9 s at 24, 4.1 s at 48.
 */
export const SOFTWARE_UNROLLED_MAX_KD = 64;

/**
 * Run-steps per unit of K·d from which the unrolled kernel pays for its compilation: break-even
 * measured at about 1.1e5 (d = 8), 4.6e4 (d = 24) and 3.1e4 (d = 64) × K·d; this keeps a margin
 * of 1–3× over it (the smoke profile's batches stay on the loop kernel, which compiles in ms).
 */
export const UNROLLED_MIN_RUN_STEPS_PER_KD = 1e5;

/** At most this many steps per dispatch on a discrete GPU (progress and Ctrl-C stay responsive). */
export const MAX_STEPS_PER_DISPATCH = 1 << 16;

/** An upper estimate of the loop back-edges one step of the thread-per-run kernel takes. */
export function loopIterationsPerStep(d: number, K: number): number {
  return (6 + 4 * K + 2 * K * K) * d + 4 * K + 8;
}

/**
 * The same for one invocation of the workgroup-per-run kernel with `wg` invocations of `cb`
 * blocks each: the per-coordinate loops shrink to cb blocks (counting 10 for Philox's rounds,
 * which the kernel now writes out: an over-estimate kept as margin), and each of the 2K
 * reductions adds log2(wg) + 1 iterations (fewer when they are flat).
 */
export function workgroupLoopIterationsPerStep(wg: number, cb: number, K: number): number {
  return (14 + 3 * K + K * K) * cb + 2 * K * (Math.log2(wg) + 1) + 4 * K + 20;
}

/** How a batch is run: kernel, workgroup shape, steps per dispatch. */
export interface SgdPlan {
  variant: SgdVariant;
  /** Invocations per workgroup. */
  workgroupSize: number;
  /** Philox blocks (2 coordinates each) per invocation (workgroup-per-run; 0 otherwise). */
  blocksPerInvocation: number;
  /** Workgroups of one dispatch, and the invocations they hold. */
  workgroups: number;
  invocations: number;
  stepsPerDispatch: number;
  /** Run-coordinate-steps between host synchronisations (progress, abort). */
  workPerSync: number;
}

/** Options of {@link planSgd} and {@link runSgdGpu}; the defaults follow the device class. */
export interface SgdPlanOptions {
  /**
   * Kernel: workgroup-per-run on a discrete GPU; on the software class thread-per-run-unrolled
   * up to K·d = {@link SOFTWARE_UNROLLED_MAX_KD} for batches of ≥
   * {@link UNROLLED_MIN_RUN_STEPS_PER_KD}·K·d run-steps, else thread-per-run below
   * d = {@link SOFTWARE_WORKGROUP_MIN_D}, workgroup-per-run from there.
   */
  variant?: SgdVariant;
  /**
   * Invocations per workgroup of the workgroup-per-run kernel (a power of two within the
   * limits). Default: on a discrete GPU about two blocks (4 coordinates) each, 32–256 (a warp at
   * least); on the software class one SIMD vector ({@link softwareLanes}).
   */
  workgroupSize?: number;
  /** Target run-coordinate-steps per dispatch (runs × d × K × steps); {@link WORK_PER_DISPATCH}. */
  workPerDispatch?: number;
}

/** Plan a batch of `runs` runs of `steps` steps (default: unbounded) in d dimensions with K neurons on a device of `profile`. */
export function planSgd(
  profile: GpuProfile,
  shape: { d: number; K: number; runs: number; steps?: number },
  opts: SgdPlanOptions = {},
): SgdPlan {
  const { d, K, runs, steps: cap = Infinity } = shape;
  const software = profile.deviceClass === "software";
  const variant = opts.variant ??
    (!software
      ? "workgroup-per-run"
      : K * d <= SOFTWARE_UNROLLED_MAX_KD && runs * cap >= UNROLLED_MIN_RUN_STEPS_PER_KD * K * d
      ? "thread-per-run-unrolled"
      : d < SOFTWARE_WORKGROUP_MIN_D
      ? "thread-per-run"
      : "workgroup-per-run");
  const work = opts.workPerDispatch ?? WORK_PER_DISPATCH[profile.deviceClass];
  const bytes = runs * K * d * 4 * (variant === "thread-per-run" ? 3 : 1);
  if (bytes > profile.maxStorageBufferBindingSize) {
    throw new RangeError(
      `pSGD batch of ${runs} runs × K ${K} × d ${d} needs ${bytes} B of weights, over this ` +
        `adapter's storage binding limit (${profile.maxStorageBufferBindingSize} B): split it`,
    );
  }
  const blocks = Math.ceil(d / 2);
  let wg: number, cb: number, loops: number;
  if (variant === "thread-per-run") {
    wg = SGD_THREAD_WORKGROUP, cb = 0, loops = loopIterationsPerStep(d, K);
  } else if (variant === "thread-per-run-unrolled") {
    wg = SGD_THREAD_WORKGROUP, cb = 0, loops = UNROLLED_LOOPS_PER_STEP;
  } else {
    wg = opts.workgroupSize ?? workgroupSizeFor(
      profile,
      software
        ? softwareLanes(profile.description)
        : Math.min(256, Math.max(32, ceilPow2(Math.ceil(blocks / 2)))),
    );
    if (wg !== workgroupSizeFor(profile, wg)) {
      throw new RangeError(`workgroupSize ${wg}: a power of two within the adapter's limits`);
    }
    cb = Math.ceil(blocks / wg), loops = workgroupLoopIterationsPerStep(wg, cb, K);
  }
  const workgroups = variant === "workgroup-per-run" ? runs : Math.ceil(runs / wg);
  const byWork = Math.floor(work / (runs * d * K));
  const byLoops = Math.floor(profile.loopBudget / loops);
  const steps = Math.max(1, Math.min(byWork, byLoops, MAX_STEPS_PER_DISPATCH));
  return {
    variant,
    workgroupSize: wg,
    blocksPerInvocation: cb,
    workgroups,
    invocations: workgroups * wg,
    stepsPerDispatch: steps,
    workPerSync: 4 * work,
  };
}

/** Options of {@link runSgdGpu}. */
export interface GpuRunOptions extends SgdPlanOptions {
  onProgress?: (steps: number) => void;
  signal?: AbortSignal;
  /** The device's profile (default: read from the device); tests pass another class. */
  profile?: GpuProfile;
  /**
   * Workgroup-per-run: flat reductions (default for workgroups of ≤ `FLAT_REDUCE_MAX_WG`) or
   * tree reductions; the same bits either way (`sgdWorkgroupWgsl`).
   */
  flatReduce?: boolean;
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
  const plan = planSgd(opts.profile ?? gpuProfile(device), { d, K, runs: n, steps: b.cap }, opts);
  const threads = plan.variant !== "workgroup-per-run";
  const pipeline = await computePipeline(
    device,
    plan.variant === "thread-per-run"
      ? SGD_THREAD_WGSL
      : plan.variant === "thread-per-run-unrolled"
      ? sgdUnrolledWgsl(d, K)
      : sgdWorkgroupWgsl(plan.workgroupSize, plan.blocksPerInvocation, K, opts.flatReduce),
  );
  const runData = new Uint32Array(n * 4);
  const f = new Float32Array(1), u = new Uint32Array(f.buffer);
  b.runs.forEach((r, i) => {
    f[0] = r.eta;
    runData.set([r.key[0], r.key[1], u[0], 0], i * 4);
  });
  const grid: [number, number] = threads ? [plan.workgroups, 1] : workgroupGrid(device, n, 1);
  const runsBuf = storageBuffer(device, runData);
  const wBuf = storageBuffer(device, n * K * d * 4);
  const sBuf = plan.variant === "thread-per-run" ? storageBuffer(device, n * 2 * d * 4) : null;
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
  pu.set([0, 0, b.logEvery, n, L, grid[0], 0, 0], 12);
  const paramBuf = uniformBuffer(device, pu);
  const bindings = sBuf
    ? [paramBuf, runsBuf, wBuf, sBuf, stBuf, logBuf]
    : [paramBuf, runsBuf, wBuf, stBuf, logBuf];
  const chunk = plan.stepsPerDispatch;
  let sinceSync = 0;
  try {
    for (let t0 = 1; t0 <= b.cap; t0 += chunk) {
      const t1 = Math.min(b.cap + 1, t0 + chunk);
      pu[12] = t0, pu[13] = t1;
      device.queue.writeBuffer(paramBuf, 0, pu);
      dispatch(device, pipeline, bindings, grid);
      sinceSync += t1 - t0;
      if (sinceSync * n * d * K >= plan.workPerSync || t1 > b.cap) {
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
    for (const buf of bindings) buf.destroy();
  }
}

/** What batches must share to run as one: everything but their runs. */
function batchShape(b: SgdBatch): string {
  const { runs: _runs, ...rest } = b;
  return JSON.stringify(rest);
}

/** Group batches that differ only in their runs: lists of indices into `batches`, in order. */
export function groupBatches(batches: readonly SgdBatch[]): number[][] {
  const groups = new Map<string, number[]>();
  batches.forEach((b, i) => {
    const key = batchShape(b);
    const g = groups.get(key);
    if (g) g.push(i);
    else groups.set(key, [i]);
  });
  return [...groups.values()];
}

/** Split the result of concatenated runs back into results of `sizes` runs each. */
export function splitResult(r: SgdBatchResult, sizes: readonly number[]): SgdBatchResult[] {
  let off = 0;
  return sizes.map((n) => {
    const a = off, z = off + n, L = r.logs;
    off = z;
    return {
      crossU: r.crossU.slice(a, z),
      crossV: r.crossV.slice(a, z),
      failedAt: r.failedAt.slice(a, z),
      logU: r.logU.slice(a * L, z * L),
      logV: r.logV.slice(a * L, z * L),
      logs: L,
    };
  });
}

/**
 * {@link runSgdGpu} over many batches: those that differ only in their runs (the step-size sets
 * of one d and variant) are concatenated and run in one dispatch series; the results come back
 * per batch, in order. Each run's trajectory depends only on its own key and step size, so the
 * results equal those of separate calls.
 */
export async function runSgdGpuBatches(
  device: GPUDevice,
  batches: readonly SgdBatch[],
  opts: GpuRunOptions = {},
): Promise<SgdBatchResult[]> {
  const out: SgdBatchResult[] = new Array(batches.length);
  for (const group of groupBatches(batches)) {
    const merged = { ...batches[group[0]], runs: group.flatMap((i) => batches[i].runs) };
    const parts = splitResult(
      await runSgdGpu(device, merged, opts),
      group.map((i) => batches[i].runs.length),
    );
    group.forEach((i, k) => out[i] = parts[k]);
  }
  return out;
}

/**
 * `deno task gpu-estimate [--out reports/perf/h100-estimate.md]`: an analytic occupancy and
 * roofline estimate of the cum and mem WebGPU kernels on an H100-class device (`gpu_model.ts`),
 * with the shapes the code itself would choose there (`planSgd`, `planTiled` on the device's
 * WebGPU limits), at the full profile of the cases that run them; written as markdown. A model
 * to be checked against `deno task perf --size full` when a device is lent, not a measurement.
 * @module
 */
import { parseArgs } from "node:util";
import {
  type Bounds,
  bounds,
  type GpuSpec,
  H100_SXM,
  type Occupancy,
  occupancy,
} from "./gpu_model.ts";
import { planSgd, type SgdPlan } from "../../models/cum/sgd_kernel.ts";
import { planTiled } from "../../models/gpu/kernel_sum_tiled.ts";
import { defaultRowsPerInvocation } from "../../models/gpu/kernel_sum.ts";
import { type GpuProfile, profileFromLimits } from "../../models/gpu/device_class.ts";
import { findCase } from "../registry.ts";
import { resolveConfig } from "../config.ts";
import { atomicWriteTextFile } from "../../reports/atomic_write.ts";

/** Integer operations of one `philox4x32` call in WGSL (10 rounds of two 16-bit-half mulhi). */
export const PHILOX_INT_OPS = 450;
/** Dependent ALU operations along one Philox call (7 per round). */
export const PHILOX_CHAIN_OPS = 70;
/** One `normal2` (Box–Muller): special functions, FP32 FLOPs, and its dependent chain (ALU, SFU). */
export const NORMAL2 = { sfu: 4, flops: 16, chainAlu: 6, chainSfu: 2 };

/** One estimated kernel launch pattern. */
export interface KernelEstimate {
  kernel: string;
  shape: string;
  regs: number;
  occ: Occupancy;
  perLaunch: Bounds;
  launches: number;
  dispatches: number;
  /** max(launches × per-launch bound, dispatches × host cost per dispatch). */
  seconds: number;
  note: string;
}

/** A cum batch: `runs` runs at (d, K) stepping `cap` times, from `sets` step-size sets. */
export interface CumShape {
  d: number;
  K: number;
  runs: number;
  cap: number;
  sets: number;
}

function philoxChain(spec: GpuSpec, calls: number): number {
  const l = spec.latency;
  return calls * (PHILOX_CHAIN_OPS * l.alu + NORMAL2.chainAlu * l.alu + NORMAL2.chainSfu * l.sfu);
}

/** FP32 FLOPs of one step per coordinate: sampling, two dots per row, update, Gram–Schmidt. */
export function cumFlopsPerCoordinate(K: number): number {
  return 4 + 13 * K + 2 * K * K;
}

/** The pSGD kernel that `planSgd` picks (or `variant`) for a batch, on `spec`. */
export function estimateCum(
  spec: GpuSpec,
  profile: GpuProfile,
  b: CumShape,
  variant?: SgdPlan["variant"],
): KernelEstimate {
  const plan = planSgd(profile, { d: b.d, K: b.K, runs: b.runs }, { variant });
  const l = spec.latency, blocks = Math.ceil(b.d / 2), K = b.K;
  const wg = plan.workgroupSize;
  let regs: number, chain: number, philox: number, normals: number;
  if (plan.variant === "workgroup-per-run") {
    const cb = plan.blocksPerInvocation;
    // weights (2·cb·K), samples (4·cb), sums and indices
    regs = Math.min(255, 4 * cb * K + 4 * cb + 8 * K + 24);
    const reductions = 2 * K * (Math.log2(wg) + 2) * (l.barrier + 2 * l.shared);
    chain = philoxChain(spec, cb + 1) + reductions + K * (l.sfu * 2 + 6 * l.alu) +
      cb * K * (6 + 2 * K) * l.alu + l.barrier + l.shared + 20 * l.alu;
    // the latent block is drawn by invocation 0 only
    philox = b.runs * (blocks + 1);
    normals = b.runs * (2 * blocks + 1);
  } else {
    regs = 40;
    // one thread walks d coordinates: Philox per block, and the weight loops, each load exposed
    // (strided rows: an L1 hit at best, ~35 cycles)
    chain = philoxChain(spec, blocks + 1) + b.d * (2 + 2 * K + K * K) * 35;
    philox = b.runs * (blocks + 1);
    normals = b.runs * (2 * blocks + 1);
  }
  const occ = occupancy(spec, {
    workgroupSize: wg,
    regsPerInvocation: regs,
    sharedBytesPerWorkgroup: plan.variant === "workgroup-per-run" ? 2 * wg * 16 + 32 : 0,
    workgroups: plan.workgroups,
  });
  const perStep = bounds(spec, occ, {
    flops: b.runs * b.d * cumFlopsPerCoordinate(K),
    intOps: philox * PHILOX_INT_OPS,
    // activation (exp, division) and Gram–Schmidt (sqrt, division), per row in every invocation
    sfuOps: normals * NORMAL2.sfu + b.runs * wg * 4 * K,
    dramBytes: (2 * b.runs * K * b.d * 4) / plan.stepsPerDispatch,
    chainCycles: chain,
  });
  const dispatches = Math.ceil(b.cap / plan.stepsPerDispatch);
  return {
    kernel: `cum pSGD, ${plan.variant}`,
    shape: `d ${b.d}, K ${K}, ${b.runs} runs × ${b.cap} steps; workgroup ${wg}` +
      (plan.variant === "workgroup-per-run" ? ` (${plan.blocksPerInvocation} blocks each)` : "") +
      `, ${plan.stepsPerDispatch} steps/dispatch`,
    regs,
    occ,
    perLaunch: perStep,
    launches: b.cap,
    dispatches,
    seconds: Math.max(b.cap * perStep.seconds, dispatches * spec.dispatchSeconds),
    note: plan.variant === "workgroup-per-run"
      ? "steps are serial: the latency of one step bounds the run"
      : "one thread walks all d coordinates",
  };
}

/**
 * The kernel as it ran before the device classes: thread-per-run under llvmpipe's loop budget on
 * every device, one dispatch series per step-size set (the sets one after another).
 */
export function estimateCumBefore(spec: GpuSpec, profile: GpuProfile, b: CumShape): KernelEstimate {
  const sw = {
    ...profile,
    loopBudget: profileFromLimits(spec.webgpuLimits, "software").loopBudget,
  };
  const one = estimateCum(spec, sw, { ...b, runs: b.runs / b.sets, sets: 1 }, "thread-per-run");
  return {
    ...one,
    kernel: "cum pSGD, thread-per-run with llvmpipe's loop budget (before)",
    shape: `${b.sets} set(s) one after another: ${one.shape}`,
    launches: one.launches * b.sets,
    dispatches: one.dispatches * b.sets,
    seconds: one.seconds * b.sets,
  };
}

/** The discrete-class kernel with one dispatch series per step-size set (one work unit each). */
export function estimateCumPerSet(spec: GpuSpec, profile: GpuProfile, b: CumShape): KernelEstimate {
  const one = estimateCum(spec, profile, { ...b, runs: b.runs / b.sets, sets: 1 });
  return {
    ...one,
    shape: `${b.sets} set(s) one after another: ${one.shape}`,
    launches: one.launches * b.sets,
    dispatches: one.dispatches * b.sets,
    seconds: one.seconds * b.sets,
  };
}

/** A mem kernel-sum call: `sets` of `sizes` points in d dimensions. */
export interface MemShape {
  d: number;
  sizes: number[];
}

/** The tiled kernel (discrete class) or the llvmpipe-shaped blocked kernel for one call. */
export function estimateMem(
  spec: GpuSpec,
  profile: GpuProfile,
  m: MemShape,
  variant: "tiled" | "blocked",
): KernelEstimate {
  const pairs = m.sizes.reduce((s, n) => s + (n * (n - 1)) / 2, 0);
  const points = m.sizes.reduce((s, n) => s + n, 0);
  const l = spec.latency;
  const work = { flops: pairs * (2 * m.d + 8), intOps: pairs * 4, sfuOps: pairs };
  if (variant === "tiled") {
    const p = planTiled(profile, m.d);
    const tilePairs = m.sizes.reduce((s, n) => {
      const t = Math.ceil(n / p.tile);
      return s + (t * (t + 1)) / 2;
    }, 0);
    const regs = 64;
    const occ = occupancy(spec, {
      workgroupSize: p.workgroupSize,
      regsPerInvocation: regs,
      sharedBytesPerWorkgroup: p.sharedBytes,
      workgroups: tilePairs,
    });
    const chunks = p.vec4PerPoint / p.chunk;
    const b = bounds(spec, occ, {
      ...work,
      // padded coordinates are computed too
      flops: work.flops * (4 * p.vec4PerPoint) / m.d,
      dramBytes: points * p.vec4PerPoint * 16,
      chainCycles: chunks * (l.l2 + 2 * l.barrier + p.chunk * 8 * (l.shared + l.alu)) +
        16 * (l.sfu + 4 * l.alu) + Math.log2(p.workgroupSize) * (l.barrier + l.shared),
    });
    return {
      kernel: "mem pair sums, tiled",
      shape: `d ${m.d}, ${m.sizes.length} sets, ${points} points; ${p.workgroupSize} ` +
        `invocations (4×4 blocks), ${p.sharedBytes} B shared, ${tilePairs} tile pairs, 1 dispatch`,
      regs,
      occ,
      perLaunch: b,
      launches: 1,
      dispatches: 1,
      seconds: Math.max(b.seconds, spec.dispatchSeconds),
      note: "one dispatch per call, plus one readback",
    };
  }
  // the blocked kernel: R rows × V vec4s per invocation in registers, 16 per workgroup, one
  // dispatch per 64 KiB tile of points j
  const V = Math.ceil(m.d / 4), R = defaultRowsPerInvocation(m.d);
  const T = Math.floor(4096 / V);
  const tiles = Math.ceil(points / T);
  const blocks = m.sizes.reduce((s, n) => s + Math.ceil(n / R), 0);
  const regs = R * V * 4 + V * 4 + 2 * R + 16;
  const occ = occupancy(spec, {
    workgroupSize: 16,
    regsPerInvocation: regs,
    sharedBytesPerWorkgroup: 0,
    workgroups: Math.ceil(blocks / 16),
  });
  const b = bounds(spec, occ, {
    ...work,
    flops: work.flops / tiles,
    intOps: work.intOps / tiles,
    sfuOps: work.sfuOps / tiles,
    dramBytes: (points * V * 16) / tiles,
    // a tile's T points j, each V uniform loads then R·V dependent FMAs
    chainCycles: T * (V * l.l2 / 4 + R * V * l.alu),
  });
  return {
    kernel: "mem pair sums, blocked (llvmpipe-shaped)",
    shape: `d ${m.d}, ${m.sizes.length} sets; ${R} rows × ${V} vec4 per invocation, 16 per ` +
      `workgroup, ${occ.invocations} invocations per dispatch, ${tiles} dispatches`,
    regs,
    occ,
    perLaunch: b,
    launches: tiles,
    dispatches: tiles,
    seconds: Math.max(tiles * b.seconds, tiles * spec.dispatchSeconds),
    note: regs > spec.maxRegsPerThread ? `${regs} registers wanted: spills` : "",
  };
}

/** The full profile's cum batches of a case, step-size sets merged per (variant, d). */
export function cumFullShapes(caseId: string): CumShape[] {
  const c = findCase(caseId);
  if (!c) throw new Error(`unknown case ${caseId}`);
  const cfg = resolveConfig(c, "full", {}) as {
    dims: number[];
    seeds: number;
    K: number;
    stepSizes: unknown[];
    capFactor: number;
    capExponent: number;
    controls: { K: number; dims: number[]; seeds: number }[];
  };
  const cap = (d: number) => Math.ceil(cfg.capFactor * Math.pow(d, cfg.capExponent));
  return [
    ...cfg.dims.map((d) => ({
      d,
      K: cfg.K,
      runs: cfg.seeds * cfg.stepSizes.length,
      cap: cap(d),
      sets: cfg.stepSizes.length,
    })),
    ...cfg.controls.flatMap((ctl) =>
      ctl.dims.map((d) => ({ d, K: ctl.K, runs: ctl.seeds, cap: cap(d), sets: 1 }))
    ),
  ];
}

/** The full profile's kernel-sum calls of mem.transition per d (as `runMemExperiment` batches them). */
export function memFullCalls(): { d: number; calls: number; shape: MemShape }[] {
  const c = findCase("mem.transition");
  if (!c) throw new Error("unknown case mem.transition");
  const cfg = resolveConfig(c, "full", {}) as {
    dims: number[];
    ratios: number[];
    seeds: number;
    originalSize: number;
  };
  const trials = cfg.seeds;
  return cfg.dims.map((d) => {
    const ns = cfg.ratios.map((r) => Math.max(2, Math.round(r * d)));
    const N = cfg.originalSize;
    // bench/mem/_experiment.ts: trials per call = ⌊2e9 / pair-dimensions of one trial⌋
    const perTrial = (N * N * d + ns.reduce((s, n) => s + n * n * d, 0)) / 2;
    const chunk = Math.max(1, Math.floor(2e9 / perTrial));
    const sizes = Array.from({ length: Math.min(chunk, trials) }, () => [N, ...ns]).flat();
    return { d, calls: Math.ceil(trials / chunk), shape: { d, sizes } };
  });
}

function fmtS(s: number): string {
  if (s >= 3600) return `${(s / 3600).toPrecision(3)} h`;
  if (s >= 60) return `${(s / 60).toPrecision(3)} min`;
  if (s >= 1) return `${s.toPrecision(3)} s`;
  if (s >= 1e-3) return `${(s * 1e3).toPrecision(3)} ms`;
  return `${(s * 1e6).toPrecision(3)} µs`;
}

function row(e: KernelEstimate): string {
  const o = e.occ, b = e.perLaunch;
  return `| ${e.kernel} | ${e.shape} | ${e.regs} | ${o.invocations} | ${o.workgroupsPerSm} ` +
    `(${o.limiter}), ${(100 * o.occupancy).toFixed(0)}% | ${(100 * o.fill).toFixed(1)}% | ` +
    `${fmtS(b.fp32)} / ${fmtS(b.int32)} / ${fmtS(b.sfu)} / ${fmtS(b.dram)} / ${fmtS(b.chain)} | ` +
    `${b.bound} | ${fmtS(e.seconds)} | ${e.note} |`;
}

/** The markdown report for `spec`. */
export function estimateReport(spec: GpuSpec): string {
  const profile = profileFromLimits(spec.webgpuLimits, "discrete", spec.name);
  const head =
    "| kernel | shape (as planned for this device) | regs/inv. | invocations/dispatch | workgroups/SM (limiter), occupancy | first-wave fill | bounds per launch: fp32 / int32 / sfu / dram / latency | bound | total | note |\n|---|---|---|---|---|---|---|---|---|---|";
  const kernels: string[] = [];
  const big = [
    { d: 2048, K: 1, runs: 384, cap: 50 * 2048, sets: 3 },
    { d: 64, K: 1, runs: 512, cap: 50 * 64 ** 3, sets: 4 },
  ];
  for (const b of big) {
    kernels.push(row(estimateCumPerSet(spec, profile, b)));
    kernels.push(row({ ...estimateCum(spec, profile, b), note: "step-size sets merged" }));
    kernels.push(row(estimateCumBefore(spec, profile, b)));
  }
  const mem100 = memFullCalls().find((c) => c.d === 100)!;
  kernels.push(row(estimateMem(spec, profile, mem100.shape, "tiled")));
  kernels.push(row(estimateMem(spec, profile, mem100.shape, "blocked")));
  const cases: string[] = [];
  for (const id of ["cum.pairwise-linear", "cum.correlated-linear", "cum.quartic-cubic"]) {
    const shapes = cumFullShapes(id);
    const sum = (f: (b: CumShape) => KernelEstimate) =>
      fmtS(shapes.reduce((s, b) => s + f(b).seconds, 0));
    const series = shapes.reduce((s, b) => s + b.sets, 0);
    cases.push(
      `| ${id} | ${series} dispatch series (${shapes.length} merged) | ${
        sum((b) => estimateCumPerSet(spec, profile, b))
      } | ${sum((b) => estimateCum(spec, profile, b))} | ${
        sum((b) => estimateCumBefore(spec, profile, b))
      } |`,
    );
  }
  const mem = memFullCalls();
  const memNow = mem.reduce(
    (s, c) => s + c.calls * estimateMem(spec, profile, c.shape, "tiled").seconds,
    0,
  );
  const memBefore = mem.reduce(
    (s, c) => s + c.calls * estimateMem(spec, profile, c.shape, "blocked").seconds,
    0,
  );
  cases.push(
    `| mem.transition (kernel sums only) | ${mem.reduce((s, c) => s + c.calls, 0)} calls | ${
      fmtS(memNow)
    } | (as now) | ${fmtS(memBefore)} |`,
  );
  return [
    `# Analytic estimate: the WebGPU kernels on ${spec.name}`,
    "",
    "Written by `deno task gpu-estimate` (`bench/perf/gpu_estimate.ts`, model in " +
    "`bench/perf/gpu_model.ts`). A model, not a measurement: no such device was available. The " +
    "kernel shapes are the ones the code plans on this device's WebGPU limits (discrete class); " +
    "operation counts are read off the WGSL; each launch takes the largest of its throughput " +
    "bounds (each pipe at the share of the device the launch fills) and its dependent-chain " +
    "latency. Check it with `deno task perf --size full` when a device is lent.",
    "",
    "## Device constants",
    "",
    `${spec.sms} SMs at ${spec.clockGhz} GHz; per SM ${spec.fp32LanesPerSm} FP32 lanes ` +
    `(${(2 * spec.fp32LanesPerSm * spec.sms * spec.clockGhz / 1000).toFixed(1)} TFLOPS), ` +
    `${spec.int32LanesPerSm} INT32 lanes, ${spec.sfuPerSm} special-function results/clock, ` +
    `${spec.maxThreadsPerSm} threads, ${spec.maxWorkgroupsPerSm} workgroups, ${spec.regsPerSm} ` +
    `registers (≤ ${spec.maxRegsPerThread} per thread), ${spec.sharedPerSm / 1024} KiB shared ` +
    `memory; HBM ${spec.dramGbps} GB/s. Latencies (cycles): ALU ${spec.latency.alu}, SFU ` +
    `${spec.latency.sfu}, shared ${spec.latency.shared}, barrier ${spec.latency.barrier}, L2 ` +
    `${spec.latency.l2}; ${spec.dispatchSeconds * 1e6} µs of host time per dispatch.`,
    "",
    "Sources:",
    ...spec.sources.map((s) => `- ${s}`),
    "",
    "Counts: one Philox4x32-10 call ≈ " +
    `${PHILOX_INT_OPS} integer operations (mulhi through 16-bit halves, as the WGSL does), a ` +
    `chain of ${PHILOX_CHAIN_OPS} dependent ones; one Box–Muller pair ${NORMAL2.sfu} special ` +
    `functions; a pSGD step ${cumFlopsPerCoordinate(1)} FLOPs per coordinate at K = 1; a pair ` +
    "of points 2d + 8 FLOPs and one exp. Throughput falls in proportion below 8 warps per SM.",
    "",
    "## Per kernel, at full-profile shapes",
    "",
    "cum: pairwise-linear's largest d (2048: 3 step sizes × 128 seeds, cap 50·d) and " +
    "quartic-cubic's (d = 64: 4 × 128, cap 50·d³), each as the work units run it (one dispatch " +
    "series per step-size set), with the sets merged, and as before; mem: one kernel-sum call of " +
    "mem.transition at d = 100 (one trial: N = 10⁴ and 11 training sets).",
    "",
    head,
    ...kernels,
    "",
    "## Per case, full profile (kernel time only)",
    "",
    "Not counted: host work (mem's fits and the packing and centring of its sets in JS), shader " +
    "compilation, and the readback that ends every call (one per cum dispatch series, one per mem " +
    "call). The cum cases' work units hold one step-size set each (`bench/cum/_units.ts`), so " +
    "they run one dispatch series per set; `runSgdGpuBatches` would run the sets of one shape " +
    "as one, for units that held them together.",
    "",
    "| case | launches | now (discrete-class kernels, one series per set) | step-size sets merged | before (thread-per-run / blocked, llvmpipe's loop budget) |",
    "|---|---|---|---|---|",
    ...cases,
    "",
  ].join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { out: { type: "string", default: "reports/perf/h100-estimate.md" } },
  });
  const md = estimateReport(H100_SXM);
  try {
    await atomicWriteTextFile(values.out!, md);
    // the repository's markdown style (line width), so that `deno fmt --check` stays clean
    await new Deno.Command(Deno.execPath(), { args: ["fmt", "--quiet", values.out!] }).output();
  } catch (e) {
    console.error(`gpu-estimate: cannot write ${values.out}: ${(e as Error).message}`);
    Deno.exit(1);
  }
  console.log(md);
  console.error(`gpu-estimate: wrote ${values.out}`);
}

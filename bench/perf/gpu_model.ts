/**
 * An analytic occupancy and roofline model of a WebGPU kernel on an NVIDIA data-centre GPU, for
 * estimates made without the device (`gpu_estimate.ts` writes them to `reports/perf/`). It is a
 * model, not a measurement: the device constants are the vendor's, the latencies are rounded
 * figures from published microbenchmarks, and the operation counts are read off the WGSL.
 * @module
 */

/** The constants of a device, each with where it comes from. */
export interface GpuSpec {
  name: string;
  sms: number;
  /** Boost clock, GHz. */
  clockGhz: number;
  /** FP32 lanes per SM (an FMA is 2 FLOPs), 32-bit integer lanes, special-function results/clk. */
  fp32LanesPerSm: number;
  int32LanesPerSm: number;
  sfuPerSm: number;
  /** Warp schedulers per SM, each issuing one warp instruction per clock. */
  schedulersPerSm: number;
  maxThreadsPerSm: number;
  maxWorkgroupsPerSm: number;
  /** 32-bit registers per SM; allocated per warp in units of `regUnit` registers. */
  regsPerSm: number;
  regUnit: number;
  maxRegsPerThread: number;
  /** Shared (workgroup) memory per SM, bytes, and what the runtime reserves per workgroup. */
  sharedPerSm: number;
  sharedReservedPerWorkgroup: number;
  /** Device-memory bandwidth, GB/s. */
  dramGbps: number;
  /** Latencies in cycles: dependent ALU op, special function, shared load/store, barrier, L2 hit. */
  latency: { alu: number; sfu: number; shared: number; barrier: number; l2: number };
  /** Host cost of one dispatch (validation, submit, launch), seconds. */
  dispatchSeconds: number;
  /** WebGPU limits an adapter of this device reports (wgpu/Dawn over Vulkan). */
  webgpuLimits: {
    maxComputeWorkgroupSizeX: number;
    maxComputeInvocationsPerWorkgroup: number;
    maxComputeWorkgroupsPerDimension: number;
    maxStorageBufferBindingSize: number;
    maxComputeWorkgroupStorageSize: number;
  };
  sources: string[];
}

/** NVIDIA H100 SXM5 80 GB. */
export const H100_SXM: GpuSpec = {
  name: "NVIDIA H100 SXM5 80 GB (Hopper, compute capability 9.0)",
  sms: 132,
  clockGhz: 1.98,
  fp32LanesPerSm: 128,
  int32LanesPerSm: 64,
  sfuPerSm: 16,
  schedulersPerSm: 4,
  maxThreadsPerSm: 2048,
  maxWorkgroupsPerSm: 32,
  regsPerSm: 65536,
  regUnit: 256,
  maxRegsPerThread: 255,
  sharedPerSm: 228 * 1024,
  sharedReservedPerWorkgroup: 1024,
  dramGbps: 3350,
  latency: { alu: 4, sfu: 20, shared: 30, barrier: 25, l2: 260 },
  dispatchSeconds: 20e-6,
  webgpuLimits: {
    maxComputeWorkgroupSizeX: 1024,
    maxComputeInvocationsPerWorkgroup: 1024,
    maxComputeWorkgroupsPerDimension: 65535,
    maxStorageBufferBindingSize: 2 ** 31 - 1,
    maxComputeWorkgroupStorageSize: 49152,
  },
  sources: [
    "SMs, FP32/INT32 lanes, clock, HBM3 3.35 TB/s, 50 MB L2, 256 KB registers and up to 228 KB " +
    "shared memory per SM: NVIDIA H100 Tensor Core GPU datasheet and the NVIDIA H100 Tensor Core " +
    "GPU Architecture whitepaper (2022); FP32 66.9 TFLOPS = 132 × 128 × 2 × 1.98 GHz",
    "2048 threads, 32 blocks, 64 K registers per SM, 255 per thread, allocation in units of 256 " +
    "per warp, 1 KB shared memory reserved per block, 16 special-function results per clock per " +
    "SM: CUDA C++ Programming Guide, compute capability 9.0 tables",
    "latencies (FMA ~4 cycles, shared memory ~30, L2 hit ~260, barrier ~25; SFU ~20 assumed): " +
    "rounded from Luo et al., 'Benchmarking and Dissecting the Nvidia Hopper GPU Architecture' " +
    "(IPDPS 2024) and Jia et al.'s earlier dissections; a dispatch costs ~20 µs of host time " +
    "in wgpu (an assumption, not measured on this device)",
    "WebGPU limits: what wgpu reports over Vulkan on recent NVIDIA drivers " +
    "(maxComputeSharedMemorySize 48 KiB, 1024 invocations)",
  ],
};

/** A kernel's launch shape. */
export interface LaunchShape {
  workgroupSize: number;
  /** Registers per invocation (an estimate from the live values of the WGSL). */
  regsPerInvocation: number;
  sharedBytesPerWorkgroup: number;
  workgroups: number;
}

/** How a launch fills the device. */
export interface Occupancy {
  workgroupsPerSm: number;
  /** What caps workgroups per SM. */
  limiter: "threads" | "registers" | "shared memory" | "workgroups per SM";
  /** Resident warps / the SM's maximum. */
  occupancy: number;
  /** Workgroups the device holds at once, and how many such waves the launch takes. */
  resident: number;
  waves: number;
  /** Warps of the first wave, and the SMs they spread over (a workgroup stays on one SM). */
  activeWarps: number;
  smsUsed: number;
  /** Fraction of the device's warp slots the first wave uses. */
  fill: number;
  invocations: number;
}

/** Occupancy of a launch on a device (the CUDA occupancy calculator's rules, simplified). */
export function occupancy(spec: GpuSpec, s: LaunchShape): Occupancy {
  const warps = Math.ceil(s.workgroupSize / 32);
  const regsPerWarp = Math.ceil(
    (Math.min(s.regsPerInvocation, spec.maxRegsPerThread) * 32) /
      spec.regUnit,
  ) * spec.regUnit;
  const caps: [Occupancy["limiter"], number][] = [
    ["threads", Math.floor(spec.maxThreadsPerSm / (warps * 32))],
    ["registers", Math.floor(spec.regsPerSm / (regsPerWarp * warps))],
    [
      "shared memory",
      Math.floor(spec.sharedPerSm / (s.sharedBytesPerWorkgroup + spec.sharedReservedPerWorkgroup)),
    ],
    ["workgroups per SM", spec.maxWorkgroupsPerSm],
  ];
  const [limiter, perSm] = caps.reduce((a, b) => (b[1] < a[1] ? b : a));
  const resident = perSm * spec.sms;
  const maxWarps = spec.maxThreadsPerSm / 32;
  return {
    workgroupsPerSm: perSm,
    limiter,
    occupancy: (perSm * warps) / maxWarps,
    resident,
    waves: Math.ceil(s.workgroups / Math.max(1, resident)),
    activeWarps: Math.min(s.workgroups, resident) * warps,
    smsUsed: Math.min(spec.sms, s.workgroups),
    fill: Math.min(s.workgroups, resident) * warps / (maxWarps * spec.sms),
    invocations: s.workgroups * s.workgroupSize,
  };
}

/** Work of one launch (or one step of a step loop), counted per lane operation. */
export interface Work {
  /** FP32 FLOPs (an FMA is 2). */
  flops: number;
  /** 32-bit integer operations (Philox), special-function results (exp, log, sqrt, sin, cos). */
  intOps: number;
  sfuOps: number;
  /** Compulsory device-memory bytes. */
  dramBytes: number;
  /**
   * Cycles of the longest dependent chain of one workgroup (latency-bound loops); 0 when the
   * launch is throughput-bound by construction.
   */
  chainCycles: number;
}

/** The time bounds of a launch: each pipe's throughput, memory, and the dependent chain. */
export interface Bounds {
  fp32: number;
  int32: number;
  sfu: number;
  dram: number;
  chain: number;
  /** The largest bound, and its name. */
  seconds: number;
  bound: "fp32" | "int32" | "sfu" | "dram" | "latency";
}

/** Warps per SM below which a pipe's throughput is taken to fall in proportion (latency hiding). */
export const WARPS_TO_HIDE_LATENCY = 8;

/**
 * Seconds of a launch as the largest of its bounds. A pipe's throughput counts only the SMs the
 * launch occupies, and in proportion to its warps per SM up to {@link WARPS_TO_HIDE_LATENCY};
 * the chain bound is `waves` × the chain at the clock.
 */
export function bounds(spec: GpuSpec, occ: Occupancy, w: Work): Bounds {
  const hz = spec.clockGhz * 1e9;
  const perSm = occ.activeWarps / Math.max(1, occ.smsUsed);
  const usable = (occ.smsUsed / spec.sms) * Math.min(1, perSm / WARPS_TO_HIDE_LATENCY);
  const rate = (lanes: number) => lanes * spec.sms * hz * Math.max(usable, 1e-9);
  const b = {
    fp32: w.flops / (2 * rate(spec.fp32LanesPerSm)),
    int32: w.intOps / rate(spec.int32LanesPerSm),
    sfu: w.sfuOps / rate(spec.sfuPerSm),
    dram: w.dramBytes / (spec.dramGbps * 1e9),
    chain: (occ.waves * w.chainCycles) / hz,
  };
  const entries: [Bounds["bound"], number][] = [
    ["fp32", b.fp32],
    ["int32", b.int32],
    ["sfu", b.sfu],
    ["dram", b.dram],
    ["latency", b.chain],
  ];
  const [bound, seconds] = entries.reduce((a, c) => (c[1] > a[1] ? c : a));
  return { ...b, seconds, bound };
}

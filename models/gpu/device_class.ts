/**
 * The device class and limits every WebGPU kernel is sized by. Two classes:
 * - `software`: a fallback adapter that runs shaders on the CPU (Mesa's llvmpipe/lavapipe,
 *   SwiftShader, WARP). llvmpipe spreads workgroups, not invocations, over its threads, makes a
 *   workgroup barrier a coroutine switch, and silently cuts off an invocation whose loops run
 *   more than ~65535 back-edges in one dispatch; kernels keep their CPU-shaped variants there and
 *   bound the loop iterations of every dispatch by {@link SOFTWARE_LOOP_BUDGET}.
 * - `discrete`: any other adapter (a real GPU). No loop budget; dispatches are sized for
 *   occupancy (enough invocations to fill the device, enough work per dispatch to hide the launch).
 *
 * `models/gpu/device.ts` acquires the device; this module reads what a kernel needs from it.
 * @module
 */

/** The two classes a kernel chooses its variant and dispatch sizes by. */
export type DeviceClass = "software" | "discrete";

/**
 * Loop back-edges one invocation may run in one dispatch on a software adapter: llvmpipe cuts an
 * invocation off (garbage, no error) past ~65535 (measured: a d = 16 pSGD run "failed" at step
 * 318 of one dispatch, whatever its key); half of it leaves room for estimates that undercount.
 */
export const SOFTWARE_LOOP_BUDGET = 30000;

/** What a kernel is sized by: the device class and the adapter's compute limits. */
export interface GpuProfile {
  deviceClass: DeviceClass;
  /** Adapter description, for messages and provenance. */
  description: string;
  maxComputeWorkgroupSizeX: number;
  maxComputeInvocationsPerWorkgroup: number;
  maxComputeWorkgroupsPerDimension: number;
  maxStorageBufferBindingSize: number;
  /** Bytes of `var<workgroup>` storage one workgroup may use. */
  maxComputeWorkgroupStorageSize: number;
  /**
   * Loop back-edges one invocation may run per dispatch: {@link SOFTWARE_LOOP_BUDGET} on the
   * software class, `Infinity` on a discrete GPU.
   */
  loopBudget: number;
}

/** The limits a profile reads (a `GPUSupportedLimits` or a plain record, e.g. for estimates). */
export type ComputeLimits = Pick<
  GPUSupportedLimits,
  | "maxComputeWorkgroupSizeX"
  | "maxComputeInvocationsPerWorkgroup"
  | "maxComputeWorkgroupsPerDimension"
  | "maxStorageBufferBindingSize"
  | "maxComputeWorkgroupStorageSize"
>;

const SOFTWARE_NAMES = /llvmpipe|lavapipe|softpipe|swiftshader|microsoft basic render|\bwarp\b/i;

/**
 * The class of an adapter: `software` when it says it is a fallback adapter or its description
 * names a known CPU rasteriser (lavapipe over Vulkan may not set the flag), else `discrete`.
 */
export function classifyAdapter(
  info: { isFallbackAdapter?: boolean; description?: string; device?: string },
): DeviceClass {
  if (info.isFallbackAdapter) return "software";
  return SOFTWARE_NAMES.test(`${info.description ?? ""} ${info.device ?? ""}`)
    ? "software"
    : "discrete";
}

/** A profile from limits and a class (pure: the estimates build one for a device not present). */
export function profileFromLimits(
  limits: ComputeLimits,
  deviceClass: DeviceClass,
  description = "",
): GpuProfile {
  return {
    deviceClass,
    description,
    maxComputeWorkgroupSizeX: limits.maxComputeWorkgroupSizeX,
    maxComputeInvocationsPerWorkgroup: limits.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupsPerDimension: limits.maxComputeWorkgroupsPerDimension,
    maxStorageBufferBindingSize: limits.maxStorageBufferBindingSize,
    maxComputeWorkgroupStorageSize: limits.maxComputeWorkgroupStorageSize,
    loopBudget: deviceClass === "software" ? SOFTWARE_LOOP_BUDGET : Infinity,
  };
}

/** The adapter facts a device carries (`GPUDevice.adapterInfo`; absent on old runtimes). */
export function deviceAdapterInfo(
  device: GPUDevice,
): { isFallbackAdapter?: boolean; description?: string; device?: string } {
  return (device as unknown as {
    adapterInfo?: { isFallbackAdapter?: boolean; description?: string; device?: string };
  }).adapterInfo ?? {};
}

/**
 * The profile of a device: its class from its adapter info, its limits as granted (acquireBackend
 * asks for the adapter's full compute limits).
 */
export function gpuProfile(device: GPUDevice): GpuProfile {
  const info = deviceAdapterInfo(device);
  return profileFromLimits(device.limits, classifyAdapter(info), String(info.description ?? ""));
}

/**
 * f32 lanes of a software adapter's SIMD vectors: llvmpipe names its vector width in its
 * description ("llvmpipe (LLVM 15.0.6, 256 bits)": 8 lanes); 8 (AVX2) when it does not. llvmpipe
 * runs a workgroup's invocations this many at a time, so a workgroup of this size is one vector.
 */
export function softwareLanes(description: string): number {
  const m = /(\d+) bits/.exec(description);
  const lanes = m ? Math.floor(Number(m[1]) / 32) : 8;
  return lanes >= 1 && lanes <= 64 ? floorPow2(lanes) : 8;
}

/** The largest power of two ≤ n (n ≥ 1). */
export function floorPow2(n: number): number {
  return 2 ** Math.floor(Math.log2(Math.max(1, n)));
}

/** The smallest power of two ≥ n (n ≥ 1). */
export function ceilPow2(n: number): number {
  return 2 ** Math.ceil(Math.log2(Math.max(1, n)));
}

/**
 * The largest power-of-two workgroup size ≤ `want` that the profile allows in x (power-of-two
 * sizes keep tree reductions simple).
 */
export function workgroupSizeFor(profile: GpuProfile, want: number): number {
  return floorPow2(
    Math.min(want, profile.maxComputeWorkgroupSizeX, profile.maxComputeInvocationsPerWorkgroup),
  );
}

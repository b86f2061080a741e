/**
 * WebGPU device acquisition with a timeout, adapter provenance, and the CPU fallback decision.
 * @module
 */

/** The backend a user asks for on the command line. */
export type BackendRequest = "auto" | "webgpu" | "cpu";

/** What we record about a WebGPU adapter. */
export interface AdapterRecord {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
  limits: Record<string, number>;
  features: string[];
  /** `DENO_WEBGPU_BACKEND` when set (gl, vulkan, ...). */
  backendHint: string | null;
}

/** The outcome of {@link acquireBackend}. */
export interface BackendChoice {
  backend: "webgpu" | "cpu";
  device: GPUDevice | null;
  adapter: AdapterRecord | null;
  /** Why the CPU path was taken, when it was. */
  fallbackReason: string | null;
}

/** Thrown when `--backend webgpu` was demanded and no device could be had. */
export class GpuUnavailableError extends Error {
  override name = "GpuUnavailableError";
}

/** Options for {@link acquireBackend}; `gpu` lets tests simulate a machine without an adapter. */
export interface AcquireOptions {
  timeoutMs?: number;
  gpu?: GPU | null;
}

const LIMIT_KEYS = [
  "maxComputeWorkgroupSizeX",
  "maxComputeInvocationsPerWorkgroup",
  "maxComputeWorkgroupsPerDimension",
  "maxStorageBufferBindingSize",
  "maxBufferSize",
  "maxStorageBuffersPerShaderStage",
  "maxComputeWorkgroupStorageSize",
] as const;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** Adapter facts for provenance. */
export function describeAdapter(adapter: GPUAdapter): AdapterRecord {
  const info = adapter.info;
  const limits: Record<string, number> = {};
  for (const k of LIMIT_KEYS) {
    limits[k] = Number((adapter.limits as unknown as Record<string, number>)[k]);
  }
  return {
    vendor: String(info.vendor ?? ""),
    architecture: String(info.architecture ?? ""),
    device: String(info.device ?? ""),
    description: String(info.description ?? ""),
    isFallbackAdapter: Boolean(
      (info as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter ??
        (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false,
    ),
    limits,
    features: [...adapter.features].map(String).sort(),
    backendHint: Deno.env.get("DENO_WEBGPU_BACKEND") ?? null,
  };
}

/**
 * Pick the backend: `cpu` → CPU; `auto` → WebGPU if an adapter and device come up within the
 * timeout, else CPU with the reason; `webgpu` → WebGPU or a {@link GpuUnavailableError}.
 * `CLAIMBENCH_NO_GPU=1` simulates a machine without an adapter.
 */
export async function acquireBackend(
  request: BackendRequest,
  opts: AcquireOptions = {},
): Promise<BackendChoice> {
  if (request === "cpu") {
    return {
      backend: "cpu",
      device: null,
      adapter: null,
      fallbackReason: "--backend cpu requested",
    };
  }
  const timeoutMs = opts.timeoutMs ?? 15000;
  let reason: string;
  const gpu = opts.gpu !== undefined
    ? opts.gpu
    : Deno.env.get("CLAIMBENCH_NO_GPU") === "1"
    ? null
    : (globalThis.navigator as Navigator & { gpu?: GPU }).gpu ?? null;
  if (!gpu) {
    reason = "this runtime exposes no navigator.gpu (WebGPU unavailable)";
  } else {
    try {
      const adapter = await withTimeout(
        gpu.requestAdapter({ powerPreference: "high-performance" }),
        timeoutMs,
        "requestAdapter",
      );
      if (!adapter) {
        reason = "navigator.gpu.requestAdapter() returned no adapter";
      } else {
        const record = describeAdapter(adapter);
        const device = await withTimeout(
          adapter.requestDevice({
            requiredLimits: {
              maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
              maxBufferSize: adapter.limits.maxBufferSize,
              maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
              // the kernels size their workgroups from these (models/gpu/device_class.ts)
              maxComputeWorkgroupSizeX: adapter.limits.maxComputeWorkgroupSizeX,
              maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup,
              maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
            },
          }),
          timeoutMs,
          "requestDevice",
        );
        return { backend: "webgpu", device, adapter: record, fallbackReason: null };
      }
    } catch (e) {
      reason = `WebGPU adapter acquisition failed: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  if (request === "webgpu") {
    throw new GpuUnavailableError(
      `--backend webgpu was requested but ${reason}. Use --backend auto or cpu to run on the CPU.`,
    );
  }
  return { backend: "cpu", device: null, adapter: null, fallbackReason: reason };
}

let shared: Promise<BackendChoice> | undefined;

/**
 * One WebGPU device (or the CPU fallback) for all the tests and benches of a process, never
 * destroyed by them: creating and destroying many devices in one process makes wgpu on llvmpipe
 * abort at exit now and then ("corrupted size vs. prev_size in fastbins"). Callers must not
 * call `destroy()` on it.
 */
export function sharedBackend(): Promise<BackendChoice> {
  return shared ??= acquireBackend("auto", { timeoutMs: 10000 });
}

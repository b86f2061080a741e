/**
 * Buffer, pipeline and readback helpers over a raw `GPUDevice`.
 * @module
 */

/** Typed arrays that can be uploaded as storage data. */
export type GpuData =
  | Float32Array<ArrayBuffer>
  | Uint32Array<ArrayBuffer>
  | Int32Array<ArrayBuffer>;

/** A storage buffer initialised with `data` (or zero-filled when given a byte length). */
export function storageBuffer(
  device: GPUDevice,
  data: GpuData | number,
  extraUsage = 0,
): GPUBuffer {
  const size = typeof data === "number" ? data : data.byteLength;
  const buf = device.createBuffer({
    size: Math.max(16, Math.ceil(size / 4) * 4),
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST | extraUsage,
  });
  if (typeof data !== "number") device.queue.writeBuffer(buf, 0, data);
  return buf;
}

/** A uniform buffer holding `data` (padded to 16 bytes). */
export function uniformBuffer(device: GPUDevice, data: GpuData): GPUBuffer {
  const buf = device.createBuffer({
    size: Math.max(16, Math.ceil(data.byteLength / 16) * 16),
    usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
  });
  device.queue.writeBuffer(buf, 0, data);
  return buf;
}

/** Copy `byteLength` bytes of `src` back to the host (one staging buffer, one map). */
export async function readBuffer(
  device: GPUDevice,
  src: GPUBuffer,
  byteLength = src.size,
  srcOffset = 0,
): Promise<ArrayBuffer> {
  const staging = device.createBuffer({
    size: byteLength,
    usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ,
  });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(src, srcOffset, staging, 0, byteLength);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);
  const out = staging.getMappedRange().slice(0);
  staging.unmap();
  staging.destroy();
  return out;
}

/** Read a buffer as f32 values. */
export async function readF32(
  device: GPUDevice,
  src: GPUBuffer,
  count: number,
): Promise<Float32Array> {
  return new Float32Array(await readBuffer(device, src, count * 4));
}

/** Read a buffer as u32 values. */
export async function readU32(
  device: GPUDevice,
  src: GPUBuffer,
  count: number,
): Promise<Uint32Array> {
  return new Uint32Array(await readBuffer(device, src, count * 4));
}

const pipelineCache = new WeakMap<GPUDevice, Map<string, Promise<GPUComputePipeline>>>();

/**
 * A compute pipeline for WGSL `code` (entry point `main` by default), cached per device and
 * source (concurrent first calls share one compilation). Compilation errors are raised as
 * exceptions with the compiler's messages (and not cached).
 */
export function computePipeline(
  device: GPUDevice,
  code: string,
  entryPoint = "main",
): Promise<GPUComputePipeline> {
  let cache = pipelineCache.get(device);
  if (!cache) pipelineCache.set(device, cache = new Map());
  const key = entryPoint + "\u0000" + code;
  const hit = cache.get(key);
  if (hit) return hit;
  device.pushErrorScope("validation");
  const module = device.createShaderModule({ code });
  const pipeline = device.createComputePipeline({
    layout: "auto",
    compute: { module, entryPoint },
  });
  const built = device.popErrorScope().then((err) => {
    if (err) throw new Error(`WGSL pipeline failed to build: ${err.message}`);
    return pipeline;
  });
  cache.set(key, built);
  built.catch(() => cache.delete(key));
  return built;
}

/** Bind `buffers` to group 0 in binding order and dispatch `workgroups` (x, y, z). */
export function dispatch(
  device: GPUDevice,
  pipeline: GPUComputePipeline,
  buffers: GPUBuffer[],
  workgroups: [number, number?, number?],
  encoder?: GPUCommandEncoder,
): void {
  const bindGroup = device.createBindGroup({
    layout: pipeline.getBindGroupLayout(0),
    entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  const enc = encoder ?? device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(workgroups[0], workgroups[1] ?? 1, workgroups[2] ?? 1);
  pass.end();
  if (!encoder) device.queue.submit([enc.finish()]);
}

/** Split `total` work items into (x, y) workgroup counts that respect the per-dimension limit. */
export function workgroupGrid(device: GPUDevice, total: number, size: number): [number, number] {
  const groups = Math.ceil(total / size);
  const maxX = device.limits.maxComputeWorkgroupsPerDimension;
  if (groups <= maxX) return [Math.max(1, groups), 1];
  return [maxX, Math.ceil(groups / maxX)];
}

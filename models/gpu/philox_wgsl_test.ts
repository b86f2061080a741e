import assert from "node:assert/strict";
import { sharedBackend } from "./device.ts";
import { computePipeline, dispatch, readU32, storageBuffer } from "./buffers.ts";
import { normal2FromU32, philox4x32, u32ToUnitF32 } from "../../datasets/philox.ts";
import { PHILOX_WGSL } from "./philox_wgsl.ts";

Deno.test("WGSL philox gives the same integers as TypeScript, bit for bit", async () => {
  const choice = await sharedBackend();
  if (!choice.device) {
    console.warn(`skipped GPU comparison: ${choice.fallbackReason}`);
    return;
  }
  const device = choice.device;
  const n = 4096;
  const code = PHILOX_WGSL + /* wgsl */ `
@group(0) @binding(0) var<storage, read_write> out: array<u32>;
@group(0) @binding(1) var<storage, read_write> nrm: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= ${n}u) { return; }
  let r = philox4x32(vec4<u32>(i, i * 3u, 0xdeadbeefu, 7u), vec2<u32>(0x12345678u, i ^ 0xcafef00du));
  out[4u * i] = r.x; out[4u * i + 1u] = r.y; out[4u * i + 2u] = r.z; out[4u * i + 3u] = r.w;
  let z = normal2(r);
  nrm[2u * i] = z.x; nrm[2u * i + 1u] = z.y;
}`;
  const pipe = await computePipeline(device, code);
  const out = storageBuffer(device, n * 16), nrm = storageBuffer(device, n * 8);
  dispatch(device, pipe, [out, nrm], [n / 64]);
  const got = await readU32(device, out, n * 4);
  const gotN = new Float32Array((await readU32(device, nrm, n * 2)).buffer);
  let maxErr = 0;
  for (let i = 0; i < n; i++) {
    const r = philox4x32(
      i,
      Math.imul(i, 3) >>> 0,
      0xdeadbeef,
      7,
      0x12345678,
      (i ^ 0xcafef00d) >>> 0,
    );
    for (let j = 0; j < 4; j++) assert.equal(got[4 * i + j], r[j], `word ${j} of counter ${i}`);
    const [z0, z1] = normal2FromU32(r[0], r[1]);
    maxErr = Math.max(maxErr, Math.abs(gotN[2 * i] - z0), Math.abs(gotN[2 * i + 1] - z1));
  }
  // integers are exact; Box–Muller in f32 transcendental functions agrees to ~1e-5 absolute
  assert.ok(maxErr < 2e-4, `normal2 max abs error ${maxErr}`);
  console.log(`precision: WGSL Philox normal2: max abs error ${maxErr.toExponential(2)}`);
  assert.equal(u32ToUnitF32(0xffffffff), 1 - 2 ** -24);
});

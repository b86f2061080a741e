import assert from "node:assert/strict";
import { sharedBackend } from "./device.ts";
import { computePipeline, dispatch, readU32, storageBuffer } from "./buffers.ts";
import { normal2FromU32, philox4x32, PHILOX_WGSL, PhiloxStream, u32ToUnitF32 } from "./philox.ts";

Deno.test("philox4x32-10 matches the Random123 known-answer vectors", () => {
  assert.deepEqual([...philox4x32(0, 0, 0, 0, 0, 0)], [
    0x6627e8d5,
    0xe169c58d,
    0xbc57ac4c,
    0x9b00dbd8,
  ]);
  const f = 0xffffffff;
  assert.deepEqual([...philox4x32(f, f, f, f, f, f)], [
    0x408f276d,
    0x41c83b0e,
    0xa20bc7c6,
    0x6d5451fd,
  ]);
  assert.deepEqual(
    [...philox4x32(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0)],
    [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
  );
});

Deno.test("named streams are reproducible and distinct", () => {
  const a = new PhiloxStream(7, "data", 1), b = new PhiloxStream(7, "data", 1);
  const c = new PhiloxStream(7, "data", 2), d = new PhiloxStream(8, "data", 1);
  const xa = Array.from({ length: 10 }, () => a.normal());
  assert.deepEqual(xa, Array.from({ length: 10 }, () => b.normal()));
  assert.notDeepEqual(xa, Array.from({ length: 10 }, () => c.normal()));
  assert.notDeepEqual(xa, Array.from({ length: 10 }, () => d.normal()));
});

Deno.test("stream normals have mean 0 and variance 1", () => {
  const s = new PhiloxStream(1, "moments");
  const n = 200000;
  let m = 0, v = 0;
  for (let i = 0; i < n; i++) {
    const x = s.normal();
    m += x, v += x * x;
  }
  m /= n, v = v / n - m * m;
  assert.ok(Math.abs(m) < 0.01, `mean ${m}`);
  assert.ok(Math.abs(v - 1) < 0.02, `var ${v}`);
});

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
  assert.equal(u32ToUnitF32(0xffffffff), 1 - 2 ** -24);
});

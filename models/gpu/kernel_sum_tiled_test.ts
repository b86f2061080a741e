import assert from "node:assert/strict";
import { planTiled, tilePairsOf } from "./kernel_sum_tiled.ts";
import { profileFromLimits } from "./device_class.ts";
import { packSets } from "./kernel_sum.ts";

const h100 = profileFromLimits({
  maxComputeWorkgroupSizeX: 1024,
  maxComputeInvocationsPerWorkgroup: 1024,
  maxComputeWorkgroupsPerDimension: 65535,
  maxStorageBufferBindingSize: 2 ** 31 - 1,
  maxComputeWorkgroupStorageSize: 49152,
}, "discrete");

Deno.test("planTiled: 256 invocations, 4×4 register blocks, chunks that fit workgroup memory", () => {
  for (const dim of [8, 16, 32, 64, 100]) {
    const p = planTiled(h100, dim);
    assert.equal(p.workgroupSize, 256);
    assert.equal(p.tile, 64);
    assert.ok(p.sharedBytes <= h100.maxComputeWorkgroupStorageSize);
    assert.ok(p.vec4PerPoint >= Math.ceil(dim / 4) && p.vec4PerPoint % p.chunk === 0);
    assert.ok(p.vec4PerPoint - Math.ceil(dim / 4) < p.chunk, `dim ${dim}: padding under a chunk`);
  }
  // WebGPU's guaranteed minimums (256 invocations, 16 KiB) and tighter ones
  const base = { ...h100, maxComputeWorkgroupStorageSize: 16384 };
  assert.equal(planTiled(base, 100).workgroupSize, 256);
  assert.ok(planTiled(base, 100).sharedBytes <= 16384);
  assert.equal(
    planTiled({ ...h100, maxComputeInvocationsPerWorkgroup: 128 }, 32).workgroupSize,
    64,
  );
  const small = planTiled({ ...h100, maxComputeWorkgroupStorageSize: 4096 }, 100);
  assert.ok(small.sharedBytes <= 4096 && small.chunk >= 1, JSON.stringify(small));
});

Deno.test("tilePairsOf: the upper triangle of each set's tiles, and ≥ 100k invocations per dispatch at the full profile", () => {
  const dim = 2;
  const sizes = [5, 0, 64, 65];
  const packed = packSets(sizes.map((n) => new Float64Array(n * dim)), dim, sizes.map(() => 1));
  const pairs = tilePairsOf(packed, [0, 2, 3], 64);
  // set 0: 1 tile; set 2: 1; set 3: 2 tiles → 3 pairs
  assert.equal(pairs.length / 4, 1 + 1 + 3);
  assert.deepEqual([...pairs.subarray(8, 20)], [69, 69, 134, 3, 69, 133, 134, 3, 133, 133, 134, 3]);
  // mem.transition, full profile, d = 100: one trial per call (the original set of 10^4 points
  // and 11 training sets of n = r·d points)
  const d = 100, ratios = [0.25, 0.5, 0.75, 0.9, 1, 1.1, 1.25, 1.5, 2, 3, 4];
  const full = [10000, ...ratios.map((r) => Math.max(2, Math.round(r * d)))];
  const fp = packSets(full.map((n) => new Float64Array(n)), 1, full.map(() => 1));
  const plan = planTiled(h100, d);
  const invocations = (tilePairsOf(fp, full.map((_, i) => i), plan.tile).length / 4) *
    plan.workgroupSize;
  assert.ok(invocations >= 1e5, `${invocations}`);
});

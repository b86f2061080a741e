import assert from "node:assert/strict";
import { streamKey } from "../../datasets/philox.ts";
import { sampleCpu, type SamplerBatch } from "./sampler.ts";
import { keyGroups, sampleCpuFast, sampleCpuParallel } from "./sampler_cpu.ts";
import { demoSamplerBatch } from "./sampler_fixture.ts";
import { assertSameBits } from "./lt_wasm_testing.ts";

// Tolerance: none. The WebAssembly score loop does the reference's operations in its order per
// particle, and the noise is the reference's Philox + Box–Muller, so the samples are identical.

function batch(particles: number, m: number, steps: number, paired: boolean): SamplerBatch {
  return demoSamplerBatch({ particles, m, steps, slots: 5, aScale: 0.5, pairedNoise: paired });
}

Deno.test("sampleCpuFast: the reference's bits (SDE and ODE; particles and widths off the SIMD blocks)", () => {
  for (const [P, m, steps] of [[1, 16, 5], [7, 13, 12], [33, 40, 30], [64, 128, 20]]) {
    for (const paired of [true, false]) {
      for (const mode of ["sde", "ode"] as const) {
        const b = { ...batch(P, m, steps, paired), mode };
        assertSameBits(sampleCpuFast(b), sampleCpu(b), `P=${P} m=${m} ${mode} paired=${paired}`);
      }
    }
  }
});

Deno.test("sampleCpuFast: large weights (many saturated and inactive features) keep the bits", () => {
  const b = demoSamplerBatch({ particles: 21, m: 24, steps: 15, slots: 3, aScale: 50 });
  assertSameBits(sampleCpuFast(b), sampleCpu(b), "aScale 50");
});

Deno.test("sampleCpuFast: a slot with non-finite weights runs the reference (NaN / ∞ as it gives them)", () => {
  const b = batch(9, 16, 10, true);
  b.slots[1].A[3] = Infinity;
  b.slots[2].A[0] = NaN;
  assertSameBits(sampleCpuFast(b), sampleCpu(b), "non-finite A");
});

Deno.test("sampleCpuFast: d ≠ 2 falls back to the reference", () => {
  const b = batch(5, 8, 6, true);
  const d1: SamplerBatch = {
    ...b,
    d: 1,
    features: b.features.map((f) => ({ W: f.W.slice(0, b.m), tb: f.tb })),
    slots: b.slots.map((s) => ({ ...s, A: s.A.slice(0, b.m) })),
  };
  assertSameBits(sampleCpuFast(d1), sampleCpu(d1), "d = 1");
});

Deno.test("keyGroups: slots grouped by key in order of first appearance", () => {
  const b = batch(4, 8, 4, true); // keys alternate: slot k has key k mod 2
  assert.deepEqual(keyGroups(b), [[0, 2, 4], [1, 3]]);
  b.slots[3].key = streamKey(99, "other");
  assert.deepEqual(keyGroups(b), [[0, 2, 4], [1], [3]]);
});

Deno.test("sampleCpuParallel: the reference's bits with 1, 2 and 3 workers", async () => {
  for (const paired of [true, false]) {
    const b = batch(20, 16, 12, paired);
    const ref = sampleCpu(b);
    for (const workers of [1, 2, 3]) {
      assertSameBits(await sampleCpuParallel(b, { workers }), ref, `${workers} workers`);
    }
  }
});

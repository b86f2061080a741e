import assert from "node:assert/strict";
import { bounds, H100_SXM, occupancy } from "./gpu_model.ts";
import {
  estimateCum,
  estimateCumBefore,
  estimateMem,
  estimateReport,
  memFullCalls,
} from "./gpu_estimate.ts";
import { profileFromLimits } from "../../models/gpu/device_class.ts";

Deno.test("occupancy: the CUDA calculator's limits on an H100", () => {
  // 256 threads at 64 registers: 64·32·8 = 16384 registers per workgroup → 4 per SM, 50%
  const a = occupancy(H100_SXM, {
    workgroupSize: 256,
    regsPerInvocation: 64,
    sharedBytesPerWorkgroup: 0,
    workgroups: 10000,
  });
  assert.equal(a.workgroupsPerSm, 4);
  assert.equal(a.limiter, "registers");
  assert.equal(a.occupancy, 0.5);
  assert.equal(a.waves, Math.ceil(10000 / (4 * 132)));
  // 32 registers: 8 per SM by threads (2048 / 256), 100%
  const b = occupancy(H100_SXM, {
    workgroupSize: 256,
    regsPerInvocation: 32,
    sharedBytesPerWorkgroup: 0,
    workgroups: 1,
  });
  assert.equal(b.limiter, "threads");
  assert.equal(b.occupancy, 1);
  assert.equal(b.smsUsed, 1);
  // 100 KiB of shared memory: 2 per SM
  const c = occupancy(H100_SXM, {
    workgroupSize: 64,
    regsPerInvocation: 32,
    sharedBytesPerWorkgroup: 100 * 1024,
    workgroups: 1,
  });
  assert.equal(c.workgroupsPerSm, 2);
  assert.equal(c.limiter, "shared memory");
  // 8-invocation workgroups: one warp each, at most 32 per SM
  const d = occupancy(H100_SXM, {
    workgroupSize: 8,
    regsPerInvocation: 40,
    sharedBytesPerWorkgroup: 0,
    workgroups: 64,
  });
  assert.equal(d.limiter, "workgroups per SM");
  assert.equal(d.occupancy, 0.5);
});

Deno.test("bounds: a full FMA launch runs at the FP32 peak, a small one at its share", () => {
  const occ = occupancy(H100_SXM, {
    workgroupSize: 256,
    regsPerInvocation: 32,
    sharedBytesPerWorkgroup: 0,
    workgroups: 1056,
  });
  const peak = 2 * 128 * 132 * 1.98e9;
  const full = bounds(H100_SXM, occ, {
    flops: peak,
    intOps: 0,
    sfuOps: 0,
    dramBytes: 0,
    chainCycles: 0,
  });
  assert.equal(full.bound, "fp32");
  assert.ok(Math.abs(full.seconds - 1) < 1e-9);
  const one = occupancy(H100_SXM, {
    workgroupSize: 32,
    regsPerInvocation: 32,
    sharedBytesPerWorkgroup: 0,
    workgroups: 1,
  });
  // one warp on one SM: 1/132 of the SMs, 1/8 of the warps that hide latency
  const small = bounds(H100_SXM, one, {
    flops: peak,
    intOps: 0,
    sfuOps: 0,
    dramBytes: 0,
    chainCycles: 0,
  });
  assert.ok(Math.abs(small.seconds - 132 * 8) < 1e-6);
  const mem = bounds(H100_SXM, occ, {
    flops: 0,
    intOps: 0,
    sfuOps: 0,
    dramBytes: 3.35e12,
    chainCycles: 0,
  });
  assert.equal(mem.bound, "dram");
  assert.ok(Math.abs(mem.seconds - 1) < 1e-9);
});

Deno.test("H100 estimate: the discrete-class kernels fill the device and beat the llvmpipe-shaped ones", () => {
  const p = profileFromLimits(H100_SXM.webgpuLimits, "discrete");
  const b = { d: 2048, K: 1, runs: 384, cap: 1000, sets: 3 };
  const now = estimateCum(H100_SXM, p, b), before = estimateCumBefore(H100_SXM, p, b);
  assert.equal(now.kernel, "cum pSGD, workgroup-per-run");
  assert.equal(now.occ.invocations, 384 * 256);
  assert.ok(now.seconds < before.seconds / 10);
  const call = memFullCalls().find((c) => c.d === 100)!;
  const tiled = estimateMem(H100_SXM, p, call.shape, "tiled");
  assert.ok(tiled.occ.invocations >= 1e5);
  assert.ok(tiled.regs <= 64 && tiled.occ.occupancy >= 0.5);
  const blocked = estimateMem(H100_SXM, p, call.shape, "blocked");
  assert.match(blocked.note, /spills/);
  const md = estimateReport(H100_SXM);
  assert.match(md, /^# Analytic estimate/);
  assert.equal(md.split("\n").filter((l) => l.startsWith("| cum pSGD")).length, 6);
  assert.ok(!/NaN|Infinity|undefined/.test(md));
});

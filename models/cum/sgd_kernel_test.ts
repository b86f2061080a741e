import assert from "node:assert/strict";
import {
  groupBatches,
  loopIterationsPerStep,
  MAX_STEPS_PER_DISPATCH,
  planSgd,
  SOFTWARE_UNROLLED_MAX_KD,
  SOFTWARE_WORKGROUP_MIN_D,
  splitResult,
  workgroupLoopIterationsPerStep,
} from "./sgd_kernel.ts";
import { profileFromLimits, SOFTWARE_LOOP_BUDGET } from "../gpu/device_class.ts";
import { emptyResult, type SgdBatch } from "./sgd.ts";
import { UNROLLED_LOOPS_PER_STEP } from "./sgd_wgsl_unrolled.ts";

// llvmpipe's limits as reported here, and an H100's as a Vulkan/Dawn adapter reports them
const llvmpipe = profileFromLimits(
  {
    maxComputeWorkgroupSizeX: 1024,
    maxComputeInvocationsPerWorkgroup: 1024,
    maxComputeWorkgroupsPerDimension: 65535,
    maxStorageBufferBindingSize: 134217728,
    maxComputeWorkgroupStorageSize: 32768,
  },
  "software",
  "llvmpipe (LLVM 15.0.6, 256 bits)",
);
const h100 = profileFromLimits(
  {
    maxComputeWorkgroupSizeX: 1024,
    maxComputeInvocationsPerWorkgroup: 1024,
    maxComputeWorkgroupsPerDimension: 65535,
    maxStorageBufferBindingSize: 2 ** 31 - 1,
    maxComputeWorkgroupStorageSize: 49152,
  },
  "discrete",
  "NVIDIA H100 80GB HBM3",
);

Deno.test("planSgd, software class: unrolled thread-per-run up to its K·d, then thread-per-run below the crossover, one SIMD vector per run above; every dispatch under the loop budget", () => {
  for (const d of [4, 16, 64, 65, 128, 512, 2048]) {
    for (const K of [1, 2, 4]) {
      const p = planSgd(llvmpipe, { d, K, runs: 64 });
      // a short batch keeps the loop kernel (the unrolled one would not pay for its compilation)
      const short = planSgd(llvmpipe, { d, K, runs: 64, steps: 10 });
      assert.notEqual(short.variant, "thread-per-run-unrolled");
      assert.equal(
        p.variant,
        K * d <= SOFTWARE_UNROLLED_MAX_KD
          ? "thread-per-run-unrolled"
          : d < SOFTWARE_WORKGROUP_MIN_D
          ? "thread-per-run"
          : "workgroup-per-run",
      );
      const loops = p.variant === "thread-per-run"
        ? loopIterationsPerStep(d, K)
        : p.variant === "thread-per-run-unrolled"
        ? UNROLLED_LOOPS_PER_STEP
        : workgroupLoopIterationsPerStep(p.workgroupSize, p.blocksPerInvocation, K);
      assert.ok(p.stepsPerDispatch >= 1);
      assert.ok(
        p.stepsPerDispatch === 1 || p.stepsPerDispatch * loops <= SOFTWARE_LOOP_BUDGET,
        `d ${d} K ${K}`,
      );
      if (p.variant === "workgroup-per-run") {
        assert.equal(p.workgroupSize, 8);
        assert.ok(p.workgroupSize * p.blocksPerInvocation * 2 >= d);
      }
    }
  }
});

Deno.test("planSgd, discrete class: a workgroup per run, coordinates in parallel, no loop cap", () => {
  // the full profile's largest batches: pairwise d = 2048 (4 step sizes × 128 seeds) and
  // quartic d = 64 (4 × 128)
  const big = planSgd(h100, { d: 2048, K: 1, runs: 512 });
  assert.equal(big.variant, "workgroup-per-run");
  assert.equal(big.workgroupSize, 256);
  assert.equal(big.blocksPerInvocation, 4);
  assert.equal(big.invocations, 512 * 256);
  assert.equal(big.stepsPerDispatch, Math.floor((1 << 26) / (512 * 2048)));
  const small = planSgd(h100, { d: 64, K: 1, runs: 512 });
  assert.equal(small.workgroupSize, 32);
  assert.equal(small.blocksPerInvocation, 1);
  // by work, not by llvmpipe's budget (which would allow ~300 steps)
  assert.equal(small.stepsPerDispatch, 2048);
  assert.ok(
    small.stepsPerDispatch * workgroupLoopIterationsPerStep(32, 1, 1) > SOFTWARE_LOOP_BUDGET,
  );
  assert.equal(planSgd(h100, { d: 4, K: 1, runs: 1 }).stepsPerDispatch, MAX_STEPS_PER_DISPATCH);
  // sized within the adapter's limits
  const tight = { ...h100, maxComputeInvocationsPerWorkgroup: 64 };
  assert.equal(planSgd(tight, { d: 2048, K: 1, runs: 8 }).workgroupSize, 64);
  assert.throws(() => planSgd(tight, { d: 64, K: 1, runs: 8 }, { workgroupSize: 128 }), RangeError);
  assert.throws(() => planSgd(h100, { d: 64, K: 1, runs: 8 }, { workgroupSize: 48 }), RangeError);
});

Deno.test("planSgd: a batch over the storage binding limit is one clear error", () => {
  const tiny = { ...h100, maxStorageBufferBindingSize: 1 << 20 };
  assert.throws(
    () => planSgd(tiny, { d: 2048, K: 4, runs: 512 }),
    /storage binding limit \(1048576 B\): split it/,
  );
});

Deno.test("groupBatches and splitResult: batches that differ only in their runs go together", () => {
  const base: SgdBatch = {
    d: 8,
    K: 1,
    act: "tanh",
    data: { betaU: 4, betaV: 4, latent: "correlated" },
    alpha: 0.8,
    cap: 100,
    logEvery: 10,
    thresholdU: 0.9,
    thresholdV: 0.3,
    runs: [{ key: [1, 2], eta: 0.1 }],
  };
  const other = {
    ...base,
    runs: [{ key: [3, 4] as const, eta: 0.2 }, { key: [5, 6] as const, eta: 0.2 }],
  };
  const k2 = { ...base, K: 2 };
  assert.deepEqual(groupBatches([base, k2, other, { ...base, cap: 200 }]), [[0, 2], [1], [3]]);
  const r = emptyResult(3, 2);
  r.crossU.set([1, 2, 3]), r.logU.set([10, 11, 20, 21, 30, 31]);
  const [a, b] = splitResult(r, [1, 2]);
  assert.deepEqual([...a.crossU], [1]);
  assert.deepEqual([...b.crossU], [2, 3]);
  assert.deepEqual([...b.logU], [20, 21, 30, 31]);
  assert.equal(b.logs, 2);
});

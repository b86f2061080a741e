import assert from "node:assert/strict";
import {
  classifyAdapter,
  gpuProfile,
  profileFromLimits,
  SOFTWARE_LOOP_BUDGET,
  softwareLanes,
  workgroupSizeFor,
} from "./device_class.ts";
import { sharedBackend } from "./device.ts";

const limits = {
  maxComputeWorkgroupSizeX: 1024,
  maxComputeInvocationsPerWorkgroup: 1024,
  maxComputeWorkgroupsPerDimension: 65535,
  maxStorageBufferBindingSize: 2 ** 31 - 1,
  maxComputeWorkgroupStorageSize: 49152,
};

Deno.test("classifyAdapter: the fallback flag or a CPU rasteriser's name means software", () => {
  assert.equal(
    classifyAdapter({ isFallbackAdapter: true, description: "NVIDIA H100" }),
    "software",
  );
  assert.equal(classifyAdapter({ description: "llvmpipe (LLVM 15.0.6, 256 bits)" }), "software");
  assert.equal(classifyAdapter({ description: "Lavapipe", device: "" }), "software");
  assert.equal(classifyAdapter({ description: "SwiftShader Device (Subzero)" }), "software");
  assert.equal(classifyAdapter({ description: "NVIDIA H100 80GB HBM3" }), "discrete");
  assert.equal(classifyAdapter({}), "discrete");
});

Deno.test("profileFromLimits: the loop budget applies to the software class only", () => {
  const soft = profileFromLimits(limits, "software"), disc = profileFromLimits(limits, "discrete");
  assert.equal(soft.loopBudget, SOFTWARE_LOOP_BUDGET);
  assert.equal(disc.loopBudget, Infinity);
  assert.equal(disc.maxComputeWorkgroupStorageSize, 49152);
});

Deno.test("workgroupSizeFor: a power of two within both workgroup limits", () => {
  const p = profileFromLimits({ ...limits, maxComputeInvocationsPerWorkgroup: 192 }, "discrete");
  assert.equal(workgroupSizeFor(p, 1024), 128);
  assert.equal(workgroupSizeFor(p, 100), 64);
  assert.equal(workgroupSizeFor(p, 1), 1);
});

Deno.test("softwareLanes: llvmpipe's vector width in f32 lanes", () => {
  assert.equal(softwareLanes("llvmpipe (LLVM 15.0.6, 256 bits)"), 8);
  assert.equal(softwareLanes("llvmpipe (LLVM 17, 512 bits)"), 16);
  assert.equal(softwareLanes("llvmpipe (LLVM 12, 128 bits)"), 4);
  assert.equal(softwareLanes("SwiftShader"), 8);
});

Deno.test("gpuProfile: the device's class follows its adapter's fallback flag (when a device exists)", async () => {
  const choice = await sharedBackend();
  if (!choice.device) return console.warn(`skipped: ${choice.fallbackReason}`);
  const p = gpuProfile(choice.device);
  assert.equal(p.deviceClass === "software", classifyAdapter(choice.adapter!) === "software");
  assert.equal(p.maxComputeWorkgroupSizeX, choice.adapter!.limits.maxComputeWorkgroupSizeX);
});

import assert from "node:assert/strict";
import { sharedBackend } from "./device.ts";
import { fmaReference, measurePeak, runCopy, runFma } from "./peak.ts";

Deno.test("peak kernels compute what their CPU references compute", async () => {
  const choice = await sharedBackend();
  if (!choice.device) return console.warn(`skipped: ${choice.fallbackReason}`);
  const { values } = await runFma(choice.device, 300, 50);
  for (let i = 0; i < 300; i++) {
    assert.ok(Math.abs(values[i] - fmaReference(i, 50)) < 1e-4, `fma ${i}`);
  }
  const data = Float32Array.from({ length: 4096 }, (_, i) => i * 0.5 - 3);
  const { copy } = await runCopy(choice.device, data);
  assert.deepEqual(copy, data);
  const peak = await measurePeak(choice.device, "small");
  assert.ok(peak.gflops > 0 && peak.gbps > 0);
});

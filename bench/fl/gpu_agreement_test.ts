import assert from "node:assert/strict";
import { sharedBackend } from "../../models/gpu/device.ts";
import { makeTestContext } from "../testing.ts";
import { balance } from "./balance.ts";
import type { FlConfig } from "./_common.ts";
import { planFlUnits, runFlUnit } from "./_experiment.ts";

// fl.balance / fl.jump at the smoke profile through the case's own units (both models, every grid
// point up to n·SNR² = 50, 3 seeds, 60 and 40 GD steps), WebGPU (f32) against the CPU (f64): the
// same runs fail, the final ln(S/N) of every run within 1e-3, the classifier's test accuracy
// within 2 of the nTest samples. Why these cover the observables: the cases read seed means of
// the final ln(S/N) (balance band S/N ∈ [0.1, 10], i.e. ±2.3 in ln; slope band [0.6, 1.4]; jump:
// sharpness ratio ≥ 3, threshold band ×[0.5, 2]) and the mean test accuracy against 0.75; a
// 1e-3 shift of every ln(S/N) moves a slope or sharpness by ≤ 1e-3 / ln(grid step) ≈ 1e-3, and
// two of 50 samples (0.04) is the accuracy's own resolution at smoke (±1 sample each way).
// What this does not cover: a run near GD's stability edge, where f32 and f64 may disagree on
// whether it diverges (see docs/precision.md).
Deno.test("fl smoke units: WebGPU and CPU agree on failures, final ln(S/N) and test accuracy", async () => {
  const choice = await sharedBackend();
  if (!choice.device) return console.warn(`skipped: ${choice.fallbackReason}`);
  const c = balance.configSchema.parse(balance.profiles.smoke) as FlConfig;
  const seeds = Array.from({ length: c.seeds }, (_, i) => i);
  let worstLog = 0, worstAcc = 0, runs = 0;
  for (const unit of planFlUnits(c, seeds)) {
    const cpu = await runFlUnit(makeTestContext({ seeds: [...unit.seeds] }), c, unit);
    const gpu = await runFlUnit(
      makeTestContext({ seeds: [...unit.seeds], device: choice.device }),
      c,
      unit,
    );
    assert.equal(cpu.backend, "cpu");
    assert.equal(gpu.backend, "webgpu");
    cpu.S.forEach((byGrid, ki) =>
      byGrid.forEach((logs, si) => {
        const what = `${unit.key} grid ${c.grid[ki]} seed ${unit.seeds[si]}`;
        const [gS, gN] = [gpu.S[ki][si], gpu.N[ki][si]];
        const cN = cpu.N[ki][si];
        assert.equal(logs === null, gS === null, `${what}: failed on one backend only`);
        if (logs === null || gS === null || cN === null || gN === null) return;
        const L = logs.length - 1;
        const d = Math.abs(Math.log(gS[L]! / gN[L]!) - Math.log(logs[L]! / cN[L]!));
        assert.ok(d <= 1e-3, `${what}: final ln(S/N) differs by ${d}`);
        worstLog = Math.max(worstLog, d), runs++;
        const [a, b] = [cpu.testAccuracy?.[ki][si], gpu.testAccuracy?.[ki][si]];
        if (a != null && b != null) {
          assert.ok(Math.abs(a - b) <= 2 / c.nTest + 1e-12, `${what}: accuracy ${a} vs ${b}`);
          worstAcc = Math.max(worstAcc, Math.abs(a - b));
        }
      })
    );
  }
  assert.ok(runs > 0);
  console.log(
    `precision: fl smoke units (${runs} runs): worst |Δ final ln(S/N)| ${
      worstLog.toExponential(2)
    }, ` +
      `worst |Δ test accuracy| ${worstAcc}`,
  );
});

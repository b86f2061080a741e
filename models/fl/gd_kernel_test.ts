import assert from "node:assert/strict";
import { sharedBackend } from "../gpu/device.ts";
import { PhiloxStream } from "../../datasets/philox.ts";
import { muNormFor, twoPatchSample } from "../../datasets/two_patch.ts";
import { buildRows, type FlBatch, type FlModel, neuronCount } from "./batch.ts";
import { trainCpu } from "./train_cpu.ts";
import { trainGpu } from "./gd_kernel.ts";

function batch(model: FlModel, variant: "orthogonal" | "signed"): FlBatch {
  const d = 16, n = 6, m = 4;
  const b: FlBatch = {
    model,
    d,
    n,
    m,
    steps: 30,
    logEvery: 10,
    lr: model === "diffusion" ? 0.01 : 0.5,
    alpha: Math.exp(-0.5),
    beta: Math.sqrt(1 - Math.exp(-1)),
    q: 3,
    runs: [],
  };
  for (const [i, kappa] of [0.3, 3, 30].entries()) {
    const s = twoPatchSample(new PhiloxStream(i, "t.data"), { n, d, variant, sigmaXi: 1 });
    const W0 = new PhiloxStream(i, "t.init").fillNormal(
      new Float64Array(neuronCount(model, m) * d),
      0.05,
    ) as Float64Array;
    b.runs.push({ X: buildRows(s, variant, d, muNormFor(kappa, n, d, 1)), y: s.y, W0 });
  }
  return b;
}

// Tolerance: f32 on the device against f64 on the CPU over 30 GD steps. Measured worst relative
// differences are ~3e-7 (diffusion) and ~1e-5 (classifier); we allow 1e-3 relative on every
// logged S, N and loss, and 1e-4 absolute (weights are O(0.05–1)) on the final weights.
const REL = 1e-3, ABS_W = 1e-4;

Deno.test("fl GD kernel: WebGPU agrees with the CPU reference (S, N, loss, weights)", async () => {
  const choice = await sharedBackend();
  if (!choice.device) return console.warn(`skipped: ${choice.fallbackReason}`);
  for (const model of ["diffusion", "classifier"] as const) {
    for (const variant of ["orthogonal", "signed"] as const) {
      const b = batch(model, variant);
      const cpu = trainCpu(b);
      // 7 steps per dispatch: exercises the step window across dispatches
      const gpu = await trainGpu(choice.device, b, { stepsPerDispatch: 7 });
      assert.equal(gpu.logs.length, cpu.logs.length);
      let worst = 0;
      for (let i = 0; i < cpu.logs.length; i++) {
        worst = Math.max(
          worst,
          Math.abs(gpu.logs[i] - cpu.logs[i]) / Math.max(1e-6, Math.abs(cpu.logs[i])),
        );
      }
      assert.ok(worst < REL, `${model}/${variant}: worst relative log difference ${worst}`);
      let wWorst = 0;
      for (let i = 0; i < cpu.W.length; i++) {
        wWorst = Math.max(wWorst, Math.abs(gpu.W[i] - cpu.W[i]));
      }
      assert.ok(wWorst < ABS_W, `${model}/${variant}: worst weight difference ${wWorst}`);
      console.log(
        `precision: fl GD ${model}/${variant}: worst rel. log difference ` +
          `${worst.toExponential(2)}, worst |ΔW| ${wWorst.toExponential(2)}`,
      );
    }
  }
});

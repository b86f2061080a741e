import assert from "node:assert/strict";
import { runCumExperiment, type SetSpec } from "./_experiment.ts";
import { makeTestContext } from "../testing.ts";
import { sharedBackend } from "../../models/gpu/device.ts";

const base: Omit<SetSpec, "variant" | "d" | "stepSize" | "K"> = {
  act: "tanh",
  latent: "independent",
  betaU: 4,
  betaV: 4,
  alpha: 0.8,
  cap: 400,
  logPoints: 20,
  thresholdU: 0.9,
  thresholdV: 0.9,
  seeds: [0, 1, 2, 3],
};

// Two step-size sets of the main variant share one dispatch series on WebGPU; the K = 2 control
// runs in its own. Crossings agree with the f64 CPU path within the kernels' stated ±5 steps.
Deno.test("runCumExperiment: WebGPU (step-size sets in one dispatch series) agrees with the CPU path", async () => {
  const choice = await sharedBackend();
  if (!choice.device) return console.warn(`skipped: ${choice.fallbackReason}`);
  const specs: SetSpec[] = [
    { ...base, variant: "main", d: 8, K: 1, stepSize: { c: 0.05, a: 1 } },
    { ...base, variant: "main", d: 8, K: 1, stepSize: { c: 0.1, a: 1 } },
    { ...base, variant: "K=2", d: 8, K: 2, stepSize: { c: 0.05, a: 1 }, seeds: [0, 1] },
  ];
  const cpuCtx = makeTestContext({ seeds: base.seeds });
  const gpuCtx = makeTestContext({ seeds: base.seeds, device: choice.device });
  const cpu = await runCumExperiment(cpuCtx, "test", specs);
  const gpu = await runCumExperiment(gpuCtx, "test", specs);
  assert.equal(cpu.backend, "cpu");
  assert.equal(gpu.backend, "webgpu");
  assert.equal(gpu.sets.length, 3);
  gpu.sets.forEach((g, i) => {
    const c = cpu.sets[i];
    assert.equal(g.eta, c.eta);
    assert.equal(g.seeds.length, c.seeds.length);
    for (const k of ["crossU", "crossV"] as const) {
      g[k].forEach((x, r) => {
        const y = c[k][r];
        assert.ok((x === null) === (y === null) && Math.abs((x ?? 0) - (y ?? 0)) <= 5, `${k}`);
      });
    }
    g.logU.forEach((row, r) => row.forEach((x, l) => assert.ok(Math.abs(x - c.logU[r][l]) < 0.05)));
  });
  assert.ok(gpu.sets.some((s) => s.crossU.some((x) => x !== null)), "some run crosses");
});

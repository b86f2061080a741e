import assert from "node:assert/strict";
import { runCumSet, type SetSpec } from "./_experiment.ts";
import { makeTestContext } from "../testing.ts";
import { sharedBackend } from "../../models/gpu/device.ts";

const base: Omit<SetSpec, "variant" | "d" | "stepSize" | "K" | "tag"> = {
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

// A set of the case on WebGPU (the kernel its device class picks) against the f64 CPU path:
// crossings within the kernels' stated ±5 steps, logged overlaps within 0.05.
Deno.test("runCumSet: WebGPU agrees with the CPU path (K = 1 and K = 2)", async () => {
  const choice = await sharedBackend();
  if (!choice.device) return console.warn(`skipped: ${choice.fallbackReason}`);
  const specs: SetSpec[] = [
    { ...base, variant: "main", tag: "main", d: 8, K: 1, stepSize: { c: 0.1, a: 1 } },
    {
      ...base,
      variant: "K=2",
      tag: "ctl0",
      d: 8,
      K: 2,
      stepSize: { c: 0.05, a: 1 },
      seeds: [0, 1],
    },
  ];
  let crossed = 0;
  for (const [v, sp] of specs.entries()) {
    const cpu = await runCumSet(makeTestContext({ seeds: sp.seeds }), "test", v, sp);
    const gpu = await runCumSet(
      makeTestContext({ seeds: sp.seeds, device: choice.device }),
      "test",
      v,
      sp,
    );
    assert.equal(cpu.backend, "cpu");
    assert.equal(gpu.backend, "webgpu");
    const g = gpu.set, c = cpu.set;
    assert.equal(g.eta, c.eta);
    for (const k of ["crossU", "crossV"] as const) {
      g[k].forEach((x, r) => {
        const y = c[k][r];
        assert.ok((x === null) === (y === null) && Math.abs((x ?? 0) - (y ?? 0)) <= 5, `${k}`);
        if (x !== null) crossed++;
      });
    }
    g.logU.forEach((row, r) => row.forEach((x, l) => assert.ok(Math.abs(x - c.logU[r][l]) < 0.05)));
  }
  assert.ok(crossed > 0, "some run crosses");
});

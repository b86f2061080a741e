import assert from "node:assert/strict";
import { runCumSets, type SetSpec } from "./_experiment.ts";
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

// The sets of a unit on WebGPU (the kernel its device class picks; the two step sizes of the
// main variant in one dispatch series) against the f64 CPU path: crossings within the kernels'
// stated ±5 steps, logged overlaps within 0.05.
Deno.test("runCumSets: WebGPU agrees with the CPU path (K = 1 at two step sizes, K = 2)", async () => {
  const choice = await sharedBackend();
  if (!choice.device) return console.warn(`skipped: ${choice.fallbackReason}`);
  const main = { ...base, variant: "main", tag: "main", d: 8, K: 1 };
  const groups: SetSpec[][] = [
    [{ ...main, stepSize: { c: 0.1, a: 1 } }, { ...main, stepSize: { c: 0.2, a: 1 } }],
    [{
      ...base,
      variant: "K=2",
      tag: "ctl0",
      d: 8,
      K: 2,
      stepSize: { c: 0.05, a: 1 },
      seeds: [0, 1],
    }],
  ];
  let crossed = 0;
  for (const [v, specs] of groups.entries()) {
    const seeds = specs[0].seeds;
    const cpu = await runCumSets(makeTestContext({ seeds }), "test", v, specs);
    const gpu = await runCumSets(
      makeTestContext({ seeds, device: choice.device }),
      "test",
      v,
      specs,
    );
    assert.equal(cpu.backend, "cpu");
    assert.equal(gpu.backend, "webgpu");
    assert.equal(gpu.sets.length, specs.length);
    for (const [i, g] of gpu.sets.entries()) {
      const c = cpu.sets[i];
      assert.equal(g.eta, c.eta);
      for (const k of ["crossU", "crossV"] as const) {
        g[k].forEach((x, r) => {
          const y = c[k][r];
          assert.ok((x === null) === (y === null) && Math.abs((x ?? 0) - (y ?? 0)) <= 5, `${k}`);
          if (x !== null) crossed++;
        });
      }
      g.logU.forEach((row, r) =>
        row.forEach((x, l) => assert.ok(Math.abs(x - c.logU[r][l]) < 0.05))
      );
    }
  }
  assert.ok(crossed > 0, "some run crosses");
});

import { judgeContext } from "../judge.ts";
import assert from "node:assert/strict";
import { makeTestContext } from "../testing.ts";
import { simplicityBias } from "./simplicity_bias.ts";
import { crossingStep, openingIndex } from "./simplicity_bias.ts";
import { logSteps } from "./_simplicity_experiment.ts";
import { withFixtureDir, withMissingData } from "./_test_util.ts";

const smoke = (dataDir: string | null = null) =>
  simplicityBias.configSchema.parse({ ...simplicityBias.profiles.smoke, dataDir });

Deno.test("simplicity-bias: smoke run on the fixture is deterministic and judged", async () => {
  await withFixtureDir(async (dir) => {
    const c = smoke(dir);
    const seeds = [0, 1];
    const a = await simplicityBias.run(makeTestContext({ seeds }), c);
    const b = await simplicityBias.run(makeTestContext({ seeds }), c);
    assert.deepEqual(a.seeds, b.seeds, "same seeds → identical curves");
    assert.deepEqual(a.steps, logSteps(c.steps, c.logPoints));
    assert.equal(a.seeds.length, 2);
    for (const s of a.seeds) {
      assert.equal(s.real.length, a.steps.length);
      assert.ok(s.real.every(Number.isFinite) && s.gauss.every(Number.isFinite));
    }
    const other = await simplicityBias.run(makeTestContext({ seeds: [5] }), c);
    assert.notDeepEqual(other.seeds[0].real, a.seeds[0].real, "other seeds → other curves");
    const prediction = simplicityBias.predict(c);
    const v = simplicityBias.judge({ measurement: a, prediction }, c, judgeContext(0));
    assert.ok(["reproduced", "not reproduced", "inconclusive"].includes(v.status));
    assert.ok(v.checks.length >= 2);
    const charts = simplicityBias.charts({ measurement: a, prediction }, c, v);
    assert.deepEqual(charts.map((x) => x.id), ["losses", "gap"]);
    JSON.parse(JSON.stringify(charts));
  });
});

Deno.test("simplicity-bias: a missing data set is an error that says how to install it", async () => {
  await withMissingData(async (dir) => {
    await assert.rejects(
      simplicityBias.run(makeTestContext({ seeds: [0] }), smoke(dir)),
      /sudo apt-get install dataset-fashion-mnist.*scripts\/install_fashion_mnist\.sh/,
    );
  });
});

Deno.test("simplicity-bias: opening step and crossing on synthetic curves", () => {
  const steps = [0, 10, 100, 1000];
  const est = [0, 0.001, 0.05, 0.2].map((v, i) => ({
    value: v,
    lo: v - (i < 2 ? 0.01 : 0.01),
    hi: v + 0.01,
  }));
  assert.equal(openingIndex(steps, est), 2);
  assert.equal(openingIndex(steps, est.map((e) => ({ ...e, lo: -1 }))), null);
  // crossing of 0.02 between steps 10 (0.001) and 100 (0.05), interpolated in log step
  const s = crossingStep(steps, [0, 0.001, 0.05, 0.2], 0.02);
  assert.ok(s > 10 && s < 100);
  assert.ok(Number.isNaN(crossingStep(steps, [0, 0, 0, 0.01], 0.02)));
});

Deno.test("simplicity-bias: config is strict and profiles parse", () => {
  for (const p of ["smoke", "quick", "full"] as const) {
    simplicityBias.configSchema.parse(simplicityBias.profiles[p]);
  }
  assert.throws(() => simplicityBias.configSchema.parse({ sides: 3 }));
  assert.throws(() => simplicityBias.configSchema.parse({ side: 13 }));
  const q = simplicityBias.configSchema.parse(simplicityBias.profiles.quick);
  assert.ok(simplicityBias.estimateSeconds(q) < 600, "quick profile fits in 10 minutes");
});

Deno.test("simplicity-bias: the tfjs/WebGPU engine agrees with the CPU kernels at smoke", async () => {
  const { sharedBackend } = await import("../../models/gpu/device.ts");
  const choice = await sharedBackend().catch(() => null);
  if (!choice || choice.backend !== "webgpu") {
    console.warn("no WebGPU adapter: skipping the tfjs/WebGPU agreement test");
    return;
  }
  await withFixtureDir(async (dir) => {
    const c = { ...smoke(dir), engine: "tfjs" as const };
    const gpu = await simplicityBias.run(makeTestContext({ seeds: [0], device: choice.device }), c);
    const cpu = await simplicityBias.run(makeTestContext({ seeds: [0] }), { ...c, engine: "cpu" });
    assert.equal(gpu.engine, "tfjs");
    assert.equal(cpu.engine, "cpu");
    const [g, k] = [gpu.seeds[0], cpu.seeds[0]];
    for (let i = 0; i < g.real.length; i++) {
      assert.ok(Math.abs(g.real[i] - k.real[i]) < 1e-3 * k.real[i], `real loss at log ${i}`);
      assert.ok(Math.abs(g.gauss[i] - k.gauss[i]) < 1e-3 * k.gauss[i], `Gaussian loss at log ${i}`);
    }
  });
});

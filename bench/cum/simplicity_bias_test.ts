import { judgeContext } from "../judge.ts";
import assert from "node:assert/strict";
import { makeTestContext } from "../testing.ts";
import { simplicityBias } from "./simplicity_bias.ts";
import { crossingStep, decisivePoint, influentialSeeds, openingIndex } from "./simplicity_bias.ts";
import { syntheticSimplicity } from "./simplicity_judge_fixtures.ts";
import { logSteps } from "./_simplicity_experiment.ts";
import { withFixtureDir, withMissingData } from "../../datasets/fashion_mnist_dirs.ts";

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
    let worst = 0;
    for (let i = 0; i < g.real.length; i++) {
      assert.ok(Math.abs(g.real[i] - k.real[i]) < 1e-3 * k.real[i], `real loss at log ${i}`);
      assert.ok(Math.abs(g.gauss[i] - k.gauss[i]) < 1e-3 * k.gauss[i], `Gaussian loss at log ${i}`);
      worst = Math.max(
        worst,
        Math.abs(g.real[i] - k.real[i]) / k.real[i],
        Math.abs(g.gauss[i] - k.gauss[i]) / k.gauss[i],
      );
    }
    console.log(
      `precision: simplicity-bias smoke, tfjs vs CPU: worst rel. loss ${worst.toExponential(2)}`,
    );
  });
});

Deno.test("simplicity-bias: the gap-opening rules, the decisive first-phase point and leave-one-seed-out", () => {
  const steps = [0, 10, 100, 1000];
  const est = [0, 0.01, 0.05, 0.2].map((v) => ({ value: v, lo: v - 0.005, hi: v + 0.005 }));
  assert.equal(openingIndex(steps, est, "ci"), 1);
  assert.equal(openingIndex(steps, est, "band"), 2, "+2% is first exceeded at step 100");
  const e = (value: number, h = 0.005) => ({ e: { value, lo: value - h, hi: value + h } });
  // a point wholly outside ±2% decides, even if another point's CI reaches farther
  assert.equal(decisivePoint([e(0, 0.05), e(0.04)], 0.02)!.e.value, 0.04);
  assert.equal(decisivePoint([e(0, 0.015), e(0.01)], 0.02)!.e.value, 0, "widest reach");
  assert.equal(decisivePoint([], 0.02), null);
  const ci = { value: 0.1, lo: 0.09, hi: 0.11 };
  assert.deepEqual(influentialSeeds([0.1, 0.1, 0.1, 0.1], [0, 1, 2, 3], ci), []);
  assert.deepEqual(
    influentialSeeds([0.1, 0.1, 0.1, 0.5], [0, 1, 2, 3], { value: 0.2, lo: 0.15, hi: 0.25 }).map((
      x,
    ) => x.seed),
    [3],
  );
});

Deno.test("simplicity-bias: no first phase is judged at the first logged step, within ±2% passing and beyond failing", () => {
  const c = simplicityBias.configSchema.parse(simplicityBias.profiles.quick);
  const judge = (gap: (t: number) => number) => {
    const m = syntheticSimplicity(c, gap);
    return simplicityBias.judge(
      { measurement: m, prediction: simplicityBias.predict(c) },
      c,
      judgeContext(0),
    );
  };
  const phase = (v: ReturnType<typeof judge>) => v.checks.find((k) => /first phase/.test(k.name))!;
  const small = judge((t) => (t === 0 ? 0 : 0.01 + t / 4000));
  assert.match(phase(small).note, /first logged step \(10\) is judged/);
  assert.equal(phase(small).status, "reproduced");
  assert.ok(small.findings.some((f) => /No first phase before the gap opens/.test(f)));
  const big = judge((t) => (t === 0 ? 0 : 0.06 + t / 4000));
  assert.equal(phase(big).status, "not reproduced");
  assert.equal(big.status, "not reproduced");
});

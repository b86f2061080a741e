import assert from "node:assert/strict";
import { runCumSet, type SetSpec } from "./_experiment.ts";
import { makeTestContext } from "../testing.ts";
import { sharedBackend } from "../../models/gpu/device.ts";
import { pairwiseLinear } from "./pairwise_linear.ts";
import { cumUnits } from "./_units.ts";
import type { CumConfig } from "./_common.ts";
import { quarticCubic } from "./quartic_cubic.ts";
import { correlatedLinear } from "./correlated_linear.ts";

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
  let crossed = 0, maxCross = 0, maxLog = 0;
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
        maxCross = Math.max(maxCross, Math.abs((x ?? 0) - (y ?? 0)));
      });
    }
    g.logU.forEach((row, r) =>
      row.forEach((x, l) => {
        assert.ok(Math.abs(x - c.logU[r][l]) < 0.05);
        maxLog = Math.max(maxLog, Math.abs(x - c.logU[r][l]));
      })
    );
  }
  assert.ok(crossed > 0, "some run crosses");
  console.log(
    `precision: cum runCumSet d = 8: ${crossed} crossings, max |Δ crossing| ${maxCross} steps, ` +
      `max |Δ logged overlap u| ${maxLog.toExponential(2)}`,
  );
});

// Each SGD case's first quick-profile unit (its smallest d, first step size, 2 seeds) through the
// case's own unit path, WebGPU (f32) against the CPU (f64): the same runs cross, and each first
// crossing n* within max(5 steps, 1%). Why 1% covers the observable: n* enters the cases as
// log n* in a log–log fit over d; a 1% error in every n* moves log n* by ≤ 0.01 and the fitted k
// by ≤ 0.02/ln(d_max/d_min) ≤ 0.02, against bands of width ≥ 0.5 ([0.7, 1.4], [0.7, 1.6],
// [2.5, ∞)). The logged overlaps (stored rounded to 1e-4) within 1e-3: cum.correlated-linear
// reads n* off them against 0.8× a plateau (≈ 0.11 for v at quick), so only a log point within
// 1e-3 of that level could move. The test at d = 8 above covers only small sizes.
for (
  const [c, tag] of [
    [pairwiseLinear, "pairwise"],
    [quarticCubic, "quartic"],
    [correlatedLinear, "correlated"],
  ] as const
) {
  Deno.test(`${c.id}: first quick unit, WebGPU crossings within max(5, 1%) and logged overlaps within 1e-3 of the CPU's`, async () => {
    const choice = await sharedBackend();
    if (!choice.device) return console.warn(`skipped: ${choice.fallbackReason}`);
    const config = c.configSchema.parse(c.profiles.quick) as CumConfig;
    const units = cumUnits<CumConfig>(tag), seeds = [0, 1];
    const [unit] = units.plan(config, seeds);
    const cpu = await units.run(makeTestContext({ seeds }), config, unit);
    const gpu = await units.run(makeTestContext({ seeds, device: choice.device }), config, unit);
    assert.equal(cpu.backend, "cpu");
    assert.equal(gpu.backend, "webgpu");
    let worst = 0;
    for (const k of ["crossU", "crossV"] as const) {
      gpu.set[k].forEach((x, r) => {
        const y = cpu.set[k][r];
        const tol = Math.max(5, 0.01 * (y ?? 0));
        assert.ok(
          (x === null) === (y === null) && Math.abs((x ?? 0) - (y ?? 0)) <= tol,
          `${k} seed ${seeds[r]}: cpu ${y} gpu ${x}`,
        );
        if (y) worst = Math.max(worst, Math.abs((x ?? 0) - y) / y);
      });
    }
    let worstLog = 0;
    for (const k of ["logU", "logV"] as const) {
      gpu.set[k].forEach((row, r) =>
        row.forEach((x, l) => (worstLog = Math.max(worstLog, Math.abs(x - cpu.set[k][r][l]))))
      );
    }
    assert.ok(worstLog <= 1e-3, `logged overlaps differ by ${worstLog}`);
    console.log(
      `precision: ${c.id} quick unit ${unit.key}: crossings U ${cpu.set.crossU} (cpu) ` +
        `${gpu.set.crossU} (gpu), V ${cpu.set.crossV} (cpu) ${gpu.set.crossV} (gpu); ` +
        `worst rel. difference ${worst.toExponential(2)}; logged overlaps ${
          worstLog.toExponential(2)
        }`,
    );
  });
}

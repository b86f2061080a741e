import assert from "node:assert/strict";
import { sharedBackend } from "../../models/gpu/device.ts";
import { makeTestContext } from "../testing.ts";
import { worstCaseV } from "./worst_case_v.ts";
import { evaluateMethods, type LtModelConfig, type Method } from "./_experiment.ts";

// The sampling cases (lt.worst-case-v, lt.case2, lt.baselines) at the smoke profile through
// evaluateMethods, the function all three measure with: the same trained methods sampled by the
// f32 WebGPU kernel and by the f64 CPU path (same Philox noise), then scored. Every class's
// Fréchet distance (and KDE-KL) within 1e-3 relative. Why it covers the observables: the cases
// judge paired differences of these distances between methods or β values (> 0 beyond a
// bootstrap CI, case2's tail within ±10%); a 1e-3 relative shift moves a difference by at most
// 2e-3 of the distances themselves. models/lt/sampler_test.ts covers the kernel alone (30 steps).
Deno.test("lt smoke: WebGPU and CPU sampling give the same Fréchet distances (1e-3 relative)", async () => {
  const choice = await sharedBackend();
  if (!choice.device) return console.warn(`skipped: ${choice.fallbackReason}`);
  const c = worstCaseV.configSchema.parse(worstCaseV.profiles.smoke) as LtModelConfig;
  const seeds = [0];
  const methods: Method[] = [
    { kind: "mutual", beta: 0 },
    { kind: "mutual", beta: 1 },
    { kind: "cbdm", tau: 1 },
  ];
  const cpu = await evaluateMethods(makeTestContext({ seeds }), c, seeds, methods);
  const gpu = await evaluateMethods(
    makeTestContext({ seeds, device: choice.device }),
    c,
    seeds,
    methods,
  );
  let worst = 0, n = 0;
  const compare = (a: number[][][], b: number[][][], what: string) =>
    a.forEach((bySeed, s) =>
      bySeed.forEach((byClass, k) =>
        byClass.forEach((x, y) => {
          const rel = Math.abs(b[s][k][y] - x) / Math.abs(x);
          assert.ok(rel <= 1e-3, `${what} seed ${s} method ${k} class ${y}: ${x} vs ${b[s][k][y]}`);
          worst = Math.max(worst, rel), n++;
        })
      )
    );
  compare(cpu.fd, gpu.fd, "FD");
  if (cpu.kl && gpu.kl) compare(cpu.kl, gpu.kl, "KL");
  assert.ok(n > 0);
  console.log(
    `precision: lt smoke sampling (${n} distances): worst rel. difference ${
      worst.toExponential(2)
    }`,
  );
});

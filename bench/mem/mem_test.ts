import { judgeContext } from "../judge.ts";
import assert from "node:assert/strict";
import { transition } from "./transition.ts";
import { hellingerOnset } from "./hellinger_onset.ts";
import { runMemExperiment } from "./_experiment.ts";
import { makeTestContext } from "../testing.ts";
import { resolveConfig } from "../config.ts";
import { sharedBackend } from "../../models/gpu/device.ts";
import type { AnyCase } from "../case.ts";

const smoke = (c: AnyCase) => resolveConfig(c, "smoke", {});

Deno.test("mem cases: same seeds on the CPU give bit-identical measurements and verdicts", async () => {
  for (const c of [transition, hellingerOnset] as AnyCase[]) {
    const cfg = smoke(c);
    const run = async () => {
      const ctx = makeTestContext({ seeds: [0, 1, 2, 3, 4] });
      const measurement = await c.run(ctx, cfg as never);
      return {
        measurement,
        verdict: c.judge(
          { measurement, prediction: c.predict(cfg as never) },
          cfg as never,
          judgeContext(0),
        ),
      };
    };
    const a = await run(), b = await run();
    assert.deepEqual(a, b);
    assert.equal(JSON.stringify(a), JSON.stringify(b));
  }
});

Deno.test("mem.transition: WebGPU and CPU agree on ≥ 97% of Δ signs at the smoke profile", async () => {
  const choice = await sharedBackend();
  if (!choice.device) return console.warn(`skipped: ${choice.fallbackReason}`);
  const cfg = { ...smoke(transition), originalSize: 128 } as never;
  const seeds = Array.from({ length: 12 }, (_, i) => i);
  const cpu = await runMemExperiment(makeTestContext({ seeds }), cfg, true);
  const gpu = await runMemExperiment(makeTestContext({ seeds, device: choice.device }), cfg, true);
  let same = 0, total = 0;
  cpu.forEach((dm, k) => {
    for (const conv of ["bbT", "bTb"] as const) {
      const a = dm.conventions[conv]!.deltaPositive, b = gpu[k].conventions[conv]!.deltaPositive;
      a.forEach((row, t) => row.forEach((v, j) => (total++, same += v === b[t][j] ? 1 : 0)));
      assert.deepEqual(
        dm.conventions[conv]!.h2,
        gpu[k].conventions[conv]!.h2,
        "H² does not use the GPU: identical",
      );
    }
  });
  assert.ok(same / total >= 0.97, `agreement ${same}/${total}`);
});

Deno.test("mem.transition verdict has the crossing, width and monotonicity checks for each convention", async () => {
  const cfg = smoke(transition);
  const ctx = makeTestContext({ seeds: [0, 1, 2, 3, 4, 5] });
  const m = await transition.run(ctx, cfg as never);
  const v = transition.judge(
    { measurement: m, prediction: transition.predict(cfg as never) },
    cfg as never,
    judgeContext(0),
  );
  const names = v.checks.map((c) => c.name).join("\n");
  for (
    const re of [
      /crossing n\*\/d at d=8 \(Σ = s²β1β1ᵀ\)/,
      /width\(d=8\) − width\(d=4\)/,
      /significant drops/,
      /β1ᵀβ1/,
    ]
  ) {
    assert.match(names, re);
  }
  assert.equal(v.checks.filter((c) => c.primary).length, 3);
  assert.ok(["reproduced", "not reproduced", "inconclusive"].includes(v.status));
  const charts = transition.charts(
    { measurement: m, prediction: transition.predict(cfg as never) },
    cfg as never,
    v,
  );
  assert.deepEqual(charts.map((c) => c.id), ["p-delta", "crossing", "trace"]);
});

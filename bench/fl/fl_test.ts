import { judgeContext } from "../judge.ts";
import assert from "node:assert/strict";
import { balance } from "./balance.ts";
import { jump } from "./jump.ts";
import { clearFlExperimentCache } from "./_experiment.ts";
import { makeTestContext } from "../testing.ts";
import { resolveConfig } from "../config.ts";
import type { AnyCase } from "../case.ts";

const smoke = (c: AnyCase) => resolveConfig(c, "smoke", {});

Deno.test("fl cases: same seeds on the CPU give bit-identical measurements and verdicts", async () => {
  for (const c of [balance, jump] as AnyCase[]) {
    const cfg = smoke(c);
    const run = async () => {
      clearFlExperimentCache();
      const ctx = makeTestContext({ seeds: [0, 1, 2] });
      const measurement = await c.run(ctx, cfg as never);
      const { seconds: _s, ...rest } = measurement;
      return {
        measurement: rest,
        verdict: c.judge(
          { measurement, prediction: c.predict(cfg as never) },
          cfg as never,
          judgeContext(0),
        ),
      };
    };
    const a = await run(), b = await run();
    assert.equal(JSON.stringify(a), JSON.stringify(b));
  }
});

Deno.test("fl cases: the two cases share one training run and report their checks and charts", async () => {
  clearFlExperimentCache();
  const ctx = makeTestContext({ seeds: [0, 1, 2] });
  const cb = smoke(balance), cj = smoke(jump);
  const mb = await balance.run(ctx, cb as never);
  const mj = await jump.run(ctx, cj as never);
  assert.equal(mb, mj, "memoised: the second case reuses the first one's training");
  const vb = balance.judge(
    { measurement: mb, prediction: balance.predict(cb as never) },
    cb as never,
    judgeContext(0),
  );
  assert.deepEqual(vb.checks.filter((c) => c.primary).map((c) => c.name.split(":")[0]), [
    "balance",
    "balance",
    "proportionality",
  ]);
  assert.match(vb.findings[0], /balance verdict: .*; proportionality verdict: /);
  assert.equal(vb.statistic, "proportionality: slope of ln(S/N) vs ln(n·SNR²), diffusion");
  const vj = jump.judge(
    { measurement: mj, prediction: jump.predict(cj as never) },
    cj as never,
    judgeContext(0),
  );
  assert.equal(vj.checks.filter((c) => c.primary).length, 2 * (cj as { ns: number[] }).ns.length);
  for (const [c, m, cfg, v] of [[balance, mb, cb, vb], [jump, mj, cj, vj]] as const) {
    const charts = (c as AnyCase).charts(
      { measurement: m, prediction: (c as AnyCase).predict(cfg) },
      cfg,
      v,
    );
    assert.ok(charts.length >= 2);
    for (const ch of charts) JSON.stringify(ch.spec);
  }
  assert.ok(mb.testAccuracy.flat(2).every((a) => a !== null && a >= 0 && a <= 1));
  assert.equal(ctx.runErrors.length, 0);
});

import { judgeContext } from "../judge.ts";
import assert from "node:assert/strict";
import { balance } from "./balance.ts";
import { jump } from "./jump.ts";
import { clearFlExperimentCache } from "./_experiment.ts";
import { sharpnessRatio } from "./jump.ts";
import { SATISFYING, syntheticFlMeasurement } from "./judge_fixtures.ts";
import { decodeStored, storeMeasurement } from "../judge.ts";
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
  assert.equal(mb.diffusion, mj.diffusion, "memoised: the second case reuses the training");
  assert.equal(mb.classifier, mj.classifier, "memoised: the second case reuses the training");
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
  assert.match(vb.findings[0], /^balance: [a-z ]+; proportionality: [a-z ]+ /);
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

Deno.test("fl: a classifier-init alternative retrains only the classifier; the stored form validates", async () => {
  clearFlExperimentCache();
  const ctx = makeTestContext({ seeds: [0, 1, 2] });
  const cfg = smoke(jump) as Record<string, unknown>;
  const a = await jump.run(ctx, cfg as never);
  const b = await jump.run(ctx, { ...cfg, sigma0Classifier: 0.1 } as never);
  assert.equal(a.diffusion, b.diffusion, "the diffusion model is not retrained");
  assert.notDeepEqual(a.classifier.S, b.classifier.S, "the classifier is retrained");
  const c = await jump.run(ctx, { ...cfg, measureAt: 0.5, resamples: 300 } as never);
  assert.equal(a.classifier, c.classifier, "judge-only fields need no training");
  for (const k of [balance, jump] as AnyCase[]) decodeStored(k, storeMeasurement(k, a));
  const bad = structuredClone(storeMeasurement(jump, a)) as { grid: number[] };
  bad.grid.push(99);
  assert.throws(() => decodeStored(jump, bad), /does not match its schema/);
});

Deno.test("fl.jump: a diffusion curve that does not rise makes the sharpness ratio inconclusive, not a pass", () => {
  const cfg = resolveConfig(jump, "quick", {});
  const m = syntheticFlMeasurement(cfg, { ...SATISFYING, diffusion: (k) => 2 / k });
  const v = jump.judge(
    { measurement: m, prediction: jump.predict(cfg as never) },
    cfg as never,
    judgeContext(0),
  );
  const ratios = v.checks.filter((k) => k.primary && /sharpness\(classifier\) \//.test(k.name));
  assert.equal(ratios.length, 2);
  for (const k of ratios) {
    assert.equal(k.status, "inconclusive");
    assert.equal(k.value, Infinity);
    assert.match(k.reason, /\+∞/);
  }
  assert.notEqual(v.status, "reproduced");
  assert.ok(v.findings.some((f) => /ratio is undefined, not a pass/.test(f)));
  // the classifier rising less than the diffusion model is a failure, not inconclusive
  assert.equal(sharpnessRatio(1, 2), 0.5);
  assert.ok(Number.isNaN(sharpnessRatio(-1, 0)));
});

Deno.test("fl.balance: balance and proportionality are judged and reported separately", () => {
  const cfg = resolveConfig(balance, "quick", {});
  const m = syntheticFlMeasurement(cfg, { ...SATISFYING, diffusion: (k) => 0.6 * k ** 0.3 });
  const v = balance.judge(
    { measurement: m, prediction: balance.predict(cfg as never) },
    cfg as never,
    judgeContext(0),
  );
  assert.match(v.findings[0], /^balance: reproduced; proportionality: not reproduced/);
  const byPart = (p: string) => v.checks.filter((k) => k.primary && k.name.startsWith(p + ":"));
  assert.ok(byPart("balance").length >= 1 && byPart("proportionality").length >= 1);
  assert.equal(v.status, "not reproduced");
  // every run failed: inconclusive, never a verdict
  const dead = structuredClone(m);
  for (const r of [dead.diffusion, dead.classifier]) {
    for (const k of ["S", "N", "loss"] as const) {
      r[k] = r[k].map((a) => a.map((b) => b.map((log) => log.map(() => null))));
    }
  }
  dead.testAccuracy = dead.testAccuracy.map((a) => a.map((b) => b.map(() => null)));
  for (const c of [balance, jump] as AnyCase[]) {
    const dv = c.judge({ measurement: dead, prediction: c.predict(cfg) }, cfg, judgeContext(0));
    assert.equal(dv.status, "inconclusive", `${c.id}: ${JSON.stringify(dv.checks)}`);
  }
});

Deno.test("fl: claim constants are not config (--set cannot change them)", () => {
  for (const c of [balance, jump] as AnyCase[]) {
    const shape = (c.configSchema as unknown as { shape: Record<string, unknown> }).shape;
    for (
      const k of ["slopeBand", "balanceBand", "sharpnessRatioMin", "accuracyLevel", "thresholdBand"]
    ) {
      assert.ok(!(k in shape), `${c.id}: ${k} is config`);
    }
    for (const k of Object.keys(shape)) assert.ok(k in c.params, `${c.id}: ${k} undeclared`);
    for (const k of Object.keys(c.params)) {
      assert.ok(k in shape, `${c.id}: param ${k} is not config`);
    }
  }
  assert.throws(
    () => resolveConfig(balance, "quick", { slopeBand: [0, 100] }),
    /part of the claim of fl\.balance/,
  );
  assert.throws(
    () => resolveConfig(jump, "quick", { sharpnessRatioMin: 1 }),
    /part of the claim of fl\.jump/,
  );
});

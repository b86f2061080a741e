import { judgeContext } from "../judge.ts";
import assert from "node:assert/strict";
import { balance } from "./balance.ts";
import { jump } from "./jump.ts";
import { type FlMeasurement, flUnits } from "./_experiment.ts";
import {
  CLASSIFIER_ONLY_FIELDS,
  DIFFUSION_ONLY_FIELDS,
  type FlConfig,
  flFields,
  JUDGE_ONLY_FIELDS,
  SHARED_TRAINING_FIELDS,
} from "./_common.ts";
import { sharpnessRatio } from "./jump.ts";
import { SATISFYING, syntheticFlMeasurement } from "./judge_fixtures.ts";
import { decodeStored, storeMeasurement } from "../judge.ts";
import { makeTestContext, runFingerprint } from "../testing.ts";
import { resolveConfig } from "../config.ts";
import type { AnyCase, CaseContext } from "../case.ts";

const smoke = (c: AnyCase) => resolveConfig(c, "smoke", {}) as FlConfig & Record<string, unknown>;

const NO_ERRORS = "4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945";

// The hashes were recorded by running the same configs through the experiment before it was split
// into work units (a memoised whole-experiment run, commit 345e1d7; its measurement also held the
// training seconds, a timing, left out of the hash): the measurement assembled from the units is
// that measurement, bit for bit, with the same run errors. 7 seeds: two seed
// batches per (model, n); lrDiffusion/lrClassifier 100 and lrDiffusion 0.2: failing runs.
const BEFORE_UNITS: [string, Record<string, unknown>, number[], number, string, number, string][] =
  [
    [
      "3 seeds",
      {},
      [0, 1, 2],
      0,
      "aa3d4eddd36361ddc678dc1a53a96185b70f2ca0a1bf2a9552223ba3267ec994",
      0,
      NO_ERRORS,
    ],
    [
      "7 seeds",
      {},
      [0, 1, 2, 3, 4, 5, 6],
      0,
      "156f52e617751aae009607cc661719eed2926ef229ce8266724948dcb71116d3",
      0,
      NO_ERRORS,
    ],
    [
      "sigma0Classifier 0.1",
      { sigma0Classifier: 0.1 },
      [0, 1, 2],
      0,
      "716ddb8efb6dbba34d485a2ccd1c7b41472eaad8b54475cc94ab95a3799f180b",
      0,
      NO_ERRORS,
    ],
    [
      "both lr 100, base seed 7",
      { lrDiffusion: 100, lrClassifier: 100 },
      [7, 8, 9, 10, 11, 12],
      7,
      "ab73fac4cc965718e2b717e921f0789ff61e25161f34936a789acd2879d3f625",
      32,
      "2c6fca95322ba0af9f3462590846a0bb5c32ca85cb3372d6f71fd5f09bc5bb42",
    ],
    [
      "lrDiffusion 0.2",
      { lrDiffusion: 0.2 },
      [10, 11, 12],
      0,
      "d444036b2f4b8cb6198c7c2219e256b238b3f1e2604a4c39a808d1946e7860bc",
      3,
      "fcf510c8829ac9fe2404822b7325e7b2f63c3573e8a9ced0fe9e081d6ab09b45",
    ],
  ];

Deno.test("fl units: the assembled measurement equals the pre-units experiment bit for bit (smoke, CPU)", async () => {
  for (
    const [i, [name, set, seeds, baseSeed, measurement, errors, errorsHash]] of BEFORE_UNITS
      .entries()
  ) {
    // the two cases run the same units: both on the first config, fl.balance on the others
    for (const c of (i === 0 ? [balance, jump] : [balance]) as AnyCase[]) {
      assert.deepEqual(
        await runFingerprint(c, { ...smoke(c), ...set }, seeds, { baseSeed, omit: ["seconds"] }),
        { measurement, errors, errorsHash },
        `${c.id}, ${name}`,
      );
    }
  }
});

Deno.test("fl cases: verdicts of a smoke run are deterministic and judged from the stored form", async () => {
  for (const c of [balance, jump] as AnyCase[]) {
    const cfg = smoke(c);
    const run = async () => {
      const measurement = await c.run(makeTestContext({ seeds: [0, 1, 2] }), cfg as never);
      return c.judge(
        {
          measurement: decodeStored(c, storeMeasurement(c, measurement)),
          prediction: c.predict(cfg),
        },
        cfg,
        judgeContext(0),
      );
    };
    assert.equal(JSON.stringify(await run()), JSON.stringify(await run()));
  }
});

/** A unit store as the runner keeps one: results by (namespace or case, version, config, key). */
class UnitStore {
  readonly results = new Map<string, unknown>();
  trained: string[] = [];
  async measure(c: AnyCase, config: Record<string, unknown>, ctx: CaseContext) {
    const u = c.units!;
    const scope = u.share
      ? [u.share.namespace, u.share.version, u.share.config(config)]
      : [c.id, c.version, config];
    const parts = [];
    for (const unit of u.plan(config, ctx.seeds)) {
      const id = JSON.stringify([...scope, unit.key]);
      if (!this.results.has(id)) {
        const result = await u.run({ ...ctx, seeds: unit.seeds }, config, unit);
        this.results.set(id, u.resultSchema.parse(JSON.parse(JSON.stringify(result))));
        this.trained.push(unit.key);
      }
      parts.push({ unit, result: this.results.get(id) });
    }
    return u.assemble(config, parts) as FlMeasurement;
  }
}

Deno.test("fl units: the two cases share every unit through a unit store and report their checks and charts", async () => {
  const cb = smoke(balance), cj = smoke(jump);
  const seeds = [0, 1, 2, 3, 4, 5, 6];
  const plan = balance.units!.plan(cb, seeds);
  // per model × n × batch of seeds: 2 × 1 × 2 at the smoke profile with 7 seeds
  assert.deepEqual(plan.map((u) => u.key.split(";").slice(0, 3).join(";")), [
    "diffusion;n=8;seeds=0-4",
    "diffusion;n=8;seeds=5-6",
    "classifier;n=8;seeds=0-4",
    "classifier;n=8;seeds=5-6",
  ]);
  assert.equal(plan.reduce((s, u) => s + u.cost, 0), balance.estimateSeconds({ ...cb, seeds: 7 }));
  assert.deepEqual(jump.units!.plan(cj, seeds), plan);
  assert.equal(balance.units, jump.units);
  const store = new UnitStore();
  const ctx = makeTestContext({ seeds });
  const mb = await store.measure(balance, cb, ctx);
  const mj = await store.measure(jump, cj, ctx);
  assert.equal(store.trained.length, plan.length, "fl.jump trains nothing: it reuses every unit");
  assert.deepEqual(mj, mb);
  // through the store (JSON and back) the measurement is the one of an in-process run
  const direct = await balance.run(makeTestContext({ seeds }), cb as never);
  assert.deepEqual(mb, direct);
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
  // training times are the units' timings, not part of the measurement
  assert.ok(ctx.timings["fl.diffusion.train"] > 0 && ctx.timings["fl.classifier.train"] > 0);
  assert.ok(!("seconds" in mb));
});

Deno.test("fl units: a classifier-init alternative retrains only the classifier's units; judge-only fields none", async () => {
  const cfg = smoke(jump);
  const store = new UnitStore();
  const ctx = makeTestContext({ seeds: [0, 1, 2] });
  const a = await store.measure(jump, cfg, ctx);
  store.trained = [];
  const b = await store.measure(jump, { ...cfg, sigma0Classifier: 0.1 }, ctx);
  assert.deepEqual(store.trained.map((k) => k.split(";")[0]), ["classifier"]);
  assert.deepEqual(a.diffusion, b.diffusion, "the diffusion model is not retrained");
  assert.notDeepEqual(a.classifier.S, b.classifier.S, "the classifier is retrained");
  // measured like a fresh in-process run of the alternative (what measureAlternatives does)
  const fresh = await jump.run(makeTestContext({ seeds: [0, 1, 2] }), {
    ...cfg,
    sigma0Classifier: 0.1,
  } as never);
  assert.deepEqual(b, fresh);
  store.trained = [];
  await store.measure(jump, { ...cfg, measureAt: 0.5, resamples: 300, paperGrid: [0.1, 3] }, ctx);
  assert.deepEqual(store.trained, [], "judge-only fields need no training");
  store.trained = [];
  await store.measure(jump, { ...cfg, diffusionTime: 1 }, ctx);
  assert.deepEqual(store.trained.map((k) => k.split(";")[0]), ["diffusion"]);
  store.trained = [];
  await store.measure(jump, { ...cfg, d: 20 }, ctx);
  assert.deepEqual(store.trained.map((k) => k.split(";")[0]), ["diffusion", "classifier"]);
  for (const k of [balance, jump] as AnyCase[]) decodeStored(k, storeMeasurement(k, a));
  // results written before work units held the training seconds: they still decode
  const legacy = {
    ...(storeMeasurement(jump, a) as object),
    seconds: { diffusion: 1, classifier: 2 },
  };
  assert.deepEqual((decodeStored(jump, legacy) as FlMeasurement).seconds, {
    diffusion: 1,
    classifier: 2,
  });
  const bad = structuredClone(storeMeasurement(jump, a)) as { grid: number[] };
  bad.grid.push(99);
  assert.throws(() => decodeStored(jump, bad), /does not match its schema/);
});

Deno.test("fl units: every config field is judge-only, one model's, shared, or a key part", () => {
  const all = [
    ...JUDGE_ONLY_FIELDS,
    ...DIFFUSION_ONLY_FIELDS,
    ...CLASSIFIER_ONLY_FIELDS,
    ...SHARED_TRAINING_FIELDS,
    "ns",
    "seeds",
  ];
  assert.deepEqual([...all].sort(), Object.keys(flFields).sort());
  assert.equal(new Set(all).size, all.length);
  const cfg = smoke(balance);
  assert.deepEqual(Object.keys(flUnits.share!.config(cfg)), [...SHARED_TRAINING_FIELDS]);
});

Deno.test("fl units: each unit records its own run errors and timings; results are JSON-safe", async () => {
  const cfg = { ...smoke(balance), lrDiffusion: 0.2 };
  const plan = flUnits.plan(cfg, [10, 11, 12]);
  const errs: number[] = [];
  for (const unit of plan) {
    const ctx = makeTestContext({ seeds: [...unit.seeds] });
    const r = await flUnits.run(ctx, cfg, unit);
    assert.deepEqual(flUnits.resultSchema.parse(JSON.parse(JSON.stringify(r))), r);
    assert.deepEqual(Object.keys(ctx.timings), [`fl.${unit.part!.model}.train`]);
    assert.ok(ctx.runErrors.every((e) => e.run.startsWith(`${unit.part!.model} n=8 `)));
    errs.push(ctx.runErrors.length);
  }
  assert.deepEqual(errs, [3, 0], "the diffusion unit's runs fail, the classifier's do not");
  assert.throws(() => flUnits.plan({ ...cfg, ns: [8, 8] }, [0]), /ns holds 8 twice/);
  assert.throws(
    () => flUnits.assemble(cfg, []),
    /diffusion n=8 has seeds \[\]/,
  );
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

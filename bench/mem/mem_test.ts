import { judgeContext } from "../judge.ts";
import assert from "node:assert/strict";
import { adjacentDrops, decisiveDrop, transition } from "./transition.ts";
import { fixtures } from "./judge_fixtures.ts";
import type { DimMeasurement } from "./_experiment.ts";
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
  console.log(`precision: mem.transition smoke, Δ signs equal on ${same}/${total}`);
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
      /largest drop of P between adjacent n\/d at d=8/,
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

const judgeOf = (c: AnyCase, m: unknown, cfg: Record<string, unknown>) =>
  c.judge({ measurement: m, prediction: c.predict(cfg) }, cfg, judgeContext(0));

Deno.test("mem cases: when every run fails the verdict is inconclusive, every check unmeasured, no finding claims a shape", async () => {
  for (const c of [transition, hellingerOnset] as AnyCase[]) {
    const cfg = resolveConfig(c, "smoke", { dataMean: 1e308 });
    const ctx = makeTestContext({ seeds: [0, 1, 2] });
    const m = await c.run(ctx, cfg as never);
    assert.ok(ctx.runErrors.length > 0, "the runs fail");
    const v = judgeOf(c, m, cfg);
    assert.equal(v.status, "inconclusive", c.id);
    for (const k of v.checks) {
      assert.equal(k.status, "inconclusive", `${c.id}: ${k.name}`);
      assert.match(k.reason, /failed|measured/, `${c.id}: ${k.name}: ${k.reason}`);
    }
    for (const f of v.findings) {
      assert.match(f, /every run failed/, `${c.id}: finding on no data: ${f}`);
      assert.doesNotMatch(f, /monotone|no drop|H² ≥ 0\.99/, `${c.id}: ${f}`);
    }
  }
});

Deno.test("mem.transition: a width that P never closes on the grid is censored: the width check is inconclusive, never a pass", () => {
  const cfg = resolveConfig(transition, "quick", {});
  // the smallest d's P never reaches 0.9 (stays at 0.8 above n/d = 1): its width is +∞
  const m = transition.measurementSchema!.parse(
    (fixtures[0].satisfying(cfg) as DimMeasurement[]).map((dm, k) => {
      if (k > 0) return dm;
      const rows = dm.conventions.bbT!.deltaPositive.map((row, t) =>
        row.map((v, j) => (dm.ratios[j] > 1 && t % 5 === 0 ? 0 : v))
      );
      return {
        ...dm,
        conventions: { ...dm.conventions, bbT: { ...dm.conventions.bbT!, deltaPositive: rows } },
      };
    }),
  );
  const v = judgeOf(transition, m, cfg);
  const w = v.checks.find((k) => k.primary && /^width\(/.test(k.name))!;
  assert.equal(w.status, "inconclusive", JSON.stringify(w));
  assert.equal(w.value, -Infinity);
  assert.match(w.note, /right-censored/);
  assert.ok(v.findings.some((f) => /d=8: .*width not measured \(P never reaches 0\.9/.test(f)));
  assert.notEqual(v.status, "reproduced");
});

Deno.test("mem.transition: the drop check's interval is simultaneous and never zero-width on saturated curves", () => {
  // P = 0 at the first two points and 1 at the last two: drops of exactly 0 still have a CI
  const rows = Array.from({ length: 100 }, () => [0, 0, 1, 1] as (0 | 1)[]);
  const drops = adjacentDrops(rows, [0.5, 1, 2, 4]);
  assert.equal(drops.length, 3);
  for (const d of drops) assert.ok(d.est.hi > d.est.lo, JSON.stringify(d));
  assert.equal(decisiveDrop(drops, 0.1)!.est.value, 0);
  assert.ok(decisiveDrop(drops, 0.1)!.est.hi < 0.1, "a flat saturated curve is monotone");
  const falling = Array.from({ length: 100 }, (_, t) => [0, 1, t < 20 ? 1 : 0, 1] as (0 | 1)[]);
  const worst = decisiveDrop(adjacentDrops(falling, [0.5, 1, 2, 4]), 0.1)!;
  assert.equal(worst.from, 1);
  assert.ok(worst.est.lo > 0.1, "a drop from 1 to 0.2 is beyond the tolerance");
});

Deno.test("mem: the schema's default original-set size N is the quick and full profiles' N", () => {
  for (const c of [transition, hellingerOnset] as AnyCase[]) {
    const shape =
      (c.configSchema as unknown as { shape: Record<string, { parse(x: unknown): unknown }> })
        .shape;
    const N = shape.originalSize.parse(undefined);
    assert.equal(N, c.profiles.quick.originalSize, c.id);
    assert.equal(N, c.profiles.full.originalSize, c.id);
  }
});

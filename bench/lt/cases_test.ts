import { judgeContext } from "../judge.ts";
import assert from "node:assert/strict";
import { makeTestContext } from "../testing.ts";
import { cases } from "./mod.ts";
import { ChartSchema, VerdictSchema } from "../../reports/schema.ts";
import { rejectClaimOverrides } from "../config.ts";
import { UsageError } from "../usage_error.ts";
import { fixtures } from "./judge_fixtures.ts";

for (const c of cases) {
  Deno.test(`${c.id}: smoke run is bit-identical across runs and yields a valid verdict, charts and tables`, async () => {
    const cfg = c.configSchema.parse(c.profiles.smoke);
    const seeds = Array.from({ length: c.defaultSeeds(cfg) }, (_, i) => i);
    const m1 = await c.run(makeTestContext({ seeds }), cfg);
    const m2 = await c.run(makeTestContext({ seeds }), cfg);
    assert.deepEqual(JSON.stringify(m1), JSON.stringify(m2));
    const out = { measurement: m1, prediction: c.predict(cfg) };
    const v = c.judge(out, cfg, judgeContext(0));
    VerdictSchema.parse(JSON.parse(JSON.stringify(v))); // the results file stores ±Infinity as null
    assert.ok(v.checks.length >= 1);
    for (const ch of c.charts(out, cfg, v)) ChartSchema.parse(JSON.parse(JSON.stringify(ch)));
    c.tables?.(out, cfg, v);
  });
}

Deno.test("lt configs are strict and every field is described", () => {
  for (const c of cases) {
    assert.throws(() => c.configSchema.parse({ notAField: 1 }));
    const shape =
      (c.configSchema as unknown as { shape: Record<string, { description?: string }> }).shape;
    for (const [k, f] of Object.entries(shape)) {
      assert.ok(f.description, `${c.id}.${k} lacks a description`);
    }
    for (const p of ["smoke", "quick", "full"] as const) c.configSchema.parse(c.profiles[p]);
  }
});

Deno.test("lt params declare every config field and nothing else", () => {
  for (const c of cases) {
    const shape = (c.configSchema as unknown as { shape: Record<string, unknown> }).shape;
    assert.deepEqual(Object.keys(shape).filter((k) => !c.params[k]), [], `${c.id}: undeclared`);
    assert.deepEqual(Object.keys(c.params).filter((k) => !(k in shape)), [], `${c.id}: not config`);
  }
});

Deno.test("lt claims are fixed: their bands cannot be overridden and state the β convention", () => {
  for (const key of ["exponentBand", "armBand", "tailTolerance", "differenceBand"]) {
    assert.throws(() => rejectClaimOverrides(cases, { [key]: [0, 100] }), UsageError);
  }
  for (const c of cases) assert.match(String(c.claimSpec?.betaConvention), /β\/K per other class/);
});

Deno.test("lt judges: when every run failed (all NaN) the verdict is inconclusive, never a decision", () => {
  const nanify = (v: unknown): unknown =>
    typeof v === "number" ? NaN : Array.isArray(v) ? v.map(nanify) : v;
  for (const f of fixtures) {
    const c = cases.find((x) => x.id === f.caseId)!;
    const cfg = c.configSchema.parse(c.profiles.quick);
    const m = f.satisfying(cfg) as Record<string, unknown>;
    for (const k of ["best", "gap", "fd", "worst"]) if (k in m) m[k] = nanify(m[k]);
    const v = c.judge({ measurement: m, prediction: c.predict(cfg) }, cfg, judgeContext(0));
    assert.equal(v.status, "inconclusive", `${c.id}: ${JSON.stringify(v.checks)}`);
  }
});

Deno.test("lt charts draw every judge fixture (the samples a run kept, whichever β is best)", () => {
  for (const f of fixtures) {
    const c = cases.find((x) => x.id === f.caseId)!;
    const cfg = c.configSchema.parse(c.profiles.smoke);
    for (const make of [f.satisfying, ...f.violating.map((v) => v.measurement)]) {
      const out = { measurement: make(cfg as Record<string, unknown>), prediction: c.predict(cfg) };
      const v = c.judge(out as never, cfg, judgeContext(0));
      for (const ch of c.charts(out as never, cfg, v)) {
        ChartSchema.parse(JSON.parse(JSON.stringify(ch)));
      }
    }
  }
});

import assert from "node:assert/strict";
import { z } from "../deps.ts";
import { type AnyCase, defineCase } from "./case.ts";
import { check, verdict } from "./verdict.ts";
import { judgeContext, robustnessOf, storeMeasurement } from "./judge.ts";

/** A case whose statistic is `level` of its measurement: reproduced only when both knobs are on. */
const knobs = defineCase<{ run: boolean; window: boolean }, { level: number }, null>({
  id: "t.knobs",
  paper: "test",
  claim: "test",
  version: 1,
  claimSpec: { band: [1, 2] },
  measurementSchema: z.object({ level: z.number() }),
  configSchema: z.object({
    run: z.boolean().default(false).describe("a choice that needs a run"),
    window: z.boolean().default(false).describe("a judge-only choice"),
  }).strict(),
  profiles: { smoke: {}, quick: {}, full: {} },
  params: { run: { source: "ours", note: "t" }, window: { source: "ours", note: "t" } },
  alternatives: [
    { choice: "run", values: [true], needs: "run", runIn: ["quick"], note: "t" },
    { choice: "window", values: [true], needs: "judge", note: "t" },
  ],
  estimateSeconds: () => 0,
  defaultSeeds: () => 1,
  run: (_ctx, c) => Promise.resolve({ level: c.run ? 0.8 : 0 }),
  predict: () => null,
  judge: ({ measurement: m }, c) => {
    const v = m.level + (c.window ? 0.5 : 0);
    return verdict([check("level", { value: v, lo: v - 0.1, hi: v + 0.1 }, [1, 2])]);
  },
  charts: () => [],
}) as AnyCase;

Deno.test("robustness: a measured alternative is also judged under every judge-only alternative", () => {
  const config = { run: false, window: false };
  const j = judgeContext(0);
  const base = knobs.judge({ measurement: { level: 0 }, prediction: null }, config, j);
  const alternatives = [{
    choice: "run",
    value: true,
    measurement: storeMeasurement(knobs, { level: 0.8 }),
  }];
  const r = robustnessOf(knobs, { level: 0 }, config, base, j, alternatives, "quick")!;
  // one at a time neither knob turns the verdict; together they do
  const row = (choice: string) => r.rows.find((x) => x.choice === choice && !x.isDefault);
  assert.equal(row("run")?.status, "not reproduced");
  assert.equal(row("window")?.status, "not reproduced");
  assert.equal(row("run × window")?.status, "reproduced");
  assert.deepEqual(row("run × window")?.value, { run: true, window: true });
  assert.deepEqual(r.dependsOn, ["run × window"]);
  assert.equal(r.label, "depends on run × window");
});

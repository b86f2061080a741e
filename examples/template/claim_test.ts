import assert from "node:assert/strict";
import { judgeContext, makeTestContext } from "claimbench";
import { claim, type ClaimConfig, type ClaimMeasurement } from "./claim.ts";

const config: ClaimConfig = claim.configSchema.parse(claim.profiles.quick);

/** Five seeds whose RMS error is n^k times a little seeded noise. */
function synthetic(k: number): ClaimMeasurement {
  const rmse = Array.from(
    { length: 5 },
    (_, s) => config.ns.map((n, j) => n ** k * (1 + 0.03 * Math.sin(3 * s + j))),
  );
  return { ns: [...config.ns], seeds: [0, 1, 2, 3, 4], rmse };
}

const judge = (m: ClaimMeasurement) =>
  claim.judge({ measurement: m, prediction: claim.predict(config) }, config, judgeContext(0));

Deno.test("the judge reproduces a measurement that follows the theory", () => {
  assert.equal(judge(synthetic(-0.5)).status, "reproduced");
});

Deno.test("the judge rejects a measurement that violates the claim", () => {
  assert.equal(judge(synthetic(-1)).status, "not reproduced");
});

Deno.test("the smoke profile runs and gives a verdict", async () => {
  const c = claim.configSchema.parse(claim.profiles.smoke);
  const m = await claim.run(makeTestContext({ seeds: [0, 1, 2] }), c);
  const v = claim.judge({ measurement: m, prediction: claim.predict(c) }, c, judgeContext(0));
  assert.ok(["reproduced", "not reproduced", "inconclusive"].includes(v.status));
});

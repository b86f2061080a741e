import assert from "node:assert/strict";
import { judgeContext, makeTestContext } from "claimbench";
import {
  type DoubleDescentConfig,
  type DoubleDescentMeasurement,
  minNormPeak,
} from "./double_descent.ts";
import { asymptoticRisk } from "./min_norm.ts";

const config = (over: Partial<DoubleDescentConfig> = {}): DoubleDescentConfig =>
  minNormPeak.configSchema.parse({ ...minNormPeak.profiles.quick, ...over });

/** Ten seeds whose risk is `f(theory at n)` times a little seeded noise. */
function synthetic(c: DoubleDescentConfig, f: (theory: number, ratio: number) => number) {
  const ns = c.ratios.map((r) => Math.round(r * c.p));
  const risk = Array.from(
    { length: 10 },
    (_, s) =>
      ns.map((n, j) =>
        f(asymptoticRisk(c.p / n, c.r2, c.sigma2), c.ratios[j]) * (1 + 0.05 * Math.sin(7 * s + j))
      ),
  );
  return { p: c.p, ns, seeds: [...Array(10).keys()], risk } as DoubleDescentMeasurement;
}

function judge(m: DoubleDescentMeasurement, c = config()) {
  return minNormPeak.judge(
    { measurement: m, prediction: minNormPeak.predict(c) },
    c,
    judgeContext(0),
  );
}

Deno.test("double descent judge: the theory's curve is reproduced", () => {
  const v = judge(synthetic(config(), (t) => t));
  assert.equal(v.status, "reproduced", JSON.stringify(v.checks));
});

Deno.test("double descent judge: no peak at n = p fails the peak check", () => {
  // risk falling monotonically in n: no peak at the threshold
  const v = judge(synthetic(config(), (_t, r) => 1 / r));
  assert.equal(v.status, "not reproduced");
  assert.equal(v.checks[0].status, "not reproduced");
});

Deno.test("double descent judge: three times the theory's level fails the agreement check", () => {
  const v = judge(synthetic(config(), (t) => 3 * t));
  assert.equal(v.status, "not reproduced");
  assert.equal(v.checks[1].status, "not reproduced");
});

Deno.test("double descent: the smoke profile runs and peaks next to n = p", async () => {
  const c = minNormPeak.configSchema.parse(minNormPeak.profiles.smoke);
  const m = await minNormPeak.run(makeTestContext({ seeds: [0, 1, 2, 3, 4, 5] }), c);
  assert.equal(m.risk.length, 6);
  const v = minNormPeak.judge(
    { measurement: m, prediction: minNormPeak.predict(c) },
    c,
    judgeContext(0),
  );
  assert.notEqual(v.checks[0].status, "not reproduced", JSON.stringify(v.checks));
});

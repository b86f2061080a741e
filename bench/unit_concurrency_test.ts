import assert from "node:assert/strict";
import { runOf, unitsCase } from "./_fake_case_test_util.ts";
import { busySeconds } from "./case_assembly.ts";
import { ownSeconds, REUSED_UNITS_TIMING } from "./estimate.ts";

Deno.test("units run at once when a case asks (units.concurrency): the same results as one at a time", async () => {
  const one = { now: 0, max: 0 }, three = { now: 0, max: 0 };
  const a = await runOf([unitsCase("t.serial", { perUnit: 1, inFlight: one })]);
  const b = await runOf([
    unitsCase("t.serial", { perUnit: 1, inFlight: three, concurrency: 3 }),
  ]);
  assert.equal(one.max, 1, "without concurrency the units run one after another");
  assert.equal(three.max, 3, "with concurrency 3, three units were in progress together");
  const ca = a.results.cases["t.serial"], cb = b.results.cases["t.serial"];
  assert.equal(cb.status, "done");
  assert.deepEqual(cb.measurement, ca.measurement);
  assert.deepEqual(cb.verdict, ca.verdict);
  assert.deepEqual(cb.runErrors, ca.runErrors);
});

Deno.test("a failed unit among concurrent ones fails its case, with the unit's message", async () => {
  const { results } = await runOf([
    unitsCase("t.fail", { perUnit: 1, concurrency: 2, failKey: "seeds=3-3" }),
  ]);
  const r = results.cases["t.fail"];
  assert.equal(r.status, "error");
  assert.match(r.error?.message ?? "", /unit seeds=3-3 exploded/);
});

Deno.test("busySeconds: serial units add their run times, overlapping ones count once", () => {
  const at = (s: number) => new Date(Date.UTC(2026, 11, 2, 12, 0, s)).toISOString();
  const serial = [{ startedAt: at(0), durationS: 2 }, { startedAt: at(3), durationS: 4 }];
  assert.equal(busySeconds(serial), 6);
  const overlapping = [
    { startedAt: at(0), durationS: 5 },
    { startedAt: at(1), durationS: 5 },
    { startedAt: at(20), durationS: 1 },
  ];
  assert.equal(busySeconds(overlapping), 7);
  assert.equal(busySeconds([{ startedAt: "not a date", durationS: 3 }, ...serial]), 9);
  assert.equal(busySeconds([]), 0);
});

Deno.test("a case that reuses units which ran at once spends ≥ 0 s itself (its reused time is their union too)", async () => {
  const share = "t.shared";
  const { results } = await runOf([
    unitsCase("t.owner", { perUnit: 1, share, concurrency: 3, inFlight: { now: 0, max: 0 } }),
    unitsCase("t.reuser", { perUnit: 1, share, concurrency: 3 }),
  ]);
  const r = results.cases["t.reuser"];
  const reused = r.timings[REUSED_UNITS_TIMING];
  assert.ok(reused > 0, "the reuser's units were all reused");
  assert.ok(ownSeconds(r) >= 0, `own seconds ${ownSeconds(r)}`);
  assert.ok(reused <= results.cases["t.owner"].durationS + 1e-9);
});

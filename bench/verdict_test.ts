import assert from "node:assert/strict";
import { check, degenerateReason, unmeasuredCheck, verdict } from "./verdict.ts";

const est = (value: number, lo: number, hi: number) => ({ value, lo, hi });

Deno.test("a check decides only when it could have come out either way", () => {
  assert.equal(check("in", est(1, 0.9, 1.1), [0.5, 2]).status, "reproduced");
  assert.equal(check("out", est(3, 2.9, 3.1), [0.5, 2]).status, "not reproduced");
  assert.equal(check("straddles", est(2, 1.9, 2.1), [0.5, 2]).status, "inconclusive");
  // one open end is fine: the finite edge can fail it
  assert.equal(check("one-sided", est(5, 4, 6), [3, Infinity]).status, "reproduced");
  assert.equal(check("one-sided fail", est(1, 0.5, 2), [3, Infinity]).status, "not reproduced");
  // a CI censored on the open side is fine too
  assert.equal(check("censored open", est(5, 4, Infinity), [3, Infinity]).status, "reproduced");
});

Deno.test("degenerate checks are inconclusive with the reason, never a pass or a fail", () => {
  const cases: [string, ReturnType<typeof est>, [number, number], RegExp][] = [
    ["open band", est(1, 0.9, 1.1), [-Infinity, Infinity], /open on both sides/],
    ["NaN value", est(NaN, 0, 1), [0, 2], /undefined/],
    ["NaN CI", est(1, NaN, 1.2), [0, 2], /undefined/],
    ["+inf value", est(Infinity, 3, Infinity), [3, Infinity], /\+∞/],
    ["-inf value (width shrinks)", est(-Infinity, -Infinity, -1), [-Infinity, 0], /−∞/],
    ["zero width", est(0, 0, 0), [0, 0], /zero width/],
    ["zero width outside", est(2, 2, 2), [0, 0], /zero width/],
    ["censored below a finite edge", est(1, -Infinity, 1.5), [0.5, 2], /censored/],
    ["censored above a finite edge", est(1, 0.7, Infinity), [0.5, 2], /censored/],
  ];
  for (const [name, e, band, re] of cases) {
    const k = check(name, e, band);
    assert.equal(k.status, "inconclusive", name);
    assert.match(k.reason, re, name);
    assert.match(degenerateReason(e, band) ?? "", re, name);
  }
  // censored beyond the far edge of the band: the data itself lies outside
  assert.equal(check("censored far", est(9, 8, Infinity), [0.5, 2]).status, "not reproduced");
});

Deno.test("a verdict without primary checks, or with an unmeasured one, is inconclusive", () => {
  assert.equal(
    verdict([check("x", est(1, 0.9, 1.1), [0, 2], { primary: false })]).status,
    "inconclusive",
  );
  const v = verdict([
    check("x", est(1, 0.9, 1.1), [0, 2]),
    unmeasuredCheck("y", [0, 1], "every run failed"),
  ]);
  assert.equal(v.status, "inconclusive");
  assert.equal(v.checks[1].reason, "every run failed");
  assert.throws(() => check("empty", est(1, 0.9, 1.1), [2, 0.5]), /band is empty/);
});

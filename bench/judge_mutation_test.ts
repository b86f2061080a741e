/**
 * Mutation tests of every case's judge, and the registry-wide integrity rules:
 * - every case declares its claim's fixed part, a measurement schema and robustness alternatives
 *   (of config fields tagged "ours" only: the paper's values and the claim are never varied);
 * - a synthetic measurement that satisfies the claim is judged "reproduced";
 * - for each primary check, a synthetic measurement that violates it is judged "not reproduced",
 *   with that check "not reproduced";
 * - no primary check anywhere has a band open on both sides.
 */
import assert from "node:assert/strict";
import { ALL_CASES } from "./registry.ts";
import { resolveConfig } from "./config.ts";
import { decodeStored, judgeMeasurement, storeMeasurement } from "./judge.ts";
import { JUDGE_FIXTURES } from "./judge_fixtures.ts";
import type { AnyCase } from "./case.ts";
import type { Check, Verdict } from "../reports/schema.ts";

function judgeSynthetic(c: AnyCase, m: unknown, config: Record<string, unknown>): Verdict {
  // through the stored form, as the runner and rejudge judge it
  const decoded = decodeStored(c, storeMeasurement(c, m));
  return judgeMeasurement(c, decoded, config, {
    baseSeed: 0,
    alternatives: [],
    profile: "quick",
  }).verdict;
}

const primaryChecks = (v: Verdict): Check[] => v.checks.filter((k) => k.primary);
const describe = (v: Verdict) =>
  v.checks.map((k) =>
    `  ${
      k.primary ? "P" : "i"
    } ${k.name}: ${k.status} ${k.value} [${k.ci}] band [${k.band}] ${k.reason}`
  ).join("\n");

Deno.test("every case declares its claim, a measurement schema and alternatives of its own choices", () => {
  for (const c of ALL_CASES) {
    assert.ok(c.claimSpec && Object.keys(c.claimSpec).length, `${c.id}: no claimSpec`);
    assert.ok(c.measurementSchema, `${c.id}: no measurementSchema`);
    assert.ok(c.alternatives?.length, `${c.id}: no declared alternatives`);
    for (const a of c.alternatives ?? []) {
      assert.equal(
        c.params[a.choice]?.source,
        "ours",
        `${c.id}: alternative ${a.choice} is not a config field tagged "ours"`,
      );
      assert.ok(a.values.length, `${c.id}: alternative ${a.choice} has no values`);
    }
    for (const key of Object.keys(c.claimSpec ?? {})) {
      const shape = (c.configSchema as unknown as { shape?: Record<string, unknown> }).shape ?? {};
      assert.ok(!(key in shape), `${c.id}: claim field ${key} is also a config field`);
    }
  }
});

Deno.test("mutation tests: every primary check of every case is shown to pass and to fail", () => {
  let passed = 0, failed = 0;
  const missing = ALL_CASES.filter((c) => !JUDGE_FIXTURES.some((f) => f.caseId === c.id));
  assert.deepEqual(missing.map((c) => c.id), [], "cases without judge fixtures");
  for (const f of JUDGE_FIXTURES) {
    const c = ALL_CASES.find((x) => x.id === f.caseId);
    assert.ok(c, `fixture for unknown case ${f.caseId}`);
    const config = resolveConfig(c, f.profile ?? "quick", {});
    const ok = judgeSynthetic(c, f.satisfying(config), config);
    assert.equal(ok.status, "reproduced", `${c.id}: satisfying measurement:\n${describe(ok)}`);
    const primaries = primaryChecks(ok);
    assert.ok(primaries.length, `${c.id}: no primary check`);
    passed += primaries.length;
    for (const k of primaries) {
      assert.ok(
        f.violating.some((v) => v.check.test(k.name)),
        `${c.id}: no violating measurement for primary check "${k.name}"`,
      );
    }
    for (const v of f.violating) {
      const bad = judgeSynthetic(c, v.measurement(config), config);
      assert.equal(
        bad.status,
        "not reproduced",
        `${c.id}: measurement violating ${v.check}:\n${describe(bad)}`,
      );
      const hit = primaryChecks(bad).filter((k) => v.check.test(k.name));
      assert.ok(hit.length, `${c.id}: ${v.check} matches no primary check`);
      for (const k of hit) {
        assert.equal(k.status, "not reproduced", `${c.id}: ${k.name}:\n${describe(bad)}`);
      }
      failed += hit.length;
    }
  }
  console.log(
    `mutation tests: ${passed} primary checks shown to pass and ${failed} shown to fail, over ${JUDGE_FIXTURES.length} cases`,
  );
});

Deno.test("no primary check of any case has a band open on both sides", () => {
  let n = 0;
  for (const f of JUDGE_FIXTURES) {
    const c = ALL_CASES.find((x) => x.id === f.caseId)!;
    const config = resolveConfig(c, f.profile ?? "quick", {});
    const verdicts = [f.satisfying(config), ...f.violating.map((v) => v.measurement(config))]
      .map((m) => judgeSynthetic(c, m, config));
    for (const v of verdicts) {
      for (const k of primaryChecks(v)) {
        n++;
        const [lo, hi] = k.band;
        assert.ok(
          (lo !== null && lo > -Infinity) || (hi !== null && hi < Infinity),
          `${c.id}: primary check "${k.name}" has the band (−∞, ∞)`,
        );
      }
    }
  }
  console.log(`band rule: ${n} primary checks inspected, none with a band open on both sides`);
});

import assert from "node:assert/strict";
import { caseSeeds, MAX_SEEDS, parseBaseSeed, parseSeedsOption } from "./seeds.ts";
import { UsageError } from "./usage_error.ts";
import { closestId, selectCases } from "./registry.ts";

Deno.test("--seeds and --base-seed: whole numbers within bounds, else usage errors", () => {
  assert.equal(parseSeedsOption(undefined), null);
  assert.equal(parseSeedsOption("12"), 12);
  assert.equal(parseBaseSeed("9007199254740991"), Number.MAX_SAFE_INTEGER);
  const bad: [string, (s: string) => unknown][] = [
    ["1e300", parseSeedsOption],
    ["1", parseSeedsOption],
    [String(MAX_SEEDS + 1), parseSeedsOption],
    ["2.5", parseSeedsOption],
    ["0x10", parseSeedsOption],
    ["9007199254740993", parseBaseSeed],
    ["-1", parseBaseSeed],
    ["", parseBaseSeed],
  ];
  for (const [s, f] of bad) assert.throws(() => f(s), UsageError, s);
});

Deno.test("caseSeeds: the last seed must stay a safe integer", () => {
  assert.deepEqual(caseSeeds("x", 5, 3), [5, 6, 7]);
  assert.deepEqual(caseSeeds("x", Number.MAX_SAFE_INTEGER - 2, 3).at(-1), Number.MAX_SAFE_INTEGER);
  assert.throws(() => caseSeeds("x", Number.MAX_SAFE_INTEGER - 1, 3), /go past 2\^53/);
  assert.throws(() => caseSeeds("x", 0, 1e300), /allowed 1 to/);
});

Deno.test("--case: a typo is a usage error naming the closest id; globs are linear", () => {
  assert.equal(closestId("mem.transiton", ["fl.balance", "mem.transition"]), "mem.transition");
  assert.throws(
    () => selectCases("mem.transiton,mem.hellinger-onset"),
    /"mem\.transiton" is not a case id; did you mean mem\.transition\?/,
  );
  assert.throws(() => selectCases("zz.*"), /"zz\.\*" matches no case/);
  assert.deepEqual(selectCases("mem.*").map((c) => c.id).sort(), [
    "mem.hellinger-onset",
    "mem.transition",
  ]);
  const t0 = performance.now();
  assert.throws(() => selectCases("*".repeat(64) + "x"), UsageError);
  assert.ok(performance.now() - t0 < 200);
});

import assert from "node:assert/strict";
import { checkOverrideKeys, configHash, parseOverrides, resolveConfig } from "./config.ts";
import { UsageError } from "./usage_error.ts";
import { transition } from "./mem/transition.ts";

Deno.test("parseOverrides reads JSON values and bare strings", () => {
  assert.deepEqual(parseOverrides(["seeds=5", "dims=[8,16]", "primaryConvention=bTb"]), {
    seeds: 5,
    dims: [8, 16],
    primaryConvention: "bTb",
  });
  assert.throws(() => parseOverrides(["seeds"]), UsageError);
  assert.throws(() => parseOverrides(["a.b=1"]), UsageError);
});

Deno.test("resolveConfig: profile defaults, overrides, and errors naming field and allowed values", () => {
  const cfg = resolveConfig(transition, "smoke", { seeds: 9 });
  assert.equal(cfg.seeds, 9);
  assert.throws(() => resolveConfig(transition, "smoke", { conventions: ["xx"] }), (e: Error) => {
    assert.ok(e instanceof UsageError);
    assert.match(e.message, /conventions\.0 \(given \["xx"\]\).*one of "bbT", "bTb"/s);
    return true;
  });
  assert.throws(() => checkOverrideKeys([transition], { nosuch: 1 }), /Allowed fields: .*dims/);
});

Deno.test("configHash is canonical (key order does not matter) and sensitive to values", async () => {
  assert.equal(await configHash({ a: 1, b: [1, 2] }), await configHash({ b: [1, 2], a: 1 }));
  assert.notEqual(await configHash({ a: 1 }), await configHash({ a: 2 }));
});

Deno.test("a claim's fixed part cannot be overridden: usage error naming the claim", async () => {
  const { defineCase } = await import("./case.ts");
  const { z } = await import("../deps.ts");
  const { rejectClaimOverrides } = await import("./config.ts");
  const c = defineCase({
    id: "t.claim",
    paper: "p",
    claim: "c",
    version: 1,
    claimSpec: { band: [0.5, 2] },
    configSchema: z.object({ k: z.number().default(1).describe("k") }).strict(),
    profiles: { smoke: {}, quick: {}, full: {} },
    params: {},
    estimateSeconds: () => 0,
    defaultSeeds: () => 1,
    run: () => Promise.resolve(0),
    predict: () => 0,
    judge: () => {
      throw new Error("unused");
    },
    charts: () => [],
  });
  assert.throws(
    () => rejectClaimOverrides([c], { band: [0, 100] }),
    /'band' is part of the claim of t\.claim \(fixed: \[0.5,2\]\), not config/,
  );
  rejectClaimOverrides([c], { k: 3 }); // config is free
});

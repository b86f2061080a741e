import assert from "node:assert/strict";
import { loadFastCheck } from "../deps.ts";
import { main } from "./cli.ts";
import { checkOverrideKeys, parseOverrides, resolveConfig } from "./config.ts";
import { UsageError } from "./usage_error.ts";
import { ALL_CASES } from "./registry.ts";

const fc = await loadFastCheck();

/** Run main() in-process with console.error/log captured. */
async function capture(args: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  const { error, log } = console;
  console.error = (...a: unknown[]) => void err.push(a.join(" "));
  console.log = () => {};
  try {
    return { code: await main(args), err: err.join("\n") };
  } finally {
    console.error = error, console.log = log;
  }
}

Deno.test("property: invalid option values always exit 2 with a message naming the option and allowed values", async () => {
  const bad = (valid: string[]) =>
    fc.string({ minLength: 1, maxLength: 12 }).filter((s) =>
      !valid.includes(s) && !s.startsWith("-")
    );
  const cases = fc.oneof(
    bad(["smoke", "quick", "full"]).map((v) => ({
      args: ["run", "--profile", v],
      want: /--profile .*allowed values are smoke, quick, full/s,
    })),
    bad(["auto", "webgpu", "cpu"]).map((v) => ({
      args: ["run", "--backend", v],
      want: /--backend .*allowed values are auto, webgpu, cpu/s,
    })),
    bad(["not-reproduced", "inconclusive"]).map((v) => ({
      args: ["run", "--fail-on", v],
      want: /--fail-on .*allowed values/s,
    })),
    fc.string({ maxLength: 8 }).filter((s) => !/^\d+\/\d+$/.test(s) && !s.startsWith("-")).map((
      v,
    ) => ({
      args: ["run", "--shard", v],
      want: /--shard .*expected i\/n/s,
    })),
    fc.oneof(fc.constant("1.5"), fc.constant("-4"), fc.constant("x"), fc.constant("0")).map((
      v,
    ) => ({
      args: ["run", `--seeds=${v}`, "--case", "mem.transition"],
      want: /--seeds .*whole number from 2 to/s,
    })),
  );
  await fc.assert(
    fc.asyncProperty(cases, async ({ args, want }) => {
      const r = await capture(args);
      assert.equal(r.code, 2, `${JSON.stringify(args)} → ${r.code}: ${r.err}`);
      assert.match(r.err, want);
    }),
    { numRuns: 150 },
  );
});

Deno.test("property: any --set override either resolves or is a UsageError that names the field", () => {
  const fieldNames = [
    ...new Set(
      ALL_CASES.flatMap((c) => Object.keys((c.configSchema as unknown as { shape: object }).shape)),
    ),
  ];
  const key = fc.oneof(
    fc.constantFrom(...fieldNames),
    fc.stringMatching(/^[a-z][a-zA-Z0-9_]{0,10}$/),
  );
  const value = fc.oneof(
    fc.integer({ min: -10, max: 10 }).map(String),
    fc.double({ noNaN: false }).map(String),
    fc.json(),
    fc.string({ maxLength: 10 }),
    fc.array(fc.integer({ min: -3, max: 70 }), { maxLength: 4 }).map((a) => JSON.stringify(a)),
  );
  fc.assert(
    fc.property(key, value, (k, v) => {
      try {
        const overrides = parseOverrides([`${k}=${v}`]);
        checkOverrideKeys(ALL_CASES as never, overrides);
        for (const c of ALL_CASES) resolveConfig(c, "smoke", overrides);
      } catch (e) {
        assert.ok(e instanceof UsageError, `not a UsageError: ${e}`);
        assert.ok(e.message.includes(k), `message does not name ${k}: ${e.message}`);
        assert.match(e.message, /allowed|Allowed|expected|part of the claim of/);
      }
    }),
    { numRuns: 400 },
  );
});

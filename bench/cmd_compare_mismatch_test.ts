import assert from "node:assert/strict";
import { join } from "node:path";
import { fixtureResults } from "../reports/fixture_results.ts";
import type { Results } from "../reports/schema.ts";
import { cmdCompare } from "./cmd_compare.ts";
import { UsageError } from "./usage_error.ts";

function quick(r: Results): void {
  r.plan.profile = "quick";
  for (const c of Object.values(r.cases)) c.profile = "quick";
}

// compare refuses to pair such runs (exit 2 through UsageError, naming both runs) unless
// --allow-mismatch: fixture documents on disk, no runs.
const tmp = await Deno.makeTempDir({ prefix: "claimbench-mismatch-" });

async function write(name: string, edit: (r: Results) => void): Promise<string> {
  const r = structuredClone(fixtureResults());
  r.runId = name;
  edit(r);
  const dir = join(tmp, name);
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(join(dir, "results.json"), JSON.stringify(r));
  return dir;
}

async function quietly<T>(f: () => Promise<T>): Promise<{ value: T; err: string }> {
  const log = console.log, error = console.error;
  let err = "";
  console.log = () => {};
  console.error = (...a: unknown[]) => void (err += a.join(" ") + "\n");
  try {
    return { value: await f(), err };
  } finally {
    console.log = log;
    console.error = error;
  }
}

const smokeDir = await write("smoke-run", () => {});
const quickDir = await write("quick-run", quick);
const v2 = await write("v2-run", (r) => void (r.cases["fl.balance"].version = 2));

Deno.test("compare: runs of different profiles are refused (usage error = exit 2), both named", async () => {
  const out = join(tmp, "cmp-refused");
  await assert.rejects(
    () => cmdCompare([smokeDir, quickDir, "--out", out, "--quiet", "--no-svg"]),
    (e: unknown) => {
      assert(e instanceof UsageError);
      assert.match(e.message, /smoke-run\/results\.json, run smoke-run/);
      assert.match(e.message, /quick-run\/results\.json, run quick-run/);
      assert.match(e.message, /profile: A smoke, B quick/);
      assert.match(e.message, /--allow-mismatch/);
      return true;
    },
  );
  // nothing half-written
  await assert.rejects(() => Deno.stat(out), Deno.errors.NotFound);
});

Deno.test("compare: another case version is refused, naming the case", async () => {
  await assert.rejects(
    () => cmdCompare([smokeDir, v2, "--out", join(tmp, "cmp-v2"), "--quiet", "--no-svg"]),
    /fl\.balance: case version: A v1, B v2/,
  );
});

Deno.test("compare --allow-mismatch compares anyway and says so in the outputs", async () => {
  const out = join(tmp, "cmp-allowed");
  const { value } = await quietly(() =>
    cmdCompare([smokeDir, quickDir, "--out", out, "--quiet", "--no-svg", "--allow-mismatch"])
  );
  assert(value === 0 || value === 1);
  const md = await Deno.readTextFile(join(out, "compare.md"));
  assert.match(md, /compared despite a mismatch \(--allow-mismatch\): profile: A smoke, B quick/);
  const json = JSON.parse(await Deno.readTextFile(join(out, "compare.json")));
  assert(json.notes.some((n: string) => /--allow-mismatch/.test(n)));
});

Deno.test("compare: runs of one profile and version still pair without the flag", async () => {
  const same = await write("smoke-again", () => {});
  const { value, err } = await quietly(() =>
    cmdCompare([smokeDir, same, "--out", join(tmp, "cmp-same"), "--quiet", "--no-svg"])
  );
  assert.equal(value, 0, err);
});

Deno.test("cleanup", async () => {
  await Deno.remove(tmp, { recursive: true });
});

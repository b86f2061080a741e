/**
 * The claim is not config: `--set` of a claim's band or level is a usage error (exit 2) that
 * names the claim, before anything runs or is written.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { runCli, smokeRunArgs } from "./_cli_test_util.ts";

Deno.test("run --set of mem.transition's band or levels exits 2 naming the claim and writes nothing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const set of ["band=[0,100]", "band=[2,0.5]", "lowLevel=0.3", "primaryConvention=bTb"]) {
      const out = join(dir, set.replace(/\W/g, "_"));
      const r = await runCli(smokeRunArgs("mem.transition", "--set", set, "--out", out));
      assert.equal(r.code, 2, `${set}: ${r.stderr}`);
      assert.match(r.stderr, /is part of the claim of mem\.transition/, set);
      assert.doesNotMatch(r.stderr, /^\s+at /m, `${set}: stack trace`);
      assert.equal(
        await Deno.stat(out).then(() => true, () => false),
        false,
        `${set}: wrote ${out}`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

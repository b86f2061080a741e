/**
 * Disk faults at every file-system step of the folder writers (report, compare, history, and
 * merge's results.json + report), injected through the fault seam: each is one FsError line
 * (what, where, what to do), and the target folder is left exactly as it was: absent when it
 * did not exist, byte-identical when it held an older report.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fixtureResults } from "./fixture_results.ts";
import { compareResults } from "./compare.ts";
import { armFault, FAULT_CODES, faultSteps } from "./fault_seam.ts";
import { FsError } from "./fs_error.ts";
import { runStoreOf } from "./run_store.ts";
import { buildHistory } from "./history.ts";
import { writeCompare } from "./write_compare.ts";
import { writeHistory } from "./write_history.ts";
import { writeReport } from "./write_report.ts";

/** Every file under `dir` with its content (null when `dir` is absent). */
async function snapshot(dir: string): Promise<Record<string, string> | null> {
  if (!(await Deno.stat(dir).then(() => true, () => false))) return null;
  const out: Record<string, string> = {};
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    for await (const e of Deno.readDir(d)) {
      const p = join(d, e.name);
      if (e.isDirectory) stack.push(p);
      else out[p.slice(dir.length)] = await Deno.readTextFile(p);
    }
  }
  return out;
}

const results = fixtureResults();
const writers: Record<string, (out: string) => Promise<unknown>> = {
  report: (out) => writeReport(results, out, { svg: false, html: { bundles: null } }),
  compare: (out) =>
    writeCompare(compareResults(results, results), out, { svg: false, bundles: null }),
  history: async (out) =>
    writeHistory(buildHistory(await runStoreOf([{ source: "a.json", results }])), out, {
      svg: false,
      bundles: null,
    }),
  merge: (out) =>
    writeReport(results, out, {
      svg: false,
      html: { bundles: null },
      alsoWrite: { "results.json": JSON.stringify(results) },
    }),
};

Deno.test("disk faults at every step of report, compare, history and merge: one FsError line, target untouched", async () => {
  const dir = await Deno.makeTempDir();
  let injected = 0;
  try {
    for (const [name, write] of Object.entries(writers)) {
      // the steps of a clean write, into a new folder and over an existing one
      armFault(null);
      await write(join(dir, `${name}-count`));
      const stepsNew = faultSteps();
      armFault(null);
      await write(join(dir, `${name}-count`));
      const stepsOver = faultSteps();
      assert.ok(stepsNew >= 4 && stepsOver >= 4, `${name}: ${stepsNew}/${stepsOver} steps`);
      // every step, alternately into a new folder and over an older report (to stay fast)
      for (let k = 1; k <= Math.max(stepsNew, stepsOver); k++) {
        const existing = k % 2 === 0 ? k <= stepsOver : k > stepsNew;
        const code = FAULT_CODES[(k + (existing ? 1 : 0)) % FAULT_CODES.length];
        const out = join(dir, `${name}-${existing}-${k}`);
        if (existing) {
          armFault(null);
          await write(out);
          // an older version of every file, so that a half-done commit would show
          for (const f of Object.keys((await snapshot(out))!)) {
            await Deno.writeTextFile(join(out, f), `older ${f}`);
          }
          await Deno.writeTextFile(join(out, "results.json"), "{} older run");
        }
        const before = await snapshot(out);
        armFault(code, k);
        const err = await write(out).then(() => null, (e) => e);
        armFault(null);
        injected++;
        assert.ok(err instanceof FsError, `${name} ${code}@${k}: ${err}`);
        assert.equal(err.code, code);
        assert.match(err.message, /^cannot [^\n]+ \([^)]+\), [^\n]+: [^\n]+$/);
        assert.ok(err.message.includes(out), `${err.message} names ${out}`);
        assert.deepEqual(await snapshot(out), before, `${name} ${code}@${k}: target changed`);
        const names = [...Deno.readDirSync(dir)].map((e) => e.name);
        if (existing) names.push(...[...Deno.readDirSync(out)].map((e) => e.name));
        assert.ok(!names.some((n) => n.startsWith(".claimbench-staging")), names.join(","));
      }
    }
  } finally {
    armFault(null);
    await Deno.remove(dir, { recursive: true });
  }
  console.log(`fault injections tried: ${injected} (writers: ${Object.keys(writers).join(", ")})`);
});

Deno.test("an interrupted writer (aborted signal) leaves no folder and no staging", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const ac = new AbortController();
    ac.abort(new Error("interrupted"));
    const out = join(dir, "r");
    await assert.rejects(
      () => writeReport(results, out, { svg: false, html: { bundles: null }, signal: ac.signal }),
      /interrupted/,
    );
    assert.deepEqual([...Deno.readDirSync(dir)], []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

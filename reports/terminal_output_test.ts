/**
 * End to end: `report`, `compare`, `merge` and `history` on results files whose case ids,
 * claims, statistics, check names, messages, file names and invalid keys carry terminal
 * control sequences never print those bytes raw: each shows up as a visible escape.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fixtureResults, hostileSpecs } from "./fixture_results.ts";

const CLI = new URL("../bench/cli.ts", import.meta.url).pathname;
const CONFIG = new URL("../deno.json", import.meta.url).pathname;
const ESC = "\x1b]0;owned\x07\x1b[2J\x1b[31m\rFAKE\u202E";
// Raw control bytes a terminal would act on (tab and newline are plain text).
// deno-lint-ignore no-control-regex
const RAW = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;

async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", CONFIG, CLI, ...args],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout) + dec.decode(r.stderr) };
}

/** A results document with control sequences in every printed string. */
function hostileTerminalResults(runId: string) {
  const r = fixtureResults({ payload: ESC });
  const id = `fl.esc${ESC}`;
  const c = structuredClone(r.cases["fl.balance"]);
  c.id = id;
  c.verdict.statistic = `slope${ESC}`;
  c.verdict.checks[0].name = `slope${ESC}`;
  c.error = null;
  c.charts.push({ id: "links", title: `links ${ESC}`, spec: hostileSpecs().links });
  r.cases[id] = c;
  r.plan.cases.push(id);
  r.runId = runId;
  return r;
}

Deno.test({
  name: "report, compare, merge and history print no raw control sequence from a results file",
  sanitizeResources: false,
  fn: async () => {
    const tmp = await Deno.makeTempDir({ prefix: "claimbench-terminal-" });
    try {
      const a = join(tmp, "runs", "a"), b = join(tmp, "runs", "b");
      await Deno.mkdir(a, { recursive: true });
      await Deno.mkdir(b, { recursive: true });
      await Deno.writeTextFile(
        join(a, "results.json"),
        JSON.stringify(hostileTerminalResults("a")),
      );
      const rb = hostileTerminalResults("b");
      for (const c of Object.values(rb.cases)) {
        if (c.verdict.value !== null) c.verdict.value += 0.5;
      }
      await Deno.writeTextFile(join(b, "results.json"), JSON.stringify(rb));
      // an invalid document: its bad key ends up in the error message
      const bad = join(tmp, "runs", `bad${ESC}`);
      await Deno.mkdir(bad);
      const broken = hostileTerminalResults("bad") as unknown as Record<string, unknown>;
      (broken.cases as Record<string, unknown>)[`x${ESC}`] = { id: 1 };
      await Deno.writeTextFile(join(bad, "results.json"), JSON.stringify(broken));

      const runs = [
        await cli("report", join(a, "results.json")),
        await cli("compare", a, b, "--out", join(tmp, "cmp")),
        await cli("merge", a, "--out", join(tmp, "merged")),
        await cli("history", join(tmp, "runs"), "--out", join(tmp, "hist")),
        await cli("report", join(bad, "results.json")),
      ];
      for (const [i, r] of runs.entries()) {
        assert(
          !RAW.test(r.out),
          `command ${i} printed raw control bytes:\n${JSON.stringify(r.out)}`,
        );
      }
      assert.equal(runs[0].code, 0, runs[0].out);
      assert.match(runs[0].out, /fl\.esc\\u001b\]0;owned\\u0007/); // the id, visibly escaped
      assert.match(runs[0].out, /warning: chart .*unsafe part\(s\) removed/);
      assert.match(runs[1].out, /\\u001b/);
      // the javascript:/data: links of the `links` chart no longer crash report/compare/merge
      assert([0, 1].includes(runs[1].code), runs[1].out);
      assert.doesNotMatch(runs.slice(0, 4).map((r) => r.out).join("\n"), /^\s+at /m, "stack trace");
      for (
        const f of [
          join(a, "report.html"),
          join(a, "charts", "fl.balance--scaling.svg"),
          join(tmp, "cmp", "compare.html"),
          join(tmp, "merged", "report.html"),
          join(tmp, "hist", "history.html"),
        ]
      ) assert(await Deno.stat(f).then((s) => s.isFile, () => false), `${f} not written`);
      assert.equal(runs[2].code, 0, runs[2].out);
      assert.match(runs[3].out, /skipped .*\\u001b/);
      assert.equal(runs[4].code, 1, runs[4].out);
      assert.match(runs[4].out, /\\u001b/);
      console.log(`terminal_output_test: ${runs.length} commands on 3 hostile documents, 0 raw`);
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
});

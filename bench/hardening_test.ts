/**
 * Issue 15, CLI side: file-system and resource faults in every command are one line with
 * exit 1 and never a half-written folder; the --out lock; numeric bounds before any work;
 * linear-time globs; Ctrl-C in every phase; hostile results files. Each test prints how many
 * faults it injected.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { type CliOutput, runCli, runMain, smokeRunArgs, spawnCli } from "./_cli_test_util.ts";
import { LOCK_FILE } from "./out_lock.ts";
import { readResults } from "../reports/schema.ts";

/** One `claimbench: ...` line matching `pattern`, exit `code`, no stack trace. */
function oneLine(r: CliOutput, code: number, pattern: RegExp, label: string): void {
  assert.equal(r.code, code, `${label}: exit ${r.code}\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /^\s+at /m, `${label}: stack trace\n${r.stderr}`);
  const lines = r.stderr.split("\n").filter((l) => l.startsWith("claimbench"));
  assert.equal(lines.length, 1, `${label}: ${r.stderr}`);
  assert.match(lines[0], pattern, label);
}

const FS_LINE = /^claimbench: cannot [^\n]+ \([^)]+\), [^\n]+: [^\n]+$/;

/** `f` on each of `xs` in turn (in-process CLI calls must not overlap). */
async function serial<T, R>(xs: readonly T[], f: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (const x of xs) out.push(await f(x));
  return out;
}

/** Names under `dir`, recursively (relative). */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string, rel: string) => {
    for (const e of Deno.readDirSync(d)) {
      out.push(rel + e.name);
      if (e.isDirectory) walk(join(d, e.name), rel + e.name + "/");
    }
  };
  walk(dir, "");
  return out.sort();
}

let setup: Promise<{ dir: string; good: string }> | null = null;
/** A temp folder with one finished smoke run (`good`), shared by the tests of this file. */
function goodRun(): Promise<{ dir: string; good: string }> {
  setup ??= (async () => {
    const dir = await Deno.makeTempDir();
    const good = join(dir, "good");
    const r = await runMain(smokeRunArgs("mem.hellinger-onset", "--out", good, "--quiet"));
    assert.equal(r.code, 0, r.stderr);
    return { dir, good };
  })();
  return setup;
}

Deno.test("file-system faults in run, report, compare, merge, history and --save-baseline: one line, exit 1, nothing half-written", async () => {
  const { dir, good } = await goodRun();
  const results = join(good, "results.json");
  const file = join(dir, "a-file");
  await Deno.writeTextFile(file, "x");
  const long = join(dir, "n".repeat(300));
  const before = tree(good);
  const env = (fault: string) => {
    const [code, at] = fault.split("@");
    return { fault: [code, Number(at)] as [string, number] };
  };
  const fresh = (name: string) => join(dir, name);
  const attempts: [string, string[], { fault?: [string, number] }?][] = [
    ["run --out file", smokeRunArgs("mem.transition", "--quiet", "--out", file)],
    ["run --out too long", smokeRunArgs("mem.transition", "--quiet", "--out", long)],
    ["report --out file", ["report", results, "--out", file]],
    ["report --out too long", ["report", results, "--out", long]],
    ["compare --out file", ["compare", results, results, "--out", file, "--quiet"]],
    ["merge --out too long", ["merge", results, "--out", long]],
    ["history --out file", ["history", good, "--out", file]],
    // disks that fill up or turn read-only at a given step (the fault seam)
    [
      "run ENOSPC@3",
      smokeRunArgs("mem.transition", "--quiet", "--out", fresh("r1")),
      env("ENOSPC@3"),
    ],
    [
      "run EROFS@1",
      smokeRunArgs("mem.transition", "--quiet", "--out", fresh("r2")),
      env("EROFS@1"),
    ],
    ["report ENOSPC@2", ["report", results, "--out", fresh("rep1")], env("ENOSPC@2")],
    ["report EROFS@6", ["report", results, "--out", fresh("rep2")], env("EROFS@6")],
    [
      "compare EDQUOT@4",
      ["compare", results, results, "--out", fresh("c1"), "--quiet"],
      env("EDQUOT@4"),
    ],
    ["merge ENOSPC@5", ["merge", results, "--out", fresh("m1")], env("ENOSPC@5")],
    ["history EIO@2", ["history", good, "--out", fresh("h1")], env("EIO@2")],
    ["report over the run EROFS@7", ["report", good], env("EROFS@7")],
  ];
  const outs = await serial(attempts, ([, args, opts]) => runMain(args, opts));
  attempts.forEach(([label], i) => oneLine(outs[i], 1, FS_LINE, label));
  assert.match(outs[0].stderr, /a file of that name is in the way/);
  assert.match(outs[1].stderr, /the name is too long/);
  assert.match(outs[8].stderr, /read-only file system\), .*: choose a writable --out/);
  assert.match(outs[9].stderr, /no space left on the disk/);
  // nothing half-written: new folders absent, the run folder as it was
  for (const name of ["r2", "rep1", "rep2", "c1", "m1", "h1"]) {
    assert.ok(!tree(dir).includes(name), `${name} was left behind`);
  }
  assert.ok(!tree(dir).some((n) => n.includes(".claimbench-staging")), tree(dir).join("\n"));
  assert.deepEqual(tree(good), before);
  // a baselines folder that cannot be written still leaves the report
  const out = join(dir, "with-baseline");
  const b = await runMain(
    smokeRunArgs("mem.transition", "--quiet", "--out", out, "--save-baseline", "nightly"),
    { env: { CLAIMBENCH_BASELINES: join(file, "baselines") } },
  );
  oneLine(
    b,
    1,
    /^claimbench: cannot create the baselines folder \(.*\), .*: .*CLAIMBENCH_BASELINES/,
    "baseline",
  );
  assert.ok((await Deno.stat(join(out, "report.html"))).isFile);
  console.log(`fault injections tried: ${attempts.length + 1} CLI runs`);
});

Deno.test("a read-only file system and a full disk for real (a user+mount namespace, where available)", async () => {
  const { good } = await goodRun();
  const probe = await new Deno.Command("unshare", { args: ["-rm", "true"], stderr: "null" })
    .output().catch(() => null);
  if (!probe?.success) {
    console.log(
      "fault injections tried: 0 (no unshare -rm here; the seam tests cover these faults)",
    );
    return;
  }
  const deno = Deno.execPath();
  const cli = new URL("./cli.ts", import.meta.url).pathname;
  const config = new URL("../deno.json", import.meta.url).pathname;
  const mnt = await Deno.makeTempDir();
  const script = [
    `mkdir -p ${mnt}/ro ${mnt}/full`,
    `mount -t tmpfs -o ro,size=1m tmpfs ${mnt}/ro`,
    `mount -t tmpfs -o size=64k tmpfs ${mnt}/full`,
    `${deno} run -A --config ${config} ${cli} report ${good} --out ${mnt}/ro/rep; echo "exit=$?"`,
    `${deno} run -A --config ${config} ${cli} report ${good} --out ${mnt}/full/rep; echo "exit=$?"`,
    `CLAIMBENCH_BASELINES=${mnt}/ro/baselines ${deno} run -A --config ${config} ${cli} ${
      smokeRunArgs("mem.transition", "--quiet", "--out", `${mnt}/run`, "--save-baseline", "b")
        .join(" ")
    }; echo "exit=$?"`,
    `ls -A ${mnt}/full ${mnt}/ro ${mnt}/run; echo end`,
  ].join("; ");
  const r = await new Deno.Command("unshare", {
    args: ["-rm", "sh", "-c", script],
    env: { NO_COLOR: "1" },
  })
    .output();
  const text = new TextDecoder().decode(r.stdout) + new TextDecoder().decode(r.stderr);
  await Deno.remove(mnt, { recursive: true });
  assert.match(
    text,
    /claimbench: cannot create the output folder \(read-only file system\), .*ro\/rep: choose a writable --out/,
  );
  assert.match(
    text,
    /claimbench: cannot [^\n]* \(no space left on the disk\), [^\n]*full\/rep[^\n]*: free some space/,
  );
  assert.match(
    text,
    /claimbench: cannot create the baselines folder \(read-only file system\), [^\n]*: choose a writable CLAIMBENCH_BASELINES/,
  );
  assert.equal(text.match(/exit=1/g)?.length, 3, text);
  assert.match(text, /run:\n(.*\n)*report\.html\n/, "the report is written all the same");
  assert.doesNotMatch(text, /^\s+at /m);
  assert.match(text, /full:\n\n[^\n]*ro:\n\n/, "nothing left on either disk");
  console.log("fault injections tried: 3 (real read-only and full tmpfs)");
});

Deno.test('two runs into one --out: the second exits 2 naming the first\'s pid; --out "" is a usage error', async () => {
  const { dir, good } = await goodRun();
  const out = join(dir, "shared");
  const first = spawnCli(smokeRunArgs("lt.worst-case-v", "--quiet", "--no-report", "--out", out));
  const lock = join(out, LOCK_FILE);
  for (let i = 0; i < 300 && !(await Deno.stat(lock).then(() => true, () => false)); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  // in this process, so that it starts at once while the first (a subprocess) holds the lock
  const second = await runMain(smokeRunArgs("lt.worst-case-v", "--quiet", "--out", out));
  const status = await first.status;
  assert.equal(status.code, 0);
  oneLine(
    second,
    2,
    new RegExp(`in use by another claimbench run \\(pid ${first.pid}\\b`),
    "second",
  );
  assert.equal((await readResults(join(out, "results.json"))).complete, true);
  assert.ok(!tree(out).includes(LOCK_FILE), "lock released");
  const results = join(good, "results.json");
  const empties = await serial([
    smokeRunArgs("mem.transition", "--out", ""),
    ["report", results, "--out", ""],
    ["compare", results, results, "--out", ""],
    ["merge", results, "--out", ""],
    ["history", good, "--out", ""],
  ], (args) => runMain(args));
  for (const r of empties) oneLine(r, 2, /--out "": give a folder name/, "--out ''");
});

Deno.test("numbers out of range are usage errors before any work; globs are linear; typos name the closest id", async () => {
  const { dir, good } = await goodRun();
  const out = join(dir, "never");
  const results = join(good, "results.json");
  const star16 = "*".repeat(16) + "x";
  const cases: [string, string[], RegExp][] = [
    [
      "--seeds 1e300",
      smokeRunArgs("mem.transition", "--seeds", "1e300", "--out", out),
      /--seeds "1e300"/,
    ],
    [
      "--base-seed 2^53+1",
      smokeRunArgs("mem.transition", "--base-seed", "9007199254740993", "--out", out),
      /--base-seed "9007199254740993"/,
    ],
    [
      "--base-seed near 2^53",
      smokeRunArgs("mem.transition", "--base-seed", "9007199254740990", "--out", out),
      /go past 2\^53/,
    ],
    [
      "--set seeds=1e300",
      smokeRunArgs("mem.transition", "--set", "seeds=1e300", "--out", out),
      /invalid config for mem\.transition/,
    ],
    [
      "--shard huge",
      smokeRunArgs("mem.transition", "--shard", "1/99999999999999999999", "--out", out),
      /--shard/,
    ],
    [
      "--case typo",
      smokeRunArgs("mem.transiton,mem.hellinger-onset", "--out", out),
      /did you mean mem\.transition\?/,
    ],
    ["list ReDoS", ["list", "--case", star16], /matches no case/],
    ["run ReDoS", smokeRunArgs(star16, "--out", out), /matches no case/],
    [
      "--threshold 1e999",
      ["compare", results, results, "--threshold", "fl.*=1e999"],
      /out of range/,
    ],
  ];
  const t0 = performance.now();
  const outs = await serial(cases, ([, args]) => runMain(args));
  cases.forEach(([label, , re], i) => oneLine(outs[i], 2, re, label));
  assert.ok(!tree(dir).includes("never"), "no output folder before the usage error");
  // a ReDoS glob in --threshold: compare finishes (it hung for minutes)
  const cmp = await runMain(
    [
      "compare",
      results,
      results,
      "--threshold",
      `${star16}=1`,
      "--out",
      join(dir, "cmp"),
      "--quiet",
      "--no-svg",
    ],
  );
  assert.equal(cmp.code, 0, cmp.stderr);
  console.log(`${cases.length + 1} bounds/glob checks in ${Math.round(performance.now() - t0)} ms`);
});

Deno.test("Ctrl-C in the last case, in report, compare, merge and history: exit 130, never complete, nothing half-written", async () => {
  const { dir, good } = await goodRun();
  // a real SIGINT while the only case runs
  const out = join(dir, "sigint-run");
  const child = spawnCli(smokeRunArgs("lt.worst-case-v", "--out", out), { stderr: "piped" });
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  while (!seen.includes("[1/1] lt.worst-case-v")) {
    const { value, done } = await reader.read();
    if (done) break;
    seen += value;
  }
  child.kill("SIGINT");
  const drain = (async () => {
    for (;;) if ((await reader.read()).done) break;
  })();
  const status = await child.status;
  await drain;
  assert.equal(status.code, 130);
  const file = join(out, "results.json");
  if (await Deno.stat(file).then(() => true, () => false)) {
    assert.equal((await readResults(file)).complete, false, "an interrupted run is never complete");
  }
  assert.ok(!tree(out).includes("report.html"));
  // a real SIGINT at a given file step of each writer (the seam sends it)
  const results = join(good, "results.json");
  const attempts: [string, string[]][] = [];
  for (const k of [3]) {
    attempts.push([`report SIGINT@${k}`, ["report", results, "--out", join(dir, `i-rep${k}`)]]);
  }
  attempts.push(["compare SIGINT@2", [
    "compare",
    results,
    results,
    "--out",
    join(dir, "i-cmp"),
    "--quiet",
  ]]);
  attempts.push(["merge SIGINT@3", ["merge", results, "--out", join(dir, "i-merge")]]);
  attempts.push(["history SIGINT@2", ["history", good, "--out", join(dir, "i-hist")]]);
  const outs = await Promise.all(
    attempts.map(([label, args]) =>
      runCli(args, { env: { CLAIMBENCH_FAULT: label.split(" ")[1] }, timeoutMs: 60_000 })
    ),
  );
  attempts.forEach(([label], i) => {
    assert.equal(outs[i].code, 130, `${label}: ${outs[i].stderr}`);
    assert.match(outs[i].stderr, /interrupted; the output folder is left as it was/);
  });
  const names = tree(dir);
  assert.ok(!names.some((n) => n.startsWith("i-") || n.includes("staging")), names.join("\n"));
  console.log(`fault injections tried: ${attempts.length + 1} interrupts`);
});

Deno.test("hostile results files: constructor/__proto__ case keys, 20,000-deep nesting, a FIFO: one line each, no hang", async () => {
  const { dir, good } = await goodRun();
  const text = await Deno.readTextFile(join(good, "results.json"));
  const write = async (name: string, body: string) => {
    await Deno.mkdir(join(dir, name), { recursive: true });
    await Deno.writeTextFile(join(dir, name, "results.json"), body);
    return join(dir, name, "results.json");
  };
  const ctor = await write("ctor", text.replaceAll('"mem.hellinger-onset"', '"constructor"'));
  const proto = await write("proto", text.replaceAll('"mem.hellinger-onset"', '"__proto__"'));
  const deepText = text.replace(
    '"measurement": ',
    `"measurement": ${"[".repeat(20000)}${"]".repeat(20000)}, "x": `,
  );
  assert.notEqual(deepText, text);
  const deep = await write("deep", deepText);
  const fifoDir = join(dir, "fifo");
  await Deno.mkdir(fifoDir);
  const made = await new Deno.Command("mkfifo", { args: [join(fifoDir, "results.json")] }).output()
    .catch(() => null);
  const attempts: [string, string[], RegExp][] = [
    [
      "compare constructor",
      ["compare", join(good, "results.json"), ctor, "--out", join(dir, "o1")],
      /forbidden key "constructor"/,
    ],
    ["report __proto__", ["report", proto, "--out", join(dir, "o2")], /forbidden key "__proto__"/],
    ["merge deep", ["merge", deep, "--out", join(dir, "o3")], /nested deeper than 200/],
    [
      "--resume deep",
      smokeRunArgs("mem.hellinger-onset", "--quiet", "--out", join(dir, "deep"), "--resume"),
      /nested deeper than 200/,
    ],
  ];
  if (made?.success) {
    attempts.push(["report FIFO", ["report", join(fifoDir, "results.json")], /is a FIFO/]);
    attempts.push([
      "--resume FIFO",
      smokeRunArgs("mem.hellinger-onset", "--quiet", "--out", fifoDir, "--resume"),
      /is a FIFO/,
    ]);
  }
  const outs = await serial(attempts, ([, args]) => runMain(args));
  attempts.forEach(([label, , re], i) => oneLine(outs[i], 1, re, label));
  for (const o of ["o1", "o2", "o3"]) assert.ok(!tree(dir).includes(o), `${o} written`);
  console.log(`hostile documents tried: ${attempts.length}`);
});

Deno.test("an error escaping as an unhandled rejection inside a library is one line, with no staging folder left", async () => {
  const { dir, good } = await goodRun();
  const doc = JSON.parse(await Deno.readTextFile(join(good, "results.json")));
  // vega-scenegraph used to throw from a detached promise on a javascript: href
  const addHref = (o: unknown): void => {
    if (Array.isArray(o)) return o.forEach(addHref);
    if (!o || typeof o !== "object") return;
    const r = o as Record<string, unknown>;
    if (r.mark && r.encoding) {
      (r.encoding as Record<string, unknown>).href = { value: "javascript:alert(1)" };
    }
    Object.values(r).forEach(addHref);
  };
  for (const c of Object.values(doc.cases) as { charts: unknown[] }[]) addHref(c.charts);
  const run = join(dir, "href");
  await Deno.mkdir(run);
  await Deno.writeTextFile(join(run, "results.json"), JSON.stringify(doc));
  const r = await runCli(["report", run], { timeoutMs: 60_000 });
  assert.ok(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /^\s+at /m, r.stderr);
  assert.ok(r.stderr.split("\n").filter((l) => l.startsWith("claimbench")).length <= 1);
  const names = tree(run);
  assert.ok(!names.some((n) => n.includes("staging")), names.join("\n"));
  if (r.code === 1) assert.deepEqual(names, ["results.json"]);
});

Deno.test({
  name: "hardening: clean up the shared run",
  fn: async () => {
    if (setup) await Deno.remove((await setup).dir, { recursive: true });
  },
});

/**
 * The files that run claimbench on real engines (the nightly workflow, the SLURM and Kubernetes
 * examples): every claimbench command they run exists with the options they pass, and their
 * YAML parses cleanly (eemeli/yaml, strict; also Debian's yamllint when it is installed).
 */
import assert from "node:assert/strict";
import { main } from "./cli.ts";
import { loadYaml } from "../deps.ts";

const ROOT = new URL("../", import.meta.url);
const FILES = [
  ".github/workflows/nightly.yml",
  "examples/slurm/claimbench.sbatch",
  "examples/slurm/merge.sbatch",
  "examples/k8s/claimbench-indexed-job.yaml",
  "examples/k8s/claimbench-merge-job.yaml",
];

/** Every `claimbench <command> [--options]` (or `$CB <command> ...`) in a file's text. */
export function invocations(text: string): { command: string; options: string[] }[] {
  // join shell continuation lines and YAML folded scalars into one line per command
  const joined = text.replace(/\\\n\s*/g, " ").replace(/>-\n(\s+)(.*)\n\1(.*)/g, "$2 $3");
  const out: { command: string; options: string[] }[] = [];
  for (const m of joined.matchAll(/(?:task claimbench|\$CB)\s+([a-z-]+)([^\n"]*)/g)) {
    out.push({ command: m[1], options: [...m[2].matchAll(/(--[a-z][a-z-]*)/g)].map((o) => o[1]) });
  }
  return out;
}

async function helpOf(command: string): Promise<{ code: number; text: string }> {
  const orig = console.log, origErr = console.error;
  let text = "";
  console.log = console.error = (s: unknown) => void (text += `${s}\n`);
  try {
    return { code: await main([command, "--help"]), text };
  } finally {
    console.log = orig, console.error = origErr;
  }
}

Deno.test("every claimbench command in the engine examples exists with those options", async () => {
  let n = 0;
  for (const f of FILES) {
    const calls = invocations(await Deno.readTextFile(new URL(f, ROOT)));
    assert.ok(calls.length, `${f}: no claimbench command found`);
    for (const c of calls) {
      const help = await helpOf(c.command);
      assert.equal(help.code, 0, `${f}: 'claimbench ${c.command}' is not a command`);
      for (const o of c.options) {
        assert.ok(help.text.includes(o), `${f}: 'claimbench ${c.command}' has no option ${o}`);
      }
      n++;
    }
  }
  console.log(`engine examples: ${n} claimbench invocations checked in ${FILES.length} files`);
});

Deno.test("the engine examples' YAML lints clean", async () => {
  const { parseAllDocuments } = await loadYaml();
  const yamls = FILES.filter((f) => /\.ya?ml$/.test(f));
  for (const f of yamls) {
    const text = await Deno.readTextFile(new URL(f, ROOT));
    for (
      const doc of parseAllDocuments(text, { strict: true, uniqueKeys: true, prettyErrors: true })
    ) {
      assert.deepEqual([...doc.errors, ...doc.warnings].map((e) => e.message), [], f);
    }
  }
  let yamllint: Deno.CommandOutput | null = null;
  try {
    yamllint = await new Deno.Command("yamllint", {
      args: ["-d", "{extends: relaxed, rules: {line-length: {max: 120}}}", ...yamls],
      cwd: ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch {
    // not installed
  }
  if (!yamllint) {
    console.warn("yamllint is not installed (apt-get install yamllint): parsed with yaml only");
  } else assert.equal(yamllint.code, 0, new TextDecoder().decode(yamllint.stdout));
});

Deno.test("invocations: finds commands across continuation lines and folded YAML", () => {
  assert.deepEqual(
    invocations("npx deno task claimbench run --profile quick \\\n  --shard auto --out x\n"),
    [
      { command: "run", options: ["--profile", "--shard", "--out"] },
    ],
  );
  assert.deepEqual(invocations("run: $CB merge a b --out c\n"), [{
    command: "merge",
    options: ["--out"],
  }]);
});

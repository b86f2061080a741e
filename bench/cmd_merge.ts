/**
 * `claimbench merge`: join the results of `run --shard i/n` into one results.json and report.
 * @module
 */
import { outOption, parseCommandArgs } from "./cli_args.ts";
import { basename, join, resolve } from "node:path";
import { UsageError } from "./usage_error.ts";
import { atomicWriteTextFile } from "../reports/atomic_write.ts";
import { fsStep } from "../reports/fs_error.ts";
import type { ShardInput } from "../reports/merge.ts";
import { mergeRun } from "./shard_merge.ts";
import { ALL_CASES, findCase } from "./registry.ts";
import { suiteWithPacks } from "./packs.ts";
import { resultsFileOf } from "../reports/results_path.ts";
import { readResults } from "../reports/schema.ts";
import { terminalSafe } from "../reports/terminal_safe.ts";
import { writeReport } from "../reports/write_report.ts";

/** `merge --help`. */
export const MERGE_HELP =
  `Usage: claimbench merge <shard results...> --out <dir> [--force] [--no-report] [--pack <mod.ts>]...

Joins the results of 'run --shard i/n' (results.json files or run folders, every shard
1..n exactly once) into <dir>/results.json plus the report. Shards must share cases,
profile, seeds, base seed, overrides, backend request, suite and schema version, git
commit and unit plan; no case may be judged, and no work unit recorded, in two shards,
and a complete shard must hold every unit the plan gives it. Cases whose units ran in
several shards are assembled from them and judged here, as an unsharded run would (so a
claim pack's cases need their --pack). The merged run lists the cases in their original
order and is complete when every shard is.

Options:
  --out <dir>     output folder (required); an existing results.json there is kept
                  unless --force
  --force         replace <dir>/results.json
  --no-report     write results.json only
  --quiet         no summary line
  --pack <mod.ts> load a claim pack's cases (repeatable; claimbench.json is read too)

Exit codes: 0 merged; 1 unreadable or incompatible shards; 2 usage error.`;

/** Run `merge`; returns the exit code. */
export async function cmdMerge(args: string[], signal?: AbortSignal): Promise<number> {
  const parsed = parseCommandArgs(
    args,
    {
      out: { type: "string" },
      force: { type: "boolean" },
      "no-report": { type: "boolean" },
      quiet: { type: "boolean" },
      pack: { type: "string", multiple: true },
    },
    MERGE_HELP,
  );
  const { values, positionals } = parsed;
  if (values.help) return console.log(MERGE_HELP), 0;
  const outDir = outOption(values.out);
  if (outDir === undefined) throw new UsageError(`merge needs --out <dir>\n\n${MERGE_HELP}`);
  if (!positionals.length) throw new UsageError(`merge needs shard results\n\n${MERGE_HELP}`);
  const target = join(outDir, "results.json");
  const files = await Promise.all(positionals.map(resultsFileOf));
  // Validate every input, and the plan as a whole, before touching the output.
  const shards: ShardInput[] = [];
  for (const f of files) shards.push({ source: f, results: await readResults(f) });
  if (files.some((f) => resolve(f) === resolve(target))) {
    throw new UsageError(`--out ${outDir}: would overwrite one of the shards (${target})`);
  }
  const { cases } = await suiteWithPacks(ALL_CASES, (values.pack as string[] | undefined) ?? []);
  const merged = await mergeRun(shards, (id) => findCase(id, cases), {
    runId: basename(resolve(outDir)),
    command: ["claimbench", "merge", ...args],
  });
  if (!values.force && await Deno.stat(target).then(() => true, () => false)) {
    throw new UsageError(`${target} already exists: choose another --out, or pass --force`);
  }
  const text = JSON.stringify(merged, null, 1);
  if (values["no-report"]) {
    signal?.throwIfAborted();
    await fsStep(
      "cannot create the output folder",
      outDir,
      () => Deno.mkdir(outDir, { recursive: true }),
    );
    await atomicWriteTextFile(target, text);
  } else {
    // results.json and the report appear together, or not at all
    const { warnings } = await writeReport(merged, outDir, {
      signal,
      alsoWrite: { "results.json": text },
    });
    for (const w of warnings) {
      console.error(`claimbench merge: warning: ${terminalSafe(w, { oneLine: true })}`);
    }
  }
  if (!values.quiet) {
    console.error(
      `merged ${shards.length} shard(s), ${Object.keys(merged.cases).length} case(s)${
        merged.complete ? "" : " (incomplete)"
      }: ${terminalSafe(target)}`,
    );
  }
  return 0;
}

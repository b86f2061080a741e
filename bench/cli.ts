/**
 * The claimbench command line: `list`, `run`, `report`, `reproduce`.
 * Exit codes: 0 ok, 1 a case ended in `error` (or `--fail-on` tripped), 2 usage error.
 * @module
 */
import { cpuWorkerCount } from "../models/cpu/pool.ts";
import type { ParseArgsOptionsConfig } from "node:util";
import { parseCommandArgs } from "./cli_args.ts";
import { join } from "node:path";
import { ALL_CASES, findCase, selectCases } from "./registry.ts";
import { type Profile, PROFILES } from "./case.ts";
import { checkOverrideKeys, parseOverrides, readConfigFile, resolveConfig } from "./config.ts";
import { RESULTS_FILE, runPlan, shardCases } from "./runner.ts";
import { UsageError } from "./usage_error.ts";
import { SUITE_VERSION } from "./version.ts";
import { GpuUnavailableError } from "../models/gpu/device.ts";
import { readResults, type Results, ResultsFileError } from "../reports/schema.ts";
import { writeReport } from "../reports/write_report.ts";
import { fmtStatistic, verdictLabels } from "../reports/_format.ts";
import { checkBaselineName, saveBaseline } from "../reports/baselines.ts";
import { cmdCompare, COMPARE_HELP } from "./cmd_compare.ts";
import { cmdMerge, MERGE_HELP } from "./cmd_merge.ts";
import { cmdHistory, HISTORY_HELP } from "./cmd_history.ts";
import { cmdRejudge, REJUDGE_HELP } from "./cmd_rejudge.ts";
import { cmdExport, EXPORT_HELP } from "./cmd_export.ts";
import { cmdPublish, PUBLISH_HELP } from "./cmd_publish.ts";
import { tidyTables } from "./export.ts";
import { writeTidyTables } from "../reports/tidy_write.ts";
import { terminalSafe } from "../reports/terminal_safe.ts";

const HELP: Record<string, string> = {
  main: `claimbench ${SUITE_VERSION} — executable claims of ML-theory papers

Usage: claimbench <command> [options]

Commands:
  list        the cases: paper, claim, version, profiles, estimated time
  run         run cases and write results.json plus a report
  report      render a report from a results.json
  reproduce   the main job: the quick profile of every case, then the report
  compare     compare two runs (or a run and a baseline); exit 1 on a regression
  merge       join the results of run --shard i/n into one run and its report
  history     trend charts of every claim check over many runs
  rejudge     judge a results file again from its stored measurements (no retraining)
  export      the tidy tables of a run (runs, checks, provenance) as CSV, Parquet, JSON Lines
  publish     a static site over many runs: claims × machines × commits, trends, flips

Run 'claimbench <command> --help' for a command's options.
Exit codes: 0 ok, 1 a case ended in error (or --fail-on tripped), 2 usage error.`,
  list: `Usage: claimbench list [--case <id|glob>] [--profile smoke|quick|full] [--json]

Lists the cases with their paper, claim, version, config fields and estimated CPU time.`,
  run: `Usage: claimbench run [options]

Options:
  --case <id|glob[,..]>     cases to run (default: all), e.g. mem.transition or 'fl.*'
  --profile <p>             smoke (seconds, tests) | quick (CPU-sized, default) | full (paper scale, GPU)
  --seeds <n>               number of seeds/trials per grid point (default: the profile's)
  --base-seed <n>           first seed (default 0)
  --set <key=value>         override a config field (repeatable); values are JSON (e.g. dims=[8,16])
  --config <file.json>      overrides from a JSON object {"field": value, ...}; --set wins
  --backend <b>             auto (default: WebGPU if an adapter is found, else CPU) | webgpu | cpu
  --out <dir>               output directory (default results/<timestamp>-<profile>)
  --resume                  continue an interrupted run in --out: finished cases are kept
  --shard <i/n>             run only shard i of n (cases split round-robin)
  --fail-on <what>          also exit 1 when a case is 'not-reproduced' (or 'inconclusive')
  --no-report               write results.json only
  --quiet                   no progress output
  --save-baseline <name>    also save results.json as baseline <name> (in $CLAIMBENCH_BASELINES
                            or results/baselines/), for compare --baseline <name>`,
  compare: COMPARE_HELP,
  merge: MERGE_HELP,
  history: HISTORY_HELP,
  rejudge: REJUDGE_HELP,
  export: EXPORT_HELP,
  publish: PUBLISH_HELP,
  report: `Usage: claimbench report <results.json> [--out <dir>]

Writes report.html (offline), summary.md, junit.xml and one .vl.json + .svg per chart
next to the results (or into --out).`,
  reproduce: `Usage: claimbench reproduce [--out <dir>] [--backend auto|webgpu|cpu] [--resume]

Runs the quick profile of every case, then writes the report. Same options as run.`,
};

function isProfile(p: string): p is Profile {
  return (PROFILES as readonly string[]).includes(p);
}

function timestamp(): string {
  return new Date().toISOString().replace(/[:.]/g, "-").replace(/-\d\dZ$/, "Z");
}

function parseShard(s: string | undefined): { index: number; count: number } {
  if (s === undefined) return { index: 1, count: 1 };
  const m = /^(\d+)\/(\d+)$/.exec(s);
  if (!m || +m[1] < 1 || +m[1] > +m[2]) {
    throw new UsageError(
      `--shard ${JSON.stringify(s)}: expected i/n with 1 ≤ i ≤ n, e.g. --shard 1/4`,
    );
  }
  return { index: +m[1], count: +m[2] };
}

function parsePositiveInt(name: string, s: string | undefined, min: number): number | null {
  if (s === undefined) return null;
  const n = Number(s);
  if (!Number.isInteger(n) || n < min) {
    throw new UsageError(`--${name} ${JSON.stringify(s)}: expected an integer ≥ ${min}`);
  }
  return n;
}

type Parsed = {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
};

function parse(args: string[], options: ParseArgsOptionsConfig, cmd: string): Parsed {
  return parseCommandArgs(args, options, HELP[cmd]) as Parsed;
}

function cmdList(args: string[]): number {
  const { values } = parse(args, {
    case: { type: "string" },
    profile: { type: "string", default: "quick" },
    json: { type: "boolean" },
  }, "list");
  if (values.help) return console.log(HELP.list), 0;
  const profile = String(values.profile);
  if (!isProfile(profile)) {
    throw new UsageError(
      `--profile ${JSON.stringify(profile)}: allowed values are ${PROFILES.join(", ")}`,
    );
  }
  const cases = selectCases(values.case as string | undefined);
  const rows = cases.map((c) => {
    const cfg = resolveConfig(c, profile, {});
    return {
      id: c.id,
      version: c.version,
      paper: c.paper,
      claim: c.claim,
      profiles: PROFILES,
      seeds: c.defaultSeeds(cfg),
      estimatedSeconds: Math.round(c.estimateSeconds(cfg)),
      fields: Object.keys((c.configSchema as unknown as { shape: object }).shape ?? {}),
    };
  });
  if (values.json) return console.log(JSON.stringify(rows, null, 2)), 0;
  for (const r of rows) {
    console.log(
      `${r.id}  v${r.version}  ~${r.estimatedSeconds}s on the CPU path (${profile}, ${r.seeds} seeds)`,
    );
    console.log(`  paper: ${r.paper}`);
    console.log(`  claim: ${r.claim}`);
    console.log(`  profiles: ${r.profiles.join(", ")}; fields: ${r.fields.join(", ")}`);
  }
  if (!rows.length) console.log("no case matches");
  return 0;
}

async function finishReport(results: Results, outDir: string, quiet: boolean): Promise<void> {
  // the tidy tables (runs, checks, provenance) beside results.json, for pandas, R and DuckDB
  await writeTidyTables(tidyTables(results, (id) => findCase(id)), outDir, ["csv", "parquet"]);
  const { files, warnings } = await writeReport(results, outDir);
  if (quiet) return;
  for (const w of warnings) {
    console.error(`claimbench report: warning: ${terminalSafe(w, { oneLine: true })}`);
  }
  console.error(`report: ${terminalSafe(join(outDir, "report.html"))} (${files.length} files)`);
}

function exitCodeFor(results: Results, failOn: string | undefined): number {
  const statuses = Object.values(results.cases).map((c) => c.verdict.status);
  if (statuses.includes("error")) return 1;
  if (failOn === "not-reproduced" && statuses.includes("not reproduced")) return 1;
  if (
    failOn === "inconclusive" &&
    statuses.some((s) => s === "not reproduced" || s === "inconclusive")
  ) return 1;
  return 0;
}

async function cmdRun(args: string[], cmd: "run" | "reproduce"): Promise<number> {
  try {
    cpuWorkerCount(); // a bad CLAIMBENCH_CPU_WORKERS is a usage error, before any work
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const { values, positionals } = parse(args, {
    case: { type: "string" },
    profile: { type: "string" },
    seeds: { type: "string" },
    "base-seed": { type: "string" },
    set: { type: "string", multiple: true },
    config: { type: "string" },
    backend: { type: "string", default: "auto" },
    out: { type: "string" },
    resume: { type: "boolean" },
    shard: { type: "string" },
    "fail-on": { type: "string" },
    "no-report": { type: "boolean" },
    quiet: { type: "boolean" },
    "save-baseline": { type: "string" },
  }, cmd);
  if (values.help) return console.log(HELP[cmd]), 0;
  if (positionals.length) {
    throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}\n\n${HELP[cmd]}`);
  }
  const profile = String(values.profile ?? "quick");
  if (!isProfile(profile)) {
    throw new UsageError(
      `--profile ${JSON.stringify(profile)}: allowed values are ${PROFILES.join(", ")}`,
    );
  }
  if (cmd === "reproduce" && values.case) {
    throw new UsageError("reproduce runs every case; use run --case to choose");
  }
  const backend = String(values.backend);
  if (backend !== "auto" && backend !== "webgpu" && backend !== "cpu") {
    throw new UsageError(
      `--backend ${JSON.stringify(backend)}: allowed values are auto, webgpu, cpu`,
    );
  }
  const failOn = values["fail-on"] as string | undefined;
  if (failOn !== undefined && failOn !== "not-reproduced" && failOn !== "inconclusive") {
    throw new UsageError(
      `--fail-on ${JSON.stringify(failOn)}: allowed values are not-reproduced, inconclusive`,
    );
  }
  const baselineName = values["save-baseline"] as string | undefined;
  if (baselineName !== undefined) {
    try {
      checkBaselineName(baselineName);
    } catch (e) {
      throw new UsageError(`--save-baseline: ${e instanceof Error ? e.message : e}`);
    }
  }
  const pattern = values.case as string | undefined;
  const selected = selectCases(pattern);
  if (!selected.length) {
    throw new UsageError(
      `--case ${JSON.stringify(pattern)} matches no case. Known cases: ${
        ALL_CASES.map((c) => c.id).join(", ")
      }`,
    );
  }
  const overrides = {
    ...(values.config ? await readConfigFile(String(values.config)) : {}),
    ...parseOverrides((values.set as string[] | undefined) ?? []),
  };
  checkOverrideKeys(selected, overrides);
  const shard = parseShard(values.shard as string | undefined);
  const cases = shardCases(selected, shard.index, shard.count);
  if (values.resume && !values.out) {
    throw new UsageError("--resume needs --out <dir> of the run to continue");
  }
  const outDir = String(
    values.out ??
      join(
        "results",
        `${timestamp()}-${profile}${shard.count > 1 ? `-shard${shard.index}of${shard.count}` : ""}`,
      ),
  );
  const controller = new AbortController();
  const onSig = () => {
    console.error("\nclaimbench: interrupted; finished cases are saved, continue with --resume");
    controller.abort();
  };
  Deno.addSignalListener("SIGINT", onSig);
  try {
    const { results, path } = await runPlan({
      cases,
      profile,
      seeds: parsePositiveInt("seeds", values.seeds as string | undefined, 2),
      baseSeed: parsePositiveInt("base-seed", values["base-seed"] as string | undefined, 0) ?? 0,
      overrides,
      backend,
      outDir,
      resume: Boolean(values.resume),
      shard,
      command: ["claimbench", cmd, ...args],
      quiet: Boolean(values.quiet),
      signal: controller.signal,
    });
    if (controller.signal.aborted) return 130;
    if (!values.quiet) console.error(`results: ${path}`);
    if (baselineName !== undefined) {
      const saved = await saveBaseline(path, baselineName);
      if (!values.quiet) console.error(`baseline ${baselineName}: ${saved}`);
    }
    if (!values["no-report"]) await finishReport(results, outDir, Boolean(values.quiet));
    printVerdicts(results);
    return exitCodeFor(results, failOn);
  } finally {
    Deno.removeSignalListener("SIGINT", onSig);
  }
}

function printVerdicts(results: Results): void {
  for (const c of Object.values(results.cases)) {
    const v = c.verdict;
    const labels = verdictLabels(c);
    const line = `${c.id.padEnd(24)} ${v.status.padEnd(15)} ${v.statistic} = ${fmtStatistic(v)}${
      labels.length ? ` [${labels.join("; ")}]` : ""
    }`;
    console.log(terminalSafe(line, { oneLine: true }));
  }
}

async function cmdReport(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { out: { type: "string" } }, "report");
  if (values.help) return console.log(HELP.report), 0;
  if (positionals.length !== 1) {
    throw new UsageError(`report needs exactly one results.json\n\n${HELP.report}`);
  }
  let file = positionals[0];
  if (await Deno.stat(file).then((s) => s.isDirectory, () => false)) {
    file = join(file, RESULTS_FILE);
  }
  const results = await readResults(file);
  const outDir = String(values.out ?? file.replace(/[^/]*$/, "") ?? ".") || ".";
  await finishReport(results, outDir, false);
  printVerdicts(results);
  return 0;
}

/** Run the CLI with `args`; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const [cmd, ...rest] = args;
  try {
    switch (cmd) {
      case undefined:
      case "help":
      case "--help":
      case "-h":
        console.log(HELP.main);
        return cmd === undefined ? 2 : 0;
      case "--version":
        console.log(SUITE_VERSION);
        return 0;
      case "list":
        return cmdList(rest);
      case "run":
        return await cmdRun(rest, "run");
      case "reproduce":
        return await cmdRun(rest, "reproduce");
      case "report":
        return await cmdReport(rest);
      case "compare":
        return await cmdCompare(rest);
      case "merge":
        return await cmdMerge(rest);
      case "history":
        return await cmdHistory(rest);
      case "rejudge":
        return await cmdRejudge(rest);
      case "export":
        return await cmdExport(rest);
      case "publish":
        return await cmdPublish(rest);
      default:
        throw new UsageError(
          `unknown command ${
            JSON.stringify(cmd)
          }; allowed: list, run, report, reproduce, compare, merge, history, rejudge, export, publish`,
        );
    }
  } catch (e) {
    if (
      e instanceof UsageError || e instanceof ResultsFileError || e instanceof GpuUnavailableError
    ) {
      console.error(`claimbench: ${terminalSafe(e.message)}`);
      return e instanceof UsageError ? 2 : e instanceof GpuUnavailableError ? 2 : 1;
    }
    throw e;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}

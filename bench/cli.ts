/**
 * The claimbench command line: `list`, `run`, `report`, `reproduce`.
 * Exit codes: 0 ok, 1 a case ended in `error` (or `--fail-on` tripped) or a file-system fault,
 * 2 usage error (or a busy --out), 130 interrupted.
 * @module
 */
import { cpuWorkerCount } from "../models/cpu/pool.ts";
import type { ParseArgsOptionsConfig } from "node:util";
import { outOption, parseCommandArgs } from "./cli_args.ts";
import { dirname, join } from "node:path";
import { ALL_CASES, findCase, selectCases } from "./registry.ts";
import { type LoadedPack, packRecords, suiteWithPacks } from "./packs.ts";
import { cmdNew, NEW_HELP } from "./cmd_new.ts";
import { BASELINE_HELP, cmdBaseline } from "./cmd_baseline.ts";
import { type AnyCase, type Profile, PROFILES } from "./case.ts";
import { checkOverrideKeys, parseOverrides, readConfigFile, resolveConfig } from "./config.ts";
import { RESULTS_FILE, runPlan } from "./runner.ts";
import { caseUnitIds, describeShard, planUnits, shardLoads } from "./unit_plan.ts";
import { parseBaseSeed, parseSeedsOption, planSeeds } from "./seeds.ts";
import { lockOutDir, releaseAllLocksSync } from "./out_lock.ts";
import { StagedDir } from "../reports/staged_dir.ts";
import { Interrupted, INTERRUPTED_EXIT, withInterrupt } from "./interrupt.ts";
import { describeOsError } from "../reports/fs_error.ts";
import { UsageError } from "./usage_error.ts";
import { SUITE_VERSION } from "./version.ts";
import { GpuUnavailableError } from "../models/gpu/device.ts";
import { readResults, type Results, ResultsFileError } from "../reports/schema.ts";
import { writeReport } from "../reports/write_report.ts";
import { fmtStatistic, verdictLabels } from "../reports/format.ts";
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
import { busyMachineNote, CALIBRATION, estimateSelection } from "./estimate.ts";

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
  baseline    save a results file as a named baseline for compare --baseline; list them
  new         write a claim pack (your paper's claims) to start from

Claim packs: --pack <path or URL of a pack's mod.ts> (repeatable) on list, run, rejudge and
export loads its cases next to the built-in ones (ids <pack>:<id>); a claimbench.json in
the working folder ({"packs": [...]}) lists packs for every command.

Run 'claimbench <command> --help' for a command's options.
Exit codes: 0 ok; 1 a case ended in error (or --fail-on tripped), or a file or disk fault;
2 usage error, or the --out folder is in use by another run; 130 interrupted (Ctrl-C).`,
  list:
    `Usage: claimbench list [--case <id|glob>] [--profile smoke|quick|full] [--json] [--pack <mod.ts>]...
       claimbench list --shard-plan <n> [--case ..] [--profile ..] [--seeds <n>] [--base-seed <n>]
                       [--set <key=value>]... [--config <file.json>] [--json]

Lists the cases with their paper, claim, version, config fields and estimated time: each
case's own cost model times a factor measured on a real run (bench/calibration.json;
'deno task calibrate <results.json>' recomputes it from a run's recorded durations).

--shard-plan <n> prints how 'run --shard i/n' with the same options splits the work units
of the selected cases: each shard's estimated seconds and its units, and the largest shard
against the mean.`,
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
  --resume                  continue an interrupted run in --out: finished cases and every
                            stored work unit (<out>/units/) are kept
  --shard <i/n|auto>        run only shard i of n: the work units of the selected cases, split
                            by estimated cost (list --shard-plan n shows the split); auto reads
                            SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT (1-based) or a Kubernetes
                            Indexed Job's JOB_COMPLETION_INDEX (0-based) and CLAIMBENCH_SHARD_COUNT
  --pack <mod.ts>           also load the cases of a claim pack (repeatable; ids <pack>:<id>)
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
  baseline: BASELINE_HELP,
  new: NEW_HELP,
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

/** The most shards a run may be split into. */
const MAX_SHARDS = 10_000;

/**
 * `--shard auto`: the shard from a SLURM job array (1-based task ids) or a Kubernetes Indexed
 * Job (0-based completion index plus CLAIMBENCH_SHARD_COUNT).
 */
export function shardFromEnv(
  env: (k: string) => string | undefined = (k) => Deno.env.get(k),
): string {
  const task = env("SLURM_ARRAY_TASK_ID"), count = env("SLURM_ARRAY_TASK_COUNT");
  if (task !== undefined && count !== undefined) {
    // an array --array=1-N numbers its tasks from SLURM_ARRAY_TASK_MIN
    const min = Number(env("SLURM_ARRAY_TASK_MIN") ?? "1");
    return `${Number(task) - min + 1}/${count}`;
  }
  const index = env("JOB_COMPLETION_INDEX"), total = env("CLAIMBENCH_SHARD_COUNT");
  if (index !== undefined && total !== undefined) return `${Number(index) + 1}/${total}`;
  throw new UsageError(
    "--shard auto: set SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT (a SLURM job array), or " +
      "JOB_COMPLETION_INDEX and CLAIMBENCH_SHARD_COUNT (a Kubernetes Indexed Job)",
  );
}

function parseShard(s: string | undefined): { index: number; count: number } {
  if (s === undefined) return { index: 1, count: 1 };
  if (s === "auto") s = shardFromEnv();
  const m = /^(\d{1,6})\/(\d{1,6})$/.exec(s);
  if (!m || +m[1] < 1 || +m[1] > +m[2] || +m[2] > MAX_SHARDS) {
    throw new UsageError(
      `--shard ${JSON.stringify(s)}: expected i/n with 1 ≤ i ≤ n ≤ ${MAX_SHARDS}, e.g. --shard 1/4`,
    );
  }
  return { index: +m[1], count: +m[2] };
}

type Parsed = {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
};

function parse(args: string[], options: ParseArgsOptionsConfig, cmd: string): Parsed {
  return parseCommandArgs(args, options, HELP[cmd]) as Parsed;
}

/** The suite: built-in cases plus those of `--pack` and claimbench.json. */
async function suite(values: Record<string, unknown>) {
  return await suiteWithPacks(ALL_CASES, (values.pack as string[] | undefined) ?? []);
}

async function cmdList(args: string[]): Promise<number> {
  const { values } = parse(args, {
    case: { type: "string" },
    profile: { type: "string", default: "quick" },
    json: { type: "boolean" },
    pack: { type: "string", multiple: true },
    "shard-plan": { type: "string" },
    seeds: { type: "string" },
    "base-seed": { type: "string" },
    set: { type: "string", multiple: true },
    config: { type: "string" },
  }, "list");
  if (values.help) return console.log(HELP.list), 0;
  const profile = String(values.profile);
  if (!isProfile(profile)) {
    throw new UsageError(
      `--profile ${JSON.stringify(profile)}: allowed values are ${PROFILES.join(", ")}`,
    );
  }
  const cases = selectCases(values.case as string | undefined, (await suite(values)).cases);
  if (values["shard-plan"] !== undefined) return await listShardPlan(cases, profile, values);
  for (const o of ["seeds", "base-seed", "set", "config"]) {
    if (values[o] !== undefined) throw new UsageError(`list --${o} needs --shard-plan <n>`);
  }
  const estimates = estimateSelection(cases, profile);
  const rows = cases.map((c, i) => {
    const cfg = resolveConfig(c, profile, {});
    const e = estimates[i];
    return {
      id: c.id,
      version: c.version,
      paper: c.paper,
      claim: c.claim,
      profiles: PROFILES,
      seeds: c.defaultSeeds(cfg),
      estimatedSeconds: Math.round(e.seconds),
      rawEstimateSeconds: Math.round(e.rawSeconds),
      calibrationFactor: e.factor,
      estimateNote: e.note,
      fields: Object.keys((c.configSchema as unknown as { shape: object }).shape ?? {}),
    };
  });
  if (values.json) return console.log(JSON.stringify(rows, null, 2)), 0;
  for (const r of rows) {
    console.log(
      `${r.id}  v${r.version}  ~${r.estimatedSeconds}s (${profile}, ${r.seeds} seeds${
        r.estimateNote ? `; ${r.estimateNote}` : ""
      })`,
    );
    console.log(`  paper: ${r.paper}`);
    console.log(`  claim: ${r.claim}`);
    console.log(`  profiles: ${r.profiles.join(", ")}; fields: ${r.fields.join(", ")}`);
  }
  if (!rows.length) console.log("no case matches");
  else {
    const run = CALIBRATION.run;
    const total = Math.round(estimates.reduce((s, e) => s + e.seconds, 0));
    console.log(
      `\nestimated total ~${total}s. Estimates are calibrated: each case's cost model times a ` +
        `factor measured on the ${run.profile} run of ${run.createdAt.slice(0, 10)} ` +
        `on ${run.machine} (backend and load: bench/calibration.json).` +
        (profile === run.profile ? "" : ` At --profile ${profile} they are extrapolated.`),
    );
    const busy = busyMachineNote();
    if (busy) console.log(`note: ${busy}`);
  }
  return 0;
}

/** `list --shard-plan n`: the split of the selection's work units into n shards. */
async function listShardPlan(
  cases: AnyCase[],
  profile: Profile,
  values: Parsed["values"],
): Promise<number> {
  const n = parseShard(`1/${values["shard-plan"]}`).count;
  const seeds = parseSeedsOption(values.seeds as string | undefined);
  const baseSeed = parseBaseSeed(values["base-seed"] as string | undefined);
  const overrides = {
    ...(values.config ? await readConfigFile(String(values.config)) : {}),
    ...parseOverrides((values.set as string[] | undefined) ?? []),
  };
  checkOverrideKeys(cases, overrides);
  const configs = cases.map((c) => resolveConfig(c, profile, overrides));
  const seedSets = planSeeds(cases, configs, seeds, baseSeed);
  const plan = await planUnits(cases, configs, seedSets, { profile, baseSeed, shardCount: n });
  const loads = shardLoads(plan);
  const mean = loads.reduce((s, l) => s + l.seconds, 0) / n;
  const max = Math.max(...loads.map((l) => l.seconds));
  if (values.json) {
    const shards = loads.map((l) => ({
      shard: `${l.index}/${n}`,
      estimatedSeconds: Number(l.seconds.toFixed(3)),
      units: l.units.map((u) => ({
        case: plan.cases[u.caseIndex].case.id,
        unit: u.label,
        estimatedSeconds: u.cost,
      })),
      judges: plan.cases.filter((p) => p.shard === l.index).map((p) => p.case.id),
    }));
    const out = {
      profile,
      cases: plan.cases.map((p) => ({
        id: p.case.id,
        units: new Set(caseUnitIds(p)).size,
        judgedIn: p.shard === null ? "merge" : `${p.shard}/${n}`,
        ...(p.error ? { error: p.error } : {}),
      })),
      shards,
      units: plan.units.length,
      meanSeconds: Number(mean.toFixed(3)),
      maxSeconds: Number(max.toFixed(3)),
      maxOverMean: mean > 0 ? Number((max / mean).toFixed(4)) : null,
      planHash: plan.hash,
    };
    return console.log(JSON.stringify(out, null, 2)), 0;
  }
  for (const l of loads) {
    for (const line of describeShard(plan, l)) console.log(terminalSafe(line));
  }
  const ratio = mean > 0 ? ` = ${(max / mean).toFixed(2)} × the mean ~${Math.round(mean)} s` : "";
  const split = plan.cases.filter((p) => p.shard === null).map((p) => p.case.id);
  console.log(
    `\n${n} shard(s) of ${plan.units.length} unit(s), ${profile} profile: the largest ` +
      `~${Math.round(max)} s${ratio} (calibrated estimates, bench/calibration.json).` +
      (split.length ? ` merge judges the cases split over shards: ${split.join(", ")}.` : ""),
  );
  return 0;
}

/** The packs that `cases` come from. */
function usedPacks(packs: LoadedPack[], cases: AnyCase[]): LoadedPack[] {
  return packs.filter((p) => p.cases.some((c) => cases.some((x) => x.id === c.id)));
}

async function finishReport(
  results: Results,
  outDir: string,
  quiet: boolean,
  signal: AbortSignal,
  cases: readonly AnyCase[] = ALL_CASES,
): Promise<void> {
  const { files, warnings } = await writeReport(results, outDir, {
    signal,
    // the tidy tables (runs, checks, provenance) beside results.json, for pandas, R and DuckDB
    alsoProduce: (dir) =>
      writeTidyTables(tidyTables(results, (id) => findCase(id, cases)), dir, ["csv", "parquet"]),
  });
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

async function cmdRun(
  args: string[],
  cmd: "run" | "reproduce",
  signal: AbortSignal,
): Promise<number> {
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
    pack: { type: "string", multiple: true },
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
  // numbers first: a bad one is a usage error before any work
  const seeds = parseSeedsOption(values.seeds as string | undefined);
  const baseSeed = parseBaseSeed(values["base-seed"] as string | undefined);
  const outOpt = outOption(values.out);
  const baselineName = values["save-baseline"] as string | undefined;
  if (baselineName !== undefined) {
    try {
      checkBaselineName(baselineName);
    } catch (e) {
      throw new UsageError(`--save-baseline: ${e instanceof Error ? e.message : e}`);
    }
  }
  const pattern = values.case as string | undefined;
  const { cases: all, packs } = await suite(values);
  const selected = selectCases(pattern, all);
  const overrides = {
    ...(values.config ? await readConfigFile(String(values.config)) : {}),
    ...parseOverrides((values.set as string[] | undefined) ?? []),
  };
  checkOverrideKeys(selected, overrides);
  const shard = parseShard(values.shard as string | undefined);
  // every shard plans the whole selection and runs its share of the work units
  const cases = selected;
  if (values.resume && outOpt === undefined) {
    throw new UsageError("--resume needs --out <dir> of the run to continue");
  }
  const outDir = String(
    outOpt ??
      join(
        "results",
        `${timestamp()}-${profile}${shard.count > 1 ? `-shard${shard.index}of${shard.count}` : ""}`,
      ),
  );
  // configs and seed sets are checked before the lock, so that a usage error creates nothing
  runPlanChecks(cases, profile, overrides, seeds, baseSeed);
  const lock = await lockOutDir(outDir);
  try {
    const { results, path } = await runPlan({
      cases,
      profile,
      seeds,
      baseSeed,
      overrides,
      backend,
      outDir,
      resume: Boolean(values.resume),
      shard,
      command: ["claimbench", cmd, ...args],
      quiet: Boolean(values.quiet),
      signal,
      packs: packRecords(usedPacks(packs, cases)),
    });
    if (signal.aborted) return INTERRUPTED_EXIT;
    if (!values.quiet) console.error(`results: ${path}`);
    if (!values["no-report"]) {
      await finishReport(results, outDir, Boolean(values.quiet), signal, all);
    }
    printVerdicts(results);
    // after the report, so that a baseline that cannot be saved does not cost the report
    if (baselineName !== undefined) {
      signal.throwIfAborted();
      const saved = await saveBaseline(path, baselineName);
      if (!values.quiet) console.error(`baseline ${baselineName}: ${saved}`);
    }
    return exitCodeFor(results, failOn);
  } finally {
    await lock.release();
  }
}

/** Resolve every case's config and seed set (usage errors) without running anything. */
function runPlanChecks(
  cases: AnyCase[],
  profile: Profile,
  overrides: Record<string, unknown>,
  seeds: number | null,
  baseSeed: number,
): void {
  const configs = cases.map((c) => resolveConfig(c, profile, overrides));
  planSeeds(cases, configs, seeds, baseSeed);
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

async function cmdReport(args: string[], signal: AbortSignal): Promise<number> {
  const { values, positionals } = parse(args, { out: { type: "string" } }, "report");
  const outOpt = outOption(values.out);
  if (values.help) return console.log(HELP.report), 0;
  if (positionals.length !== 1) {
    throw new UsageError(`report needs exactly one results.json\n\n${HELP.report}`);
  }
  let file = positionals[0];
  if (await Deno.stat(file).then((s) => s.isDirectory, () => false)) {
    file = join(file, RESULTS_FILE);
  }
  const results = await readResults(file);
  const outDir = outOpt ?? (dirname(file) || ".");
  await finishReport(results, outDir, false, signal);
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
        return await cmdList(rest);
      case "run":
      case "reproduce":
        return await withInterrupt(
          "finished cases and work units are saved, continue with --resume",
          (signal) => cmdRun(rest, cmd, signal),
        );
      case "report":
        return await withInterrupt(NOTHING_WRITTEN, (signal) => cmdReport(rest, signal));
      case "compare":
        return await withInterrupt(NOTHING_WRITTEN, (signal) => cmdCompare(rest, signal));
      case "merge":
        return await withInterrupt(NOTHING_WRITTEN, (signal) => cmdMerge(rest, signal));
      case "history":
        return await withInterrupt(NOTHING_WRITTEN, (signal) => cmdHistory(rest, signal));
      case "rejudge":
      case "export": {
        const { values } = parse(
          rest.filter((a, i) => a === "--pack" || rest[i - 1] === "--pack"),
          {
            pack: { type: "string", multiple: true },
          },
          cmd,
        );
        const { cases } = await suite(values);
        const others = rest.filter((a, i) => a !== "--pack" && rest[i - 1] !== "--pack");
        return cmd === "rejudge" ? await cmdRejudge(others, cases) : await cmdExport(others, cases);
      }
      case "baseline":
        return await cmdBaseline(rest);
      case "new":
        return await cmdNew(rest);
      case "publish":
        return await cmdPublish(rest);
      default:
        throw new UsageError(
          `unknown command ${
            JSON.stringify(cmd)
          }; allowed: list, run, report, reproduce, compare, merge, history, rejudge, export, publish, baseline, new`,
        );
    }
  } catch (e) {
    return reportError(e);
  }
}

/** The message stopping an interrupted report, compare, merge or history. */
const NOTHING_WRITTEN = "the output folder is left as it was";

/**
 * Print an error that stopped a command as one line and return the exit code: 2 for usage
 * errors (and a busy --out), 1 for unreadable results, file-system and resource faults and
 * anything unexpected (whose stack `CLAIMBENCH_DEBUG=1` prints).
 */
function reportError(e: unknown): number {
  if (e instanceof UsageError || e instanceof GpuUnavailableError) {
    console.error(`claimbench: ${terminalSafe(e.message)}`);
    return 2;
  }
  if (e instanceof ResultsFileError) {
    console.error(`claimbench: ${terminalSafe(e.message)}`);
    return 1;
  }
  const fs = describeOsError(e);
  if (fs) {
    console.error(`claimbench: ${terminalSafe(fs.message, { oneLine: true })}`);
    return 1;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const resource = err instanceof RangeError
    ? " (out of memory or stack: the input is too large or too deeply nested)"
    : "";
  console.error(
    `claimbench: unexpected ${err.name}: ${terminalSafe(err.message.split("\n")[0])}${resource}; ` +
      "run again with CLAIMBENCH_DEBUG=1 for the stack trace, and report it",
  );
  if (debugEnabled()) console.error(err.stack);
  return 1;
}

function debugEnabled(): boolean {
  try {
    return Boolean(Deno.env.get("CLAIMBENCH_DEBUG"));
  } catch {
    return false;
  }
}

/**
 * The last resort for an error thrown where no command can catch it (a rejected promise
 * inside a library): one line, staging folders and locks removed, exit 1.
 */
function fatal(e: unknown): never {
  StagedDir.discardAllSync();
  releaseAllLocksSync();
  Deno.exit(e instanceof Interrupted ? INTERRUPTED_EXIT : reportError(e));
}

if (import.meta.main) {
  globalThis.addEventListener("unhandledrejection", (ev) => {
    ev.preventDefault();
    fatal(ev.reason);
  });
  globalThis.addEventListener("error", (ev) => {
    ev.preventDefault();
    fatal(ev.error);
  });
  Deno.exit(await main(Deno.args));
}

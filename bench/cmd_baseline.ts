/**
 * `claimbench baseline save <results> <name>` and `baseline list`: named baselines for
 * `compare --baseline <name>`, saved from any results file (a merged nightly, a shard-free run).
 * @module
 */
import { parseCommandArgs } from "./cli_args.ts";
import { UsageError } from "./usage_error.ts";
import {
  baselinesDir,
  checkBaselineName,
  listBaselines,
  saveBaseline,
} from "../reports/baselines.ts";
import { terminalSafe } from "../reports/terminal_safe.ts";

/** `baseline --help`. */
export const BASELINE_HELP = `Usage: claimbench baseline save <results.json|run dir> <name>
       claimbench baseline list

save   validates the results file and keeps it as baseline <name> (in $CLAIMBENCH_BASELINES
       or results/baselines/), for 'compare <run> --baseline <name>'; replaces an older one
list   the saved baselines`;

/** Run `baseline`; returns the exit code. */
export async function cmdBaseline(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {}, BASELINE_HELP);
  if (values.help) return console.log(BASELINE_HELP), 0;
  const [verb, ...rest] = positionals;
  if (verb === "list" && rest.length === 0) {
    for (const n of await listBaselines()) console.log(terminalSafe(n, { oneLine: true }));
    return 0;
  }
  if (verb === "save" && rest.length === 2) {
    try {
      checkBaselineName(rest[1]);
    } catch (e) {
      throw new UsageError(`baseline save: ${e instanceof Error ? e.message : e}`);
    }
    const saved = await saveBaseline(rest[0], rest[1], baselinesDir());
    console.error(`baseline ${rest[1]}: ${saved}`);
    return 0;
  }
  throw new UsageError(`baseline: expected 'save <results> <name>' or 'list'\n\n${BASELINE_HELP}`);
}

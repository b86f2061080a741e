/**
 * `claimbench history`: trend charts of every claim check over many runs (nightlies).
 * @module
 */
import { parseCommandArgs } from "./cli_args.ts";
import { join } from "node:path";
import { UsageError } from "./usage_error.ts";
import { buildHistory, loadHistoryRuns } from "../reports/history.ts";
import { terminalSafe } from "../reports/terminal_safe.ts";
import { writeHistory } from "../reports/write_history.ts";

/** `history --help`. */
export const HISTORY_HELP = `Usage: claimbench history <dir> [--out <dir>] [--no-svg]

Finds every results document under <dir> (recursively; baselines too, duplicates kept
once), orders the runs by createdAt, and writes history.md, history.html and one trend
chart per claim check (value with 95% CI per run, band, verdict changes marked) under
history-charts/.

Options:
  --out <dir>     output folder (default <dir>/history)
  --no-svg        skip the static SVGs

Exit codes: 0 written; 1 no readable results under <dir>; 2 usage error.`;

/** Run `history`; returns the exit code. */
export async function cmdHistory(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    args,
    {
      out: { type: "string" },
      "no-svg": { type: "boolean" },
    },
    HISTORY_HELP,
  );
  const { values, positionals } = parsed;
  if (values.help) return console.log(HISTORY_HELP), 0;
  if (positionals.length !== 1) {
    throw new UsageError(`history needs exactly one folder\n\n${HISTORY_HELP}`);
  }
  const dir = positionals[0];
  const { inputs, skipped } = await loadHistoryRuns(dir);
  for (const s of skipped) console.error(`claimbench history: skipped ${terminalSafe(s)}`);
  if (!inputs.length) {
    console.error(
      `claimbench history: no readable results document under ${terminalSafe(dir)}`,
    );
    return 1;
  }
  const hist = buildHistory(inputs);
  hist.skipped.unshift(...skipped);
  const outDir = values.out ?? join(dir, "history");
  const { warnings } = await writeHistory(hist, outDir, { svg: !values["no-svg"] });
  for (const w of warnings) {
    console.error(`claimbench history: warning: ${terminalSafe(w, { oneLine: true })}`);
  }
  console.error(
    `history: ${hist.runs.length} run(s), ${hist.series.length} series: ${
      terminalSafe(join(outDir, "history.html"))
    }`,
  );
  return 0;
}

/**
 * `claimbench history`: trend charts of every claim check over many runs (nightlies).
 * @module
 */
import { outOption, parseCommandArgs } from "./cli_args.ts";
import { join } from "node:path";
import { UsageError } from "./usage_error.ts";
import { buildHistory } from "../reports/history.ts";
import { loadRunStore } from "../reports/run_store.ts";
import { terminalSafe } from "../reports/terminal_safe.ts";
import { writeHistory } from "../reports/write_history.ts";
import { printable } from "../reports/run_match.ts";

/** `history --help`. */
export const HISTORY_HELP =
  `Usage: claimbench history <dir> [--out <dir>] [--no-svg] [--allow-mismatch]

Reads every results document under <dir> (recursively, hidden folders aside; baselines
too, the same run twice kept once) through DuckDB, over the tidy tables beside each
results.json (checks.parquet, provenance.parquet; from the JSON where they are missing or
older), orders the runs by createdAt, and writes history.md, history.html and one trend
chart per claim check (value with 95% CI per run, band, verdict changes marked) under
history-charts/. Runs of different profiles or case versions are not paired: each forms
its own series, with a note saying so.

Options:
  --out <dir>         output folder (default <dir>/history)
  --no-svg            skip the static SVGs
  --allow-mismatch    join runs of different profiles or case versions into one series
                      anyway (said in a note)

Exit codes: 0 written; 1 no readable results under <dir>; 2 usage error.`;

/** Run `history`; returns the exit code. */
export async function cmdHistory(args: string[], signal?: AbortSignal): Promise<number> {
  const parsed = parseCommandArgs(
    args,
    {
      out: { type: "string" },
      "no-svg": { type: "boolean" },
      "allow-mismatch": { type: "boolean" },
    },
    HISTORY_HELP,
  );
  const { values, positionals } = parsed;
  if (values.help) return console.log(HISTORY_HELP), 0;
  if (positionals.length !== 1) {
    throw new UsageError(`history needs exactly one folder\n\n${HISTORY_HELP}`);
  }
  const outOpt = outOption(values.out);
  const dir = positionals[0];
  const store = await loadRunStore(dir, { documents: "all" });
  for (const s of store.skipped) {
    console.error(`claimbench history: skipped ${terminalSafe(s, { oneLine: true })}`);
  }
  if (!store.runs.length) {
    console.error(
      `claimbench history: no readable results document under ${terminalSafe(dir)}`,
    );
    return 1;
  }
  const hist = buildHistory(store, { allowMismatch: values["allow-mismatch"] });
  const outDir = outOpt ?? join(dir, "history");
  const { warnings } = await writeHistory(hist, outDir, { svg: !values["no-svg"], signal });
  for (const w of warnings) {
    console.error(`claimbench history: warning: ${terminalSafe(w, { oneLine: true })}`);
  }
  for (const note of hist.notes) console.error(`claimbench history: note: ${printable(note, 400)}`);
  console.error(
    `history: ${hist.runs.length} run(s), ${hist.series.length} series: ${
      terminalSafe(join(outDir, "history.html"))
    }`,
  );
  return 0;
}

/**
 * `claimbench export`: the tidy tables of a results file (runs, checks, provenance) as CSV,
 * Parquet or JSON Lines, for pandas, R and DuckDB.
 * @module
 */
import { dirname } from "node:path";
import { parseCommandArgs } from "./cli_args.ts";
import { UsageError } from "./usage_error.ts";
import { ALL_CASES, findCase } from "./registry.ts";
import { tidyTables } from "./export.ts";
import { resultsFileOf } from "../reports/results_path.ts";
import { readResults } from "../reports/schema.ts";
import { TIDY_FORMATS, type TidyFormat, writeTidyTables } from "../reports/tidy_write.ts";

/** `export --help`. */
export const EXPORT_HELP =
  `Usage: claimbench export <results.json|run dir> [--format csv,parquet,jsonl] [--out <dir>]

Writes the run's tidy tables: runs.<fmt> (one row per case × seed × grid point ×
observable, with units), checks.<fmt> (one row per check: statistic, CI, band, status,
primary, robustness, modified config) and provenance.<fmt> (one row). The columns are
documented in docs/tidy-tables.md. 'run' already writes CSV and Parquet beside results.json.

  pandas:  pd.read_parquet("<dir>/checks.parquet")   (or pd.read_csv("<dir>/checks.csv"))
  R:       arrow::read_parquet("<dir>/checks.parquet")   (or read.csv("<dir>/checks.csv"))

Options:
  --format <f[,f]>  csv, parquet and/or jsonl (default: all three)
  --out <dir>       where to write (default: beside the results file)`;

/** Parse `--format`. */
export function parseFormats(s: string | undefined): TidyFormat[] {
  if (s === undefined) return [...TIDY_FORMATS];
  const parts = s.split(",").map((x) => x.trim()).filter(Boolean);
  const bad = parts.filter((p) => !(TIDY_FORMATS as readonly string[]).includes(p));
  if (!parts.length || bad.length) {
    throw new UsageError(
      `--format ${JSON.stringify(s)}: allowed values are ${
        TIDY_FORMATS.join(", ")
      } (comma-separated)`,
    );
  }
  return [...new Set(parts)] as TidyFormat[];
}

/** Run `export`; returns the exit code. */
export async function cmdExport(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    format: { type: "string" },
    out: { type: "string" },
  }, EXPORT_HELP);
  if (values.help) return console.log(EXPORT_HELP), 0;
  if (positionals.length !== 1) {
    throw new UsageError(`export needs exactly one results.json\n\n${EXPORT_HELP}`);
  }
  const formats = parseFormats(values.format as string | undefined);
  const file = await resultsFileOf(positionals[0]);
  const results = await readResults(file);
  const outDir = values.out === undefined ? dirname(file) : String(values.out);
  if (!outDir) throw new UsageError("--out must not be empty");
  await Deno.mkdir(outDir, { recursive: true });
  const files = await writeTidyTables(
    tidyTables(results, (id) => findCase(id, ALL_CASES)),
    outDir,
    formats,
  );
  for (const f of files) console.log(f);
  return 0;
}

/**
 * `claimbench compare`: compare two runs (or a run against a saved baseline), write
 * compare.md / compare.html / compare.json, print the Markdown, and gate on regressions.
 * @module
 */
import { parseCommandArgs } from "./cli_args.ts";
import { dirname } from "node:path";
import { UsageError } from "./usage_error.ts";
import { BaselineNameError, readBaseline } from "../reports/baselines.ts";
import { compareResults, type Threshold } from "../reports/compare.ts";
import { gateLine } from "../reports/compare_md.ts";
import { resultsFileOf } from "../reports/results_path.ts";
import { readResults, type Results } from "../reports/schema.ts";
import { terminalSafe } from "../reports/terminal_safe.ts";
import { writeCompare } from "../reports/write_compare.ts";

/** `compare --help`. */
export const COMPARE_HELP = `Usage: claimbench compare <runA> <runB> [options]
       claimbench compare <run> --baseline <name> [options]

Compares run A (before) with run B (after): each check's change B − A with a 95% CI,
verdict changes, provenance differences. Runs are results.json files or run folders.

Options:
  --baseline <name>          use saved baseline <name> as A (saved by run --save-baseline;
                             folder $CLAIMBENCH_BASELINES or results/baselines)
  --out <dir>                where to write compare.md, compare.html, compare.json and
                             compare-charts/ (default: run B's folder)
  --threshold <case=x>       regression threshold of a case (id or glob; repeatable): an
                             absolute change (0.2) or a percentage of the band width, else
                             of |A value| (15%). Default 10%.
  --no-svg                   skip the static SVG of each chart
  --quiet                    do not print the Markdown (the gate line is still printed)

Exit codes: 0 no regression; 1 a regression (a primary check's verdict got worse and its
change clears the noise and the threshold, or a case errors in B but not in A), or an
unreadable results file; 2 usage error.`;

/** Parse `case=x` / `case=x%` threshold options. */
export function parseThresholds(items: string[]): Record<string, Threshold> {
  const out: Record<string, Threshold> = {};
  for (const item of items) {
    const m = /^([^=]+)=\s*([0-9]*\.?[0-9]+(?:e[+-]?\d+)?)\s*(%?)$/i.exec(item);
    if (!m) {
      throw new UsageError(
        `--threshold ${JSON.stringify(item)}: expected <case id or glob>=<number or percent>, ` +
          "e.g. mem.transition=0.25 or 'fl.*=20%'",
      );
    }
    const x = Number(m[2]);
    out[m[1].trim()] = m[3] ? { kind: "relative", fraction: x / 100 } : {
      kind: "absolute",
      value: x,
    };
  }
  return out;
}

/** Run `compare`; returns the exit code (usage errors are thrown as {@link UsageError}). */
export async function cmdCompare(args: string[]): Promise<number> {
  const parsed = parseCommandArgs(
    args,
    {
      baseline: { type: "string" },
      out: { type: "string" },
      threshold: { type: "string", multiple: true },
      "no-svg": { type: "boolean" },
      quiet: { type: "boolean" },
    },
    COMPARE_HELP,
  );
  const { values, positionals } = parsed;
  if (values.help) return console.log(COMPARE_HELP), 0;
  const want = values.baseline !== undefined ? 1 : 2;
  if (positionals.length !== want) {
    throw new UsageError(
      (want === 1
        ? "compare --baseline <name> takes exactly one run (the new one)"
        : "compare needs two runs: <runA> <runB> (or <run> --baseline <name>)") +
        `\n\n${COMPARE_HELP}`,
    );
  }
  const thresholds = parseThresholds(values.threshold ?? []);
  // Read and validate both inputs before writing anything.
  let a: Results, b: Results, fileB: string;
  if (values.baseline !== undefined) {
    try {
      a = (await readBaseline(values.baseline)).results;
    } catch (e) {
      if (e instanceof BaselineNameError) throw new UsageError(e.message);
      throw e;
    }
    fileB = await resultsFileOf(positionals[0]);
    b = await readResults(fileB);
  } else {
    a = await readResults(await resultsFileOf(positionals[0]));
    fileB = await resultsFileOf(positionals[1]);
    b = await readResults(fileB);
  }
  const cmp = compareResults(a, b, { thresholds });
  const outDir = values.out ?? (dirname(fileB) || ".");
  const { markdown, warnings } = await writeCompare(cmp, outDir, { svg: !values["no-svg"] });
  if (!values.quiet) console.log(terminalSafe(markdown));
  for (const w of warnings) {
    console.error(`claimbench compare: warning: ${terminalSafe(w, { oneLine: true })}`);
  }
  console.error(`compare: ${terminalSafe(`${outDir}/compare.html`)}`);
  console.error(`gate: ${terminalSafe(gateLine(cmp))}`);
  return cmp.regressions.length ? 1 : 0;
}

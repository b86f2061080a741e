/**
 * `claimbench rejudge`: recompute every verdict of a results file from its stored measurements
 * with the current code (no retraining), write the re-judged results and report, and list the
 * verdicts that changed.
 * @module
 */
import { dirname, join, resolve } from "node:path";
import { parseCommandArgs } from "./cli_args.ts";
import { UsageError } from "./usage_error.ts";
import type { AnyCase } from "./case.ts";
import { ALL_CASES, findCase } from "./registry.ts";
import { rejudgeResults, type VerdictChange } from "./rejudge.ts";
import { gitInfo } from "./provenance.ts";
import { atomicWriteTextFile } from "../reports/atomic_write.ts";
import { resultsFileOf } from "../reports/results_path.ts";
import { readResults } from "../reports/schema.ts";
import { writeReport } from "../reports/write_report.ts";
import { terminalSafe } from "../reports/terminal_safe.ts";

/** `rejudge --help`. */
export const REJUDGE_HELP =
  `Usage: claimbench rejudge <results.json|run dir> [--out <dir>] [--no-report]

Judges every case of a results file again from its stored measurement with this version of
the code: predictions, verdicts, robustness tables, charts and the report are recomputed, no
case is trained again. Lists every verdict (and primary check) that changed.

Options:
  --out <dir>     where to write the re-judged results.json and report
                  (default: <run dir>/rejudged)
  --no-report     write results.json only
  --quiet         no list of changes

Exit codes: 0 done; 1 unreadable results file; 2 usage error.`;

/** The changes as lines for the terminal. */
export function changeLines(changes: VerdictChange[], cases: number): string[] {
  if (!changes.length) return [`rejudge: no verdict changed (${cases} case(s) re-judged)`];
  return changes.map((c) =>
    c.check === null
      ? `changed: ${c.caseId}: ${c.from} → ${c.to}`
      : `changed: ${c.caseId}: check "${c.check}": ${c.from} → ${c.to}`
  );
}

/** Run `rejudge`; `cases` is the suite to judge with (the registry; tests pass others). */
export async function cmdRejudge(
  args: string[],
  cases: readonly AnyCase[] = ALL_CASES,
): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    out: { type: "string" },
    "no-report": { type: "boolean" },
    quiet: { type: "boolean" },
  }, REJUDGE_HELP);
  if (values.help) return console.log(REJUDGE_HELP), 0;
  if (positionals.length !== 1) {
    throw new UsageError(`rejudge needs exactly one results.json\n\n${REJUDGE_HELP}`);
  }
  const file = await resultsFileOf(positionals[0]);
  const before = await readResults(file);
  const outDir = String(values.out ?? join(dirname(file), "rejudged"));
  if (!outDir) throw new UsageError("--out must not be empty");
  const target = join(outDir, "results.json");
  if (resolve(target) === resolve(file)) {
    throw new UsageError(`--out ${outDir}: would overwrite the results being re-judged`);
  }
  const git = await gitInfo();
  const { results, changes, unknown } = rejudgeResults(
    before,
    (id) => findCase(id, cases) ?? null,
    { commit: git.commit },
  );
  await Deno.mkdir(outDir, { recursive: true });
  await atomicWriteTextFile(target, JSON.stringify(results, null, 1));
  if (!values["no-report"]) await writeReport(results, outDir);
  if (!values.quiet) {
    for (const line of changeLines(changes, Object.keys(results.cases).length)) {
      console.log(terminalSafe(line, { oneLine: true }));
    }
    if (unknown.length) {
      console.log(
        terminalSafe(`not in this suite, kept as they were: ${unknown.join(", ")}`, {
          oneLine: true,
        }),
      );
    }
    console.error(`rejudged results: ${target}`);
  }
  return 0;
}

/**
 * `deno task calibrate <results.json | run dir> [--load "<load averages>"]`: recompute the
 * per-case factors of `bench/calibration.json` from the durations a run recorded, and add the
 * run's measured durations to `bench/estimate_reference.json` (the measured times the estimate
 * test checks `list` against). Run it on a quick-profile run of the reference machine.
 * `--reference <runId>` recomputes the factors from a run already in the reference file (after
 * a case's cost model changed).
 * @module
 */
import { parseCommandArgs } from "./cli_args.ts";
import { ALL_CASES } from "./registry.ts";
import { CALIBRATION, type Calibration, calibrationFrom, calibrationOf } from "./estimate.ts";
import { UsageError } from "./usage_error.ts";
import { resultsFileOf } from "../reports/results_path.ts";
import { readResults, type Results, ResultsFileError } from "../reports/schema.ts";
import { printable } from "../reports/run_match.ts";
import {
  type MeasuredRun,
  measuredRunOf,
  type MeasuredRuns,
  timedCasesOfMeasured,
} from "./estimate_reference.ts";

const HELP = `Usage: deno task calibrate <results.json | run dir> [--load "<1-min 5-min 15-min>"]
       deno task calibrate --reference <runId>

Recomputes bench/calibration.json (per case: recorded durationS / estimateSeconds of the
config it ran) from a run, and records that run's measured durations in
bench/estimate_reference.json. Quick runs only; cases the run lacks keep their factors.
--load: the load average while the run ran (uptime), kept
beside the numbers; "not recorded" when absent. --reference: recompute the factors from a
run already in bench/estimate_reference.json (its profile's default configs).`;

const CALIBRATION_FILE = new URL("./calibration.json", import.meta.url);
const REFERENCE_FILE = new URL("./estimate_reference.json", import.meta.url);

/** Write `value` as JSON to `url` atomically (temp file, then rename). */
async function writeJson(url: URL, value: unknown): Promise<void> {
  const tmp = `${url.pathname}.tmp`;
  await Deno.writeTextFile(tmp, JSON.stringify(value, null, 2) + "\n");
  await Deno.rename(tmp, url.pathname);
}

/** Run the script; returns the exit code. */
export async function calibrate(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    args,
    { load: { type: "string" }, reference: { type: "string" } },
    HELP,
  );
  if (values.help) return console.log(HELP), 0;
  const reference = JSON.parse(await Deno.readTextFile(REFERENCE_FILE)) as MeasuredRuns;
  let calibration: Calibration, skipped: string[];
  if (values.reference !== undefined) {
    if (positionals.length) throw new UsageError(`--reference takes no run\n\n${HELP}`);
    const stored = reference.runs.find((r) => r.runId === values.reference);
    if (!stored) {
      throw new UsageError(
        `--reference ${
          JSON.stringify(values.reference)
        }: no such run in ${REFERENCE_FILE.pathname}; ` +
          `runs: ${reference.runs.map((r) => r.runId).join(", ")}`,
      );
    }
    const { timed, calibrationRun } = timedCasesOfMeasured(stored, ALL_CASES);
    ({ calibration, skipped } = calibrationOf(timed, ALL_CASES, calibrationRun, CALIBRATION));
  } else {
    if (positionals.length !== 1) throw new UsageError(`calibrate needs one run\n\n${HELP}`);
    const file = await resultsFileOf(positionals[0]);
    const results: Results = await readResults(file);
    if (results.plan.profile !== "quick") {
      throw new UsageError(
        `${file} is a ${results.plan.profile} run; calibrate from a quick run (list's estimates ` +
          "are calibrated and checked at the quick profile)",
      );
    }
    const load = values.load ?? "not recorded";
    ({ calibration, skipped } = calibrationFrom(results, ALL_CASES, {
      load,
      previous: CALIBRATION,
    }));
    const run: MeasuredRun = measuredRunOf(results, file, load);
    reference.runs = [...reference.runs.filter((r) => r.runId !== run.runId), run];
    await writeJson(REFERENCE_FILE, reference);
  }
  await writeJson(CALIBRATION_FILE, calibration);
  for (const s of skipped) console.error(`calibrate: skipped ${printable(s, 300)}`);
  for (const [id, c] of Object.entries(calibration.cases)) {
    console.log(
      `${id.padEnd(24)} raw ${c.rawSeconds.toFixed(0).padStart(5)} s  measured ${
        c.measuredSeconds.toFixed(1).padStart(6)
      } s  factor ${c.factor.toPrecision(3)}${c.reusedFrom ? ` (reused ${c.reusedFrom})` : ""}`,
    );
  }
  console.log(`wrote ${CALIBRATION_FILE.pathname}`);
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await calibrate(Deno.args));
  } catch (e) {
    if (e instanceof UsageError || e instanceof ResultsFileError) {
      console.error(`calibrate: ${e.message}`);
      Deno.exit(e instanceof UsageError ? 2 : 1);
    }
    throw e;
  }
}

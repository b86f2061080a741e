/**
 * Named baselines: a validated copy of a run's results document at
 * `<baselines dir>/<name>.json`, where the folder is `$CLAIMBENCH_BASELINES` or
 * `results/baselines/`. `run --save-baseline <name>` saves one; `compare <run> --baseline
 * <name>` compares a run against it (like asv's per-machine results or criterion's
 * `--save-baseline`/`--baseline`).
 * @module
 */
import { join } from "node:path";
import { atomicWriteTextFile } from "./atomic_write.ts";
import { faultPoint } from "./fault_seam.ts";
import { FsError, fsStep } from "./fs_error.ts";
import { resultsFileOf } from "./results_path.ts";
import { parseResults, readResultsText, type Results, ResultsFileError } from "./schema.ts";

/** A baseline name that cannot be a file name (the CLI reports it as a usage error). */
export class BaselineNameError extends Error {
  override name = "BaselineNameError";
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** The baselines folder: `$CLAIMBENCH_BASELINES`, else `results/baselines`. */
export function baselinesDir(): string {
  return Deno.env.get("CLAIMBENCH_BASELINES") || join("results", "baselines");
}

/** Throw a {@link BaselineNameError} unless `name` is letters, digits, `.`, `_`, `-` (≤ 100). */
export function checkBaselineName(name: string): void {
  if (!NAME.test(name) || name.endsWith(".")) {
    throw new BaselineNameError(
      `baseline name ${JSON.stringify(name)}: use letters, digits, '.', '_' and '-' ` +
        "(start with a letter or digit, at most 100 characters), e.g. nightly or main-cpu",
    );
  }
}

/** The file of baseline `name` (not checked for existence). */
export function baselinePath(name: string, dir: string = baselinesDir()): string {
  checkBaselineName(name);
  return join(dir, `${name}.json`);
}

/** The names of the saved baselines, sorted. */
export async function listBaselines(dir: string = baselinesDir()): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const e of Deno.readDir(dir)) {
      if (e.isFile && e.name.endsWith(".json")) names.push(e.name.slice(0, -5));
    }
  } catch {
    // no folder: no baselines
  }
  return names.sort();
}

/**
 * Save the results at `resultsPath` (a file or a run folder) as baseline `name`. The document
 * is validated first (a corrupt run never becomes a baseline); the copy is byte-identical and
 * written atomically, replacing an older baseline of that name. Returns the baseline's path.
 * A folder that cannot be written is an {@link FsError} whose advice names
 * `CLAIMBENCH_BASELINES`.
 *
 * @example
 * ```ts ignore
 * import { saveBaseline } from "./baselines.ts";
 * await saveBaseline("results/2025-01-01-quick", "nightly");
 * ```
 */
export async function saveBaseline(
  resultsPath: string,
  name: string,
  dir: string = baselinesDir(),
): Promise<string> {
  const target = baselinePath(name, dir);
  const file = await resultsFileOf(resultsPath);
  const text = await readResultsText(file);
  parseResults(text, file);
  const opt = "CLAIMBENCH_BASELINES";
  await fsStep("cannot create the baselines folder", dir, async () => {
    faultPoint("mkdir", dir);
    await Deno.mkdir(dir, { recursive: true });
  }, opt);
  await atomicWriteTextFile(target, text).catch((e) => {
    throw e instanceof FsError
      ? new FsError("cannot save the baseline", target, e.code, e.reason, "").withOption(opt)
      : e;
  });
  return target;
}

/** Read baseline `name`; a missing one is a {@link ResultsFileError} naming the saved ones. */
export async function readBaseline(
  name: string,
  dir: string = baselinesDir(),
): Promise<{ results: Results; path: string }> {
  const path = baselinePath(name, dir);
  if (!(await Deno.lstat(path).then(() => true, () => false))) {
    const known = await listBaselines(dir);
    throw new ResultsFileError(
      `no baseline named ${JSON.stringify(name)} in ${dir} (${
        known.length ? `saved: ${known.join(", ")}` : "none saved yet"
      }); save one with run --save-baseline ${name}`,
    );
  }
  return { results: parseResults(await readResultsText(path), path), path };
}

/**
 * Where a results document lives: commands accept a run folder or the file itself.
 * @module
 */
import { join } from "node:path";

/** The results file name inside a run folder (the runner's `RESULTS_FILE`). */
export const RESULTS_FILE_NAME = "results.json";

/**
 * `path` if it is a file, `path/results.json` if it is a folder (or does not exist as a file
 * and ends with a slash).
 *
 * @example
 * ```ts ignore
 * import { resultsFileOf } from "./results_path.ts";
 * await resultsFileOf("results/2025-01-01-quick"); // "results/2025-01-01-quick/results.json"
 * ```
 */
export async function resultsFileOf(path: string): Promise<string> {
  const isDir = await Deno.stat(path).then((s) => s.isDirectory, () => path.endsWith("/"));
  return isDir ? join(path, RESULTS_FILE_NAME) : path;
}

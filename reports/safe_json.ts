/**
 * Guards for JSON documents from other people (results files, baselines, shards), applied
 * before schema validation: a regular file of bounded size (a FIFO or device would block or
 * never end), bounded nesting (checked iteratively: later recursive code such as validation,
 * `JSON.stringify` or hashing would overflow the stack), and no `__proto__`, `constructor` or
 * `prototype` keys (which would vanish or reach the prototype chain when copied into objects).
 * @module
 */

/** The deepest nesting of arrays and objects accepted. */
export const MAX_JSON_DEPTH = 200;

/** The largest JSON file read (bytes). */
export const MAX_JSON_BYTES = 512 * 2 ** 20;

/** Keys that are refused anywhere in a document. */
export const FORBIDDEN_KEYS: readonly string[] = ["__proto__", "constructor", "prototype"];

/** A document refused by these guards; the message says what and where. */
export class UnsafeJsonError extends Error {
  override name = "UnsafeJsonError";
}

/**
 * What is wrong with a parsed JSON value, or null: nesting deeper than `maxDepth`, or a
 * forbidden key (with its path). Iterative, so any depth is safe to check.
 *
 * @example
 * ```ts
 * import { jsonShapeProblem } from "./safe_json.ts";
 * jsonShapeProblem(JSON.parse('{"cases": {"__proto__": {}}}')); // 'forbidden key "__proto__" at cases'
 * ```
 */
export function jsonShapeProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): string | null {
  const stack: [unknown, number, string][] = [[value, 0, ""]];
  while (stack.length) {
    const [v, depth, path] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (depth >= maxDepth) {
      return `arrays or objects nested deeper than ${maxDepth} levels at ${path || "(root)"}`;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push([v[i], depth + 1, `${path}[${i}]`]);
      continue;
    }
    for (const k of Object.keys(v)) {
      const at = path ? `${path}.${k}` : k;
      if (FORBIDDEN_KEYS.includes(k)) {
        return `forbidden key ${JSON.stringify(k)} at ${path || "(root)"}`;
      }
      stack.push([(v as Record<string, unknown>)[k], depth + 1, at.slice(0, 200)]);
    }
  }
  return null;
}

/**
 * Read `path` as UTF-8 text after checking that it is a regular file (not a FIFO, device or
 * folder) of at most `maxBytes`. Errors are {@link UnsafeJsonError}s for those checks, and the
 * file system's own errors otherwise.
 */
export async function readRegularTextFile(
  path: string,
  maxBytes = MAX_JSON_BYTES,
): Promise<string> {
  const info = await Deno.stat(path);
  if (!info.isFile) {
    const kind = info.isDirectory
      ? "a folder"
      : info.isFifo
      ? "a FIFO (named pipe)"
      : "not a regular file";
    throw new UnsafeJsonError(`${path} is ${kind}; give a results.json file or a run folder`);
  }
  if (info.size > maxBytes) {
    throw new UnsafeJsonError(
      `${path} is ${Math.round(info.size / 2 ** 20)} MiB, more than the ${
        maxBytes / 2 ** 20
      } MiB a results document may have`,
    );
  }
  return await Deno.readTextFile(path);
}

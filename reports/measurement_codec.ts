/**
 * Lossless JSON for raw measurements. JSON has no NaN or ±Infinity, yet censored statistics
 * (a curve that never crosses on the grid, a run that diverged) are exactly those values; the
 * results document's `jsonSafe` would turn them into `null` and lose which one it was. A stored
 * measurement therefore writes them as the strings `"NaN"`, `"Infinity"` and `"-Infinity"`, and
 * {@link decodeMeasurement} turns those strings back into numbers, so a verdict re-judged from a
 * stored measurement is computed from the very same numbers as the one judged after the run.
 * @module
 */
import { z } from "../deps.ts";

const NON_FINITE: Record<string, number> = {
  "NaN": NaN,
  "Infinity": Infinity,
  "-Infinity": -Infinity,
};

/**
 * A measurement as plain JSON data: non-finite numbers become strings, typed arrays become
 * arrays, `undefined` object fields are dropped (as JSON does).
 * @example
 * ```ts
 * import { decodeMeasurement, encodeMeasurement } from "./measurement_codec.ts";
 * const m = encodeMeasurement({ crossing: [1.5, Infinity, NaN] });
 * // m = { crossing: [1.5, "Infinity", "NaN"] }
 * const back = decodeMeasurement(m) as { crossing: number[] };
 * // back.crossing[1] === Infinity
 * ```
 */
export function encodeMeasurement(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v) => {
    if (typeof v === "number" && !Number.isFinite(v)) return String(v);
    if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
      return Array.from(v as unknown as ArrayLike<number>);
    }
    return v;
  }));
}

/** The inverse of {@link encodeMeasurement}: the strings `"NaN"`, `"±Infinity"` become numbers. */
export function decodeMeasurement(value: unknown): unknown {
  // iterative, so that a hostile, deeply nested document cannot overflow the stack
  const root = { v: value };
  const stack: [Record<string, unknown> | unknown[], string | number][] = [[root, "v"]];
  while (stack.length) {
    const [parent, key] = stack.pop()!;
    const v = (parent as Record<string | number, unknown>)[key];
    if (typeof v === "string" && v in NON_FINITE) {
      (parent as Record<string | number, unknown>)[key] = NON_FINITE[v];
    } else if (Array.isArray(v)) {
      const copy = v.slice();
      (parent as Record<string | number, unknown>)[key] = copy;
      for (let i = 0; i < copy.length; i++) stack.push([copy, i]);
    } else if (v && typeof v === "object") {
      const copy = { ...(v as Record<string, unknown>) };
      (parent as Record<string | number, unknown>)[key] = copy;
      for (const k of Object.keys(copy)) stack.push([copy, k]);
    }
  }
  return root.v;
}

/**
 * A number in a measurement schema: finite, NaN or ±Infinity (zod's `z.number()` rejects the
 * last three, which censored statistics need).
 */
export const anyNumber: z.ZodType<number> = z.custom<number>(
  (v) => typeof v === "number",
  "expected a number (NaN and ±Infinity allowed)",
);

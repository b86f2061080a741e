/**
 * Text for the terminal. Strings from a results file (case ids, names, messages, chart
 * warnings) can carry ESC sequences that recolour, move the cursor, retitle the window or
 * rewrite what was printed before, carriage returns that overwrite a line, and bidi controls
 * that reorder it. {@link terminalSafe} shows every such character as a visible escape
 * (`\u001b`) instead; everything the commands print from a file goes through it.
 * @module
 */

// C0 controls except tab and newline, DEL, C1 controls, line/paragraph separators, and the
// bidi embedding/override/isolate controls and marks (a string: lint forbids them in literals).
const OTHER = "\\u007F-\\u009F\\u2028\\u2029\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069";
const UNSAFE = new RegExp(`[\\u0000-\\u0008\\u000B-\\u001F${OTHER}]`, "g");
const UNSAFE_LINE = new RegExp(`[\\u0000-\\u001F${OTHER}]`, "g");

const show = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/**
 * `value` as text that cannot control the terminal: control characters (ESC, CR, BEL, ...)
 * and bidi controls become visible `\uXXXX` escapes. Newlines and tabs are kept unless
 * `oneLine` is set (then a newline becomes `\u000a` too, so one item stays one line).
 *
 * @example
 * ```ts
 * import { terminalSafe } from "./terminal_safe.ts";
 * terminalSafe("case \x1b[2Jx"); // "case \\u001b[2Jx"
 * terminalSafe("a\nb", { oneLine: true }); // "a\\u000ab"
 * ```
 */
export function terminalSafe(value: unknown, opts: { oneLine?: boolean } = {}): string {
  return String(value ?? "").replace(opts.oneLine ? UNSAFE_LINE : UNSAFE, show);
}

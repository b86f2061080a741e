/**
 * Escaping for the report writers. Every string that comes from a results document (case
 * ids, claims, config values, labels, chart titles, error messages) passes through one of
 * these before it lands in HTML, Markdown, XML or an inline `<script>`.
 * @module
 */

const HTML_ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/**
 * Escape text for HTML element content and (quoted) attribute values.
 *
 * @example
 * ```ts
 * import { escapeHtml } from "./escape.ts";
 * escapeHtml('<b title="x">'); // "&lt;b title=&quot;x&quot;&gt;"
 * ```
 */
export function escapeHtml(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => HTML_ENTITIES[c]);
}

/**
 * Escape text for a Markdown table cell or an inline Markdown run: HTML-special characters
 * become entities, Markdown syntax characters (`\ | \` * [ ]`) are backslash-escaped, and
 * newlines become `<br>` so a cell stays on one line.
 *
 * @example
 * ```ts
 * import { escapeMarkdown } from "./escape.ts";
 * escapeMarkdown("a|b\n`c`"); // "a\\|b<br>\\`c\\`"
 * ```
 */
export function escapeMarkdown(value: unknown): string {
  return String(value ?? "")
    .replace(/[&<>]/g, (c) => HTML_ENTITIES[c])
    .replace(/[\\|`*[\]]/g, (c) => "\\" + c)
    .replace(/\r\n|\r|\n/g, "<br>");
}

/**
 * A fenced Markdown code block holding `text` verbatim: the fence is one backtick longer than
 * the longest backtick run inside, so the text cannot close it.
 */
export function markdownFence(text: string, lang = ""): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}${lang}\n${text.replace(/\r\n?/g, "\n")}\n${fence}`;
}

/**
 * The lines of a Markdown table; cells are Markdown already escaped by the caller (see
 * {@link escapeMarkdown}).
 */
export function markdownTable(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ];
}

// Characters XML 1.0 does not allow, even as character references, and lone surrogates.
const XML_INVALID = new RegExp(
  "[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\uFFFE\\uFFFF]" +
    "|[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]",
  "g",
);

/**
 * Escape text for XML element content or a double-quoted attribute value. Characters XML
 * cannot carry are replaced by U+FFFD; in attributes, newlines and tabs become character
 * references so that attribute normalization keeps them.
 */
export function escapeXml(value: unknown, attribute = false): string {
  const s = String(value ?? "")
    .replace(XML_INVALID, "\uFFFD")
    .replace(/[&<>"']/g, (c) => c === "'" ? "&apos;" : HTML_ENTITIES[c]);
  return attribute ? s.replace(/\n/g, "&#10;").replace(/\r/g, "&#13;").replace(/\t/g, "&#9;") : s;
}

/**
 * JSON for a `<script type="application/json">` element: `<`, `>`, `&` and the JS line
 * separators are written as `\uXXXX` escapes, so no string inside can close the element or
 * open a comment, and `JSON.parse` reads back the same value.
 */
export function jsonForHtmlScript(value: unknown): string {
  return (JSON.stringify(value) ?? "null")
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/**
 * A string usable as (part of) an HTML id or a file name: characters outside
 * `[A-Za-z0-9._-]` become `_`.
 */
export function slug(value: string): string {
  const s = value.replace(/[^A-Za-z0-9._-]/g, "_");
  return s === "" || s === "." || s === ".." ? "_" + s : s;
}

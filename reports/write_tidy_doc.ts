/**
 * Regenerates the column tables of docs/tidy-tables.md from {@link TIDY_TABLES}
 * (`deno task tidy-doc`).
 * @module
 */
import { tidyColumnsMarkdown } from "./tidy.ts";

const DOC = new URL("../docs/tidy-tables.md", import.meta.url);
const START = "<!-- columns:start -->", END = "<!-- columns:end -->";

if (import.meta.main) {
  const doc = await Deno.readTextFile(DOC);
  const i = doc.indexOf(START), j = doc.indexOf(END);
  await Deno.writeTextFile(
    DOC,
    `${doc.slice(0, i + START.length)}\n\n${tidyColumnsMarkdown().trim()}\n\n${doc.slice(j)}`,
  );
}

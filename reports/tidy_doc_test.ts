import assert from "node:assert/strict";
import { tidyColumnsMarkdown } from "./tidy.ts";

const DOC = new URL("../docs/tidy-tables.md", import.meta.url);
const START = "<!-- columns:start -->", END = "<!-- columns:end -->";

Deno.test("docs/tidy-tables.md lists exactly the declared columns (regenerate: deno task tidy-doc)", async () => {
  const doc = await Deno.readTextFile(DOC);
  const inner = doc.slice(doc.indexOf(START) + START.length, doc.indexOf(END)).trim();
  // deno fmt pads Markdown tables: compare modulo spacing and dash runs
  const norm = (t: string) => t.replace(/-{3,}/g, "---").replace(/\s+/g, " ").trim();
  assert.equal(norm(inner), norm(tidyColumnsMarkdown()));
});

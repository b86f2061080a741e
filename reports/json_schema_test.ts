import assert from "node:assert/strict";
import { JSON_SCHEMA_PATH, resultsJsonSchema } from "./json_schema.ts";

Deno.test("the committed results.schema.json matches the zod schema (run `deno task schema`)", async () => {
  const committed = await Deno.readTextFile(JSON_SCHEMA_PATH);
  assert.equal(committed, resultsJsonSchema());
  const js = JSON.parse(committed);
  assert.equal(js.type, "object");
  assert.ok(js.required.includes("provenance"));
});

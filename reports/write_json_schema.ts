/**
 * `deno task schema`: regenerate `reports/results.schema.json` from the zod schema.
 * @module
 */
import { JSON_SCHEMA_PATH, resultsJsonSchema } from "./json_schema.ts";

if (import.meta.main) {
  await Deno.writeTextFile(JSON_SCHEMA_PATH, resultsJsonSchema());
  console.log(`wrote ${JSON_SCHEMA_PATH.pathname}`);
}

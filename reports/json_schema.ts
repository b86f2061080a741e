/**
 * The JSON Schema of the results document, generated from the zod schema (the single source).
 * @module
 */
import { z } from "../deps.ts";
import { ResultsSchema } from "./schema.ts";

/** Where the generated schema is committed. */
export const JSON_SCHEMA_PATH = new URL("./results.schema.json", import.meta.url);

/** The JSON Schema text (stable formatting, trailing newline). */
export function resultsJsonSchema(): string {
  const js = z.toJSONSchema(ResultsSchema, { unrepresentable: "any", io: "output" });
  return JSON.stringify(
    { ...js, $id: "claimbench.results.schema.json", title: "claimbench results" },
    null,
    2,
  ) + "\n";
}

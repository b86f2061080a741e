/**
 * Writing the tidy tables ({@link TIDY_TABLES}) as JSON Lines, CSV and Parquet. CSV and Parquet
 * are written by DuckDB (embedded, from npm), with the declared column types; JSON Lines is one
 * `JSON.stringify` per row. Each file is written under a temporary name and renamed, so a reader
 * never sees half a table.
 * @module
 */
import { join } from "node:path";
import { loadDuckDB } from "../deps.ts";
import { type Column, TIDY_TABLES, type TidyRow } from "./tidy.ts";

/** The formats `export` writes. */
export type TidyFormat = "csv" | "parquet" | "jsonl";
/** All formats. */
export const TIDY_FORMATS: readonly TidyFormat[] = ["csv", "parquet", "jsonl"];

/** The three tables' rows. */
export type TidyTables = Record<keyof typeof TIDY_TABLES, TidyRow[]>;

const sqlString = (s: string) => `'${s.replace(/'/g, "''")}'`;
const sqlIdent = (s: string) => `"${s.replace(/"/g, '""')}"`;

function jsonl(rows: TidyRow[], cols: Column[]): string {
  return rows.map((r) =>
    JSON.stringify(Object.fromEntries(cols.map((c) => [c.name, r[c.name] ?? null])))
  )
    .join("\n") + (rows.length ? "\n" : "");
}

/**
 * Write `tables` into `dir` in each of `formats`; returns the files written. Throws on an I/O
 * failure (the caller turns it into one line).
 */
export async function writeTidyTables(
  tables: TidyTables,
  dir: string,
  formats: readonly TidyFormat[] = TIDY_FORMATS,
): Promise<string[]> {
  const files: string[] = [];
  await Deno.mkdir(dir, { recursive: true });
  const tmpDir = await Deno.makeTempDir({ dir, prefix: ".tidy-" });
  try {
    const needDb = formats.includes("csv") || formats.includes("parquet");
    const duck = needDb ? await loadDuckDB() : null;
    const db = duck ? await duck.DuckDBInstance.create(":memory:") : null;
    const con = db ? await db.connect() : null;
    try {
      for (const [name, cols] of Object.entries(TIDY_TABLES) as [keyof TidyTables, Column[]][]) {
        const src = join(tmpDir, `${name}.jsonl`);
        await Deno.writeTextFile(src, jsonl(tables[name], cols));
        if (con) {
          await con.run(
            `CREATE TABLE ${sqlIdent(name)} (${
              cols.map((c) => `${sqlIdent(c.name)} ${c.type}`).join(", ")
            })`,
          );
          if (tables[name].length) {
            const spec = cols.map((c) => `${sqlString(c.name)}: ${sqlString(c.type)}`).join(", ");
            await con.run(
              `INSERT INTO ${sqlIdent(name)} SELECT * FROM read_json(${
                sqlString(src)
              }, format = 'newline_delimited', columns = {${spec}})`,
            );
          }
        }
        for (const f of formats) {
          const tmp = join(tmpDir, `${name}.out.${f}`);
          if (f === "jsonl") await Deno.copyFile(src, tmp);
          else {
            await con!.run(
              `COPY ${sqlIdent(name)} TO ${sqlString(tmp)} (FORMAT ${
                f === "csv" ? "csv, HEADER true" : "parquet"
              })`,
            );
          }
          const target = join(dir, `${name}.${f}`);
          await Deno.rename(tmp, target);
          files.push(target);
        }
      }
    } finally {
      con?.closeSync();
      db?.closeSync();
    }
  } finally {
    await Deno.remove(tmpDir, { recursive: true }).catch(() => {});
  }
  return files;
}

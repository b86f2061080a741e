import assert from "node:assert/strict";
import { join } from "node:path";
import { loadHyparquet } from "../deps.ts";
import { tidyTables } from "./export.ts";
import { cmdExport, parseFormats } from "./cmd_export.ts";
import { meanCase, runOf } from "./_fake_case_test_util.ts";
import { TIDY_TABLES } from "../reports/tidy.ts";
import { writeTidyTables } from "../reports/tidy_write.ts";
import { UsageError } from "./usage_error.ts";

async function readParquet(path: string): Promise<Record<string, unknown>[]> {
  const { parquetReadObjects } = await loadHyparquet();
  const bytes = await Deno.readFile(path);
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return await parquetReadObjects({ file }) as Record<string, unknown>[];
}

const asNumber = (v: unknown) => (typeof v === "bigint" ? Number(v) : v);

Deno.test("tidy tables: Parquet written by DuckDB reads back identically with an independent reader", async () => {
  const cases = [meanCase("t.a"), meanCase("t.b", 5)];
  const { outDir, results } = await runOf(cases);
  const tables = tidyTables(results, (id) => cases.find((c) => c.id === id));
  assert.equal(tables.runs.length, 2 * 2 * 20, "one row per case × seed × point × observable");
  assert.equal(tables.checks.length, 4, "two checks per case");
  const files = await writeTidyTables(tables, outDir);
  assert.equal(files.length, 9);
  for (const name of ["runs", "checks", "provenance"] as const) {
    const back = await readParquet(join(outDir, `${name}.parquet`));
    assert.equal(back.length, tables[name].length, name);
    const cols = TIDY_TABLES[name].map((c) => c.name);
    assert.deepEqual(Object.keys(back[0]).sort(), [...cols].sort(), `${name} columns`);
    back.forEach((row, i) => {
      for (const col of cols) {
        assert.deepEqual(asNumber(row[col]), tables[name][i][col] ?? null, `${name}[${i}].${col}`);
      }
    });
    // CSV: header and row count (the values are DuckDB's CSV of the same table)
    const csv = (await Deno.readTextFile(join(outDir, `${name}.csv`))).trimEnd().split("\n");
    assert.equal(csv[0], cols.join(","));
    assert.equal(csv.length - 1, tables[name].length);
    const jsonl = (await Deno.readTextFile(join(outDir, `${name}.jsonl`))).trimEnd().split("\n");
    assert.deepEqual(
      JSON.parse(jsonl[0]),
      Object.fromEntries(cols.map((c) => [c, tables[name][0][c] ?? null])),
    );
  }
  const checks = await readParquet(join(outDir, "checks.parquet"));
  const b = checks.find((r) => r.case_id === "t.b" && r.check === "mean")!;
  assert.equal(b.status, "not reproduced");
  assert.equal(b.primary, true);
  assert.equal(checks.find((r) => r.check === "censored")!.status, "info");
});

Deno.test("export: formats are validated; the command writes the asked formats", async () => {
  assert.deepEqual(parseFormats("csv"), ["csv"]);
  assert.throws(() => parseFormats("xlsx"), UsageError);
  assert.throws(() => parseFormats(""), UsageError);
  const { outDir } = await runOf([meanCase("t.a")]);
  const out = join(outDir, "tables");
  const orig = console.log;
  console.log = () => {};
  try {
    assert.equal(await cmdExport([outDir, "--format", "jsonl", "--out", out]), 0);
  } finally {
    console.log = orig;
  }
  const names = [...Deno.readDirSync(out)].map((e) => e.name).sort();
  assert.deepEqual(names, ["checks.jsonl", "provenance.jsonl", "runs.jsonl"]);
});

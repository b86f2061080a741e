/**
 * Property: hostile results documents (random values, keys such as `__proto__`, deep nesting,
 * control characters, wrong types, anywhere in a valid document) are either refused with a
 * ResultsFileError or read into a valid document; a document that is read is written by
 * report, compare, merge or history without an uncaught error, and a failed write leaves no
 * folder behind.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadFastCheck } from "../deps.ts";
import { fixtureResults } from "./fixture_results.ts";
import { compareResults } from "./compare.ts";
import { FsError } from "./fs_error.ts";
import { runStoreOf } from "./run_store.ts";
import { buildHistory } from "./history.ts";
import { mergeShards } from "./merge.ts";
import { parseResults, ResultsFileError } from "./schema.ts";
import { writeCompare } from "./write_compare.ts";
import { writeHistory } from "./write_history.ts";
import { writeReport } from "./write_report.ts";

const fc = await loadFastCheck();

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Set own property `k` (even `__proto__`) so that JSON.stringify writes it. */
function setOwn(o: Record<string, Json>, k: string, v: Json): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** Walk `path` (indices taken modulo the children) and apply `edit` to the container there. */
function mutate(
  doc: Json,
  path: number[],
  edit: (parent: Record<string, Json> | Json[], key: string | number) => void,
): void {
  let node: Json = doc;
  let parent: Record<string, Json> | Json[] | null = null, key: string | number = "";
  for (const i of path) {
    if (node === null || typeof node !== "object") break;
    const keys: (string | number)[] = Array.isArray(node)
      ? node.map((_, j) => j)
      : Object.keys(node);
    if (!keys.length) break;
    parent = node;
    key = keys[i % keys.length];
    node = (node as Record<string | number, Json>)[key];
  }
  if (parent) edit(parent, key);
}

const hostileString = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom(
    "\u001b[2J\u001b[31mred",
    "<script>alert(1)</script>",
    "javascript:alert(1)",
    "\u0000",
    "../../etc/passwd",
    "x".repeat(5000),
  ),
);
const hostileKey = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "", "a.b"),
  hostileString,
);
const value = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => v as Json),
  hostileString,
  fc.constantFrom(1e308, -0, 2 ** 53 + 1, -1),
  fc.integer({ min: 150, max: 400 }).map((d) => JSON.parse("[".repeat(d) + "]".repeat(d)) as Json),
).map((v): Json => v);
const edit = fc.oneof(
  value.map((v) => (p: Record<string, Json> | Json[], k: string | number) =>
    void ((p as Record<string | number, Json>)[k] = v)
  ),
  fc.tuple(hostileKey, value).map(
    ([nk, v]) => (p: Record<string, Json> | Json[], k: string | number) => {
      const target = (p as Record<string | number, Json>)[k];
      if (target && typeof target === "object" && !Array.isArray(target)) setOwn(target, nk, v);
      else if (!Array.isArray(p)) setOwn(p, nk, v);
    },
  ),
  fc.constant((p: Record<string, Json> | Json[], k: string | number) => {
    if (Array.isArray(p)) p.splice(Number(k), 1);
    else delete p[k as string];
  }),
);

Deno.test("property: hostile results documents are refused cleanly or read and written without an uncaught error", async () => {
  const dir = await Deno.makeTempDir();
  const base = JSON.stringify(fixtureResults());
  let tried = 0, refused = 0, written = 0, n = 0;
  const writers = ["report", "compare", "merge", "history"] as const;
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), edit), {
          minLength: 1,
          maxLength: 3,
        }),
        fc.constantFrom(...writers),
        async (edits, writer) => {
          tried++;
          const doc = JSON.parse(base) as Json;
          for (const [path, e] of edits) mutate(doc, path, e);
          let results;
          try {
            results = parseResults(JSON.stringify(doc), "hostile.json");
          } catch (e) {
            assert.ok(e instanceof ResultsFileError, `not a ResultsFileError: ${e}`);
            assert.ok(!/\n\s+at /.test(e.message), "no stack in the message");
            refused++;
            return;
          }
          const out = join(dir, `o${n++}`);
          const opts = { svg: false, bundles: null } as const;
          try {
            if (writer === "report") {
              await writeReport(results, out, { svg: false, html: { bundles: null } });
            }
            if (writer === "compare") {
              await writeCompare(compareResults(results, results), out, opts);
            }
            if (writer === "history") {
              await writeHistory(
                buildHistory(await runStoreOf([{ source: "h.json", results }])),
                out,
                opts,
              );
            }
            if (writer === "merge") {
              try {
                const merged = mergeShards([{ source: "h.json", results }], {
                  runId: "m",
                  command: [],
                });
                await writeReport(merged, out, {
                  svg: false,
                  html: { bundles: null },
                  alsoWrite: { "results.json": JSON.stringify(merged) },
                });
              } catch (e) {
                if ((e as Error).name !== "MergeError") throw e;
              }
            }
            written++;
          } catch (e) {
            assert.ok(e instanceof FsError, `${writer}: uncaught ${(e as Error)?.stack ?? e}`);
            assert.ok(!(await Deno.stat(out).then(() => true, () => false)), "half-written folder");
          }
          const names = [...Deno.readDirSync(dir)].map((e) => e.name);
          assert.ok(!names.some((x) => x.includes("staging")), names.join(","));
        },
      ),
      { numRuns: 300 },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  console.log(
    `hostile documents tried: ${tried} (${refused} refused with a clear error, ${written} written)`,
  );
});

import assert from "node:assert/strict";
import { ALL_CASES } from "./registry.ts";
import { checkPrecisionDoc, parsePrecisionTable } from "./precision_doc.ts";

const ROOT = new URL("../", import.meta.url);

function readRepoFile(file: string): string | null {
  try {
    return Deno.readTextFileSync(new URL(file, ROOT));
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
}

Deno.test("docs/precision.md: a row per registered case, every cited test file and test name exists", () => {
  const md = Deno.readTextFileSync(new URL("docs/precision.md", ROOT));
  const ids = ALL_CASES.map((c) => c.id);
  assert.deepEqual(checkPrecisionDoc(md, ids, readRepoFile), []);
  assert.equal(parsePrecisionTable(md)!.length, ids.length);
});

const HEADER =
  "| Case | What | Comparison tests (file: test name) | Measured |\n| --- | --- | --- | --- |";
const files: Record<string, string> = {
  "models/a_test.ts": 'Deno.test("a agrees with b", () => {});',
  "models/b_test.ts": 'Deno.test("b agrees with c", () => {});',
};
const read = (f: string) => files[f] ?? null;
const doc = (...rows: string[]) =>
  `# Precision\n\nText.\n\n${[HEADER, ...rows].join("\n")}\n\nAfter.\n`;
const rowA = '| `x.a` | S/N | `models/a_test.ts`: "a agrees"; `models/b_test.ts` | 1e-7 |';
const rowB = "| `x.b` | H² | none needed (no GPU path) | n/a |";

Deno.test("checkPrecisionDoc: parses the citations of a synthetic table and finds nothing wrong", () => {
  assert.deepEqual(parsePrecisionTable(doc(rowA, rowB))!.map((r) => [r.caseId, r.citations]), [
    ["x.a", [{ file: "models/a_test.ts", name: "a agrees" }, {
      file: "models/b_test.ts",
      name: null,
    }]],
    ["x.b", []],
  ]);
  assert.deepEqual(checkPrecisionDoc(doc(rowA, rowB), ["x.a", "x.b"], read), []);
});

Deno.test("checkPrecisionDoc: a missing case, a missing file, a wrong test name, an uncited row, no table", () => {
  assert.deepEqual(checkPrecisionDoc(doc(rowA), ["x.a", "x.b"], read), ["case x.b has no row"]);
  assert.deepEqual(
    checkPrecisionDoc(doc(rowA.replace("b_test", "c_test"), rowB), ["x.a", "x.b"], read),
    ["x.a: cited file models/c_test.ts does not exist"],
  );
  assert.deepEqual(
    checkPrecisionDoc(doc(rowA.replace("a agrees", "a differs"), rowB), ["x.a", "x.b"], read),
    ['x.a: models/a_test.ts has no test named "a differs"'],
  );
  assert.deepEqual(
    checkPrecisionDoc(doc(rowA, rowB.replace("none needed", "to do")), ["x.a", "x.b"], read),
    ["x.b: the comparison column cites no test file and does not say none"],
  );
  assert.deepEqual(checkPrecisionDoc(doc(rowA, rowB, rowB), ["x.a", "x.b"], read), [
    "two rows for x.b",
  ]);
  assert.deepEqual(checkPrecisionDoc(doc(rowA, rowB), ["x.a"], read), [
    "row for an unregistered case x.b",
  ]);
  assert.deepEqual(checkPrecisionDoc("# no table\n", ["x.a"], read), [
    "no table with a `Case` and a `Comparison tests` column",
  ]);
});

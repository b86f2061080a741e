import assert from "node:assert/strict";
import { join } from "node:path";
import { fixtureResults } from "./fixture_results.ts";
import { jsonShapeProblem, MAX_JSON_DEPTH } from "./safe_json.ts";
import { parseResults, readResults, ResultsFileError } from "./schema.ts";
import { compareResults } from "./compare.ts";

const good = JSON.stringify(fixtureResults());

Deno.test("a case key __proto__, constructor or prototype is refused with a clear message (it used to vanish or crash compare)", () => {
  for (const key of ["__proto__", "constructor", "prototype"]) {
    const doc = good.replace('"fl.balance":{', `${JSON.stringify(key)}:{`);
    assert.notEqual(doc, good);
    assert.throws(
      () => parseResults(doc, "x.json"),
      (e) =>
        e instanceof ResultsFileError &&
        e.message === `x.json is refused: forbidden key ${JSON.stringify(key)} at cases`,
    );
  }
  // deeper, e.g. inside a chart spec
  const spec = good.replace('"title":"Scaling ",', '"title":"Scaling ","constructor":1,');
  assert.throws(() => parseResults(spec, "x.json"), /forbidden key "constructor" at cases\./);
});

Deno.test("compare never reads a case from the prototype chain", () => {
  const a = fixtureResults(), b = fixtureResults();
  b.plan.cases.push("constructor", "toString");
  const cmp = compareResults(a, b);
  assert.ok(!cmp.cases.some((c) => c.id === "constructor"));
});

Deno.test("nesting 20,000 levels deep is refused without overflowing the stack", () => {
  const deep = "[".repeat(20000) + "]".repeat(20000);
  const doc = good.replace('"measurement":{"err":[0.1,0.2]}', `"measurement":${deep}`);
  assert.throws(
    () => parseResults(doc, "deep.json"),
    new RegExp(`deep\\.json is refused: arrays or objects nested deeper than ${MAX_JSON_DEPTH}`),
  );
  assert.equal(jsonShapeProblem(JSON.parse("[".repeat(199) + "]".repeat(199))), null);
  assert.match(jsonShapeProblem(JSON.parse("[".repeat(201) + "]".repeat(201)))!, /deeper/);
});

Deno.test("a FIFO or a folder named results.json is refused at once (it used to hang)", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const fifo = join(dir, "results.json");
    const made = await new Deno.Command("mkfifo", { args: [fifo] }).output().catch(() => null);
    if (made?.success) {
      await assert.rejects(() => readResults(fifo), /is a FIFO \(named pipe\)/);
    } else console.log("mkfifo unavailable: FIFO case skipped");
    await assert.rejects(() => readResults(dir), /is a folder/);
    await assert.rejects(() => readResults(join(dir, "none.json")), /cannot read/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

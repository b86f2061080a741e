import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { checkImport, checkImports, importSpecifiers, repositorySources } from "./import_rules.ts";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

Deno.test("import rules: no module of the repository crosses a boundary", async () => {
  const files = await repositorySources(ROOT);
  assert.ok(files.size > 200, `found only ${files.size} sources`);
  const bad = checkImports(files);
  assert.deepEqual(
    bad.map((v) => `${v.file}: ${v.specifier} (${v.rule})`),
    [],
  );
});

Deno.test("import rules: each rule fails on an import that breaks it", () => {
  // another folder's private file
  assert.match(checkImport("bench/cli.ts", "../reports/_format.ts") ?? "", /private to reports/);
  assert.match(
    checkImport("bench/fl/x.ts", "../cum/_experiment.ts") ?? "",
    /private to bench\/cum/,
  );
  // layers: datasets and models do not import each other upwards, reports imports no one
  assert.match(checkImport("datasets/a.ts", "../models/gpu/p.ts") ?? "", /datasets\/ may not/);
  assert.match(checkImport("models/fl/a.ts", "../../bench/case.ts") ?? "", /models\/ may not/);
  assert.match(checkImport("reports/a.ts", "../bench/case.ts") ?? "", /reports\/ may not/);
  // packs use only the public API
  assert.match(
    checkImport("examples/pack/mod.ts", "../../bench/case.ts") ?? "",
    /only the public API/,
  );
  assert.match(checkImport("bench/a.ts", "../../x.ts") ?? "", /outside the repository/);
  // and what is allowed stays allowed
  assert.equal(checkImport("bench/fl/x.ts", "./_experiment.ts"), null);
  assert.equal(checkImport("models/fl/a.ts", "../../datasets/two_patch.ts"), null);
  assert.equal(checkImport("examples/pack/mod.ts", "../../mod.ts"), null);
  assert.equal(checkImport("examples/pack/mod.ts", "./claim.ts"), null);
  assert.equal(checkImport("reports/a.ts", "../deps.ts"), null);
  assert.equal(checkImport("reports/a.ts", "node:path"), null);
});

Deno.test("import rules: specifiers are found in imports, re-exports and dynamic imports", () => {
  const q = (s: string) => JSON.stringify(s); // (so this file's own scan does not see them)
  const src = [
    `import a from ${q("./a.ts")};`,
    `import type { B } from ${q("../b.ts")};`,
    `export { c } from ${q("./c.ts")};`,
    `const d = await import(${q("./d.ts")});`,
    `import ${q("./e.ts")};`,
  ].join("\n");
  assert.deepEqual(importSpecifiers(src), ["./a.ts", "../b.ts", "./c.ts", "./d.ts", "./e.ts"]);
  const files = new Map([["datasets/x.ts", `export { y } from ${q("../models/y.ts")};`]]);
  assert.equal(checkImports(files).length, 1);
});

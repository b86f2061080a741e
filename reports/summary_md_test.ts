import assert from "node:assert/strict";
import { fixtureResults } from "./fixture_results.ts";
import { summaryMarkdown, verdictLabel } from "./summary_md.ts";

Deno.test("summaryMarkdown: claims table with one row per case and emoji-free markers", () => {
  const md = summaryMarkdown(fixtureResults({ missing: true }));
  const table = md.slice(md.indexOf("## Claims"), md.indexOf("## Cases"));
  const rows = table.split("\n").filter((l) => l.startsWith("| "));
  assert.equal(rows.length, 1 + 5, "header + 4 cases + 1 not run");
  assert.match(
    table,
    /fl\.balance.*\[PASS\] reproduced.*slope = -0\.49 \(95% CI \\\[-0\.53, -0\.46\\\]; band \\\[-0\.6, -0\.4\\\]\)/,
  );
  assert.match(table, /fl\.crossing.*\[FAIL\] not reproduced/);
  assert.match(table, /mem\.transition.*\[\?\?\?\?\] inconclusive/);
  assert.match(table, /mem\.onset.*\[ERR!\] error.*device lost/);
  assert.match(table, /cum\.pending.*not run/);
  // No emoji (pictographs) anywhere.
  assert(!/\p{Extended_Pictographic}/u.test(md));
  assert.equal(verdictLabel("not reproduced"), "[FAIL] not reproduced");
});

Deno.test("summaryMarkdown: per-case detail, hyperparameter sources, timings, provenance", () => {
  const md = summaryMarkdown(fixtureResults(), { chartDir: "charts" });
  assert(
    // a non-primary check shows as info, never with a verdict marker
    md.includes("| monotone  | no | info | 1 | [1, 1] | [1, +inf] | secondary |"),
  );
  assert(md.includes("| lr | 0.05 | claims | CLAIMS.md  |"));
  assert.match(md, /\| lr \| 0\.05 \| ours \| largest stable step \|/);
  assert.match(md, /\| n \| 64 \| paper \| Section 4 \|/);
  assert.match(md, /\| train \| 2\.1 s \|/);
  assert(md.includes("| seed 2, n=64 | 120 | loss | NaN loss  |"));
  assert.match(md, /!\[Scaling \]\(charts\/fl\.balance--scaling\.svg\)/);
  assert.match(md, /\*\*Error:\*\* device lost/);
  assert.match(md, /```\nError: device lost\n {4}at run/);
  for (
    const s of [
      "| Suite version | 0.1.0 |",
      "| Git commit | d57c67c (main, dirty) |",
      "| Deno | 2.9.6 (V8 13.0, TypeScript 5.9) |",
      "isFallbackAdapter: true",
      "fallback: no WebGPU adapter",
      "| CPU | Test CPU x 2; memory 8 GiB |",
      "| Profile | smoke |",
      "| Seeds | profile default; base seed 1 |",
      "| Created | 2025-01-01T00:00:00.000Z |",
      "- fl.balance: 1–3",
    ]
  ) assert(md.includes(s), `missing ${s}`);
});

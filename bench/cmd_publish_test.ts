import assert from "node:assert/strict";
import { join } from "node:path";
import { cmdPublish } from "./cmd_publish.ts";
import { writeSyntheticRuns } from "../reports/synthetic_runs.ts";
import { loadRunStore } from "../reports/run_store.ts";
import { siteSeries } from "../reports/publish.ts";

async function quiet<T>(f: () => Promise<T>): Promise<T> {
  const [log, err] = [console.log, console.error];
  console.log = console.error = () => {};
  try {
    return await f();
  } finally {
    [console.log, console.error] = [log, err];
  }
}

Deno.test("publish: DuckDB over many runs' tables → one static page with matrix, runs, trends and flips", async () => {
  const root = await Deno.makeTempDir();
  const runs = join(root, "runs");
  await writeSyntheticRuns(runs, 12);
  const store = await loadRunStore(runs);
  assert.equal(store.runs.length, 12);
  assert.equal(store.fromJson, 12, "runs without tables are read from their JSON");
  assert.deepEqual(store.runs.map((r) => r.index), [...Array(12).keys()]);
  assert.deepEqual(
    [...new Set(store.matrix.map((m) => m.machine))].sort(),
    ["host-0 · llvmpipe (LLVM 15)", "host-1 · llvmpipe (LLVM 15)", "host-2 · llvmpipe (LLVM 15)"],
  );
  const series = siteSeries(store.checks);
  const crossing = series.filter((s) => s.caseId === "fl.crossing");
  assert.equal(crossing.length, 2, "smoke and quick runs are separate series");
  assert.ok(crossing.some((s) => s.changes.length > 0), "the flips are found");
  assert.ok(crossing.every((s) => /\[(smoke|quick), case v1\]/.test(s.check)));

  const site = join(root, "site");
  assert.equal(await quiet(() => cmdPublish([runs, "--out", site])), 0);
  const html = await Deno.readTextFile(join(site, "index.html"));
  assert.doesNotMatch(html, /<script/i, "the site runs no script");
  assert.equal((html.match(/<figure class="chart">/g) ?? []).length, series.length);
  assert.equal((html.match(/data:image\/svg\+xml;base64/g) ?? []).length, series.length);
  assert.match(html, /verdict flips: #/);
  assert.match(html, /host-2 · llvmpipe/);
  // publishing again replaces the site; a foreign folder is refused
  assert.equal(await quiet(() => cmdPublish([runs, "--out", site])), 0);
  await Deno.writeTextFile(join(root, "foreign.txt"), "x");
  await assert.rejects(() => cmdPublish([runs, "--out", root]), /not a claimbench site/);
  await Deno.mkdir(join(root, "empty"));
  assert.equal(await quiet(() => cmdPublish([join(root, "empty"), "--out", join(root, "s2")])), 1);
});

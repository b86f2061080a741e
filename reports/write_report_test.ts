import assert from "node:assert/strict";
import { fixtureResults } from "./fixture_results.ts";
import { writeReport } from "./write_report.ts";

Deno.test("writeReport writes html, md, junit and each chart's spec and SVG", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const out = `${dir}/run`;
    const r = fixtureResults({ missing: true });
    const { files, warnings } = await writeReport(r, out);
    const expected = [
      "charts/fl.balance--scaling.vl.json",
      "charts/fl.balance--scaling.svg",
      "charts/fl.crossing--crossing.vl.json",
      "charts/fl.crossing--crossing.svg",
      "summary.md",
      "junit.xml",
      "report.html",
    ].map((f) => `${out}/${f}`);
    assert.deepEqual(files.sort(), expected.sort());
    for (const f of expected) assert((await Deno.stat(f)).size > 0, f);
    assert.deepEqual(warnings, []);
    const spec = JSON.parse(await Deno.readTextFile(`${out}/charts/fl.balance--scaling.vl.json`));
    assert.deepEqual(spec, r.cases["fl.balance"].charts[0].spec);
    assert((await Deno.readTextFile(`${out}/charts/fl.crossing--crossing.svg`)).startsWith("<svg"));
    const html = await Deno.readTextFile(`${out}/report.html`);
    // the interactive page links each static SVG (kept in charts/) instead of inlining it
    assert(html.includes('href="charts/fl.balance--scaling.svg"'));
    assert(!html.includes("data:image/svg+xml;base64,"));
    assert(html.includes("vegaEmbed"));
    // No temp files left behind.
    const names: string[] = [];
    for await (const e of Deno.readDir(out)) names.push(e.name);
    for await (const e of Deno.readDir(`${out}/charts`)) names.push(e.name);
    assert(!names.some((n) => n.includes(".tmp-")), names.join(","));
    // Rewriting over an existing report works.
    await writeReport(r, out, { svg: false, html: { bundles: null } });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("writeReport reports a chart that cannot render and still writes the rest", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const r = fixtureResults();
    r.cases["fl.crossing"].charts[0].spec = {
      $schema: "https://vega.github.io/schema/vega/v6.json",
      marks: [{ type: "no-such-mark" }],
    };
    r.cases["fl.balance"].charts[0].spec.usermeta = { embedOptions: { sourceFooter: "<b>" } };
    const { files, warnings } = await writeReport(r, dir, { html: { bundles: null } });
    const failed = warnings.filter((w) => w.startsWith("chart fl.crossing--crossing did not"));
    assert.equal(failed.length, 1, warnings.join("\n"));
    assert(!failed[0].includes("\n"), "one line per failed chart");
    assert(
      warnings.some((w) =>
        w.startsWith("chart fl.balance--scaling: 1 unsafe part(s) removed (first: spec.usermeta")
      ),
      warnings.join("\n"),
    );
    assert(files.includes(`${dir}/charts/fl.balance--scaling.svg`));
    assert(files.includes(`${dir}/report.html`));
    assert(!files.includes(`${dir}/charts/fl.crossing--crossing.svg`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

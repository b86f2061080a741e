import assert from "node:assert/strict";
import { fixtureResults, XSS } from "./fixture_results.ts";
import { reportHtml } from "./html.ts";
import { embeddedSpecMap } from "./_page_test_util.ts";
import { loadVegaBundles } from "./vega_bundles.ts";

const specScripts = embeddedSpecMap;

Deno.test("reportHtml: self-contained page with inlined vega builds and embedded specs", async () => {
  const r = fixtureResults({ payload: XSS });
  const html = await reportHtml(r, { "fl.balance--scaling": "<svg></svg>" }, {
    chartDir: "charts",
  });
  const b = await loadVegaBundles();
  assert(b.vega.length > 100_000 && b.vegaLite.length > 100_000 && b.vegaEmbed.length > 10_000);
  assert(html.includes(b.vegaEmbed.slice(0, 200)), "vega-embed inlined");
  assert(html.includes("vegaEmbed"));
  // Nothing is loaded from elsewhere: no external scripts, styles or images in the markup.
  const markup = html.replace(/(<script[^>]*>)[\s\S]*?<\/script>/g, "$1</script>");
  assert(markup.length < 100_000);
  assert(!/<script[^>]+src=/.test(markup));
  assert(!/<link[^>]+href=/.test(markup));
  assert(!/<img[^>]+src="(?!data:)/.test(markup));
  assert(
    !/https?:\/\//.test(markup.replace(/<script type="application\/json"[\s\S]*?<\/script>/g, "")),
  );
  // Every chart's spec is embedded, escaped, and parses back to the case's spec.
  const specs = specScripts(html);
  assert.equal(specs.size, 2);
  assert.deepEqual(specs.get("vl-spec-0"), r.cases["fl.balance"].charts[0].spec);
  assert.deepEqual(specs.get("vl-spec-1"), r.cases["fl.crossing"].charts[0].spec);
  assert(html.includes('data-vl-spec="vl-spec-0"'));
  // The pre-rendered SVG is the fallback of the chart that has one.
  // the static SVG is linked from the caption, not inlined, on an interactive page
  assert(!html.includes(`src="data:image/svg+xml;base64,${btoa("<svg></svg>")}"`));
  assert(html.includes('href="charts/fl.balance--scaling.svg"'));
  assert(html.includes('href="charts/fl.balance--scaling.vl.json"'));
  // Claims table with badges, checks, findings, hyperparameter sources, run errors, provenance.
  assert.match(html, /<span class="badge s-reproduced">reproduced<\/span>/);
  assert.match(html, /<span class="badge s-not-reproduced">not reproduced<\/span>/);
  assert.match(html, /<span class="badge s-inconclusive">inconclusive<\/span>/);
  assert.match(html, /<span class="src src-claims">claims<\/span>/);
  assert(html.includes("NaN loss &lt;script&gt;"));
  assert(html.includes("isFallbackAdapter: true"));
  assert(html.includes("d57c67c (main, dirty)"));
  assert(!html.includes(XSS));
});

Deno.test("reportHtml: a case in error renders with its message", async () => {
  const r = fixtureResults({ missing: true });
  const html = await reportHtml(r, {}, { bundles: null });
  const start = html.indexOf('<section class="case" id="case-3-mem.onset">');
  assert(start > 0);
  const section = html.slice(start, html.indexOf("</section>", start));
  assert.match(section, /<span class="badge s-error">error<\/span>/);
  assert.match(section, /<div class="errorbox"><strong>The case failed:<\/strong> device lost /);
  assert.match(section, /<pre>Error: device lost\n {4}at run/);
  assert.match(html, /<span class="badge s-none">not run<\/span>/);
  assert.match(html, /Interactive charts were left out/);
  // Without the builds there is no script at all, and charts without an SVG say so.
  assert(!/<script(?! type="application\/json")/.test(html));
  assert(html.includes("No pre-rendered SVG of this chart"));
});

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { compareResults } from "./compare.ts";
import { compareHtml } from "./compare_html.ts";
import { runStoreOf } from "./run_store.ts";
import { buildHistory } from "./history.ts";
import { historyHtml } from "./history_html.ts";
import { reportHtml } from "./html.ts";
import type { VegaBundles } from "./vega_bundles.ts";
import { fixtureResults, hostileResults } from "./fixture_results.ts";

const BUNDLES: VegaBundles = {
  vega: "window.vega = {}; // </script> inside",
  vegaLite: "window.vl = 1;",
  vegaEmbed: "window.vegaEmbed = function () {};",
  paths: [],
};

/** The CSP of a page, as directive → sources. */
function cspOf(html: string): Map<string, string[]> {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert(m, "no CSP meta");
  const first = html.indexOf("<script");
  assert(first === -1 || html.indexOf(m[0]) < first, "CSP must come before any script");
  const text = m[1].replace(/&#39;/g, "'");
  return new Map(
    text.split(";").map((d) => {
      const [name, ...sources] = d.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

async function pages(bundles: VegaBundles | null): Promise<Record<string, string>> {
  const a = hostileResults(), b = fixtureResults();
  return {
    report: await reportHtml(a, {}, { bundles }),
    compare: compareHtml(compareResults(a, b), { bundles }),
    history: historyHtml(
      buildHistory(await runStoreOf([{ source: "a", results: a }, { source: "b", results: b }])),
      {},
      bundles,
    ),
  };
}

Deno.test("every page carries a strict CSP: no request, only its own inline scripts by hash", async () => {
  for (const [name, html] of Object.entries(await pages(BUNDLES))) {
    const csp = cspOf(html);
    for (const d of ["default-src", "connect-src", "form-action", "base-uri", "object-src"]) {
      assert.deepEqual(csp.get(d), ["'none'"], `${name}: ${d}`);
    }
    assert.deepEqual(csp.get("img-src"), ["data:"], name);
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
    assert.equal(scripts.length, 5, `${name}: marker, three builds, our init`);
    const hashes = scripts.map((s) =>
      `'sha256-${createHash("sha256").update(s, "utf8").digest("base64")}'`
    );
    assert.deepEqual(csp.get("script-src"), hashes, `${name}: one hash per inline script`);
    // every other script element is a data block
    const others = [...html.matchAll(/<script ([^>]*)>/g)].map((m) => m[1]);
    assert(others.every((a) => /^type="application\/json" id="vl-spec-\d+"$/.test(a)), name);
    assert(!html.includes("evil.example/config"), `${name}: usermeta reached the page`);
    assert(html.includes("ast: true") && html.includes("source: false"), name);
  }
});

Deno.test("a page without the vega builds allows no script at all", async () => {
  for (const [name, html] of Object.entries(await pages(null))) {
    assert.deepEqual(cspOf(html).get("script-src"), ["'none'"], name);
    assert(!/<script/.test(html), name);
  }
});

/**
 * Property tests over hostile results.json documents for the report writer: random chart
 * specs, strings (control characters, markup, script, CSS urls), keys (`__proto__`,
 * `constructor`, `usermeta`, `url`, `href`, ...) and nesting (up to 20,000 levels), spliced
 * into a valid document. Reading either succeeds or fails with a ResultsFileError; the HTML
 * writer and the folder writer (charts rendered to SVG) never throw, every spec that reaches
 * the page is sanitized, and every warning is one line.
 */
import { embeddedSpecMap } from "./_page_test_util.ts";
import assert from "node:assert/strict";
import { loadFastCheck } from "../deps.ts";
import { reportHtml } from "./html.ts";
import { sanitizeSpec } from "./sanitize_spec.ts";
import { parseResults, type Results, ResultsFileError } from "./schema.ts";
import { writeReport } from "./write_report.ts";
import { fixtureResults, hostileSpecs, XSS } from "./fixture_results.ts";
import type { VegaBundles } from "./vega_bundles.ts";

const fc = await loadFastCheck();

/** Stand-in builds: the page takes the interactive path (spec JSON inlined) without 1.5 MB. */
const BUNDLES: VegaBundles = { vega: "", vegaLite: "", vegaEmbed: "", paths: [] };
const DEEP = "__claimbench_deep__";

const hostileString = fc.oneof(
  fc.string({ unit: "binary", maxLength: 30 }),
  fc.constantFrom(
    XSS,
    "</script><script>alert(1)</script>",
    "\x1b]0;owned\x07\x1b[2J",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "url(https://evil.example/x)",
    "https://evil.example/d.json",
    "__proto__",
    "\u2028\u2029",
    "",
  ),
);
const hostileKey = fc.oneof(
  fc.constantFrom(
    "__proto__",
    "constructor",
    "prototype",
    "toString",
    "hasOwnProperty",
    "usermeta",
    "url",
    "href",
    "$schema",
    "description",
    "data",
    "values",
    "layer",
    "mark",
    "encoding",
    "bind",
    "element",
    "signal",
    "expr",
  ),
  hostileString,
);
const leaf = fc.oneof(
  hostileString,
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(DEEP),
);
const { value: hostileValue } = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", maxDepth: 5 },
    leaf,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(hostileKey, tie("value"), { maxKeys: 4 }),
  ),
}));
const hostileSpec = fc.oneof(
  fc.dictionary(hostileKey, hostileValue, { maxKeys: 6 }),
  fc.constantFrom(...Object.values(hostileSpecs())),
  // a real chart with hostile parts added
  fc.tuple(fc.constantFrom(...Object.values(hostileSpecs())), hostileKey, hostileValue)
    .map(([s, k, v]) => ({ ...s, [k]: v })),
);

/** What to do to the fixture document. */
const mutation = fc.record({
  spec: hostileSpec,
  key: hostileKey,
  text: hostileString,
  extra: hostileValue,
  deep: fc.integer({ min: 1, max: 20_000 }),
  where: fc.constantFrom(
    "spec",
    "specValue",
    "claim",
    "caseKey",
    "measurement",
    "chartTitle",
    "check",
  ),
});

interface Mutation {
  spec: unknown;
  key: string;
  text: string;
  extra: unknown;
  deep: number;
  where: string;
}

/** A hostile results.json text: the fixture, mutated, with a deep literal spliced in. */
function hostileDocument(m: Mutation): string {
  const doc = JSON.parse(JSON.stringify(fixtureResults())) as Record<string, unknown>;
  const cases = doc.cases as Record<string, Record<string, unknown>>;
  const c = cases["fl.balance"];
  const charts = c.charts as Record<string, unknown>[];
  // a copy (own "__proto__" keys stay own keys through JSON): generated values are shared
  const spec = JSON.parse(JSON.stringify(m.spec) ?? "null");
  charts[0].spec = spec;
  switch (m.where) {
    case "spec":
      if (spec && typeof spec === "object") {
        Object.defineProperty(spec, m.key, { value: m.extra, enumerable: true });
      }
      break;
    case "specValue": // anything at all as the spec (invalid unless an object)
      charts[0].spec = m.extra;
      break;
    case "claim":
      c.claim = m.text;
      break;
    case "caseKey":
      Object.defineProperty(cases, m.key, {
        value: { ...c, id: m.text },
        enumerable: true,
      });
      break;
    case "measurement":
      c.measurement = m.extra;
      break;
    case "chartTitle":
      charts[0].title = m.text;
      break;
    case "check":
      ((c.verdict as Record<string, unknown>).checks as Record<string, unknown>[])[0].name = m.text;
  }
  const deep = "[".repeat(m.deep) + "1" + "]".repeat(m.deep);
  return (JSON.stringify(doc) ?? "null").replace(`"${DEEP}"`, deep);
}

function read(text: string): Results | null {
  try {
    return parseResults(text, "hostile.json");
  } catch (e) {
    assert(e instanceof ResultsFileError, `not a ResultsFileError: ${e}`);
    return null;
  }
}

/** The spec JSON blocks of a page. */
function embeddedSpecs(html: string): unknown[] {
  return [...embeddedSpecMap(html).values()];
}

let tried = 0, valid = 0;

Deno.test("property: hostile results documents never crash the HTML writer; specs reach it sanitized", async () => {
  await fc.assert(
    fc.asyncProperty(mutation, async (m: Mutation) => {
      tried++;
      const results = read(hostileDocument(m));
      if (!results) return;
      valid++;
      const html = await reportHtml(results, {}, { bundles: BUNDLES });
      assert.match(
        html,
        /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;/,
      );
      const specs = embeddedSpecs(html);
      const charts = Object.values(results.cases).reduce((n, c) => n + c.charts.length, 0);
      assert.equal(specs.length, charts, "every chart embedded, no block broken open");
      for (const s of specs) assert.deepEqual(sanitizeSpec(s).notes, [], JSON.stringify(s));
    }),
    { numRuns: 100 },
  );
});

Deno.test("property: hostile results documents never crash writeReport (SVG rendering included)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "claimbench-prop-" });
  try {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(mutation, async (m: Mutation) => {
        tried++;
        const results = read(hostileDocument(m));
        if (!results) return;
        valid++;
        // only the hostile chart's case: keeps each run short
        results.cases = { "fl.balance": results.cases["fl.balance"] };
        const { warnings, files } = await writeReport(results, `${dir}/${n++}`, {
          html: { bundles: BUNDLES },
        });
        assert(files.some((f) => f.endsWith("report.html")));
        for (const w of warnings) assert(!w.includes("\n"), `warning on two lines: ${w}`);
      }),
      { numRuns: 15 },
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  console.log(`report_property_test: ${tried} hostile documents tried (${valid} valid)`);
});

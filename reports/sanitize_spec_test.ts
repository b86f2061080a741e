import assert from "node:assert/strict";
import { measuredVsPredicted } from "./charts.ts";
import { fixtureResults } from "./fixture_results.ts";
import {
  MAX_DEPTH,
  MAX_DESCRIPTION,
  MAX_NODES,
  MAX_SEQUENCE,
  MAX_SIZE,
  MAX_STRING,
  safeSpec,
  sanitizeSpec,
} from "./sanitize_spec.ts";

const POINT = {
  data: { values: [{ x: 1, y: 2 }] },
  mark: "point",
  encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
};

/** Every key anywhere in `v` (data rows included). */
function keysOf(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => keysOf(x, out));
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) out.add(k), keysOf(x, out);
  }
  return out;
}

let tried = 0;
function clean(spec: unknown): Record<string, unknown> {
  tried++;
  const out = sanitizeSpec(spec);
  assert.deepEqual(sanitizeSpec(out.spec), { spec: out.spec, notes: [] }, "idempotent");
  return out.spec;
}

Deno.test("sanitizeSpec leaves the suite's own charts as they are", () => {
  const specs = [
    measuredVsPredicted({
      title: "t",
      x: { field: "n", title: "n", log: true },
      y: { field: "e", title: "e" },
      measured: [{ n: 1, e: 2, lo: 1, hi: 3 }],
      ci: { lo: "lo", hi: "hi" },
      predicted: [{ n: 1, e: 2 }],
      rules: [{ x: 1, label: "r" }],
      yBand: { lo: 0, hi: 1, label: "band" },
    }),
    ...Object.values(fixtureResults().cases).flatMap((c) => c.charts.map((ch) => ch.spec)),
  ];
  for (const s of specs) assert.deepEqual(sanitizeSpec(s), { spec: s, notes: [] });
});

Deno.test("sanitizeSpec removes script, links, URLs and embed options from hostile specs", () => {
  const script = "<script>globalThis.pwned=1</script>";
  const hostile: Record<string, unknown>[] = [
    { ...POINT, description: `${script}chart \u001b[31mred` },
    { ...POINT, usermeta: { embedOptions: { sourceFooter: script, sourceHeader: script } } },
    {
      ...POINT,
      usermeta: {
        embedOptions: {
          config: "https://evil.example/config.json",
          loader: { baseURL: "https://evil.example/" },
          actions: { source: true },
          i18n: { SOURCE_ACTION: script },
        },
      },
    },
    { ...POINT, data: { url: "https://evil.example/data.csv", format: { type: "csv" } } },
    { ...POINT, data: { url: "file:///etc/passwd" } },
    { ...POINT, mark: { type: "image", url: "https://evil.example/a.png" } },
    {
      ...POINT,
      mark: "image",
      encoding: { ...POINT.encoding, url: { value: "data:image/svg+xml,<svg onload=x()>" } },
    },
    { ...POINT, mark: { type: "point", href: "javascript:globalThis.pwned=1" } },
    { ...POINT, encoding: { ...POINT.encoding, href: { value: "javascript:alert(1)" } } },
    { ...POINT, encoding: { ...POINT.encoding, href: { field: "x" } } },
    { ...POINT, title: { text: "t", href: "data:text/html,<script>alert(1)</script>" } },
    { ...POINT, config: { mark: { href: "javascript:alert(1)", cursor: "url(https://e.x/c)" } } },
    { layer: [{ layer: [{ ...POINT, usermeta: {}, data: { url: "https://e.x/d" } }] }] },
    {
      $schema: "https://vega.github.io/schema/vega/v6.json",
      data: [{ name: "d", url: "https://evil.example/d.json" }],
      signals: [{ name: "s", bind: { input: "range", element: "body" } }],
      marks: [{
        type: "image",
        encode: { update: { url: { value: "https://e.x/i.png" }, href: { value: "#x" } } },
      }],
    },
    { ...POINT, $schema: "javascript:alert(1)" },
    { ...POINT, params: [{ name: "p", bind: { input: "checkbox", element: "#main" } }] },
  ];
  for (const h of hostile) {
    const s = clean(h);
    const keys = keysOf(s);
    for (const k of ["usermeta", "url", "href", "loader", "baseURL", "element"]) {
      assert(!keys.has(k), `${k} left in ${JSON.stringify(s)}`);
    }
    const text = JSON.stringify(s);
    assert(!/<script|javascript:|evil\.example|data:text|url\(/i.test(text), text);
    assert(!text.includes("\\u001b"), text); // JSON writes ESC as \u001b
  }
  // Specific outcomes: a URL-only data source becomes empty inline data; valid $schema stays.
  assert.deepEqual(clean(hostile[3]).data, { values: [], format: { type: "csv" } });
  assert.deepEqual(clean(hostile[4]).data, { values: [] });
  assert.deepEqual((clean(hostile[13]).data as unknown[])[0], { name: "d" });
  assert.equal(clean(hostile[13]).$schema, "https://vega.github.io/schema/vega/v6.json");
  assert.equal(clean(hostile[0]).description, "globalThis.pwned=1chart [31mred"); // text, no markup
  assert.equal(clean(hostile[14]).$schema, undefined);
  console.log(`sanitize_spec_test: ${hostile.length} hostile specs sanitized`);
});

Deno.test("sanitizeSpec caps descriptions, strings, nesting and size", () => {
  const s = clean({ ...POINT, description: "<b>x</b>".repeat(1000), title: "y".repeat(50_000) });
  assert.equal(s.description, "x".repeat(MAX_DESCRIPTION));
  assert.equal((s.title as string).length, MAX_STRING);
  // 20,000 arrays deep (as a results file can carry): cut at MAX_DEPTH, no stack overflow.
  const deep = JSON.parse("[".repeat(20_000) + "1" + "]".repeat(20_000));
  const d = clean({ ...POINT, layer: deep });
  let depth = 0;
  for (let v: unknown = d.layer; Array.isArray(v); v = v[0]) depth++;
  assert(depth > 0 && depth < MAX_DEPTH, `depth ${depth}`);
  const big = clean({ ...POINT, data: { values: new Array(MAX_NODES + 10).fill(0) } });
  assert((big.data as { values: unknown[] }).values.length < MAX_NODES);
  // work caps: a huge view or sequence would exhaust memory when rendered
  const work = clean({
    data: { sequence: { start: 0, stop: 1e12, as: "x" } },
    mark: "point",
    width: 1e9,
    height: -1e9,
    encoding: { x: { field: "x", type: "quantitative" } },
  });
  assert.deepEqual(work.data, { sequence: { start: 0, stop: MAX_SEQUENCE, as: "x" } });
  assert.equal(work.width, MAX_SIZE);
  assert.equal(work.height, -MAX_SIZE);
  const vegaSeq = clean({ transform: [{ type: "sequence", start: 5, stop: -1e15, step: -0.5 }] });
  assert.equal((vegaSeq.transform as { stop: number }[])[0].stop, 5 - MAX_SEQUENCE * 0.5);
  assert.deepEqual(safeSpec("not a spec"), {});
  assert.deepEqual(safeSpec([POINT]), {});
  assert.deepEqual(safeSpec(null), {});
});

Deno.test("sanitizeSpec drops prototype keys and never pollutes a prototype", () => {
  const json = `{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}},
    "data": {"values": [{"__proto__": {"polluted": 3}, "x": 1}]}, "mark": "point",
    "encoding": {"x": {"field": "x", "type": "quantitative", "prototype": 1}}}`;
  const s = clean(JSON.parse(json));
  assert.equal(Object.getPrototypeOf(s), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
  assert.equal((s as Record<string, unknown>).polluted, undefined);
  assert(!keysOf(s).has("__proto__") && !keysOf(s).has("prototype"));
  assert.deepEqual(s.data, { values: [{ x: 1 }] });
  // a key named like an Object.prototype member is kept as data
  assert.deepEqual(clean({ toString: "a", hasOwnProperty: 1 }), {
    toString: "a",
    hasOwnProperty: 1,
  });
  console.log(`sanitize_spec_test: ${tried} hostile documents tried in all`);
});

import assert from "node:assert/strict";
import { measuredVsPredicted } from "./charts.ts";
import { isVegaSpec, renderSvg } from "./render_svg.ts";

Deno.test("renderSvg renders a measuredVsPredicted chart headless", async () => {
  const spec = measuredVsPredicted({
    title: "error vs n",
    x: { field: "n", title: "n", log: true },
    y: { field: "err", title: "error" },
    measured: [
      { n: 10, err: 0.3, lo: 0.25, hi: 0.35 },
      { n: 100, err: 0.1, lo: 0.08, hi: 0.12 },
      { n: 1000, err: 0.03, lo: 0.02, hi: 0.04 },
    ],
    ci: { lo: "lo", hi: "hi" },
    predicted: [{ n: 10, err: 0.32 }, { n: 1000, err: 0.032 }],
    predictedLabel: "theory",
    rules: [{ x: 50, label: "n*" }],
    yBand: { lo: 0.05, hi: 0.2, label: "band" },
  });
  const svg = await renderSvg(spec);
  assert(svg.startsWith("<svg"), svg.slice(0, 80));
  assert(svg.trimEnd().endsWith("</svg>"));
  // data marks: the measured line with its points, the error bars, the predicted line, the band, the rule
  for (const mark of ["mark-line", "mark-symbol", "mark-rule", "mark-rect", "mark-text"]) {
    assert(svg.includes(mark), `missing ${mark}`);
  }
  assert(svg.includes("error vs n"));
  assert(svg.includes("theory"));
  const points = svg.match(/role-mark[^"]*"[^>]*>(?:<path)/g);
  assert(points && points.length > 0);
});

Deno.test("renderSvg escapes text and refuses to load data from URLs", async () => {
  const svg = await renderSvg({
    title: "<script>alert(1)</script>",
    data: { values: [{ x: 1, y: 1 }] },
    mark: "point",
    encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
  });
  assert(!svg.includes("<script>"));
  // The URL is sanitized away: the chart renders empty, nothing is loaded.
  const empty = await renderSvg({
    data: { url: "https://example.invalid/data.json" },
    mark: "point",
    encoding: { x: { field: "x", type: "quantitative" } },
  });
  assert(empty.startsWith("<svg") && !empty.includes("example.invalid"));
});

Deno.test("renderSvg survives javascript:/data: links and image URLs, and writes no link", async () => {
  for (
    const href of ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "#x"]
  ) {
    const svg = await renderSvg({
      data: { values: [{ x: 1, y: 1, u: "https://example.invalid/i.png" }] },
      layer: [
        { mark: { type: "point", href }, encoding: { href: { value: href } } },
        { mark: { type: "image", url: href }, encoding: { url: { field: "u" } } },
      ],
      encoding: {
        x: { field: "x", type: "quantitative" },
        y: { field: "x", type: "quantitative" },
      },
    });
    assert(svg.startsWith("<svg"));
    // image marks stay, empty (`xlink:href=""`): no link, no image address
    assert(!/href="[^"]|javascript:|data:text|example\.invalid/.test(svg), svg.slice(-600));
  }
});

Deno.test("isVegaSpec tells Vega from Vega-Lite", () => {
  assert.deepEqual(isVegaSpec({ $schema: "https://vega.github.io/schema/vega/v6.json" }), true);
  assert.deepEqual(
    isVegaSpec({ $schema: "https://vega.github.io/schema/vega-lite/v6.json" }),
    false,
  );
  assert.deepEqual(isVegaSpec({}), false);
});

Deno.test("renderSvg leaves the caller's spec untouched", async () => {
  const rows = [{ x: 1, y: 1 }, { x: 2, y: 3 }];
  const spec = {
    data: { values: rows },
    mark: "line",
    encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
  };
  const before = JSON.stringify(spec);
  await renderSvg(spec);
  assert.equal(JSON.stringify(spec), before);
  assert.equal(Object.getOwnPropertySymbols(rows[0]).length, 0);
});

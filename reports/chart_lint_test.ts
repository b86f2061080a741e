import assert from "node:assert/strict";
import { lintChart } from "./chart_lint.ts";
import { measuredVsPredicted } from "./charts.ts";

const base = () =>
  measuredVsPredicted({
    title: "slope",
    x: { field: "n", title: "n", log: true },
    y: { field: "err", title: "error" },
    measured: [{ n: 8, err: 0.3, lo: 0.2, hi: 0.4 }, { n: 64, err: 0.1, lo: 0.05, hi: 0.15 }],
    ci: { lo: "lo", hi: "hi" },
    predicted: [{ n: 8, err: 0.35 }, { n: 64, err: 0.12 }],
    predictedLabel: "n^-1/2",
  });

Deno.test("chart lint: a clean chart has no defect", async () => {
  assert.deepEqual(await lintChart(base()), []);
});

Deno.test("chart lint: NaN in a title, an untitled axis and overlapping labels are found", async () => {
  const nan = { ...base(), title: "slope fitted NaN" };
  assert.deepEqual((await lintChart(nan)).map((d) => d.kind), ["bad text"]);
  const untitled = {
    data: { values: [{ a: 1, b: 2 }] },
    mark: "point",
    encoding: {
      x: { field: "a", type: "quantitative", title: null },
      y: { field: "b", type: "quantitative", title: "b" },
    },
  };
  assert.deepEqual((await lintChart(untitled)).map((d) => d.kind), ["untitled axis"]);
  const overlap = {
    data: { values: [{ x: 1, y: 1, t: "floor β=0.1" }, { x: 1.01, y: 1, t: "floor β=0.2" }] },
    mark: { type: "text", fontSize: 14 },
    encoding: {
      x: { field: "x", type: "quantitative", title: "x" },
      y: { field: "y", type: "quantitative", title: "y" },
      text: { field: "t" },
    },
  };
  assert.deepEqual((await lintChart(overlap)).map((d) => d.kind), ["overlapping text"]);
});

Deno.test("chart lint: labels in different panels of a concatenation do not overlap", async () => {
  const panel = (t: string) => ({
    data: { values: [{ x: 1, y: 1, t }] },
    mark: { type: "text", fontSize: 14 },
    encoding: {
      x: { field: "x", type: "quantitative", title: "x" },
      y: { field: "y", type: "quantitative", title: "y" },
      text: { field: "t" },
    },
  });
  assert.deepEqual(await lintChart({ hconcat: [panel("β* = 0.1"), panel("β*")] }), []);
});

Deno.test("chart lint: a measured-vs-predicted chart needs legend entries for measured, prediction and band", async () => {
  const banded = () =>
    measuredVsPredicted({
      title: "balance",
      x: { field: "n", title: "n", log: true },
      y: { field: "err", title: "error" },
      measured: [{ n: 8, err: 0.3 }, { n: 64, err: 0.1 }],
      predicted: [{ n: 8, err: 0.35 }, { n: 64, err: 0.12 }],
      predictedLabel: "theory: n^-1/2",
      yBand: { lo: 0.05, hi: 0.4, label: "tolerance band [0.05, 0.4]" },
    });
  assert.deepEqual(await lintChart(banded()), []);
  // the band drawn without its legend entry (as the builder once did)
  const noBandEntry = banded();
  const band = (noBandEntry.layer as Record<string, Record<string, unknown>>[])[0];
  delete band.encoding.fill;
  const found = await lintChart(noBandEntry);
  assert.deepEqual(found.map((d) => d.kind), ["missing legend entry"]);
  assert.match(found[0].detail, /"tolerance band \[0\.05, 0\.4\]" \(chart "balance"\)/);
  // the measured/prediction key switched off: both entries missing
  const noKey = banded();
  for (const l of noKey.layer as Record<string, Record<string, Record<string, unknown>>>[]) {
    if (l.encoding.strokeDash) l.encoding.strokeDash.legend = null;
  }
  assert.deepEqual((await lintChart(noKey)).map((d) => d.detail.split(" (")[0]), [
    '"measured"',
    '"theory: n^-1/2"',
  ]);
  // a band without a label cannot have an entry
  const unlabelled = banded();
  const values = ((unlabelled.layer as Record<string, Record<string, unknown>>[])[0].data as {
    values: Record<string, unknown>[];
  }).values;
  delete values[0].label;
  assert.ok((await lintChart(unlabelled)).some((d) => /without a label/.test(d.detail)));
});

Deno.test("chart lint: marks that cannot be drawn or reach past the plot are found", async () => {
  const bars = (scale: Record<string, unknown>) => ({
    data: { values: [{ x: 1, lo: 0.2, hi: 1.3 }, { x: 2, lo: 0.6, hi: 0.9 }] },
    mark: "rule",
    encoding: {
      x: { field: "x", type: "quantitative", title: "x" },
      y: { field: "lo", type: "quantitative", title: "accuracy", scale },
      y2: { field: "hi" },
    },
  });
  assert.deepEqual((await lintChart(bars({ domain: [0.4, 1] }))).map((d) => d.kind), [
    "drawn outside the plot",
  ]);
  assert.deepEqual(await lintChart(bars({ domain: [0.4, 1], clamp: true })), []);
  const negativeOnLog = {
    data: { values: [{ x: 1, y: 0.5 }, { x: 2, y: -1 }] },
    mark: "point",
    encoding: {
      x: { field: "x", type: "quantitative", title: "x" },
      y: { field: "y", type: "quantitative", title: "y", scale: { type: "log" } },
    },
  };
  assert.ok((await lintChart(negativeOnLog)).some((d) => d.kind === "undrawable mark"));
});

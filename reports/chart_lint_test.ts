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

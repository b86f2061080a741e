import assert from "node:assert/strict";
import { measuredVsPredicted, type Spec } from "./charts.ts";
import { renderSvg } from "./render_svg.ts";

Deno.test("measuredVsPredicted: band, measured and prediction each get a legend entry, labels uncut", async () => {
  const spec = measuredVsPredicted({
    title: "t",
    x: { field: "x", title: "x" },
    y: { field: "y", title: "y" },
    measured: [{ x: 1, y: 1 }, { x: 2, y: 2 }],
    predicted: [{ x: 1, y: 1.5 }, { x: 2, y: 2.5 }],
    predictedLabel: "a rather long label for the theory's prediction that used to be cut",
    yBand: { lo: 0.5, hi: 3, label: "tolerance band" },
    xBand: { lo: 1.2, hi: 1.8, label: "crossing band" },
  });
  const layers = spec.layer as Spec[];
  const enc = (i: number) => layers[i].encoding as Record<string, Spec>;
  assert.equal(enc(0).fill.field, "label", "the y band has a fill legend");
  assert.equal(enc(1).fill.field, "label", "the x band has a fill legend");
  assert.equal((enc(2).strokeDash.legend as Spec).symbolType, "stroke");
  const svg = await renderSvg(spec);
  for (const label of ["tolerance band", "crossing band", "measured", "used to be cut"]) {
    assert.ok(svg.includes(label), `legend shows ${label}`);
  }
});

Deno.test("measuredVsPredicted on log axes: values ≤ 0 left out and said, CI ends ≤ 0 drawn to the bottom edge", async () => {
  const { lintChart } = await import("./chart_lint.ts");
  const spec = measuredVsPredicted({
    title: "S over training",
    x: { field: "step", title: "step" },
    y: { field: "s", title: "S", log: true },
    measured: [
      { step: 0, s: 0.05, lo: -1.7, hi: 0.08 },
      { step: 1, s: 0.06, lo: 0.03, hi: 0.09 },
      { step: 2, s: 0, lo: -0.1, hi: 0.1 },
    ],
    ci: { lo: "lo", hi: "hi" },
  });
  assert.deepEqual(spec.title, {
    text: "S over training",
    subtitle:
      "1 measured value(s) ≤ 0 not drawn on the log axis; 1 CI lower end(s) ≤ 0 or open drawn to the bottom edge",
  });
  assert.deepEqual(await lintChart(spec), []);
  const svg = await renderSvg(spec);
  assert.doesNotMatch(svg, /NaN/);
  // the same chart without the care is undrawable, and the lint says so
  const raw = structuredClone(spec) as { layer: Spec[] };
  for (const l of raw.layer) {
    l.data = {
      values: [{ step: 0, s: 0.05, lo: -1.7, hi: 0.08 }, { step: 1, s: 0.06, lo: 0.03, hi: 0.09 }],
    };
    delete l.transform;
    const e = l.encoding as Record<string, Spec>;
    if (e.y?.field === "lo (drawn)") e.y.field = "lo";
  }
  assert.ok((await lintChart(raw)).some((d) => d.kind === "undrawable mark"));
});

Deno.test("powerText writes powers as a reader does; an empty chart says why", async () => {
  const { powerText } = await import("./format.ts");
  assert.deepEqual(
    [powerText("d", 1), powerText("d", 3), powerText("T", -12), powerText("d", 1.5)],
    ["d", "d³", "T⁻¹²", "d^1.5"],
  );
  const spec = measuredVsPredicted({
    title: "n* vs d",
    x: { field: "d", title: "d" },
    y: { field: "n", title: "n*" },
    measured: [],
    empty: "no dimension left in the fit",
  });
  assert.deepEqual(spec.title, {
    text: "n* vs d",
    subtitle: "nothing drawn: no dimension left in the fit",
  });
});

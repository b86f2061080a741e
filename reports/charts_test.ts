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

import assert from "node:assert/strict";
import { fixtureResults, XSS } from "./fixture_results.ts";
import { changeOf, ciReadings, compareCheck, compareResults, thresholdFor } from "./compare.ts";
import { overlaySpecs } from "./compare_charts.ts";
import { compareMarkdown } from "./compare_md.ts";
import { compareHtml } from "./compare_html.ts";
import type { Check, Results } from "./schema.ts";

const T = { value: 0, note: "0" };
const chk = (over: Partial<Check>): Check => ({
  name: "x",
  status: "reproduced",
  value: 1,
  ci: [0.9, 1.1],
  band: [0.5, 1.5],
  primary: true,
  note: "",
  reason: "",
  ...over,
});

Deno.test("changeOf: MOVER interval of a difference, symmetric and asymmetric", () => {
  const c = changeOf({ value: 1, ci: [0.9, 1.1] }, { value: 2, ci: [1.8, 2.3] }, T);
  assert.equal(c.method, "mover");
  assert.equal(c.value, 1);
  assert(Math.abs(c.ci[0]! - (1 - Math.hypot(0.2, 0.1))) < 1e-12);
  assert(Math.abs(c.ci[1]! - (1 + Math.hypot(0.3, 0.1))) < 1e-12);
  assert(c.significant);
  // overlapping CIs with a small shift: not significant
  const n = changeOf({ value: 1, ci: [0.8, 1.2] }, { value: 1.1, ci: [0.9, 1.3] }, T);
  assert(!n.significant && !n.material);
  // a null CI end is unbounded when the value is finite
  const u = changeOf({ value: 1, ci: [0.9, null] }, { value: 3, ci: [2.9, 3.1] }, T);
  assert.equal(u.ci[0], null);
  assert(!u.significant);
});

Deno.test("changeOf: threshold makes a significant but small change immaterial", () => {
  const c = changeOf({ value: 1, ci: [0.99, 1.01] }, { value: 1.05, ci: [1.04, 1.06] }, {
    value: 0.1,
    note: "",
  });
  assert(c.significant && !c.material);
});

Deno.test("ciReadings: null CI ends read as ±∞ consistently with the verdict", () => {
  // not reproduced with both ends null: entirely above or entirely below the band
  assert.deepEqual(
    ciReadings(chk({ status: "not reproduced", value: null, ci: [null, null] })),
    [[-Infinity, -Infinity], [Infinity, Infinity]],
  );
  // [4, null] against [0.5, 2], not reproduced: only +∞ fits
  assert.deepEqual(ciReadings(chk({ status: "not reproduced", value: null, ci: [4, null] })), [[
    4,
    Infinity,
  ]]);
  // inconclusive also allows NaN: unbounded
  assert.deepEqual(ciReadings(chk({ status: "inconclusive", value: null, ci: [null, null] })), [
    [-Infinity, Infinity],
  ]);
  const c = changeOf(
    chk({}),
    chk({ status: "not reproduced", value: null, ci: [null, null] }),
    T,
  );
  assert.equal(c.method, "interval");
  assert(c.significant, "every reading excludes 0");
});

Deno.test("compareCheck: the gate needs a worse primary verdict AND a change clearing the noise", () => {
  const t = { kind: "relative", fraction: 0.1 } as const;
  const a = chk({});
  // worse and far: regression
  const far = compareCheck("x", a, chk({ status: "not reproduced", value: 3, ci: [2.9, 3.1] }), t);
  assert(far.regression && far.movement === "worse");
  // worse but overlapping: noise
  const near = compareCheck("x", a, chk({ status: "inconclusive", value: 1.2, ci: [1.0, 1.6] }), t);
  assert(!near.regression && near.movement === "worse");
  assert.match(near.reason, /within noise/);
  // a secondary check is never gated
  const sec = compareCheck(
    "x",
    chk({ primary: false }),
    chk({
      primary: false,
      status: "not reproduced",
      value: 3,
      ci: [2.9, 3.1],
    }),
    t,
  );
  assert(!sec.regression);
  // error is always a regression; a changed band with a worse verdict too
  assert(compareCheck("x", a, chk({ status: "error" }), t).regression);
  const band = compareCheck("x", a, chk({ status: "not reproduced", band: [5, 6] }), t);
  assert(band.regression && band.bandChanged);
  // better is never a regression
  assert(!compareCheck("x", chk({ status: "not reproduced" }), a, t).regression);
});

Deno.test("thresholdFor: exact id, then globs in order, then the default", () => {
  const th = {
    "fl.*": { kind: "absolute", value: 2 },
    "fl.balance": { kind: "absolute", value: 1 },
  } as const;
  assert.deepEqual(thresholdFor("fl.balance", th), { kind: "absolute", value: 1 });
  assert.deepEqual(thresholdFor("fl.crossing", th), { kind: "absolute", value: 2 });
  assert.deepEqual(thresholdFor("mem.x", th), { kind: "relative", fraction: 0.1 });
});

function variant(f: (r: Results) => void): Results {
  const r = structuredClone(fixtureResults());
  f(r);
  return r;
}

Deno.test("compareResults: identical runs pass; an error in B fails; provenance differences listed", () => {
  const a = fixtureResults();
  const same = compareResults(a, structuredClone(a));
  assert.deepEqual(same.regressions, []);
  assert.deepEqual(same.provenance, []);
  assert(same.cases.every((c) => c.measurement.identical !== false));
  const b = variant((r) => {
    r.cases["fl.balance"].status = "error";
    r.cases["fl.balance"].error = { message: "device lost", stack: null };
    r.provenance.git.commit = "fff";
    r.provenance.adapter!.isFallbackAdapter = false;
    r.cases["fl.crossing"].configHash = "other";
  });
  const cmp = compareResults(a, b);
  assert.equal(cmp.regressions.length, 1);
  assert.match(cmp.regressions[0], /^fl\.balance: the case ended in error in B.*device lost/);
  const fields = cmp.provenance.map((d) => d.field);
  assert(fields.includes("git commit") && fields.includes("adapter isFallbackAdapter"));
  const crossing = cmp.cases.find((c) => c.id === "fl.crossing")!;
  assert.deepEqual(crossing.differences.map((d) => d.field), ["config hash"]);
  // an error that was already an error in A is not a new regression
  assert.deepEqual(compareResults(b, b).regressions, []);
});

Deno.test("overlaySpecs: layered charts are overlaid with run-tagged rows; others side by side", () => {
  const spec = fixtureResults().cases["fl.balance"].charts[0].spec;
  const o = overlaySpecs(spec, spec);
  assert.equal(o.mode, "overlay");
  const text = JSON.stringify(o.spec);
  assert(text.includes('"run":"A"') && text.includes('"run":"B"'));
  const facet = { data: { values: [{ a: 1 }] }, facet: { field: "a" }, spec: { mark: "point" } };
  assert.equal(overlaySpecs(facet, facet).mode, "side-by-side");
  assert.equal(overlaySpecs(spec, null).mode, "single");
  // a "run" field already in the data is not clobbered
  const own = { data: { values: [{ run: 1, y: 2 }] }, mark: "point", encoding: {} };
  assert(JSON.stringify(overlaySpecs(own, own).spec).includes('"run_2":"A"'));
});

Deno.test("compare writers escape every string from the results", () => {
  const a = fixtureResults({ payload: XSS });
  const b = variant((r) => (r.cases["fl.balance"].verdict.checks[1].name += " changed"));
  const cmp = compareResults(a, b);
  const md = compareMarkdown(cmp);
  const html = compareHtml(cmp, { bundles: null });
  assert(!md.includes("<script>"));
  const markup = html.replace(/<script type="application\/json"[\s\S]*?<\/script>/g, "");
  assert(!markup.includes(XSS));
  assert(html.includes("claimbench comparison"));
});

Deno.test("overlaySpecs: labels that differ between the runs do not overprint", async () => {
  const { measuredVsPredicted } = await import("./charts.ts");
  const { lintChart } = await import("./chart_lint.ts");
  const chart = (t: number) =>
    measuredVsPredicted({
      title: "overlap",
      x: { field: "n", title: "n" },
      y: { field: "o", title: "overlap", domain: [0, 1] },
      measured: [{ n: 1, o: 0.2 }, { n: 2, o: 0.9 }],
      rules: [{ y: t, label: `threshold ${t}` }],
    });
  const { mode, spec } = overlaySpecs(chart(0.11), chart(0.13));
  assert.equal(mode, "overlay");
  assert.deepEqual(await lintChart(spec), []);
});

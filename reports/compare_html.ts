/**
 * The HTML comparison of two runs (`compare.html`): gate outcome, regressions, verdict
 * changes, each check's change B − A with its CI, provenance differences, and every chart
 * with both runs overlaid (A faded, B solid). Self-contained and offline like `report.html`.
 * Renders a {@link Comparison}; computes nothing.
 * @module
 */
import { escapeHtml as h } from "./escape.ts";
import { chartFileStem, chartKey, fmtCommit } from "./format.ts";
import { badge, caseAnchor, ChartCounter, chartFigure, pageHtml, tableHtml } from "./_page.ts";
import { type CaseComparison, type Comparison, fmtChange } from "./compare.ts";
import { caseGateText, caseItems, CHECK_HEADER, checkCells, gateLine } from "./compare_md.ts";
import type { VerdictStatus } from "./schema.ts";
import type { VegaBundles } from "./vega_bundles.ts";

/** Options of {@link compareHtml}. */
export interface CompareHtmlOptions {
  /** Pre-rendered SVGs by `chartKey(caseId, chartId)`, shown when scripts are off. */
  svgs?: Record<string, string>;
  /** Folder (relative to the page) with the `.vl.json`/`.svg` overlay files, for links. */
  chartDir?: string;
  /** The inlined browser builds; `null` = static SVGs only. */
  bundles: VegaBundles | null;
}

// The compare page's own rules, after the shared page CSS: the gate banner, regression rows.
const COMPARE_CSS = `
.gate{font-size:16px;padding:8px 12px;border-radius:6px;margin:10px 0;border:1px solid}
.gate.pass{border-color:var(--ok);background:#dafbe1}.gate.fail{border-color:var(--fail);background:#ffebe9}
tr.regression td{background:#ffebe9}
`;

const st = (s: VerdictStatus | null) => (s === null ? badge("none", "no result") : badge(s));
const strongRegression = (s: string) => (s === "REGRESSION" ? `<strong>${s}</strong>` : s);

function caseSection(c: CaseComparison, i: number, opts: CompareHtmlOptions, n: ChartCounter) {
  const out = [
    `<section class="case" id="${caseAnchor(c.id, i)}">`,
    `<h3>${c.regression ? badge("not reproduced", "REGRESSION") + " " : ""}<code>${
      h(c.id)
    }</code> ${st(c.statusA)} &rarr; ${st(c.statusB)} <span class="meta">${h(c.paper)}</span></h3>`,
    `<blockquote class="claim">${h(c.claim)}</blockquote>`,
  ];
  const items = caseItems(c).map((i) =>
    `<li>${i.regression ? "<strong>regression:</strong> " : ""}${h(i.text)}</li>`
  );
  if (items.length) out.push(`<ul>${items.join("")}</ul>`);
  if (c.checks.length) {
    out.push(
      tableHtml(
        [...CHECK_HEADER],
        c.checks.map((k) => {
          const cells = checkCells(k).map(h).map(strongRegression);
          if (k.change.note) cells[5] += `<br><span class="meta">${h(k.change.note)}</span>`;
          return cells;
        }),
        { numCols: [2, 3, 4], rowClass: (j) => (c.checks[j].regression ? "regression" : "") },
      ),
    );
  }
  if (c.differences.length) {
    out.push(
      `<p class="meta">Differences in this case:</p>`,
      tableHtml(
        ["Field", "A", "B"],
        c.differences.map((
          d,
        ) => [
          h(d.field),
          `<span class="mono">${h(d.a)}</span>`,
          `<span class="mono">${h(d.b)}</span>`,
        ]),
      ),
    );
  }
  if (c.charts.length) {
    out.push("<div>");
    for (const ch of c.charts) {
      const stem = chartFileStem(c.id, ch.id);
      out.push(chartFigure(ch.spec, `${ch.title} — ${ch.note}`, {
        svg: opts.svgs?.[chartKey(c.id, ch.id)],
        interactive: opts.bundles !== null,
        counter: n,
        files: opts.chartDir !== undefined ? { dir: opts.chartDir, stem } : undefined,
      }));
    }
    out.push("</div>");
  }
  out.push("</section>");
  return out.join("\n");
}

/**
 * The comparison page.
 *
 * @example
 * ```ts ignore
 * import { compareHtml } from "./compare_html.ts";
 * await Deno.writeTextFile("compare.html", compareHtml(cmp, { bundles: null }));
 * ```
 */
export function compareHtml(cmp: Comparison, opts: CompareHtmlOptions): string {
  const run = (r: Comparison["a"], role: string) =>
    `<li><strong>${h(r.label)}</strong> (${role}): <code>${h(r.runId)}</code> &middot; ${
      h(r.createdAt)
    } &middot; commit <span class="mono">${h(fmtCommit(r.commit))}</span> &middot; ${
      h(r.backend)
    } &middot; profile ${h(r.profile)}${
      r.complete ? "" : " &middot; <strong>incomplete</strong>"
    }</li>`;
  const n = new ChartCounter();
  const fail = cmp.regressions.length > 0;
  const body = [
    "<header>",
    "<h1>claimbench comparison</h1>",
    `<ul>${run(cmp.a, "before")}${run(cmp.b, "after")}</ul>`,
    `<div class="gate ${fail ? "fail" : "pass"}"><strong>Gate: ${h(gateLine(cmp))}</strong></div>`,
    "</header>",
    "<main>",
  ];
  if (fail) {
    body.push(
      "<h2>Regressions</h2>",
      `<ul>${cmp.regressions.map((r) => `<li>${h(r)}</li>`).join("")}</ul>`,
    );
  }
  body.push(
    "<h2>Verdicts</h2>",
    tableHtml(
      ["Case", h(cmp.a.label), h(cmp.b.label), "Headline change B − A", "Gate"],
      cmp.cases.map((c, i) => [
        `<a href="#${caseAnchor(c.id, i)}"><code>${h(c.id)}</code></a>`,
        st(c.statusA),
        st(c.statusB),
        c.headline ? h(fmtChange(c.headline.change)) : "-",
        strongRegression(caseGateText(c)),
      ]),
      { rowClass: (i) => (cmp.cases[i].regression ? "regression" : "") },
    ),
  );
  if (cmp.notes.length) body.push(`<ul>${cmp.notes.map((x) => `<li>${h(x)}</li>`).join("")}</ul>`);
  body.push(
    "<h2>Provenance differences</h2>",
    cmp.provenance.length
      ? tableHtml(
        ["Field", h(cmp.a.label), h(cmp.b.label)],
        cmp.provenance.map((
          d,
        ) => [
          h(d.field),
          `<span class="mono">${h(d.a)}</span>`,
          `<span class="mono">${h(d.b)}</span>`,
        ]),
      )
      : "<p>None.</p>",
    "<h2>Cases</h2>",
    ...cmp.cases.map((c, i) => caseSection(c, i, opts, n)),
    "<h2>Method</h2>",
    `<ul>${cmp.method.split("\n").map((l) => `<li>${h(l)}</li>`).join("")}</ul>`,
    "</main>",
  );
  return pageHtml(
    `claimbench comparison: ${cmp.a.runId} → ${cmp.b.runId}`,
    body.join("\n"),
    opts.bundles,
    { css: COMPARE_CSS },
  );
}

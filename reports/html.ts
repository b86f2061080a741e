/**
 * The HTML report: one self-contained page that opens offline. It inlines the vega,
 * vega-lite and vega-embed browser builds, embeds every chart interactively (spec JSON in a
 * `<script type="application/json">`), and keeps the pre-rendered SVG as the fallback when
 * scripts are off or embedding fails. Every string from the results document is escaped.
 * Renders the results document; computes nothing.
 * @module
 */
import { escapeHtml as h, slug } from "./escape.ts";
import {
  caseErrorMessage,
  caseFindings,
  caseStatus,
  chartFileStem,
  chartKey,
  checksTable,
  claimsTable,
  dataTable,
  fmtCaseHeadline,
  fmtDuration,
  fmtSeeds,
  orderedCaseIds,
  paramsTable,
  provenanceRows,
  robustnessLabel,
  robustnessTable,
  runErrorsTable,
  statusTally,
  type TextTable,
  timingsTable,
  verdictLabels,
} from "./format.ts";
import {
  badge,
  caseAnchor,
  ChartCounter,
  chartFigure,
  pageHtml,
  pageNotices,
  tableHtml,
} from "./_page.ts";
import type { CaseResult, Results, VerdictStatus } from "./schema.ts";
import { loadVegaBundles, type VegaBundles } from "./vega_bundles.ts";

/** Options of {@link reportHtml}. */
export interface ReportHtmlOptions {
  /**
   * Folder (relative to the HTML file) with `<caseId>--<chartId>.vl.json` / `.svg`; when
   * given, each chart links its files.
   */
  chartDir?: string;
  /**
   * The browser builds to inline; by default read from node_modules. `null` leaves them out:
   * the page then shows the static SVGs only, with a notice.
   */
  bundles?: VegaBundles | null;
}

// The report's own rules, after the shared page CSS: a narrower page, tighter headings,
// provenance list, hyperparameter sources, error box, raw config.
const REPORT_CSS = `
body{max-width:1200px}h2{margin:0 0 8px}
section.case{padding-top:16px;margin-top:24px}
figure.chart figcaption{max-width:none}
pre{background:var(--soft);border:1px solid var(--line);padding:8px;overflow:auto;white-space:pre-wrap}
.scroll{max-height:420px;overflow:auto;display:inline-block;max-width:100%}
dl.prov{display:grid;grid-template-columns:max-content minmax(0,1fr) max-content minmax(0,1fr);gap:2px 16px;margin:8px 0 16px}
dl.prov dt{color:var(--muted)}dl.prov dd{margin:0;word-break:break-word}
.src{display:inline-block;padding:0 6px;border-radius:4px;border:1px solid var(--line);font-size:12px}
.src-paper{background:#ddf4ff}.src-claims{background:#fff8c5}.src-ours{background:#ffebe9}
.src-undeclared{background:var(--soft)}
.tally{margin:4px 0 12px}.tally .badge{margin-right:6px}
.errorbox{border:1px solid var(--err);background:#fbefff;padding:8px 12px;border-radius:6px}
details summary{cursor:pointer;color:var(--muted)}
`;

/** A text table as HTML: each cell escaped, or rendered by its column's function in `cols`. */
function textTableHtml(
  t: TextTable,
  opts: { numCols?: number[]; cols?: Record<number, (s: string, row: number) => string> } = {},
): string {
  const cell = (s: string, i: number, j: number) => (opts.cols?.[i] ?? h)(s, j);
  return tableHtml(t.header.map(h), t.rows.map((r, j) => r.map((s, i) => cell(s, i, j))), {
    numCols: opts.numCols,
  });
}

function claims(results: Results, cases: number): string {
  return textTableHtml(claimsTable(results), {
    cols: {
      0: (id, i) =>
        i < cases
          ? `<a href="#${caseAnchor(id, i)}"><code>${h(id)}</code></a>`
          : `<code>${h(id)}</code>`,
      3: (s) => (s === "not run" ? badge("none", s) : badge(s as VerdictStatus)),
      5: (s) => h(s).replace(/\n/g, "<br>"),
    },
  });
}

function caseSection(
  c: CaseResult,
  index: number,
  svgs: Record<string, string>,
  opts: ReportHtmlOptions,
  interactive: boolean,
  counter: ChartCounter,
): string {
  const st = caseStatus(c);
  const out: string[] = [
    `<section class="case" id="${caseAnchor(c.id, index)}">`,
    `<h2>${badge(st)} <code>${h(c.id)}</code> <span class="meta">${h(c.paper)}</span></h2>`,
    `<blockquote class="claim">${h(c.claim)}</blockquote>`,
    `<p class="meta">case version ${c.version} &middot; profile ${h(c.profile)} &middot; backend ${
      h(c.backend)
    } &middot; ${c.seeds.length} seed(s): <span class="mono">${
      h(fmtSeeds(c.seeds))
    }</span> &middot; took ${h(fmtDuration(c.durationS))} &middot; started ${
      h(c.startedAt)
    } &middot; config hash <span class="mono">${h(c.configHash)}</span></p>`,
    `<p><strong>Headline:</strong> ${h(fmtCaseHeadline(c))}</p>`,
  ];
  const labels = verdictLabels(c);
  if (labels.length) {
    out.push(`<p class="labels"><strong>Verdict labels:</strong> ${h(labels.join("; "))}</p>`);
  }
  if (st === "error") {
    out.push(
      `<div class="errorbox"><strong>The case failed:</strong> ${h(caseErrorMessage(c))}${
        c.error?.stack ? `<pre>${h(c.error.stack)}</pre>` : ""
      }</div>`,
    );
  }
  const checks = checksTable(c);
  if (checks.rows.length) {
    out.push(
      "<h3>Checks</h3>",
      textTableHtml(checks, {
        numCols: [3, 4, 5],
        cols: {
          2: (s) => (s === "info" ? `<span class="meta">info</span>` : badge(s as VerdictStatus)),
        },
      }),
    );
  }
  const robust = robustnessTable(c);
  if (robust.rows.length || c.verdict.robustness?.skipped.length) {
    out.push(
      `<h3>Robustness to our own choices: ${h(robustnessLabel(c))}</h3>`,
      `<p class="meta">The verdict under each declared alternative of a choice tagged "ours"; the claim's bands and levels are never varied.</p>`,
      `<div class="scroll">${
        textTableHtml(robust, { cols: { 4: (s) => badge(s as VerdictStatus) } })
      }</div>`,
    );
    const skipped = c.verdict.robustness?.skipped ?? [];
    if (skipped.length) {
      out.push(`<p class="meta">Not evaluated here: ${h(skipped.join("; "))}</p>`);
    }
  }
  const findings = caseFindings(c);
  if (findings.length) {
    out.push("<h3>Findings</h3>", `<ul>${findings.map((f) => `<li>${h(f)}</li>`).join("")}</ul>`);
  }
  if (c.charts.length) {
    out.push("<h3>Charts</h3>", "<div>");
    for (const ch of c.charts) {
      const stem = chartFileStem(c.id, ch.id);
      out.push(chartFigure(ch.spec, ch.title, {
        svg: svgs[chartKey(c.id, ch.id)],
        interactive,
        counter,
        files: opts.chartDir !== undefined ? { dir: opts.chartDir, stem } : undefined,
      }));
    }
    out.push("</div>");
  }
  for (const t of c.tables) {
    out.push(`<h3>${h(t.title)}</h3>`, `<div class="scroll">${textTableHtml(dataTable(t))}</div>`);
  }
  if (c.runErrors.length) {
    out.push(
      `<h3>Run errors (${c.runErrors.length}, excluded from the statistics)</h3>`,
      `<div class="scroll">${textTableHtml(runErrorsTable(c), { numCols: [1] })}</div>`,
    );
  }
  const params = paramsTable(c);
  if (params.rows.length) {
    out.push(
      "<h3>Hyperparameters</h3>",
      textTableHtml(params, {
        cols: {
          0: (s) => `<code>${h(s)}</code>`,
          1: (s) => `<span class="mono">${h(s)}</span>`,
          2: (s) => `<span class="src src-${slug(s)}">${h(s)}</span>`,
        },
      }),
    );
  }
  const timings = timingsTable(c);
  if (timings.rows.length) {
    out.push("<h3>Timings</h3>", textTableHtml(timings, { numCols: [1] }));
  }
  out.push(
    `<details><summary>Resolved config (JSON)</summary><pre>${
      h(JSON.stringify(c.config, null, 2))
    }</pre></details>`,
    "</section>",
  );
  return out.join("\n");
}

/**
 * The HTML report of a results document. `svgs` maps `chartKey(caseId, chartId)` to the
 * chart's pre-rendered SVG (from `renderSvg`), shown when scripts are off or embedding fails.
 *
 * @example
 * ```ts ignore
 * import { reportHtml } from "./html.ts";
 * import { readResults } from "./schema.ts";
 * await Deno.writeTextFile("report.html", await reportHtml(await readResults("results.json")));
 * ```
 */
export async function reportHtml(
  results: Results,
  svgs: Record<string, string> = {},
  opts: ReportHtmlOptions = {},
): Promise<string> {
  let bundles: VegaBundles | null = null;
  let bundleNotice = "";
  if (opts.bundles !== undefined) {
    bundles = opts.bundles;
    if (!bundles) bundleNotice = "Interactive charts were left out of this report.";
  } else {
    try {
      bundles = await loadVegaBundles();
    } catch (e) {
      bundleNotice = `Interactive charts are unavailable: ${e instanceof Error ? e.message : e}`;
    }
  }
  const ids = orderedCaseIds(results);
  const tally = statusTally(results).map((t) => badge(t.status, t.label));
  const counter = new ChartCounter();
  const sections = ids.map((id, i) =>
    caseSection(results.cases[id], i, svgs, opts, bundles !== null, counter)
  );
  const prov = provenanceRows(results).map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`);
  const body = `<header>
<h1>claimbench report</h1>
<p class="tally">Profile <strong>${h(results.plan.profile)}</strong> &middot; backend <strong>${
    h(results.provenance.backend)
  }</strong> &middot; ${ids.length} case(s): ${tally.join(" ") || "none"}${
    results.complete ? "" : ` <strong>Incomplete run.</strong>`
  }</p>
${pageNotices(bundleNotice)}
<dl class="prov">
${prov.join("\n")}
</dl>
</header>
<main>
<h2>Claims</h2>
<p class="meta">Reproduced: the statistic's 95% CI lies inside the tolerance band; not reproduced: outside it;
inconclusive: the CI straddles the band; error: the case failed.</p>
${claims(results, ids.length)}
${sections.join("\n")}
</main>`;
  return pageHtml(`claimbench report: ${results.runId}`, body, bundles, {
    css: REPORT_CSS,
    ownNotices: true,
  });
}

/**
 * The HTML history (`history.html`): runs in time order, each case's verdict per run, and one
 * trend chart per claim check (value with CI per run, band, verdict changes marked). Offline,
 * like `report.html`. Renders a {@link History}; computes nothing.
 * @module
 */
import { escapeHtml as h } from "./escape.ts";
import { fmtCommit } from "./format.ts";
import { badge, ChartCounter, chartFigure, pageHtml, tableHtml } from "./_page.ts";
import { type History, historyChart } from "./history.ts";
import { seriesStem } from "./history_md.ts";
import type { VegaBundles } from "./vega_bundles.ts";

/**
 * The history page. `svgs` maps a series' stem ({@link seriesStem}) to its pre-rendered SVG.
 *
 * @example
 * ```ts ignore
 * import { historyHtml } from "./history_html.ts";
 * await Deno.writeTextFile("history.html", historyHtml(hist, {}, null));
 * ```
 */
export function historyHtml(
  hist: History,
  svgs: Record<string, string>,
  bundles: VegaBundles | null,
  chartDir?: string,
): string {
  const n = new ChartCounter();
  const body = [
    "<header><h1>claimbench history</h1>",
    `<p class="meta">${hist.runs.length} run(s), ${hist.cases.length} case(s), ${hist.series.length} check series; time order by createdAt.</p></header>`,
    "<main>",
    ...(hist.notes.length
      ? [
        '<h2>Separate series</h2><ul class="notes">',
        ...hist.notes.map((x) => `<li>${h(x)}</li>`),
        "</ul>",
      ]
      : []),
    "<h2>Runs</h2>",
    tableHtml(
      ["#", "Created", "Run", "Commit", "Backend", "Profile", "File"],
      hist.runs.map((r) => [
        String(r.index + 1),
        h(r.createdAt),
        `<code>${h(r.runId)}</code>${r.complete ? "" : " (incomplete)"}`,
        `<span class="mono">${h(fmtCommit(r.commit))}</span>`,
        h(r.backend),
        h(r.profile),
        `<span class="mono">${h(r.source)}</span>`,
      ]),
    ),
    "<h2>Verdicts per run</h2>",
    tableHtml(
      ["#", ...hist.cases.map((c) => `<code>${h(c)}</code>`)],
      hist.runs.map((r) => [
        String(r.index + 1),
        ...hist.cases.map((c) => {
          const s = hist.verdicts[c]?.[r.index];
          return s ? badge(s) : badge("none", "not run");
        }),
      ]),
    ),
  ];
  for (const c of hist.cases) {
    body.push(`<section class="case"><h2><code>${h(c)}</code></h2><div>`);
    hist.series.forEach((s, k) => {
      if (s.caseId !== c) return;
      const stem = seriesStem(hist, k);
      const changes = s.changes.length
        ? `; verdict changes: ${
          s.changes.map((x) => `#${x.run + 1} ${x.from} → ${x.to}`).join(", ")
        }`
        : "; no verdict change";
      body.push(
        chartFigure(
          historyChart(s, hist.runs),
          `${s.check}${s.primary ? " (primary)" : ""} [${s.group}]${changes}`,
          {
            svg: svgs[stem],
            interactive: bundles !== null,
            counter: n,
            files: chartDir !== undefined ? { dir: chartDir, stem } : undefined,
          },
        ),
      );
    });
    body.push("</div></section>");
  }
  if (hist.skipped.length) {
    body.push(
      "<h2>Skipped files</h2>",
      `<ul>${hist.skipped.map((s) => `<li>${h(s)}</li>`).join("")}</ul>`,
    );
  }
  body.push("</main>");
  return pageHtml("claimbench history", body.join("\n"), bundles);
}

/**
 * The HTML report: one self-contained page that opens offline. It inlines the vega,
 * vega-lite and vega-embed browser builds, embeds every chart interactively (spec JSON in a
 * `<script type="application/json">`), and keeps the pre-rendered SVG as the fallback when
 * scripts are off or embedding fails. Every string from the results document is escaped.
 * Renders the results document; computes nothing.
 * @module
 */
import { escapeHtml as h, jsonForHtmlScript, slug } from "./escape.ts";
import {
  caseErrorMessage,
  caseStatus,
  chartFileStem,
  chartKey,
  fmtBand,
  fmtDuration,
  fmtHeadline,
  fmtInterval,
  fmtNum,
  fmtSeeds,
  missingCaseIds,
  orderedCaseIds,
  paramRows,
  provenanceRows,
  statusCounts,
  STATUSES,
} from "./_format.ts";
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

const CSS = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;
--ok:#1a7f37;--fail:#cf222e;--inc:#9a6700;--err:#8250df;--none:#6e7781}
*{box-sizing:border-box}
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);
background:var(--bg);margin:0;padding:0 24px 48px;max-width:1200px}
header{border-bottom:1px solid var(--line);margin-bottom:16px}
h1{font-size:22px;margin:20px 0 4px}h2{font-size:18px;margin:0 0 8px}
h3{font-size:15px;margin:18px 0 6px}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
pre{background:var(--soft);border:1px solid var(--line);padding:8px;overflow:auto;white-space:pre-wrap}
table{border-collapse:collapse;margin:6px 0 10px}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600}
td.num{font-variant-numeric:tabular-nums;white-space:nowrap}
.scroll{max-height:420px;overflow:auto;display:inline-block;max-width:100%}
dl.prov{display:grid;grid-template-columns:max-content minmax(0,1fr) max-content minmax(0,1fr);gap:2px 16px;margin:8px 0 16px}
dl.prov dt{color:var(--muted)}dl.prov dd{margin:0;word-break:break-word}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;
font-weight:600;white-space:nowrap}
.s-reproduced{background:var(--ok)}.s-not-reproduced{background:var(--fail)}
.s-inconclusive{background:var(--inc)}.s-error{background:var(--err)}.s-none{background:var(--none)}
.src{display:inline-block;padding:0 6px;border-radius:4px;border:1px solid var(--line);font-size:12px}
.src-paper{background:#ddf4ff}.src-claims{background:#fff8c5}.src-ours{background:#ffebe9}
.src-undeclared{background:var(--soft)}
.tally{margin:4px 0 12px}.tally .badge{margin-right:6px}
section.case{border-top:1px solid var(--line);padding-top:16px;margin-top:24px}
blockquote.claim{margin:6px 0 8px;padding:4px 12px;border-left:4px solid var(--line);font-style:italic}
.meta{color:var(--muted);margin:4px 0}
.errorbox{border:1px solid var(--err);background:#fbefff;padding:8px 12px;border-radius:6px}
.notice{border:1px solid var(--inc);background:#fff8c5;padding:6px 12px;border-radius:6px}
figure.chart{margin:8px 0 16px;display:inline-block;vertical-align:top;max-width:100%}
figure.chart figcaption{color:var(--muted);font-size:12px}
.chart-static img{max-width:100%;height:auto}
.js .chart-static{display:none}.js .chart-static.show{display:block}
.chart-failed{color:var(--fail);font-size:12px}
details summary{cursor:pointer;color:var(--muted)}
`;

// Our own page script: embeds each chart; on failure shows the pre-rendered SVG instead.
const INIT = `
(function () {
  var embed = window.vegaEmbed;
  var targets = document.querySelectorAll("[data-vl-spec]");
  Array.prototype.forEach.call(targets, function (el) {
    var fig = el.parentNode;
    var still = fig.querySelector(".chart-static");
    function fail(msg) {
      el.className += " chart-failed";
      el.textContent = "Interactive chart unavailable (" + msg + ")" + (still ? "; showing the static SVG." : ".");
      if (still) still.className += " show";
    }
    if (typeof embed !== "function") { fail("vega-embed not loaded"); return; }
    var spec;
    try { spec = JSON.parse(document.getElementById(el.getAttribute("data-vl-spec")).textContent); }
    catch (e) { fail("unreadable spec: " + e.message); return; }
    embed(el, spec, { renderer: "svg", actions: { export: true, source: true, compiled: true, editor: false } })
      .catch(function (e) { fail(e && e.message ? e.message : String(e)); });
  });
})();
`;

/** Text inside an inline `<script>`: a `</script` sequence cannot end the element early. */
function scriptText(js: string): string {
  return js.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

function statusClass(s: VerdictStatus | "none"): string {
  return `s-${s.replace(/ /g, "-")}`;
}

function badge(s: VerdictStatus | "none", label: string = s): string {
  return `<span class="badge ${statusClass(s)}">${h(label)}</span>`;
}

function caseAnchor(id: string, index: number): string {
  return `case-${index}-${slug(id)}`;
}

function tableHtml(header: string[], rows: string[][], numCols: number[] = []): string {
  const head = header.map((c) => `<th>${c}</th>`).join("");
  const body = rows.map((r) =>
    `<tr>${
      r.map((c, i) => `<td${numCols.includes(i) ? ' class="num"' : ""}>${c}</td>`).join("")
    }</tr>`
  ).join("\n");
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

function headline(c: CaseResult): string {
  return caseStatus(c) === "error" && c.verdict.statistic === "none"
    ? "n/a"
    : h(fmtHeadline(c.verdict));
}

function claimsTable(results: Results, ids: string[]): string {
  const rows = ids.map((id, i) => {
    const c = results.cases[id];
    const st = caseStatus(c);
    const findings = st === "error"
      ? h(caseErrorMessage(c))
      : c.verdict.findings.slice(0, 2).map(h).join("<br>") +
        (c.verdict.findings.length > 2 ? ` (+${c.verdict.findings.length - 2} more)` : "") +
        (c.runErrors.length ? `<br>${c.runErrors.length} failed run(s)` : "");
    return [
      `<a href="#${caseAnchor(id, i)}"><code>${h(id)}</code></a>`,
      h(c.paper),
      h(c.claim),
      badge(st),
      headline(c),
      findings,
    ];
  });
  for (const id of missingCaseIds(results)) {
    rows.push([`<code>${h(id)}</code>`, "", "", badge("none", "not run"), "n/a", "no result yet"]);
  }
  return tableHtml(
    ["Case", "Paper", "Claim", "Verdict", "Headline statistic (95% CI; band)", "Key findings"],
    rows,
  );
}

function chartHtml(
  c: CaseResult,
  chart: CaseResult["charts"][number],
  n: number,
  svgs: Record<string, string>,
  opts: ReportHtmlOptions,
  interactive: boolean,
): string {
  const key = chartKey(c.id, chart.id);
  const specId = `vl-spec-${n}`;
  const svg = svgs[key];
  const still = svg !== undefined
    ? `<div class="chart-static"><img alt="${h(chart.title)}" src="data:image/svg+xml;base64,${
      base64Utf8(svg)
    }"></div>`
    : `<noscript><p class="chart-failed">No pre-rendered SVG of this chart; enable JavaScript to see it.</p></noscript>`;
  const stem = encodeURIComponent(chartFileStem(c.id, chart.id));
  const links = opts.chartDir !== undefined
    ? ` (<a href="${h(opts.chartDir)}/${stem}.vl.json">Vega-Lite spec</a>${
      svg !== undefined ? `, <a href="${h(opts.chartDir)}/${stem}.svg">SVG</a>` : ""
    })`
    : "";
  const live = interactive
    ? `<div class="chart-live" data-vl-spec="${specId}"></div>\n` +
      `<script type="application/json" id="${specId}">${jsonForHtmlScript(chart.spec)}</script>\n`
    : "";
  return `<figure class="chart">\n${live}${still}\n<figcaption>${
    h(chart.title)
  }${links}</figcaption></figure>`;
}

function caseSection(
  c: CaseResult,
  index: number,
  svgs: Record<string, string>,
  opts: ReportHtmlOptions,
  interactive: boolean,
  chartCounter: { n: number },
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
    `<p><strong>Headline:</strong> ${headline(c)}</p>`,
  ];
  if (st === "error") {
    out.push(
      `<div class="errorbox"><strong>The case failed:</strong> ${h(caseErrorMessage(c))}${
        c.error?.stack ? `<pre>${h(c.error.stack)}</pre>` : ""
      }</div>`,
    );
  }
  if (c.verdict.checks.length) {
    out.push(
      "<h3>Checks</h3>",
      tableHtml(
        ["Check", "Primary", "Verdict", "Value", "95% CI", "Band", "Note"],
        c.verdict.checks.map((k) => [
          h(k.name),
          k.primary ? "yes" : "no",
          badge(k.status),
          h(fmtNum(k.value)),
          h(fmtInterval(k.ci)),
          h(fmtBand(k.band)),
          h(k.note),
        ]),
        [3, 4, 5],
      ),
    );
  }
  const findings = st === "error"
    ? c.verdict.findings.filter((f) => f !== caseErrorMessage(c))
    : c.verdict.findings;
  if (findings.length) {
    out.push("<h3>Findings</h3>", `<ul>${findings.map((f) => `<li>${h(f)}</li>`).join("")}</ul>`);
  }
  if (c.charts.length) {
    out.push("<h3>Charts</h3>", "<div>");
    for (const ch of c.charts) {
      out.push(chartHtml(c, ch, chartCounter.n++, svgs, opts, interactive));
    }
    out.push("</div>");
  }
  for (const t of c.tables) {
    out.push(
      `<h3>${h(t.title)}</h3>`,
      `<div class="scroll">${
        tableHtml(
          t.columns.map(h),
          t.rows.map((r) =>
            t.columns.map((_, i) => {
              const v = r[i];
              return v === null || v === undefined
                ? ""
                : typeof v === "number"
                ? h(fmtNum(v))
                : h(v);
            })
          ),
        )
      }</div>`,
    );
  }
  if (c.runErrors.length) {
    out.push(
      `<h3>Run errors (${c.runErrors.length}, excluded from the statistics)</h3>`,
      `<div class="scroll">${
        tableHtml(
          ["Run", "Step", "Observable", "Message"],
          c.runErrors.map((e) => [
            h(e.run),
            e.step === null ? "" : h(e.step),
            h(e.observable ?? ""),
            h(e.message),
          ]),
          [1],
        )
      }</div>`,
    );
  }
  const params = paramRows(c);
  if (params.length) {
    out.push(
      "<h3>Hyperparameters</h3>",
      tableHtml(
        ["Parameter", "Value", "Source", "Note"],
        params.map((p) => [
          `<code>${h(p.name)}</code>`,
          `<span class="mono">${h(p.value)}</span>`,
          `<span class="src src-${slug(p.source)}">${h(p.source)}</span>`,
          h(p.note),
        ]),
      ),
    );
  }
  const timings = Object.entries(c.timings);
  if (timings.length) {
    out.push(
      "<h3>Timings</h3>",
      tableHtml(["Phase", "Time"], timings.map(([k, v]) => [h(k), h(fmtDuration(v))]), [1]),
    );
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
  const interactive = bundles !== null;
  const ids = orderedCaseIds(results);
  const counts = statusCounts(results);
  const missing = missingCaseIds(results);
  const tally = STATUSES.filter((s) => counts[s] > 0).map((s) => badge(s, `${counts[s]} ${s}`));
  if (missing.length) tally.push(badge("none", `${missing.length} not run`));
  const chartCounter = { n: 0 };
  const sections = ids.map((id, i) =>
    caseSection(results.cases[id], i, svgs, opts, interactive, chartCounter)
  );
  const prov = provenanceRows(results).map(([k, v]) => `<dt>${h(k)}</dt><dd>${h(v)}</dd>`).join(
    "\n",
  );
  const title = `claimbench report: ${results.runId}`;
  const scripts = bundles
    ? [bundles.vega, bundles.vegaLite, bundles.vegaEmbed, INIT]
      .map((js) => `<script>${scriptText(js)}</script>`).join("\n")
    : "";
  return `<!DOCTYPE html>
<html lang="en" class="no-js">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="claimbench">
<title>${h(title)}</title>
<style>${CSS}</style>
${interactive ? `<script>document.documentElement.className = "js";</script>` : ""}
</head>
<body>
<header>
<h1>claimbench report</h1>
<p class="tally">Profile <strong>${h(results.plan.profile)}</strong> &middot; backend <strong>${
    h(results.provenance.backend)
  }</strong> &middot; ${ids.length} case(s): ${tally.join(" ") || "none"}${
    results.complete ? "" : ` <strong>Incomplete run.</strong>`
  }</p>
${bundleNotice ? `<p class="notice">${h(bundleNotice)}</p>` : ""}
<noscript><p class="notice">JavaScript is off: charts are shown as static SVG.</p></noscript>
<dl class="prov">
${prov}
</dl>
</header>
<main>
<h2>Claims</h2>
<p class="meta">Reproduced: the statistic's 95% CI lies inside the tolerance band; not reproduced: outside it;
inconclusive: the CI straddles the band; error: the case failed.</p>
${claimsTable(results, ids)}
${sections.join("\n")}
</main>
${scripts}
</body>
</html>
`;
}

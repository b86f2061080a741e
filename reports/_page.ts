/**
 * Shared pieces of the HTML pages (`report.html`, `compare.html`, `history.html`): a
 * self-contained shell that inlines the vega builds (offline), embeds each chart from a
 * `<script type="application/json">`, and falls back to a pre-rendered SVG. Every page
 * carries a strict Content-Security-Policy ({@link contentSecurityPolicy}): no request of any
 * kind, only the inlined scripts (by hash), Vega's expressions interpreted (no `eval`), chart
 * specs sanitized ({@link safeSpec}) and vega-embed's menu limited to the image exports (no
 * action writes spec text as HTML). Internal to `reports/`.
 * @module
 */
import { gzipSync } from "node:zlib";
import { createHash } from "node:crypto";
import { escapeHtml as h, slug } from "./escape.ts";
import { safeSpec } from "./sanitize_spec.ts";
import type { VegaBundles } from "./vega_bundles.ts";
import type { VerdictStatus } from "./schema.ts";

/** Page CSS shared by every page; a page appends its own rules ({@link PageOptions.css}). */
export const PAGE_CSS = `
:root{--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#fff;--soft:#f6f8fa;
--ok:#1a7f37;--fail:#cf222e;--inc:#9a6700;--err:#8250df;--none:#6e7781}
*{box-sizing:border-box}
body{font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);
background:var(--bg);margin:0;padding:0 24px 48px;max-width:1300px}
header{border-bottom:1px solid var(--line);margin-bottom:16px}
h1{font-size:22px;margin:20px 0 4px}h2{font-size:18px;margin:20px 0 8px}h3{font-size:15px;margin:18px 0 6px}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12.5px}
table{border-collapse:collapse;margin:6px 0 10px;display:block;max-width:100%;overflow-x:auto}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600}
td.num{font-variant-numeric:tabular-nums;white-space:nowrap}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-size:12px;font-weight:600;white-space:nowrap}
.s-reproduced{background:var(--ok)}.s-not-reproduced{background:var(--fail)}
.s-inconclusive{background:var(--inc)}.s-error{background:var(--err)}.s-none{background:var(--none)}
section.case{border-top:1px solid var(--line);padding-top:12px;margin-top:20px}
blockquote.claim{margin:6px 0 8px;padding:4px 12px;border-left:4px solid var(--line);font-style:italic}
.meta{color:var(--muted);margin:4px 0}
.notice{border:1px solid var(--inc);background:#fff8c5;padding:6px 12px;border-radius:6px}
figure.chart{margin:8px 0 16px;display:inline-block;vertical-align:top;max-width:100%}
figure.chart figcaption{color:var(--muted);font-size:12px;max-width:900px}
.chart-static img{max-width:100%;height:auto}
.js .chart-static{display:none}.js .chart-static.show{display:block}
.js .chart-live:empty{min-height:320px}
.chart-live{max-width:100%;overflow-x:auto}
.chart-failed{color:var(--fail);font-size:12px}
`;

// Our own page script: embeds each chart; on failure shows the pre-rendered SVG instead.
// Expressions are interpreted (ast), the loader refuses every URL, and the actions menu only
// exports images: "View Source"/"View Compiled" would write spec text into a popup as HTML.
const INIT = `
(function () {
  var embed = window.vegaEmbed;
  var loader = null;
  if (window.vega && typeof window.vega.loader === "function") {
    loader = window.vega.loader();
    loader.load = loader.http = loader.file = function () {
      return Promise.reject(new Error("offline: charts carry their data inline"));
    };
    loader.sanitize = function () { return Promise.resolve({ href: "" }); };
  }
  var options = {
    renderer: "svg",
    ast: true,
    actions: { export: true, source: false, compiled: false, editor: false },
  };
  if (loader) options.loader = loader;
  // specs are stored gzip-compressed (base64): decompressed here, with no request
  function specOf(el) {
    var text = document.getElementById(el.getAttribute("data-vl-spec")).textContent;
    if (el.getAttribute("data-encoding") !== "gzip") return Promise.resolve(JSON.parse(text));
    var bin = atob(JSON.parse(text));
    var bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }
  function render(el) {
    if (el.getAttribute("data-rendering")) return;
    el.setAttribute("data-rendering", "1");
    var fig = el.parentNode;
    var still = fig.querySelector(".chart-static");
    function fail(msg) {
      el.className += " chart-failed";
      el.textContent = "Interactive chart unavailable (" + msg + ")" + (still ? "; showing the static SVG." : "; the caption links the static SVG.");
      if (still) still.className += " show";
    }
    if (typeof embed !== "function") { fail("vega-embed not loaded"); return; }
    specOf(el).then(function (spec) { return embed(el, spec, options); })
      .catch(function (e) { fail(e && e.message ? e.message : String(e)); });
  }
  var targets = Array.prototype.slice.call(document.querySelectorAll("[data-vl-spec]"));
  function renderAll() { targets.forEach(render); }
  // charts are drawn as they scroll into view (all of them before printing)
  window.addEventListener("beforeprint", renderAll);
  if (typeof IntersectionObserver === "function") {
    var io = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) {
        if (e.isIntersecting) { io.unobserve(e.target); render(e.target); }
      });
    }, { rootMargin: "600px 0px" });
    targets.forEach(function (el) { io.observe(el); });
  } else {
    renderAll();
  }
})();
`;

/** Text inside an inline `<script>`: a `</script` sequence cannot end the element early. */
function scriptText(js: string): string {
  return js.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

/** A CSP source expression for an inline script: `'sha256-<base64>'` of its exact text. */
function scriptHash(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

/**
 * The Content-Security-Policy of a page whose only scripts are the inline `scripts` (their
 * exact text): nothing may be fetched, framed, submitted or loaded; scripts run only when
 * their hash matches (so no injected script, no `eval`); inline styles are allowed (vega-embed
 * injects its CSS and Vega sets style attributes: with no request allowed, CSS cannot send
 * anything out); images only from `data:` (the pre-rendered SVG fallbacks).
 */
export function contentSecurityPolicy(scripts: string[]): string {
  return [
    "default-src 'none'",
    `script-src ${scripts.length ? scripts.map(scriptHash).join(" ") : "'none'"}`,
    "style-src 'unsafe-inline'",
    "img-src data:",
    "connect-src 'none'",
    "font-src 'none'",
    "media-src 'none'",
    "object-src 'none'",
    "frame-src 'none'",
    "worker-src 'none'",
    "manifest-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join("; ");
}

function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

/** Text gzip-compressed, as base64 (the page's script decompresses it with no request). */
function gzipBase64(text: string): string {
  return gzipSync(new TextEncoder().encode(text), { level: 9 }).toString("base64");
}

/** A verdict badge. */
export function badge(s: VerdictStatus | "none", label: string = s): string {
  return `<span class="badge s-${s.replace(/ /g, "-")}">${h(label)}</span>`;
}

/** The id of a case's section: `case-<index>-<slug>` (unique even when slugs collide). */
export function caseAnchor(id: string, index: number): string {
  return `case-${index}-${slug(id)}`;
}

/** An HTML table; cells are HTML already escaped by the caller. */
export function tableHtml(
  header: string[],
  rows: string[][],
  opts: { numCols?: number[]; rowClass?: (i: number) => string } = {},
): string {
  const head = header.map((c) => `<th>${c}</th>`).join("");
  const body = rows.map((r, i) => {
    const cls = opts.rowClass?.(i) ?? "";
    return `<tr${cls ? ` class="${cls}"` : ""}>${
      r.map((c, j) => `<td${opts.numCols?.includes(j) ? ' class="num"' : ""}>${c}</td>`).join("")
    }</tr>`;
  }).join("\n");
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** Numbers the embedded specs of one page. */
export class ChartCounter {
  n = 0;
}

/** Options of {@link chartFigure}. */
export interface ChartFigureOptions {
  /** The pre-rendered SVG, shown when scripts are off or embedding fails. */
  svg?: string;
  /** Embed the spec interactively (the page inlines the vega builds). */
  interactive: boolean;
  counter: ChartCounter;
  /**
   * Where the chart's files lie, relative to the page (`<dir>/<stem>.vl.json`, and `.svg`
   * when `svg` is given); the caption links them.
   */
  files?: { dir: string; stem: string };
}

/**
 * A chart figure: interactive embed (when bundles are inlined) plus the static SVG fallback.
 * The embedded spec is sanitized ({@link safeSpec}) here, whoever built it.
 */
export function chartFigure(
  spec: Record<string, unknown>,
  caption: string,
  opts: ChartFigureOptions,
): string {
  const specId = `vl-spec-${opts.counter.n++}`;
  const f = opts.files;
  const at = f && `${h(f.dir)}/${encodeURIComponent(f.stem)}`;
  // an interactive page keeps its weight down: the static SVG stays in its file (linked from
  // the caption) unless there is no file; the spec is stored gzip-compressed
  const inlineSvg = opts.svg !== undefined && (!opts.interactive || !at);
  const still = inlineSvg
    ? `<div class="chart-static"><img alt="${h(caption)}" src="data:image/svg+xml;base64,${
      base64Utf8(opts.svg!)
    }"></div>`
    : opts.interactive
    ? `<noscript><p class="chart-failed">JavaScript is off: ${
      opts.svg !== undefined && at ? "the caption links the static SVG" : "no static SVG"
    }.</p></noscript>`
    : `<p class="chart-failed">No pre-rendered SVG of this chart.</p>`;
  const live = opts.interactive
    ? `<div class="chart-live" data-vl-spec="${specId}" data-encoding="gzip"></div>\n` +
      `<script type="application/json" id="${specId}">${
        JSON.stringify(gzipBase64(JSON.stringify(safeSpec(spec))))
      }</script>\n`
    : "";
  const links = at
    ? ` (<a href="${at}.vl.json">Vega-Lite spec</a>${
      opts.svg !== undefined ? `, <a href="${at}.svg">SVG</a>` : ""
    })`
    : "";
  return `<figure class="chart">\n${live}${still}\n<figcaption>${
    h(caption)
  }${links}</figcaption></figure>`;
}

/** The notices about static charts: `notice` (when not empty), and one for scripts being off. */
export function pageNotices(notice: string): string {
  return `${notice ? `<p class="notice">${h(notice)}</p>\n` : ""}` +
    `<noscript><p class="notice">JavaScript is off: charts are shown as static SVG.</p></noscript>`;
}

/** Options of {@link pageHtml}. */
export interface PageOptions {
  /** The page's own CSS, after {@link PAGE_CSS} (so it may override it). */
  css?: string;
  /**
   * The body places {@link pageNotices} itself; by default they open the body, with a notice
   * when the vega builds are left out.
   */
  ownNotices?: boolean;
}

/** The whole page: head, CSS, body, and (when given) the inlined vega builds plus our script. */
export function pageHtml(
  title: string,
  body: string,
  bundles: VegaBundles | null,
  opts: PageOptions = {},
): string {
  const marker = `document.documentElement.className = "js";`;
  const inline = bundles
    ? [bundles.vega, bundles.vegaLite, bundles.vegaEmbed, INIT].map(scriptText)
    : [];
  const scripts = inline.map((js) => `<script>${js}</script>`).join("\n");
  const csp = contentSecurityPolicy(bundles ? [marker, ...inline] : []);
  const notices = opts.ownNotices
    ? ""
    : pageNotices(bundles ? "" : "Interactive charts are unavailable; static SVGs are shown.") +
      "\n";
  return `<!DOCTYPE html>
<html lang="en" class="no-js">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${h(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="claimbench">
<title>${h(title)}</title>
<style>${PAGE_CSS}${opts.css ?? ""}</style>
${bundles ? `<script>${marker}</script>` : ""}
</head>
<body>
${notices}${body}
${scripts}
</body>
</html>
`;
}

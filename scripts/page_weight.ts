/**
 * The weight and first paint of a report page: its size in MB and the time from navigation to
 * the first chart drawn (an SVG inside a chart container) when the reader jumps to it, in
 * headless Chromium, offline.
 * `deno run -A scripts/page_weight.ts results/<run>/report.html`
 * @module
 */
/// <reference lib="dom" />
import { resolve } from "node:path";
import { chromiumOrWarn, launchChromium } from "../reports/chromium.ts";

const file = resolve(Deno.args[0] ?? "report.html");
const bytes = (await Deno.stat(file)).size;
console.log(`size: ${(bytes / 1e6).toFixed(2)} MB (${bytes} bytes)`);
if (await chromiumOrWarn("page_weight")) {
  const { context, close } = await launchChromium();
  try {
    const page = await context.newPage();
    const t0 = performance.now();
    await page.goto(`file://${file}`, { waitUntil: "domcontentloaded" });
    // the reader jumps to the first chart (charts are drawn as they scroll into view)
    await page.evaluate(() => document.querySelector("figure.chart")?.scrollIntoView());
    await page.waitForSelector("[data-vl-spec] svg, .chart-static img", { timeout: 60_000 });
    const first = performance.now() - t0;
    const charts = await page.locator("figure.chart").count();
    console.log(
      `first chart painted: ${
        (first / 1000).toFixed(2)
      } s after navigation (${charts} charts on the page)`,
    );
  } finally {
    await close();
  }
}
console.log(`load average: ${Deno.loadavg().map((x) => x.toFixed(2)).join(" ")}`);

/**
 * Screenshots of pages in headless Chromium, offline, for a person to look at:
 * `deno run -A scripts/screenshots.ts <out dir> <name>=<page.html> ...`. For each page it
 * scrolls through every chart (charts are drawn as they scroll into view), then writes
 * `<name>-top.png` (the first screenful), `<name>.png` (the whole page) and
 * `<name>-chart-<k>.png` (each chart figure), and prints the console errors and failed
 * requests the page produced, and whether the page is wider than the window.
 * @module
 */
/// <reference lib="dom" />
import { join, resolve } from "node:path";
import { chromiumOrWarn, launchChromium } from "../reports/chromium.ts";

const [out, ...pages] = Deno.args;
if (!out || !pages.length) {
  console.error("usage: screenshots.ts <out dir> <name>=<page.html> ...");
  Deno.exit(2);
}
if (!(await chromiumOrWarn("screenshots"))) Deno.exit(1);
await Deno.mkdir(out, { recursive: true });
const { context, close } = await launchChromium();
try {
  for (const arg of pages) {
    const [name, file] = arg.includes("=") ? arg.split("=", 2) : [arg.replace(/\W+/g, "_"), arg];
    const page = await context.newPage();
    // each problem once, with the chart being drawn when it came and how often it came
    const seen = new Map<string, number>();
    let at = "page";
    const problem = (p: string) => {
      const key = `${at}: ${p}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    };
    page.on("console", (m) => m.type() === "error" && problem(`console: ${m.text()}`));
    page.on("pageerror", (e) => problem(`page error: ${e.message}`));
    page.on("requestfailed", (r) => problem(`request failed: ${r.url()}`));
    await page.goto(`file://${resolve(file)}`, { waitUntil: "load" });
    const figures = page.locator("figure.chart");
    const n = await figures.count();
    for (let k = 0; k < n; k++) {
      const f = figures.nth(k);
      at = `chart ${k + 1} (${
        (await f.locator("figcaption").first().textContent().catch(() => ""))?.slice(0, 60)
      })`;
      await f.scrollIntoViewIfNeeded();
      // an interactive chart is drawn when it comes into view; a static one is an image
      await f.locator("svg, img, canvas").first().waitFor({ timeout: 30_000 }).catch(() =>
        problem("nothing drawn within 30 s")
      );
      await page.waitForTimeout(300);
      await f.screenshot({
        path: join(out, `${name}-chart-${String(k + 1).padStart(2, "0")}.png`),
      });
    }
    await page.evaluate(() => globalThis.scrollTo(0, 0));
    at = "page";
    // wider than the window: the reader scrolls sideways (or the page cuts a chart)
    const [wide, view] = await page.evaluate(() => [
      document.documentElement.scrollWidth,
      globalThis.innerWidth,
    ]);
    if (wide > view) problem(`the page is ${wide} px wide in a ${view} px window`);
    await page.screenshot({ path: join(out, `${name}-top.png`) });
    await page.screenshot({ path: join(out, `${name}.png`), fullPage: true });
    console.log(`${name}: ${n} chart(s)${seen.size ? "" : ", no console error"}`);
    for (const [p, times] of seen) console.log(`  ${p}${times > 1 ? ` (×${times})` : ""}`);
    await page.close();
  }
} finally {
  await close();
}

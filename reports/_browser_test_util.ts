/**
 * Headless Chromium for the browser tests (Debian's, driven by playwright-core): where it is,
 * whether it is there (a warning when not: the tests then skip), and a persistent context
 * with every network feature off. Test-only.
 * @module
 */

export { CHROMIUM, chromiumOrWarn, launchChromium } from "./chromium.ts";

/** Where screenshots go (gitignored). */
export const ARTIFACTS = new URL("../results/artifacts/", import.meta.url).pathname;

/** JavaScript (for `waitForFunction`): every chart container holds an svg/canvas or failed. */
export const ALL_CHARTS_SETTLED =
  `Array.from(document.querySelectorAll("[data-vl-spec]")).every((el) =>
    el.querySelector("svg, canvas") || el.classList.contains("chart-failed"))`;

/**
 * Ask a page to draw every chart now: charts are drawn as they scroll into view, and all of them
 * before printing (the `beforeprint` event).
 */
export async function drawAllCharts(page: { evaluate(f: () => unknown): Promise<unknown> }) {
  await page.evaluate(() => globalThis.dispatchEvent(new Event("beforeprint")));
}

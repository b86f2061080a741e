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
 * Wait until {@link ALL_CHARTS_SETTLED} holds, polling through `page.evaluate` (the DevTools
 * protocol, which the page's Content-Security-Policy does not govern). Playwright's
 * `waitForFunction` re-evaluates a string predicate with the page's own `eval` once the first
 * check fails, which the reports' CSP (no 'unsafe-eval') refuses: a slow page then failed the test
 * with an EvalError instead of waiting.
 */
export async function waitForChartsSettled(
  page: { evaluate(expression: string): Promise<unknown> },
  timeoutMs: number,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await page.evaluate(ALL_CHARTS_SETTLED))) {
    if (Date.now() > end) throw new Error(`charts not drawn or failed after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Ask a page to draw every chart now: charts are drawn as they scroll into view, and all of them
 * before printing (the `beforeprint` event).
 */
export async function drawAllCharts(page: { evaluate(f: () => unknown): Promise<unknown> }) {
  await page.evaluate(() => globalThis.dispatchEvent(new Event("beforeprint")));
}

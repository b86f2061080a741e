/**
 * Browser test of the HTML pages: a real smoke run's report.html and the compare.html of two
 * runs, opened from file:// in headless Chromium (Debian's, driven by playwright-core) with
 * every non-file request blocked. Every chart must render an SVG/canvas, with no console
 * error and no page error. Screenshots are kept under results/artifacts/ (gitignored).
 * Skips with a warning when Chromium is missing (scripts/install_chromium.sh installs it).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { compareResults } from "./compare.ts";
import { readResults } from "./schema.ts";
import { writeCompare } from "./write_compare.ts";
import {
  ARTIFACTS,
  chromiumOrWarn,
  drawAllCharts,
  launchChromium,
  waitForChartsSettled,
} from "./_browser_test_util.ts";

const CLI = new URL("../bench/cli.ts", import.meta.url).pathname;
const CONFIG = new URL("../deno.json", import.meta.url).pathname;
const hasChromium = await chromiumOrWarn("browser_test");

async function smokeRun(out: string, ...extra: string[]): Promise<void> {
  const r = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      "--config",
      CONFIG,
      CLI,
      "run",
      "--case",
      "mem.hellinger-onset",
      "--profile",
      "smoke",
      "--backend",
      "cpu",
      "--quiet",
      "--out",
      out,
      ...extra,
    ],
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(r.code === 0 || r.code === 1, new TextDecoder().decode(r.stderr));
}

Deno.test({
  name: "report.html and compare.html render every chart in headless Chromium, offline",
  ignore: !hasChromium,
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const tmp = await Deno.makeTempDir({ prefix: "claimbench-browser-" });
    const [a, b] = [join(tmp, "a"), join(tmp, "b")];
    await Promise.all([smokeRun(a), smokeRun(b, "--set", "interpolation=log")]);
    const cmp = compareResults(
      await readResults(join(a, "results.json")),
      await readResults(join(b, "results.json")),
    );
    await writeCompare(cmp, join(tmp, "cmp"));
    await Deno.mkdir(ARTIFACTS, { recursive: true });

    const { context, close } = await launchChromium();
    try {
      for (
        const [page_, file, shot] of [
          ["report", join(a, "report.html"), "report.png"],
          ["compare", join(tmp, "cmp", "compare.html"), "compare.png"],
        ] as const
      ) {
        const page = await context.newPage();
        const problems: string[] = [];
        const blocked: string[] = [];
        page.on("console", (m) => {
          if (m.type() === "error") problems.push(`console error: ${m.text()}`);
        });
        page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
        await page.route("**/*", (route) => {
          const url = route.request().url();
          if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
          blocked.push(url);
          return route.abort();
        });
        await page.goto(`file://${file}`, { waitUntil: "load" });
        const total = await page.locator("[data-vl-spec]").count();
        assert(total > 0, `${page_}: no chart containers`);
        // vega-embed renders asynchronously: wait until every container holds an svg/canvas or failed
        await drawAllCharts(page);
        await waitForChartsSettled(page, 20_000);
        const failed = await page.locator("[data-vl-spec].chart-failed").count();
        const rendered = await page.locator("[data-vl-spec] svg, [data-vl-spec] canvas").count();
        await page.screenshot({ path: join(ARTIFACTS, shot), fullPage: true });
        assert.equal(failed, 0, `${page_}: ${failed} chart(s) failed to render`);
        assert(rendered >= total, `${page_}: ${rendered} rendered of ${total}`);
        assert.deepEqual(problems, [], `${page_}: ${problems.join("; ")}`);
        assert.deepEqual(blocked, [], `${page_} tried to load: ${blocked.join(", ")}`);
        await page.close();
      }
    } finally {
      await close();
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  },
});

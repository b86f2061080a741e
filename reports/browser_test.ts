/**
 * Browser test of the HTML pages: a real smoke run's report.html and the compare.html of two
 * runs, opened from file:// in headless Chromium (Debian's, driven by playwright-core) with
 * every non-file request blocked. Every chart must render an SVG/canvas, with no console
 * error and no page error. Screenshots are kept under results/artifacts/ (gitignored).
 * Skips with a warning when Chromium is missing (scripts/install_chromium.sh installs it).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadPlaywright } from "../deps.ts";
import { compareResults } from "./compare.ts";
import { readResults } from "./schema.ts";
import { writeCompare } from "./write_compare.ts";

const CHROMIUM = Deno.env.get("CLAIMBENCH_CHROMIUM") ?? "/usr/bin/chromium";
const ARTIFACTS = new URL("../results/artifacts/", import.meta.url).pathname;
const CLI = new URL("../bench/cli.ts", import.meta.url).pathname;
const CONFIG = new URL("../deno.json", import.meta.url).pathname;
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const hasChromium = await Deno.stat(CHROMIUM).then((s) => s.isFile, () => false);
if (!hasChromium) {
  console.warn(
    `browser_test: SKIPPED: no Chromium at ${CHROMIUM}; run scripts/install_chromium.sh ` +
      "(apt-get install chromium) or set CLAIMBENCH_CHROMIUM",
  );
}

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
    const profile = await Deno.makeTempDir({ prefix: "claimbench-chromium-profile-" });
    const [a, b] = [join(tmp, "a"), join(tmp, "b")];
    await Promise.all([smokeRun(a), smokeRun(b, "--set", "interpolation=log")]);
    const cmp = compareResults(
      await readResults(join(a, "results.json")),
      await readResults(join(b, "results.json")),
    );
    await writeCompare(cmp, join(tmp, "cmp"));
    await Deno.mkdir(ARTIFACTS, { recursive: true });

    const { chromium } = await loadPlaywright();
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1280, height: 900 },
      offline: true,
    });
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
        await page.waitForFunction(
          `Array.from(document.querySelectorAll("[data-vl-spec]")).every((el) =>
            el.querySelector("svg, canvas") || el.classList.contains("chart-failed"))`,
          undefined,
          { timeout: 20_000 },
        );
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
      await context.close();
      await Deno.remove(profile, { recursive: true }).catch(() => {});
      await Deno.remove(tmp, { recursive: true }).catch(() => {});
    }
  },
});

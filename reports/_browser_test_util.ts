/**
 * Headless Chromium for the browser tests (Debian's, driven by playwright-core): where it is,
 * whether it is there (a warning when not: the tests then skip), and a persistent context
 * with every network feature off. Test-only.
 * @module
 */
import { loadPlaywright } from "../deps.ts";

/** The Chromium binary (`CLAIMBENCH_CHROMIUM`, else Debian's `/usr/bin/chromium`). */
export const CHROMIUM = Deno.env.get("CLAIMBENCH_CHROMIUM") ?? "/usr/bin/chromium";
/** Where screenshots go (gitignored). */
export const ARTIFACTS = new URL("../results/artifacts/", import.meta.url).pathname;

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

/** Whether Chromium is there; prints the skip warning (naming `test`) when it is not. */
export async function chromiumOrWarn(test: string): Promise<boolean> {
  const ok = await Deno.stat(CHROMIUM).then((s) => s.isFile, () => false);
  if (!ok) {
    console.warn(
      `${test}: SKIPPED: no Chromium at ${CHROMIUM}; run scripts/install_chromium.sh ` +
        "(apt-get install chromium) or set CLAIMBENCH_CHROMIUM",
    );
  }
  return ok;
}

/** A headless Chromium context (offline, 1280×900) and a `close` that removes its profile. */
export async function launchChromium() {
  const profile = await Deno.makeTempDir({ prefix: "claimbench-chromium-profile-" });
  const { chromium } = await loadPlaywright();
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
    offline: true,
    acceptDownloads: true,
  });
  const close = async () => {
    await context.close();
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  };
  return { context, close };
}

/** JavaScript (for `waitForFunction`): every chart container holds an svg/canvas or failed. */
export const ALL_CHARTS_SETTLED =
  `Array.from(document.querySelectorAll("[data-vl-spec]")).every((el) =>
    el.querySelector("svg, canvas") || el.classList.contains("chart-failed"))`;

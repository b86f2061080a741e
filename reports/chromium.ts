/**
 * Headless Chromium (Debian's, driven by playwright-core): where it is, whether it is there,
 * and a persistent context with every network feature off. Used by the browser tests and
 * `scripts/page_weight.ts`.
 * @module
 */
import { loadPlaywright } from "../deps.ts";

/** The Chromium binary (`CLAIMBENCH_CHROMIUM`, else Debian's `/usr/bin/chromium`). */
export const CHROMIUM = Deno.env.get("CLAIMBENCH_CHROMIUM") ?? "/usr/bin/chromium";
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

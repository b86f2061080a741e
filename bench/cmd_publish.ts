/**
 * `claimbench publish`: a static site over every run under a folder (claims × machines ×
 * commits, a trend per primary check with its CI band, verdict flips marked, links to each
 * run's report), read through DuckDB from the runs' tidy tables. Opens offline; runs no script.
 * @module
 */
import { join, resolve } from "node:path";
import { parseCommandArgs } from "./cli_args.ts";
import { UsageError } from "./usage_error.ts";
import { loadRunStore } from "../reports/run_store.ts";
import { linkBaseFor, publishHtml } from "../reports/publish.ts";
import { terminalSafe } from "../reports/terminal_safe.ts";

/** `publish --help`. */
export const PUBLISH_HELP = `Usage: claimbench publish <dir> --out <site dir>

Reads every run under <dir> (recursively: each folder with a results.json, from any
machine or commit) through DuckDB over its tidy tables (checks.parquet, provenance.parquet;
from the JSON for runs that lack them) and writes <site dir>/index.html:
the latest verdict of each claim on each machine, the runs with links to their reports,
and one trend chart per primary check (value with 95% CI per run, band, verdict flips),
a separate series per profile and case version. The page runs no script and opens offline.

Options:
  --out <dir>   the site folder (required); replaced if it holds an earlier site

Exit codes: 0 written; 1 no readable run under <dir>; 2 usage error.`;

const MARKER = ".claimbench-site";

/** Run `publish`; returns the exit code. */
export async function cmdPublish(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { out: { type: "string" } }, PUBLISH_HELP);
  if (values.help) return console.log(PUBLISH_HELP), 0;
  if (positionals.length !== 1) {
    throw new UsageError(`publish needs exactly one folder of runs\n\n${PUBLISH_HELP}`);
  }
  if (!values.out) throw new UsageError(`publish needs --out <site dir>\n\n${PUBLISH_HELP}`);
  const dir = positionals[0], out = String(values.out);
  const existing = await Array.fromAsync(Deno.readDir(out)).catch(() => null);
  if (existing?.length && !existing.some((e) => e.name === MARKER)) {
    throw new UsageError(
      `--out ${out}: the folder exists and is not a claimbench site; choose another`,
    );
  }
  // built beside the target and renamed at the end: never a half-written site
  const tmp = `${resolve(out)}.tmp-${Deno.pid}`;
  await Deno.remove(tmp, { recursive: true }).catch(() => {});
  await Deno.mkdir(tmp, { recursive: true });
  try {
    const t0 = performance.now();
    const store = await loadRunStore(dir);
    for (const s of store.skipped) {
      console.error(`claimbench publish: skipped ${terminalSafe(s, { oneLine: true })}`);
    }
    if (!store.runs.length) {
      console.error(`claimbench publish: no readable run under ${dir}`);
      return 1;
    }
    const html = await publishHtml(store, linkBaseFor(out, dir), {
      generatedAt: new Date().toISOString(),
    });
    await Deno.writeTextFile(join(tmp, "index.html"), html);
    await Deno.writeTextFile(join(tmp, MARKER), "");
    if (existing) await Deno.remove(out, { recursive: true });
    await Deno.rename(tmp, out);
    console.error(
      `publish: ${store.runs.length} run(s), ${store.checks.length} check rows (${store.fromJson} read from JSON, no tables) in ${
        ((performance.now() - t0) / 1000).toFixed(1)
      } s: ${join(out, "index.html")}`,
    );
    return 0;
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
}

/**
 * Keeps the README's claims table true: every registered case, with its verdict and headline
 * statistic from a results file. `deno task readme-table <results.json | run folder>` rewrites the block
 * between the `claims-table` markers.
 * @module
 */
import { ALL_CASES } from "./registry.ts";
import type { AnyCase } from "./case.ts";
import { readResults, type Results, ResultsFileError } from "../reports/schema.ts";
import { resultsFileOf } from "../reports/results_path.ts";
import { escapeMarkdown } from "../reports/escape.ts";
import { fmtStatistic, robustnessLabel } from "../reports/format.ts";

/** The markdown table for `cases`, with verdicts from `results` where it has them. */
export function claimsTable(results: Results, cases: readonly AnyCase[] = ALL_CASES): string {
  const p = results.provenance;
  const machine = `${p.cpuModel} ×${p.cpuCount}, backend ${p.backend}` +
    (p.adapter
      ? ` (${p.adapter.description}${p.adapter.isFallbackAdapter ? ", fallback adapter" : ""})`
      : "");
  const lines = [
    `Verdicts from the ${results.plan.profile} profile, ${
      results.createdAt.slice(0, 10)
    }, ${machine}, commit ${(p.git.commit ?? "unknown").slice(0, 10)}.`,
    "",
    "| case | verdict | robustness to our choices | headline statistic (95% CI; band) | time |",
    "|---|---|---|---|---|",
  ];
  for (const c of cases) {
    const r = results.cases[c.id];
    const v = r?.verdict;
    const stat = v && v.statistic !== "none"
      ? escapeMarkdown(`${v.statistic} = ${fmtStatistic(v)}`)
      : r?.error
      ? escapeMarkdown(r.error.message.slice(0, 120))
      : "—";
    lines.push(
      `| \`${c.id}\` | ${v ? `**${v.status}**` : "not run"} | ${
        escapeMarkdown(r ? robustnessLabel(r) : "")
      } | ${stat} | ${r ? `${r.durationS.toFixed(0)} s` : "—"} |`,
    );
  }
  return lines.join("\n");
}

/** Replace the claims-table block of `readme` with `table`. */
export function replaceTable(readme: string, table: string): string {
  return replaceBlock(readme, "claims-table", table);
}

/**
 * Replace the block of `readme` between `<!-- name:start -->` and `<!-- name:end -->` with
 * `body` (the markers stay).
 */
export function replaceBlock(readme: string, name: string, body: string): string {
  const start = `<!-- ${name}:start -->`, end = `<!-- ${name}:end -->`;
  const a = readme.indexOf(start), b = readme.indexOf(end);
  if (a < 0 || b < a) throw new Error(`README has no ${start} … ${end} block`);
  return readme.slice(0, a + start.length) + "\n" + body + "\n" + readme.slice(b);
}

if (import.meta.main) {
  const file = Deno.args[0];
  if (!file) {
    console.error("usage: deno task readme-table <results.json | run folder>");
    Deno.exit(2);
  }
  const readmePath = new URL("../README.md", import.meta.url);
  let results: Results;
  try {
    results = await readResults(await resultsFileOf(file));
  } catch (e) {
    if (!(e instanceof ResultsFileError)) throw e;
    console.error(`readme-table: ${e.message}`);
    Deno.exit(1);
  }
  await Deno.writeTextFile(
    readmePath,
    replaceTable(await Deno.readTextFile(readmePath), claimsTable(results)),
  );
  // keep the README as `deno fmt` formats it (tables are aligned)
  await new Deno.Command(Deno.execPath(), { args: ["fmt", "-q", readmePath.pathname] }).output();
  console.log(`README claims table updated from ${file}`);
}

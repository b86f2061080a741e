/**
 * The Markdown summary of a run (`summary.md`, also fit for a CI job summary): the claims
 * table, each case's checks, findings, run errors, hyperparameters with their sources and
 * timings, and the provenance. Renders the results document; computes nothing.
 * @module
 */
import { escapeMarkdown as md, markdownFence, markdownTable as table } from "./escape.ts";
import {
  caseErrorMessage,
  caseFindings,
  caseStatus,
  chartFileStem,
  checksTable,
  claimsTable,
  dataTable,
  fmtDuration,
  fmtHeadline,
  fmtSeeds,
  orderedCaseIds,
  paramsTable,
  provenanceRows,
  robustnessLabel,
  robustnessTable,
  runErrorsTable,
  statusTally,
  type TextTable,
  timingsTable,
  verdictLabel,
  verdictLabels,
} from "./format.ts";
import type { CaseResult, Results, VerdictStatus } from "./schema.ts";

/** Options of {@link summaryMarkdown}. */
export interface SummaryMarkdownOptions {
  /**
   * Folder (relative to the Markdown file) holding `<caseId>--<chartId>.svg`; when given, each
   * case links its charts as images. Leave unset for a CI job summary.
   */
  chartDir?: string;
  /** Show at most this many rows of each case table (default 50). */
  maxTableRows?: number;
}

export { verdictLabel };

/** A text table as Markdown: each cell escaped, or rendered by its column's function. */
function textTable(
  t: TextTable,
  cols: Record<number, (s: string, row: number) => string> = {},
): string[] {
  return table(t.header.map(md), t.rows.map((r, j) => r.map((s, i) => (cols[i] ?? md)(s, j))));
}

function anchor(id: string): string {
  return `case-${id.toLowerCase().replace(/[^a-z0-9_-]/g, "-")}`;
}

function caseDetail(c: CaseResult, opts: SummaryMarkdownOptions): string[] {
  const status = caseStatus(c);
  const out: string[] = [
    `<a id="${anchor(c.id)}"></a>`,
    `### ${md(c.id)}: ${verdictLabel(status)}`,
    "",
    `> ${md(c.claim)}`,
    "",
    `- Paper: ${md(c.paper)}; case version ${c.version}; profile ${md(c.profile)}; backend ${
      md(c.backend)
    }`,
    `- Headline: ${status === "error" ? "n/a" : md(fmtHeadline(c.verdict))}`,
    ...(verdictLabels(c).length ? [`- Labels: ${md(verdictLabels(c).join("; "))}`] : []),
    `- Seeds (${c.seeds.length}): ${md(fmtSeeds(c.seeds)) || "none"}`,
    `- Config hash: ${md(c.configHash)}; started ${md(c.startedAt)}; took ${
      fmtDuration(c.durationS)
    }`,
    "",
  ];
  if (status === "error") {
    out.push(`**Error:** ${md(caseErrorMessage(c))}`, "");
    if (c.error?.stack) out.push(markdownFence(c.error.stack), "");
  }
  const checks = checksTable(c);
  if (checks.rows.length) {
    // Numbers and intervals as they are: `[1, 2]` must not read `\[1, 2\]`.
    const raw = (s: string) => s;
    out.push(
      "#### Checks",
      "",
      ...textTable(checks, {
        2: (s) => (s === "info" ? "info" : verdictLabel(s as VerdictStatus)),
        3: raw,
        4: raw,
        5: raw,
      }),
      "",
    );
  }
  const robust = robustnessTable(c);
  if (robust.rows.length) {
    out.push(
      `#### Robustness to our own choices: ${md(robustnessLabel(c))}`,
      "",
      ...textTable(robust, { 4: (s) => verdictLabel(s as VerdictStatus), 6: (s) => s }),
      "",
    );
    const skipped = c.verdict.robustness?.skipped ?? [];
    if (skipped.length) out.push(`Not evaluated here: ${md(skipped.join("; "))}`, "");
  }
  const findings = caseFindings(c);
  if (findings.length) {
    out.push("#### Findings", "", ...findings.map((f) => `- ${md(f)}`), "");
  }
  if (c.runErrors.length) {
    out.push(`#### Run errors (${c.runErrors.length})`, "", ...textTable(runErrorsTable(c)), "");
  }
  if (c.charts.length) {
    out.push("#### Charts", "");
    for (const ch of c.charts) {
      out.push(
        opts.chartDir !== undefined
          ? `![${md(ch.title)}](${opts.chartDir}/${
            encodeURIComponent(chartFileStem(c.id, ch.id))
          }.svg)`
          : `- ${md(ch.title)}`,
      );
    }
    out.push("");
  }
  const maxRows = opts.maxTableRows ?? 50;
  for (const t of c.tables) {
    out.push(`#### ${md(t.title)}`, "", ...textTable(dataTable(t, maxRows)));
    if (t.rows.length > maxRows) {
      out.push("", `(${t.rows.length - maxRows} more rows in report.html)`);
    }
    out.push("");
  }
  for (
    const [title, t] of [["Hyperparameters", paramsTable(c)], ["Timings", timingsTable(c)]] as const
  ) {
    if (t.rows.length) out.push(`#### ${title}`, "", ...textTable(t), "");
  }
  return out;
}

/**
 * The Markdown summary of a results document.
 *
 * @example
 * ```ts ignore
 * import { summaryMarkdown } from "./summary_md.ts";
 * import { readResults } from "./schema.ts";
 * console.log(summaryMarkdown(await readResults("results/run/results.json")));
 * ```
 */
export function summaryMarkdown(results: Results, opts: SummaryMarkdownOptions = {}): string {
  const ids = orderedCaseIds(results);
  const tally = statusTally(results).map((t) => t.label);
  const out: string[] = [
    `# claimbench results: ${md(results.runId)}`,
    "",
    `Profile **${md(results.plan.profile)}**, backend **${
      md(results.provenance.backend)
    }**, ${ids.length} case(s): ${tally.join(", ") || "none"}.${
      results.complete ? "" : " **Incomplete run.**"
    }`,
    "",
    "Markers: [PASS] reproduced (95% CI inside the band), [FAIL] not reproduced (CI outside), " +
    "[????] inconclusive (CI straddles the band), [ERR!] the case failed.",
    "",
    "## Claims",
    "",
    ...textTable(claimsTable(results), {
      0: (id, i) => (i < ids.length ? `<a href="#${anchor(id)}">${md(id)}</a>` : md(id)),
      3: (s) => (s === "not run" ? "[----] not run" : verdictLabel(s as VerdictStatus)),
    }),
    "",
    "## Cases",
    "",
  ];
  for (const id of ids) out.push(...caseDetail(results.cases[id], opts));
  out.push("## Provenance", "");
  out.push(...table(["", ""], provenanceRows(results).map(([k, v]) => [md(k), md(v)])));
  const seeds = ids.map((id) => `${md(id)}: ${md(fmtSeeds(results.cases[id].seeds))}`);
  if (seeds.length) out.push("", "Seeds per case:", "", ...seeds.map((s) => `- ${s}`));
  out.push("");
  return out.join("\n");
}

/**
 * The Markdown summary of a run (`summary.md`, also fit for a CI job summary): the claims
 * table, each case's checks, findings, run errors, hyperparameters with their sources and
 * timings, and the provenance. Renders the results document; computes nothing.
 * @module
 */
import { escapeMarkdown as md, markdownFence } from "./escape.ts";
import {
  caseErrorMessage,
  caseStatus,
  chartFileStem,
  fmtBand,
  fmtDuration,
  fmtHeadline,
  fmtInterval,
  fmtNum,
  fmtSeeds,
  missingCaseIds,
  orderedCaseIds,
  paramRows,
  provenanceRows,
  STATUS_MARKER,
  statusCounts,
  STATUSES,
} from "./_format.ts";
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

/** Marker and status text, e.g. `[PASS] reproduced`. */
export function verdictLabel(status: VerdictStatus): string {
  return `${STATUS_MARKER[status]} ${status}`;
}

function table(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.join(" | ")} |`),
  ];
}

function anchor(id: string): string {
  return `case-${id.toLowerCase().replace(/[^a-z0-9_-]/g, "-")}`;
}

function keyFindings(c: CaseResult): string {
  if (caseStatus(c) === "error") return md(caseErrorMessage(c));
  const f = c.verdict.findings.slice(0, 2).map(md);
  if (c.verdict.findings.length > 2) f.push(`(+${c.verdict.findings.length - 2} more)`);
  if (c.runErrors.length) f.push(`${c.runErrors.length} failed run(s)`);
  return f.join("<br>");
}

function claimsTable(results: Results, ids: string[]): string[] {
  const rows = ids.map((id) => {
    const c = results.cases[id];
    const status = caseStatus(c);
    const headline = status === "error" && c.verdict.statistic === "none"
      ? "n/a"
      : md(fmtHeadline(c.verdict));
    return [
      `<a href="#${anchor(id)}">${md(id)}</a>`,
      md(c.paper),
      md(c.claim),
      verdictLabel(status),
      headline,
      keyFindings(c),
    ];
  });
  for (const id of missingCaseIds(results)) {
    rows.push([md(id), "", "", "[----] not run", "n/a", "no result in this document"]);
  }
  return table(
    ["Case", "Paper", "Claim", "Verdict", "Headline statistic (95% CI; band)", "Key findings"],
    rows,
  );
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
  if (c.verdict.checks.length) {
    out.push("#### Checks", "");
    out.push(...table(
      ["Check", "Primary", "Verdict", "Value", "95% CI", "Band", "Note"],
      c.verdict.checks.map((k) => [
        md(k.name),
        k.primary ? "yes" : "no",
        verdictLabel(k.status),
        fmtNum(k.value),
        fmtInterval(k.ci),
        fmtBand(k.band),
        md(k.note),
      ]),
    ));
    out.push("");
  }
  const findings = status === "error"
    ? c.verdict.findings.filter((f) => f !== caseErrorMessage(c))
    : c.verdict.findings;
  if (findings.length) {
    out.push("#### Findings", "", ...findings.map((f) => `- ${md(f)}`), "");
  }
  if (c.runErrors.length) {
    out.push(`#### Run errors (${c.runErrors.length})`, "");
    out.push(...table(
      ["Run", "Step", "Observable", "Message"],
      c.runErrors.map((
        e,
      ) => [
        md(e.run),
        e.step === null ? "" : String(e.step),
        md(e.observable ?? ""),
        md(e.message),
      ]),
    ));
    out.push("");
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
    out.push(`#### ${md(t.title)}`, "");
    const rows = t.rows.slice(0, maxRows).map((r) =>
      t.columns.map((_, i) => {
        const v = r[i];
        return v === null || v === undefined ? "" : typeof v === "number" ? fmtNum(v) : md(v);
      })
    );
    out.push(...table(t.columns.map(md), rows));
    if (t.rows.length > maxRows) {
      out.push("", `(${t.rows.length - maxRows} more rows in report.html)`);
    }
    out.push("");
  }
  const params = paramRows(c);
  if (params.length) {
    out.push("#### Hyperparameters", "");
    out.push(...table(
      ["Parameter", "Value", "Source", "Note"],
      params.map((p) => [md(p.name), md(p.value), md(p.source), md(p.note)]),
    ));
    out.push("");
  }
  const timings = Object.entries(c.timings);
  if (timings.length) {
    out.push("#### Timings", "");
    out.push(...table(["Phase", "Time"], timings.map(([k, v]) => [md(k), fmtDuration(v)])));
    out.push("");
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
  const counts = statusCounts(results);
  const missing = missingCaseIds(results);
  const tally = STATUSES.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`);
  if (missing.length) tally.push(`${missing.length} not run`);
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
    ...claimsTable(results, ids),
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

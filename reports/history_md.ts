/**
 * The Markdown history (`history.md`): the runs in time order, each case's verdict per run,
 * and every verdict change of a check. Renders a {@link History}; computes nothing.
 * @module
 */
import { escapeMarkdown as md, markdownTable as table } from "./escape.ts";
import { chartFileStem, fmtCommit, fmtNum, verdictLabel } from "./format.ts";
import type { History } from "./history.ts";

/** The chart file stem of series `k` of a history (`<caseId>--<k>-<check>`). */
export function seriesStem(h: History, k: number): string {
  const s = h.series[k];
  return chartFileStem(s.caseId, `${k}-${s.check}`).slice(0, 120);
}

/**
 * The history as Markdown.
 *
 * @example
 * ```ts ignore
 * import { buildHistory } from "./history.ts";
 * import { historyMarkdown } from "./history_md.ts";
 * console.log(historyMarkdown(buildHistory(inputs)));
 * ```
 */
export function historyMarkdown(h: History, opts: { chartDir?: string } = {}): string {
  const out = [
    "# claimbench history",
    "",
    `${h.runs.length} run(s), ${h.cases.length} case(s), ${h.series.length} check series.`,
    "",
    ...(h.notes.length ? ["## Separate series", "", ...h.notes.map((n) => `- ${md(n)}`), ""] : []),
    "## Runs",
    "",
    ...table(
      ["#", "Created", "Run", "Commit", "Backend", "Profile", "File"],
      h.runs.map((r) => [
        String(r.index + 1),
        md(r.createdAt),
        `\`${md(r.runId)}\`${r.complete ? "" : " (incomplete)"}`,
        md(fmtCommit(r.commit)),
        md(r.backend),
        md(r.profile),
        md(r.source),
      ]),
    ),
    "",
    "## Verdicts per run",
    "",
    ...table(
      ["#", ...h.cases.map((c) => `\`${md(c)}\``)],
      h.runs.map((r) => [
        String(r.index + 1),
        ...h.cases.map((c) => {
          const s = h.verdicts[c]?.[r.index];
          return s ? verdictLabel(s) : "-";
        }),
      ]),
    ),
    "",
    "## Verdict changes",
    "",
  ];
  const changes = h.series.flatMap((s) =>
    s.changes.map((c) =>
      `- run #${c.run + 1} (${md(h.runs[c.run].label)}) [${md(s.group)}]: \`${md(s.caseId)}\` ${
        md(s.check)
      }${s.primary ? " (primary)" : ""}: ${c.from} → ${c.to}`
    )
  );
  out.push(...(changes.length ? changes : ["None."]), "");
  out.push("## Checks", "");
  h.series.forEach((s, k) => {
    const last = s.points.at(-1)!;
    out.push(
      `- \`${md(s.caseId)}\` ${md(s.check)}${s.primary ? " (primary)" : ""} [${
        md(s.group)
      }]: latest ${
        md(fmtNum(last.value))
      } (${last.status}), ${s.points.length} run(s), ${s.changes.length} change(s)` +
        (opts.chartDir !== undefined
          ? ` — ![trend](${opts.chartDir}/${encodeURIComponent(seriesStem(h, k))}.svg)`
          : ""),
    );
  });
  if (h.skipped.length) out.push("", "## Skipped files", "", ...h.skipped.map((s) => `- ${md(s)}`));
  out.push("");
  return out.join("\n");
}

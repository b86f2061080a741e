/**
 * The Markdown comparison of two runs (`compare.md`, also printed by `compare` and fit for a
 * CI job summary): the gate's outcome, regressions, verdict changes, each check's change
 * B − A with its CI, provenance differences, and the method. Renders a {@link Comparison};
 * computes nothing.
 * @module
 */
import { escapeMarkdown as md, markdownTable as table } from "./escape.ts";
import { chartFileStem, fmtBand, fmtCommit, fmtNum, verdictLabel } from "./format.ts";
import {
  type CaseComparison,
  type CheckComparison,
  type Comparison,
  fmtChange,
} from "./compare.ts";
import type { Check, VerdictStatus } from "./schema.ts";

/** Options of {@link compareMarkdown}. */
export interface CompareMarkdownOptions {
  /** Folder (relative to the Markdown file) with `<caseId>--<chartId>.svg` overlays. */
  chartDir?: string;
}

/** `[PASS] reproduced`, or `-` for a missing side. */
export function statusText(s: VerdictStatus | null): string {
  return s === null ? "-" : verdictLabel(s);
}

/** `value [lo, hi]` of a check, null ends as ∓inf. */
export function estimateText(c: Check | null): string {
  if (!c) return "-";
  const e = (x: number | null, inf: string) => (x === null ? inf : fmtNum(x));
  return `${c.value === null ? "non-finite" : fmtNum(c.value)} [${e(c.ci[0], "-inf")}, ${
    e(c.ci[1], "+inf")
  }]`;
}

/** The verdict movement as an arrow: `reproduced → not reproduced`. */
export function movementText(c: Pick<CheckComparison, "a" | "b" | "movement">): string {
  if (!c.a || !c.b) return c.movement === "added" ? "new in B" : "only in A";
  return c.a.status === c.b.status ? "same" : `${c.a.status} → ${c.b.status} (${c.movement})`;
}

/** One line per gate outcome: `PASS: no regression` or `FAIL: n regression(s)`. */
export function gateLine(cmp: Comparison): string {
  return cmp.regressions.length
    ? `FAIL: ${cmp.regressions.length} regression(s) in ${
      cmp.cases.filter((c) => c.regression).map((c) => c.id).join(", ")
    }`
    : "PASS: no regression (verdict changes within noise are listed below, never failed)";
}

/** Header of the checks table of a case. */
export const CHECK_HEADER: readonly string[] = [
  "Check",
  "Primary",
  "A value [95% CI]",
  "B value [95% CI]",
  "Band",
  "Change B − A",
  "Threshold",
  "Verdict",
  "Gate",
];

/**
 * A row of the checks table ({@link CHECK_HEADER}) as text; the gate cell is `REGRESSION`,
 * `noise` (a primary check moved worse within noise) or empty.
 */
export function checkCells(k: CheckComparison): string[] {
  const band = k.b ?? k.a;
  return [
    k.name + (k.bandChanged ? " (band changed)" : ""),
    k.primary ? "yes" : "no",
    estimateText(k.a),
    estimateText(k.b),
    band
      ? k.bandChanged ? `${fmtBand(k.a!.band)} → ${fmtBand(k.b!.band)}` : fmtBand(band.band)
      : "-",
    fmtChange(k.change),
    k.change.method === "none" ? "-" : `${fmtNum(k.change.threshold)} (${k.change.thresholdNote})`,
    movementText(k),
    k.regression ? "REGRESSION" : k.movement === "worse" && k.primary ? "noise" : "",
  ];
}

/** The gate cell of a case in the verdicts table: `REGRESSION`, `not compared` or `ok`. */
export function caseGateText(c: CaseComparison): string {
  return c.regression ? "REGRESSION" : !c.inA || !c.inB ? "not compared" : "ok";
}

/** The notes of a case: its regression reasons (labelled), other notes, the measurement note. */
export function caseItems(c: CaseComparison): { regression: boolean; text: string }[] {
  return [
    ...c.reasons.map((text) => ({ regression: true, text })),
    ...c.notes.map((text) => ({ regression: false, text })),
    ...(c.measurement.note
      ? [{ regression: false, text: `measurement: ${c.measurement.note}` }]
      : []),
  ];
}

const strongRegression = (s: string) => (s === "REGRESSION" ? `**${s}**` : s);

function caseBlock(c: CaseComparison, opts: CompareMarkdownOptions): string[] {
  const out = [
    `### ${c.regression ? "REGRESSION " : ""}\`${md(c.id)}\``,
    "",
    `> ${md(c.claim)}`,
    "",
    `Verdict: ${statusText(c.statusA)} → ${statusText(c.statusB)}`,
    "",
  ];
  const items = caseItems(c);
  for (const i of items) out.push(`- ${i.regression ? "**regression:** " : ""}${md(i.text)}`);
  if (items.length) out.push("");
  if (c.checks.length) {
    out.push(
      ...table([...CHECK_HEADER], c.checks.map((k) => checkCells(k).map(md).map(strongRegression))),
      "",
    );
  }
  if (c.differences.length) {
    out.push(
      "Differences in this case:",
      "",
      ...table(["Field", "A", "B"], c.differences.map((d) => [md(d.field), md(d.a), md(d.b)])),
      "",
    );
  }
  if (opts.chartDir !== undefined && c.charts.length) {
    out.push(
      c.charts.map((ch) =>
        `![${md(ch.title)}](${opts.chartDir}/${encodeURIComponent(chartFileStem(c.id, ch.id))}.svg)`
      ).join(" "),
      "",
    );
  }
  return out;
}

/**
 * The comparison as Markdown.
 *
 * @example
 * ```ts ignore
 * import { compareResults } from "./compare.ts";
 * import { compareMarkdown } from "./compare_md.ts";
 * console.log(compareMarkdown(compareResults(a, b)));
 * ```
 */
export function compareMarkdown(cmp: Comparison, opts: CompareMarkdownOptions = {}): string {
  const run = (r: Comparison["a"]) =>
    `\`${md(r.runId)}\` (${md(r.createdAt)}; commit ${md(fmtCommit(r.commit))}; ${
      md(r.backend)
    }; profile ${md(r.profile)}${r.complete ? "" : "; incomplete"})`;
  const out = [
    "# claimbench comparison",
    "",
    `- **${md(cmp.a.label)}** (before): ${run(cmp.a)}`,
    `- **${md(cmp.b.label)}** (after): ${run(cmp.b)}`,
    "",
    `**Gate: ${md(gateLine(cmp))}**`,
    "",
  ];
  if (cmp.regressions.length) {
    out.push("## Regressions", "", ...cmp.regressions.map((r) => `- ${md(r)}`), "");
  }
  const changed = cmp.cases.filter((c) => c.inA && c.inB && c.statusA !== c.statusB);
  out.push(
    "## Verdicts",
    "",
    ...table(
      ["Case", cmp.a.label, cmp.b.label, "Headline change B − A", "Gate"],
      cmp.cases.map((c) => [
        `\`${md(c.id)}\``,
        statusText(c.statusA),
        statusText(c.statusB),
        c.headline ? md(fmtChange(c.headline.change)) : "-",
        strongRegression(caseGateText(c)),
      ]),
    ),
    "",
    `${changed.length} verdict change(s).`,
    "",
  );
  if (cmp.notes.length) out.push(...cmp.notes.map((n) => `- ${md(n)}`), "");
  if (cmp.provenance.length) {
    out.push(
      "## Provenance differences",
      "",
      ...table(
        ["Field", cmp.a.label, cmp.b.label],
        cmp.provenance.map((d) => [md(d.field), md(d.a), md(d.b)]),
      ),
      "",
    );
  } else out.push("## Provenance differences", "", "None.", "");
  out.push("## Cases", "");
  for (const c of cmp.cases) out.push(...caseBlock(c, opts));
  out.push("## Method", "", ...cmp.method.split("\n").map((l) => `- ${md(l)}`), "");
  return out.join("\n");
}

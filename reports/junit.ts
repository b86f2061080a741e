/**
 * JUnit XML for CI dashboards: one `<testsuite>` per paper, one `<testcase>` per claim
 * (classname = paper, name = case id). `not reproduced` is a `<failure>`, `error` an
 * `<error>`, `inconclusive` (and a planned case with no result) `<skipped>`. Each testcase
 * carries its headline statistic as properties. Renders the results document; computes nothing.
 * @module
 */
import { escapeXml } from "./escape.ts";
import {
  caseErrorMessage,
  caseStatus,
  fmtBand,
  fmtHeadline,
  fmtInterval,
  fmtNum,
  missingCaseIds,
  orderedCaseIds,
  provenanceRows,
  robustnessLabel,
  shownCheckStatus,
  verdictLabels,
} from "./format.ts";
import type { CaseResult, Results } from "./schema.ts";

const attr = (v: unknown) => escapeXml(v, true);
const text = (v: unknown) => escapeXml(v, false);

function property(name: string, value: unknown): string {
  return `<property name="${attr(name)}" value="${attr(value)}"/>`;
}

function numProp(v: number | null): string {
  return v === null ? "" : String(v);
}

function details(c: CaseResult): string {
  const lines = [
    `${c.claim}`,
    "",
    `verdict: ${caseStatus(c)}${
      verdictLabels(c).length ? ` (${verdictLabels(c).join("; ")})` : ""
    }`,
    `headline: ${fmtHeadline(c.verdict)}`,
  ];
  for (const r of c.verdict.robustness?.rows ?? []) {
    if (!r.isDefault) {
      lines.push(
        `robustness ${r.choice}=${JSON.stringify(r.value)}: ${r.status}; ${r.statistic} = ${
          fmtNum(r.estimate)
        }, 95% CI ${fmtInterval(r.ci)}`,
      );
    }
  }
  for (const k of c.verdict.checks) {
    lines.push(
      `check ${k.primary ? "(primary) " : ""}${k.name}: ${shownCheckStatus(k)}; value ${
        fmtNum(k.value)
      }; ` +
        `95% CI ${fmtInterval(k.ci)}; band ${fmtBand(k.band)}${k.note ? `; ${k.note}` : ""}`,
    );
  }
  for (const f of c.verdict.findings) lines.push(`finding: ${f}`);
  for (const e of c.runErrors) {
    lines.push(`run error ${e.run}${e.step === null ? "" : ` step ${e.step}`}: ${e.message}`);
  }
  return lines.join("\n");
}

function testcase(c: CaseResult, indent: string): string {
  const status = caseStatus(c);
  const v = c.verdict;
  const head = `${indent}<testcase classname="${attr(c.paper)}" name="${attr(c.id)}" time="${
    Number.isFinite(c.durationS) ? c.durationS : 0
  }">`;
  const i2 = indent + "  ";
  const i3 = i2 + "  ";
  const props = [
    property("verdict", status),
    property("statistic", v.statistic),
    property("value", numProp(v.value)),
    property("ci.lo", numProp(v.ci[0])),
    property("ci.hi", numProp(v.ci[1])),
    property("band.lo", numProp(v.band[0])),
    property("band.hi", numProp(v.band[1])),
    property("claim", c.claim),
    property("robustness", robustnessLabel(c)),
    property(
      "config",
      c.configModified.length ? `modified (${c.configModified.join(", ")})` : "as the profile",
    ),
    property("backend", c.backend),
    property("profile", c.profile),
    property("version", c.version),
    property("configHash", c.configHash),
    property("seeds", c.seeds.join(",")),
    property("runErrors", c.runErrors.length),
  ];
  const body = [`${i2}<properties>`, ...props.map((p) => i3 + p), `${i2}</properties>`];
  const summary = `${status}: ${fmtHeadline(v)}`;
  if (status === "error") {
    const msg = caseErrorMessage(c);
    body.push(
      `${i2}<error message="${attr(msg)}" type="error">${text(c.error?.stack ?? msg)}</error>`,
    );
  } else if (status === "not reproduced") {
    body.push(
      `${i2}<failure message="${attr(summary)}" type="not reproduced">${
        text(details(c))
      }</failure>`,
    );
  } else if (status === "inconclusive") {
    body.push(`${i2}<skipped message="${attr(summary)}"/>`);
  }
  // A failure already carries the details in its body.
  if (status !== "not reproduced") body.push(`${i2}<system-out>${text(details(c))}</system-out>`);
  return [head, ...body, `${indent}</testcase>`].join("\n");
}

/**
 * JUnit XML of a results document.
 *
 * @example
 * ```ts ignore
 * import { junitXml } from "./junit.ts";
 * import { readResults } from "./schema.ts";
 * await Deno.writeTextFile("junit.xml", junitXml(await readResults("results.json")));
 * ```
 */
export function junitXml(results: Results): string {
  const ids = orderedCaseIds(results);
  const papers = new Map<string, { cases: CaseResult[]; missing: string[] }>();
  for (const id of ids) {
    const c = results.cases[id];
    if (!papers.has(c.paper)) papers.set(c.paper, { cases: [], missing: [] });
    papers.get(c.paper)!.cases.push(c);
  }
  const missing = missingCaseIds(results);
  if (missing.length) papers.set("(not run)", { cases: [], missing });
  const provProps = provenanceRows(results).map(([k, v]) => property(k, v));
  let total = 0, failures = 0, errors = 0, skipped = 0, time = 0;
  const suites: string[] = [];
  for (const [paper, group] of papers) {
    const s = { tests: 0, failures: 0, errors: 0, skipped: 0, time: 0 };
    const cases: string[] = [];
    for (const c of group.cases) {
      const st = caseStatus(c);
      s.tests++;
      if (st === "not reproduced") s.failures++;
      if (st === "error") s.errors++;
      if (st === "inconclusive") s.skipped++;
      s.time += Number.isFinite(c.durationS) ? c.durationS : 0;
      cases.push(testcase(c, "    "));
    }
    for (const id of group.missing) {
      s.tests++;
      s.skipped++;
      cases.push(
        `    <testcase classname="${attr(paper)}" name="${attr(id)}" time="0">\n` +
          `      <skipped message="not run: no result in this results document"/>\n    </testcase>`,
      );
    }
    total += s.tests;
    failures += s.failures;
    errors += s.errors;
    skipped += s.skipped;
    time += s.time;
    suites.push(
      `  <testsuite name="${
        attr(paper)
      }" tests="${s.tests}" failures="${s.failures}" errors="${s.errors}" ` +
        `skipped="${s.skipped}" time="${round(s.time)}" timestamp="${attr(results.createdAt)}" ` +
        `hostname="${attr(results.provenance.hostname)}">\n` +
        `    <properties>\n${provProps.map((p) => "      " + p).join("\n")}\n    </properties>\n` +
        `${cases.join("\n")}\n  </testsuite>`,
    );
  }
  return [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="${
      attr(`claimbench ${results.plan.profile} ${results.runId}`)
    }" tests="${total}" ` +
    `failures="${failures}" errors="${errors}" skipped="${skipped}" time="${round(time)}">`,
    ...suites,
    `</testsuites>`,
    "",
  ].join("\n");
}

function round(s: number): number {
  return Math.round(s * 1000) / 1000;
}

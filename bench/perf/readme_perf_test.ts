import assert from "node:assert/strict";
import { parsePerfRun, type PerfRun, perfSummary, readmePerfBlock } from "./readme_perf.ts";
import { replaceBlock } from "../readme_table.ts";

function side(speedup: number, lo: number, hi: number, gflops = 10) {
  return {
    suiteSeconds: [1, 1, 1, 1, 1],
    peerSeconds: [speedup, speedup, speedup, speedup, speedup],
    suiteRate: 100,
    peerRate: 100 / speedup,
    speedup: { value: speedup, lo, hi },
    gflops,
    flopsPerUnit: 1e4,
    peerGflops: gflops / speedup,
    gbps: 0.1,
    agreement: { ok: true, detail: "5/5 reps", reps: 5, agreed: 5 },
    peerInfo: {},
    precision: "f64" as const,
    peerThreads: 1,
  };
}

function run(loadStart = 0.1): PerfRun {
  const row = (benchmark: string, result: ReturnType<typeof side> | null) => ({
    benchmark,
    caseId: "x.case",
    backend: "cpu" as const,
    peerDevice: "cpu",
    units: 100,
    unitName: "steps",
    flopsPerUnit: 1e4,
    bytesPerUnit: 1,
    result,
    error: result ? null : "peer failed",
    load: [1, 1, 1],
  });
  return parsePerfRun(JSON.stringify({
    machine: {
      cpu: "CPU <script>alert(1)</script> | x",
      cores: 2,
      adapter: "none",
      peak: null,
      blas: {
        torch: "1.13",
        numpy: "1.24",
        threads: 2,
        blas: { kind: "openblas", libraries: [], torchBlasInfo: "generic" },
        torchMatmul: { n: 512, gflops: { f32: 100, f64: 50 } },
        limits: {
          method: "m",
          gemmGflops: { f32: 100, f64: 50 },
          copyGbps: 20,
          fmaGflops: { f32: 200, f64: 100 },
        },
      },
      slowPeer: false,
      commit: "0123456789abcdef",
      date: "2026-12-02T12:00:00.000Z",
      size: "quick",
      reps: 5,
      loadStart: [loadStart, 0.1, 0.1],
      loadEnd: [1.5, 1, 0.5],
    },
    rows: [row("a.fast", side(3, 2, 4, 20)), row("b.slow", side(0.5, 0.4, 0.6)), row("c", null)],
  }));
}

Deno.test("perfSummary: ratio range, rows reaching 1.5×, % of limit and idleness, from the rows", () => {
  const s = perfSummary(run());
  assert.ok(s.includes("0.500–3.00×"), s);
  assert.ok(s.includes("1 of 2 rows reach 1.5× (1 with the whole 95% CI above it)"), s);
  assert.ok(s.includes("below it: b.slow cpu (0.500×)"), s);
  assert.ok(s.includes("Slower than the peer: b.slow cpu (the peer takes 2.00× less time)"), s);
  // 10 and 20 GFLOP/s against the f64 FMA peak of 100 (1e4 FLOPs per byte: compute-bound)
  assert.ok(s.includes("10.0–20.0% of the limit"), s);
  assert.ok(s.includes("1 row(s) failed: c"), s);
  assert.ok(s.includes("Idle machine"), s);
  assert.ok(perfSummary(run(2.5)).includes("Not idle: 1-minute load 2.50"));
  const fast = run();
  fast.rows = fast.rows.slice(0, 1);
  assert.ok(!perfSummary(fast).includes("Slower than the peer"), "only when a row is");
});

Deno.test("readmePerfBlock: file-borne strings are escaped, the commit and source are named", () => {
  const b = readmePerfBlock(run(), "results/perf/p.json");
  assert.ok(!b.includes("<script>"), "no raw HTML from the file");
  assert.ok(b.includes("&lt;script&gt;"));
  assert.ok(b.includes("CPU &lt;script&gt;alert(1)&lt;/script&gt; \\| x"));
  assert.ok(b.includes("commit 0123456789"));
  assert.ok(b.includes("deno task readme-perf results/perf/p.json"));
});

Deno.test("parsePerfRun: one line naming the problem, for non-JSON and for a wrong shape", () => {
  assert.throws(() => parsePerfRun("{", "f.json"), /^Error: f\.json: not JSON/);
  assert.throws(
    () => parsePerfRun(JSON.stringify({ machine: {}, rows: [] }), "f.json"),
    /f\.json: not a perf run: machine\.\w+/,
  );
});

Deno.test("replaceBlock: replaces only between the markers, and says when they are missing", () => {
  const r = "a\n<!-- t:start -->\nold\n<!-- t:end -->\nb";
  assert.equal(replaceBlock(r, "t", "new"), "a\n<!-- t:start -->\nnew\n<!-- t:end -->\nb");
  assert.throws(() => replaceBlock("no markers", "t", "x"), /README has no <!-- t:start -->/);
});

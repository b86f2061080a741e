import assert from "node:assert/strict";
import { type PerfRow, perfTable } from "./perf.ts";
import type { SideBySide } from "./peer.ts";

const result: SideBySide = {
  suiteSeconds: [1, 1, 1, 1, 1],
  peerSeconds: [2, 2, 2, 2, 2],
  suiteRate: 1e6,
  peerRate: 5e5,
  speedup: { value: 2, lo: 1.8, hi: 2.2 },
  gflops: 10,
  flopsPerUnit: 1e4,
  peerGflops: 5,
  gbps: 0.1,
  agreement: { ok: true, detail: "5/5 reps; a | b", reps: 5, agreed: 5 },
  peerInfo: { impl: "torch" },
  precision: "f64",
  peerThreads: 1,
  peerProcesses: 1,
};
const row: PerfRow = {
  benchmark: "x.bench",
  caseId: "x.case",
  backend: "cpu",
  peerDevice: "cpu",
  units: 1e6,
  unitName: "steps",
  flopsPerUnit: 2e4,
  bytesPerUnit: 100,
  result,
  error: null,
  load: [1, 1, 1],
};

Deno.test("perfTable: ratio with CI, non-zero FLOPs, the binding limit at the row's precision", () => {
  const t = perfTable([row], { cpuGflops: { f32: 100, f64: 40 }, cpuGbps: 20 });
  const line = t.split("\n")[2];
  assert.ok(line.includes("2.00 [1.80, 2.20]"));
  assert.ok(line.includes("1.00e+4 non-zero"));
  // 1e4 FLOPs / 100 B at 20 GB/s: 2000 GFLOP/s > 40, so compute-bound at the f64 peak: 25%
  assert.ok(line.includes("compute (40.0 GFLOP/s): 25%"), line);
  assert.ok(line.includes("a \\| b"), "pipes in details are escaped");
  assert.ok(!t.includes("SLOW PEER"));
  assert.ok(line.includes("torch cpu f64 (1 thr)"), line);
  const sharded = perfTable(
    [{ ...row, result: { ...result, peerThreads: 1, peerProcesses: 2 } }],
    null,
  );
  assert.ok(sharded.includes("torch cpu f64 (2 proc × 1 thr)"), sharded);
});

Deno.test("perfTable: every row is marked when the peer's BLAS is not optimised", () => {
  const t = perfTable([row, { ...row, result: null, error: "boom |x" }], null, true);
  const lines = t.split("\n").slice(2);
  assert.equal(lines.length, 2);
  assert.ok(lines.every((l) => l.includes("**SLOW PEER**")));
  assert.ok(lines[0].includes("| n/a |"));
  assert.ok(lines[1].includes("error: boom \\|x"));
});

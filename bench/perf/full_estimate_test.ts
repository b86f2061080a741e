import assert from "node:assert/strict";
import {
  duration,
  fullSizeVerdict,
  rowSeconds,
  scaleByFlops,
  twoPointSeconds,
} from "./full_estimate.ts";

Deno.test("scaleByFlops and rowSeconds: a smoke time scaled to the full size, warm-ups and reps", () => {
  // 100× the units at 4× the FLOPs per unit: 400× the time
  assert.equal(
    scaleByFlops(0.5, { units: 10, flopsPerUnit: 2 }, { units: 1000, flopsPerUnit: 8 }),
    200,
  );
  assert.equal(rowSeconds(10, 1, 5), 6 * 10 + 7 * 1);
});

Deno.test("fullSizeVerdict: one line either way; stops above --max-hours naming the longest row", () => {
  const rows = [
    { row: "cum.pairwise-psgd cpu/cpu", suite: 600, peer: 900, seconds: 3 * 3600 },
    { row: "mem.kernel-sum webgpu/cpu", suite: 1, peer: 1, seconds: 60 },
  ];
  const stop = fullSizeVerdict(rows, 2);
  assert.equal(stop.proceed, false);
  assert.ok(!stop.message.includes("\n"));
  assert.match(
    stop.message,
    /about 3\.0 h on this machine \(longest row cum\.pairwise-psgd cpu\/cpu: 3\.0 h/,
  );
  assert.match(stop.message, /--max-hours \(now 2\)/);
  const go = fullSizeVerdict(rows, 4);
  assert.equal(go.proceed, true);
  assert.match(go.message, /about 3\.0 h/);
  assert.equal(duration(125), "2 min");
  assert.equal(duration(12.4), "12 s");
});

Deno.test("twoPointSeconds: fixed cost plus cost per FLOP through two sizes", () => {
  // 1 s fixed + 1 s per 1000 FLOPs: 1.01 s at 10 FLOPs, 2 s at 1000, 11 s at 10^4
  const a = { seconds: 1.01, work: { units: 10, flopsPerUnit: 1 } };
  const b = { seconds: 2, work: { units: 100, flopsPerUnit: 10 } };
  assert.ok(Math.abs(twoPointSeconds(a, b, { units: 1000, flopsPerUnit: 10 }) - 11) < 1e-9);
  // scaling the smoke point alone would say 1.01 · 1000 = 1010 s
  assert.ok(Math.abs(scaleByFlops(1.01, a.work, { units: 1000, flopsPerUnit: 10 }) - 1010) < 1e-9);
  // a line that falls (noise): scale the larger point
  assert.equal(twoPointSeconds({ ...a, seconds: 3 }, b, { units: 1000, flopsPerUnit: 10 }), 20);
});

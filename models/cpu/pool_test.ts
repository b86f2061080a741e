import assert from "node:assert/strict";
import { chunks, concatTyped, cpuWorkerCount, runInWorkers } from "./pool.ts";
import { sharedWarmPool } from "./warm_pool.ts";

const fixture = new URL("./_pool_fixture.ts", import.meta.url);

Deno.test("runInWorkers: outputs in input order, same with 1, 2 and 3 workers", async () => {
  const inputs = Array.from({ length: 7 }, (_, i) => ({ n: 1000 * (7 - i), seed: i }));
  const serial = await runInWorkers<typeof inputs[0], number[]>(fixture, "work", inputs, {
    workers: 1,
  });
  for (const workers of [2, 3]) {
    const seen: number[] = [];
    const units = new Array(inputs.length).fill(0);
    const par = await runInWorkers<typeof inputs[0], number[]>(fixture, "work", inputs, {
      workers,
      onResult: (i) => seen.push(i),
      onProgress: (i, u) => (units[i] += u),
    });
    assert.deepEqual(par, serial, `workers=${workers}`);
    assert.deepEqual(units, inputs.map((x) => x.n), "progress units");
    assert.deepEqual([...seen].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6]);
  }
});

Deno.test("runInWorkers: a failing task rejects with its message; workers are terminated", async () => {
  let msg = "";
  try {
    await runInWorkers(fixture, "fails", [1, 2, 3], { workers: 2 });
  } catch (e) {
    msg = (e as Error).message;
  }
  assert.match(msg, /fails \(task \d of 3\).*boom/s);
  await assert.rejects(
    runInWorkers(fixture, "missing", [1, 2], { workers: 2 }),
    /no exported function missing/,
  );
});

Deno.test("runInWorkers: abort terminates and rejects", async () => {
  const ac = new AbortController();
  const p = runInWorkers(fixture, "work", [{ n: 3e7, seed: 1 }, { n: 3e7, seed: 2 }], {
    workers: 2,
    signal: ac.signal,
  });
  setTimeout(() => ac.abort(), 20);
  let msg = "";
  try {
    await p;
  } catch (e) {
    msg = (e as Error).message;
  }
  assert.deepEqual(msg, "aborted");
});

Deno.test("chunks and concatTyped round-trip", () => {
  const xs = Array.from({ length: 10 }, (_, i) => i);
  const cs = chunks(xs, 3);
  assert.deepEqual(cs.map((c) => c.length), [3, 3, 4]);
  assert.deepEqual(cs.flat(), xs);
  assert.deepEqual(chunks(xs, 20).length, 10);
  const t = concatTyped(cs.map((c) => Float64Array.from(c)));
  assert.deepEqual(Array.from(t), xs);
  assert.ok(t instanceof Float64Array, "type lost");
});

Deno.test("cpuWorkerCount reads CLAIMBENCH_CPU_WORKERS and rejects bad values", () => {
  assert.deepEqual(cpuWorkerCount("3"), 3);
  assert.deepEqual(cpuWorkerCount(""), Math.max(1, navigator.hardwareConcurrency || 1));
  for (const bad of ["0", "1.5", "two"]) {
    assert.throws(
      () => cpuWorkerCount(bad),
      { message: `CLAIMBENCH_CPU_WORKERS=${JSON.stringify(bad)}: must be an integer ≥ 1` },
    );
  }
});

Deno.test("runInWorkers: the workers stay warm across calls (the process's shared pool)", async () => {
  try {
    const first = await runInWorkers<number, number>(fixture, "callCount", [0, 0], { workers: 2 });
    assert.deepEqual(first, [1, 1], "two fresh workers, one task each");
    assert.equal(sharedWarmPool(2).workers, 2);
    const second = await runInWorkers<number, number>(fixture, "callCount", [0, 0], {
      workers: 2,
    });
    assert.deepEqual(second, [2, 2], "the same two workers again");
  } finally {
    sharedWarmPool(2).close();
  }
});

Deno.test("runInWorkers: fresh: true starts the call's own workers and closes them", async () => {
  const counts = [];
  for (let k = 0; k < 2; k++) {
    counts.push(
      await runInWorkers<number, number>(fixture, "callCount", [0, 0], { workers: 2, fresh: true }),
    );
  }
  assert.deepEqual(counts, [[1, 1], [1, 1]]);
});

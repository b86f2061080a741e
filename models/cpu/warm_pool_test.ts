import assert from "node:assert/strict";
import {
  closeSharedWarmPools,
  holdWarmWorkers,
  runAllWarm,
  sharedWarmPool,
  WarmPool,
} from "./warm_pool.ts";

const fixture = new URL("./_pool_fixture.ts", import.meta.url);

Deno.test("WarmPool: tasks give the inline outputs, progress per task, workers reused across batches", async () => {
  const pool = new WarmPool(2, { idleMs: 60_000, depth: 2 });
  try {
    const { work } = await import(fixture.href);
    for (let batch = 0; batch < 2; batch++) {
      const inputs = Array.from({ length: 5 }, (_, i) => ({ n: 1000 * (5 - i), seed: i + batch }));
      const units = new Array(inputs.length).fill(0);
      const outs = await Promise.all(
        inputs.map((x, i) =>
          pool.run<typeof x, number[]>(fixture, "work", x, {
            onProgress: (u) => (units[i] += u),
          })
        ),
      );
      assert.deepEqual(outs, inputs.map((x) => work(x)));
      assert.deepEqual(units, inputs.map((x) => x.n), "progress units");
      assert.equal(pool.workers, 2, "at most `size` workers, kept between batches");
    }
  } finally {
    pool.close();
  }
});

Deno.test("WarmPool: a failing task rejects alone; close rejects pending tasks; idle closes the workers", async () => {
  const pool = new WarmPool(1, { idleMs: 50 });
  try {
    await assert.rejects(pool.run(fixture, "fails", 1), /fails: .*boom/s);
    await assert.rejects(pool.run(fixture, "missing", 1), /no exported function missing/);
    const { work } = await import(fixture.href);
    assert.deepEqual(await pool.run(fixture, "work", { n: 10, seed: 3 }), work({ n: 10, seed: 3 }));
    const long = pool.run(fixture, "work", { n: 3e8, seed: 1 });
    const queued = pool.run(fixture, "work", { n: 10, seed: 2 });
    pool.close();
    await assert.rejects(long, /closed/);
    await assert.rejects(queued, /closed/);
    assert.equal(pool.workers, 0);
    // a later task starts a fresh worker; 50 ms idle closes it
    assert.deepEqual(
      (await pool.run<unknown, number[]>(fixture, "work", { n: 10, seed: 4 }))[0],
      4,
    );
    assert.equal(pool.workers, 1);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(pool.workers, 0);
  } finally {
    pool.close();
  }
});

Deno.test("runAllWarm: outputs in input order; the first failure rejects the call and closes the pool; abort closes it", async () => {
  const pool = new WarmPool(2, { idleMs: 60_000 });
  try {
    const { work } = await import(fixture.href);
    const inputs = [3000, 10, 2000, 5].map((n, seed) => ({ n, seed }));
    const seen: number[] = [];
    const outs = await runAllWarm<typeof inputs[0], number[]>(pool, fixture, "work", inputs, {
      onResult: (i) => seen.push(i),
    });
    assert.deepEqual(outs, inputs.map((x) => work(x)));
    assert.deepEqual([...seen].sort(), [0, 1, 2, 3]);
    assert.equal(pool.workers, 2);
    await assert.rejects(
      runAllWarm(pool, fixture, "fails", [1, 2, 3]),
      /fails \(task \d of 3\): .*boom/s,
    );
    assert.equal(pool.workers, 2, "a failure leaves the pool's workers up");
    const ac = new AbortController();
    const run = runAllWarm(pool, fixture, "work", [{ n: 3e8, seed: 1 }], { signal: ac.signal });
    ac.abort();
    await assert.rejects(run, /aborted/);
    assert.equal(pool.workers, 0, "closed by the abort");
    await assert.rejects(runAllWarm(pool, fixture, "work", [{ n: 1, seed: 1 }], ac), /aborted/);
  } finally {
    pool.close();
  }
});

Deno.test("holdWarmWorkers: idle workers outlive idleMs while held, and close after the release", async () => {
  const pool = new WarmPool(1, { idleMs: 30 });
  const release = holdWarmWorkers();
  try {
    await pool.run(fixture, "work", { n: 10, seed: 1 });
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(pool.workers, 1, "held: still up after 5× idleMs");
    release();
    release(); // a second call does nothing
    pool.armIdleTimer();
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(pool.workers, 0, "released: closed after idleMs");
  } finally {
    release();
    pool.close();
  }
});

Deno.test("runAllWarm: a failing call drops its queued tasks only; another call on the pool completes", async () => {
  const pool = new WarmPool(1, { idleMs: 60_000 });
  try {
    const { work } = await import(fixture.href);
    const inputs = [{ n: 2e5, seed: 1 }, { n: 10, seed: 2 }];
    const other = runAllWarm<typeof inputs[0], number[]>(pool, fixture, "work", inputs);
    // one worker: the other call's two tasks, then 0 (throws), 300 (sent as 0's failure comes
    // back, and busy for 300 ms: still running when the call drops its queue) and 5 (queued:
    // dropped)
    await assert.rejects(
      runAllWarm(pool, fixture, "maybeFails", [0, 300, 5]),
      /maybeFails \(task 0 of 3\): .*boom/s,
    );
    assert.deepEqual(await other, inputs.map((x) => work(x)));
    assert.equal(await pool.run(fixture, "callCount", 0), 2, "one of the two tasks after it ran");
  } finally {
    pool.close();
  }
});

Deno.test("sharedWarmPool: one pool per (size, depth); closeSharedWarmPools closes them all", async () => {
  const a = sharedWarmPool(2), b = sharedWarmPool(2, 2);
  try {
    assert.equal(sharedWarmPool(2), a);
    assert.notEqual(a, b);
    await Promise.all([
      a.run(fixture, "work", { n: 10, seed: 1 }),
      b.run(fixture, "work", { n: 10, seed: 2 }),
    ]);
    assert.ok(a.workers > 0 && b.workers > 0);
    closeSharedWarmPools();
    assert.equal(a.workers + b.workers, 0);
  } finally {
    closeSharedWarmPools();
  }
});

Deno.test("runAllWarm: `transfer` moves an input's buffers to the worker (the caller's detach)", async () => {
  const pool = new WarmPool(2, { idleMs: 60_000 });
  try {
    const inputs = [1, 2, 3].map((k) => ({ xs: new Float64Array(1000).fill(k) }));
    const kept = { xs: new Float64Array(10).fill(1) };
    const outs = await runAllWarm<typeof inputs[0], number>(pool, fixture, "sum", inputs, {
      transfer: (x) => [x.xs.buffer],
    });
    assert.deepEqual(outs, [1000, 2000, 3000]);
    assert.ok(inputs.every((x) => x.xs.buffer.detached), "moved");
    assert.equal(await runAllWarm(pool, fixture, "sum", [kept]).then((o) => o[0]), 10);
    assert.ok(!kept.xs.buffer.detached, "copied without `transfer`");
  } finally {
    pool.close();
  }
});

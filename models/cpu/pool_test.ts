import { chunks, concatTyped, cpuWorkerCount, runInWorkers } from "./pool.ts";

const fixture = new URL("./_pool_fixture.ts", import.meta.url);

function assertEquals(a: unknown, b: unknown, msg = "") {
  const sa = JSON.stringify(a), sb = JSON.stringify(b);
  if (sa !== sb) throw new Error(`${msg} expected ${sb}, got ${sa}`);
}

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
    assertEquals(par, serial, `workers=${workers}`);
    assertEquals(units, inputs.map((x) => x.n), "progress units");
    assertEquals([...seen].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6]);
  }
});

Deno.test("runInWorkers: a failing task rejects with its message; workers are terminated", async () => {
  let msg = "";
  try {
    await runInWorkers(fixture, "fails", [1, 2, 3], { workers: 2 });
  } catch (e) {
    msg = (e as Error).message;
  }
  if (!/fails \(task \d of 3\).*boom/s.test(msg)) throw new Error(`unexpected: ${msg}`);
  try {
    await runInWorkers(fixture, "missing", [1, 2], { workers: 2 });
    throw new Error("no rejection");
  } catch (e) {
    if (!/no exported function missing/.test((e as Error).message)) throw e;
  }
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
  assertEquals(msg, "aborted");
});

Deno.test("chunks and concatTyped round-trip", () => {
  const xs = Array.from({ length: 10 }, (_, i) => i);
  const cs = chunks(xs, 3);
  assertEquals(cs.map((c) => c.length), [3, 3, 4]);
  assertEquals(cs.flat(), xs);
  assertEquals(chunks(xs, 20).length, 10);
  const t = concatTyped(cs.map((c) => Float64Array.from(c)));
  assertEquals(Array.from(t), xs);
  if (!(t instanceof Float64Array)) throw new Error("type lost");
});

Deno.test("cpuWorkerCount reads CLAIMBENCH_CPU_WORKERS and rejects bad values", () => {
  assertEquals(cpuWorkerCount("3"), 3);
  assertEquals(cpuWorkerCount(""), Math.max(1, navigator.hardwareConcurrency || 1));
  for (const bad of ["0", "1.5", "two"]) {
    let msg = "";
    try {
      cpuWorkerCount(bad);
    } catch (e) {
      msg = (e as Error).message;
    }
    if (!msg.includes(`CLAIMBENCH_CPU_WORKERS=${JSON.stringify(bad)}: must be an integer ≥ 1`)) {
      throw new Error(`bad value ${bad} accepted or unclear: ${msg}`);
    }
  }
});

import assert from "node:assert/strict";
import { join } from "node:path";
import { z } from "../deps.ts";
import { type AnyCase, defineCase } from "./case.ts";
import { runPlan } from "./runner.ts";
import { check, verdict } from "./verdict.ts";
import { readResults } from "../reports/schema.ts";
import { readBuffer, storageBuffer } from "../models/gpu/buffers.ts";
import { acquireBackend } from "../models/gpu/device.ts";

/** A tiny case whose `run` is given; judged on the mean of its measurement. */
function fakeCase(id: string, run: AnyCase["run"]): AnyCase {
  return defineCase<{ k: number }, number[], number>({
    id,
    paper: "test paper",
    claim: `claim of ${id}`,
    version: 1,
    configSchema: z.object({ k: z.number().int().min(1).default(3).describe("k") }).strict(),
    profiles: { smoke: {}, quick: {}, full: {} },
    params: { k: { source: "ours", note: "test" } },
    estimateSeconds: () => 0,
    defaultSeeds: () => 2,
    run: run as never,
    predict: () => 1,
    judge: ({ measurement }) => {
      const m = measurement.reduce((a, b) => a + b, 0) / Math.max(1, measurement.length);
      return verdict([check("mean", { value: m, lo: m - 0.1, hi: m + 0.1 }, [0, 2])]);
    },
    charts: () => [],
  }) as AnyCase;
}

async function plan(cases: AnyCase[], backend: "cpu" | "auto" = "cpu", gpu?: GPU | null) {
  const outDir = join(await Deno.makeTempDir(), "run");
  const r = await runPlan({
    cases,
    profile: "smoke",
    seeds: null,
    baseSeed: 0,
    overrides: {},
    backend,
    outDir,
    resume: false,
    shard: { index: 1, count: 1 },
    command: ["test"],
    quiet: true,
    gpu,
  });
  return { ...r, onDisk: await readResults(r.path) };
}

Deno.test("a case that throws ends as error with its message; the next case still runs", async () => {
  const { results, onDisk } = await plan([
    fakeCase("t.boom", () => Promise.reject(new Error("exploded at step 17"))),
    fakeCase("t.fine", () => Promise.resolve([1, 1])),
  ]);
  assert.equal(results.cases["t.boom"].status, "error");
  assert.equal(results.cases["t.boom"].verdict.status, "error");
  assert.match(results.cases["t.boom"].error?.message ?? "", /step 17/);
  assert.equal(results.cases["t.fine"].verdict.status, "reproduced");
  assert.deepEqual(onDisk.cases["t.fine"].verdict, results.cases["t.fine"].verdict);
  assert.equal(onDisk.complete, true);
});

Deno.test("a run that goes NaN is recorded with its step and observable; the case goes on", async () => {
  const { results } = await plan([
    fakeCase("t.nan", (ctx) => {
      ctx.runError({ run: "seed 1", step: 42, observable: "loss", message: "loss became NaN" });
      return Promise.resolve([1]);
    }),
  ]);
  const r = results.cases["t.nan"];
  assert.equal(r.status, "done");
  assert.deepEqual(r.runErrors, [{
    run: "seed 1",
    step: 42,
    observable: "loss",
    message: "loss became NaN",
  }]);
  assert.ok(r.verdict.findings.some((f) => /1 individual run\(s\) failed/.test(f)));
});

Deno.test("non-finite statistics are stored as null, and the document still validates", async () => {
  const { onDisk } = await plan([fakeCase("t.inf", () => Promise.resolve([Infinity]))]);
  assert.equal(onDisk.cases["t.inf"].verdict.value, null);
});

Deno.test("no adapter: the auto backend falls back to the CPU and records the reason", async () => {
  const { onDisk } = await plan(
    [fakeCase("t.cpu", (ctx) => Promise.resolve([ctx.backend === "cpu" ? 1 : 5]))],
    "auto",
    null,
  );
  assert.equal(onDisk.provenance.backend, "cpu");
  assert.match(onDisk.provenance.fallbackReason ?? "", /no navigator\.gpu/);
  assert.equal(onDisk.cases["t.cpu"].verdict.status, "reproduced");
});

Deno.test("a GPU device lost mid-case: that case ends as error, the next gets a fresh device", async () => {
  const probe = await acquireBackend("auto", { timeoutMs: 10000 });
  if (!probe.device) return console.warn(`skipped: ${probe.fallbackReason}`);
  probe.device.destroy();
  const { results } = await plan([
    fakeCase("t.lose", async (ctx) => {
      const dev = ctx.device!;
      const buf = storageBuffer(dev, Float32Array.of(1, 2, 3, 4));
      dev.destroy(); // simulate the loss
      await readBuffer(dev, buf, 16);
      return [1];
    }),
    fakeCase("t.after", async (ctx) => {
      const dev = ctx.device!;
      const out = new Float32Array(
        await readBuffer(dev, storageBuffer(dev, Float32Array.of(1, 1, 1, 1)), 16),
      );
      return [out[0]];
    }),
  ], "auto");
  assert.equal(results.cases["t.lose"].status, "error");
  assert.equal(results.cases["t.after"].status, "done");
  assert.equal(results.cases["t.after"].verdict.value, 1);
});

Deno.test("with --backend auto, a case that asks for it runs on the CPU when the adapter is a software one", async () => {
  const probe = await acquireBackend("auto", { timeoutMs: 10000 });
  probe.device?.destroy();
  const c = fakeCase("t.prefers-cpu", (ctx) => Promise.resolve([ctx.backend === "cpu" ? 1 : 0]));
  c.onFallbackAdapter = "cpu";
  const { onDisk } = await plan([c], "auto");
  const r = onDisk.cases["t.prefers-cpu"];
  if (probe.adapter?.isFallbackAdapter) {
    assert.equal(r.backend, "cpu");
    assert.match(r.backendReason ?? "", /software adapter/);
  } else {
    assert.equal(r.backend, probe.device ? "webgpu" : "cpu");
    assert.equal(r.backendReason, null);
  }
});

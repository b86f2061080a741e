import assert from "node:assert/strict";
import { join } from "node:path";
import { z } from "../deps.ts";
import { type AnyCase, defineCase } from "./case.ts";
import { runPlan } from "./runner.ts";
import { check, verdict } from "./verdict.ts";
import { rejudgeResults } from "./rejudge.ts";
import { cmdRejudge } from "./cmd_rejudge.ts";
import { anyNumber } from "../reports/measurement_codec.ts";
import { readResults } from "../reports/schema.ts";
import { bootstrap, mean } from "../reports/stats.ts";

const Measurement = z.object({ xs: z.array(anyNumber), censored: anyNumber });

/** A small case whose judge bootstraps the mean of its seeds' draws; `shift` moves its band. */
function meanCase(id: string, shift = 0, version = 1): AnyCase {
  return defineCase<{ k: number }, z.infer<typeof Measurement>, number>({
    id,
    paper: "test paper",
    claim: `claim of ${id}`,
    version,
    claimSpec: { band: [0.25 + shift, 0.75 + shift] },
    measurementSchema: Measurement,
    configSchema: z.object({ k: z.number().int().min(1).default(20).describe("draws") }).strict(),
    profiles: { smoke: {}, quick: {}, full: {} },
    params: { k: { source: "ours", note: "test" } },
    alternatives: [{ choice: "k", values: [5], needs: "run", runIn: ["smoke"], note: "fewer" }],
    estimateSeconds: () => 0,
    defaultSeeds: () => 2,
    run: (ctx, c) => {
      const xs: number[] = [];
      for (const s of ctx.seeds) {
        const st = ctx.stream("draws", s);
        for (let i = 0; i < c.k; i++) xs.push(st.uniform());
      }
      return Promise.resolve({ xs, censored: Infinity });
    },
    predict: () => 0.5,
    judge: ({ measurement: m }, _c, j) => {
      const e = bootstrap(m.xs.length, (idx) => mean(Array.from(idx, (i) => m.xs[i])), {
        resamples: 200,
        seed: j.seed("mean"),
      });
      return verdict([
        check("mean", e, [0.25 + shift, 0.75 + shift]),
        check("censored", { value: m.censored, lo: 1, hi: m.censored }, [0, 10], {
          primary: false,
        }),
      ]);
    },
    charts: () => [],
  }) as AnyCase;
}

async function runOf(cases: AnyCase[]) {
  const outDir = join(await Deno.makeTempDir(), "run");
  await runPlan({
    cases,
    profile: "smoke",
    seeds: null,
    baseSeed: 3,
    overrides: {},
    backend: "cpu",
    outDir,
    resume: false,
    shard: { index: 1, count: 1 },
    command: ["test"],
    quiet: true,
  });
  return { outDir, results: await readResults(join(outDir, "results.json")) };
}

Deno.test("rejudge with the same code gives byte-identical verdicts, charts and robustness", async () => {
  const cases = [meanCase("t.a"), meanCase("t.b")];
  const { results } = await runOf(cases);
  assert.equal(results.cases["t.a"].verdict.status, "reproduced");
  assert.equal(results.cases["t.a"].alternatives.length, 1, "the run alternative was measured");
  assert.equal(results.cases["t.a"].verdict.robustness?.rows.length, 2);
  const again = rejudgeResults(results, (id) => cases.find((c) => c.id === id) ?? null, {
    commit: null,
  });
  assert.deepEqual(again.changes, []);
  for (const id of ["t.a", "t.b"]) {
    assert.equal(
      JSON.stringify(again.results.cases[id].verdict),
      JSON.stringify(results.cases[id].verdict),
    );
    assert.deepEqual(again.results.cases[id].charts, results.cases[id].charts);
  }
  // the censored value survived the file: stored as "Infinity", not null
  assert.equal((results.cases["t.a"].measurement as { censored: unknown }).censored, "Infinity");
  assert.equal(again.results.cases["t.a"].verdict.checks[1].value, null); // jsonSafe in the doc
});

Deno.test("rejudge lists exactly the verdicts a changed judge changes", async () => {
  const { outDir, results } = await runOf([meanCase("t.a"), meanCase("t.b")]);
  const changed = [meanCase("t.a"), meanCase("t.b", 5)];
  const again = rejudgeResults(results, (id) => changed.find((c) => c.id === id) ?? null, {
    commit: null,
  });
  assert.deepEqual(again.changes, [
    { caseId: "t.b", check: null, from: "reproduced", to: "not reproduced" },
    { caseId: "t.b", check: "mean", from: "reproduced", to: "not reproduced" },
  ]);
  // the command writes the re-judged results and lists the change
  const logs: string[] = [];
  const orig = console.log;
  console.log = (s: string) => logs.push(s);
  try {
    assert.equal(await cmdRejudge([outDir, "--no-report"], changed), 0);
  } finally {
    console.log = orig;
  }
  assert.deepEqual(logs.filter((l) => l.startsWith("changed:")), [
    "changed: t.b: reproduced → not reproduced",
    'changed: t.b: check "mean": reproduced → not reproduced',
  ]);
  const written = await readResults(join(outDir, "rejudged", "results.json"));
  assert.equal(written.cases["t.b"].verdict.status, "not reproduced");
  assert.ok(written.cases["t.b"].judge?.rejudgedAt);
});

Deno.test("rejudge refuses a measurement from another case version or one that breaks its schema", async () => {
  const { results } = await runOf([meanCase("t.a")]);
  const v2 = rejudgeResults(results, () => meanCase("t.a", 0, 2), { commit: null });
  assert.equal(v2.results.cases["t.a"].status, "error");
  assert.match(
    v2.results.cases["t.a"].error?.message ?? "",
    /case version 1, this code is version 2/,
  );
  const broken = structuredClone(results);
  (broken.cases["t.a"].measurement as { xs: unknown }).xs = "oops";
  const r = rejudgeResults(broken, () => meanCase("t.a"), { commit: null });
  assert.equal(r.results.cases["t.a"].status, "error");
  assert.match(r.results.cases["t.a"].error?.message ?? "", /does not match its schema: xs/);
});

/**
 * A small synthetic case for tests of the judge path (run, rejudge, export): it draws uniform
 * numbers per seed and judges their bootstrapped mean against a band.
 * @module
 */
import { z } from "../deps.ts";
import { type AnyCase, defineCase } from "./case.ts";
import { runPlan } from "./runner.ts";
import { check, verdict } from "./verdict.ts";
import { anyNumber } from "../reports/measurement_codec.ts";
import { readResults, type Results } from "../reports/schema.ts";
import { bootstrap, mean } from "../reports/stats.ts";
import { join } from "node:path";

const Measurement = z.object({ xs: z.array(anyNumber), censored: anyNumber });

/** A small case whose judge bootstraps the mean of its seeds' draws; `shift` moves its band. */
export function meanCase(id: string, shift = 0, version = 1): AnyCase {
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
    tidyRuns: (m) =>
      m.xs.map((x, i) => ({
        seed: Math.floor(i / 20),
        point: { i: i % 20 },
        observable: "draw",
        value: x,
        unit: "1",
      })),
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

/** Run `cases` at the smoke profile on the CPU into a fresh temp folder. */
export async function runOf(
  cases: AnyCase[],
  opts: { baseSeed?: number; packs?: Parameters<typeof runPlan>[0]["packs"] } = {},
): Promise<{ outDir: string; results: Results }> {
  const outDir = join(await Deno.makeTempDir(), "run");
  await runPlan({
    cases,
    profile: "smoke",
    seeds: null,
    baseSeed: opts.baseSeed ?? 3,
    overrides: {},
    backend: "cpu",
    outDir,
    resume: false,
    shard: { index: 1, count: 1 },
    command: ["test"],
    quiet: true,
    packs: opts.packs,
  });
  return { outDir, results: await readResults(join(outDir, "results.json")) };
}

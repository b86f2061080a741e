/**
 * A small synthetic case for tests of the judge path (run, rejudge, export): it draws uniform
 * numbers per seed and judges their bootstrapped mean against a band.
 * @module
 */
import { z } from "../deps.ts";
import { type AnyCase, defineCase, type UnitPart } from "./case.ts";
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

const UnitResult = z.array(z.object({ seed: z.number().int(), xs: z.array(anyNumber) }));

/** Options of {@link unitsCase}. */
export interface UnitsCaseOptions {
  /** Seeds per unit (default 2). */
  perUnit?: number;
  /** Default seed count (default 6). */
  seeds?: number;
  /** Units shared with other cases of the same namespace (their `k` must agree). */
  share?: string;
  /** Moves the band (cases that share units judge them differently). */
  shift?: number;
  /** Every unit run is logged here as `<case>/<k>/<unit key>`. */
  log?: string[];
  /** Called before a unit runs (e.g. to abort the run after a few units). */
  beforeUnit?: (key: string) => void;
  /** A unit that throws. */
  failKey?: string;
  /** Estimated seconds of the whole case (split over its units by seed count). */
  seconds?: number;
  /** Units the runner may run at once (the case's `units.concurrency`). */
  concurrency?: number;
  /** Counts units in progress (each then waits a few ms, so that concurrent ones overlap). */
  inFlight?: { now: number; max: number };
}

/**
 * A small case with work units (batches of seeds): each seed draws `k` uniforms (the first of
 * seed 1 is a NaN and a run error, to keep non-finite numbers and run errors in the picture);
 * judged like {@link meanCase}, with a "run" alternative (`k` = 5) measured in the smoke profile.
 */
export function unitsCase(id: string, o: UnitsCaseOptions = {}): AnyCase {
  const per = o.perUnit ?? 2, shift = o.shift ?? 0;
  const seconds = o.seconds ?? 6;
  return defineCase<{ k: number; seeds: number }, z.infer<typeof Measurement>, number>({
    id,
    paper: "test paper",
    claim: `claim of ${id}`,
    version: 1,
    measurementSchema: Measurement,
    configSchema: z.object({
      k: z.number().int().min(1).default(8).describe("draws"),
      seeds: z.number().int().min(1).default(o.seeds ?? 6).describe("seeds"),
    }).strict(),
    profiles: { smoke: {}, quick: {}, full: {} },
    params: { k: { source: "ours", note: "test" }, seeds: { source: "ours", note: "test" } },
    alternatives: [{ choice: "k", values: [5], needs: "run", runIn: ["smoke"], note: "fewer" }],
    estimateSeconds: (c) => seconds * c.k / 8,
    defaultSeeds: (c) => c.seeds,
    units: {
      plan: (c, seeds) => {
        const out = [];
        for (let i = 0; i < seeds.length; i += per) {
          const s = seeds.slice(i, i + per);
          out.push({ key: `seeds=${s[0]}-${s.at(-1)}`, seeds: s, cost: s.length * c.k });
        }
        return out;
      },
      run: async (ctx, c, unit) => {
        if (o.inFlight) {
          const f = o.inFlight;
          f.max = Math.max(f.max, ++f.now);
          await new Promise((r) => setTimeout(r, 5));
          f.now--;
        }
        o.log?.push(`${id}/${c.k}/${unit.key}`);
        o.beforeUnit?.(unit.key);
        ctx.signal.throwIfAborted(); // an interrupt in the middle of the unit
        if (unit.key === o.failKey) throw new Error(`unit ${unit.key} exploded`);
        const t0 = ctx.now();
        const out = ctx.seeds.map((seed) => {
          const st = ctx.stream("draws", seed);
          const xs = Array.from({ length: c.k }, () => st.uniform());
          if (seed === 1) {
            xs[0] = NaN;
            ctx.runError({ run: `seed ${seed}`, step: 0, observable: "x", message: "NaN" });
          }
          return { seed, xs };
        });
        ctx.timing("draw", (ctx.now() - t0) / 1000);
        return out;
      },
      resultSchema: UnitResult,
      assemble: (_c, parts: readonly UnitPart<z.infer<typeof UnitResult>>[]) => ({
        xs: parts.flatMap((p) => p.result.flatMap((r) => r.xs.filter((x) => !Number.isNaN(x)))),
        censored: Infinity,
      }),
      ...(o.concurrency ? { concurrency: () => o.concurrency! } : {}),
      ...(o.share
        ? { share: { namespace: o.share, version: 1, config: (c: { k: number }) => ({ k: c.k }) } }
        : {}),
    },
    predict: () => 0.5,
    judge: ({ measurement: m }, _c, j) => {
      const e = bootstrap(m.xs.length, (idx) => mean(Array.from(idx, (i) => m.xs[i])), {
        resamples: 200,
        seed: j.seed("mean"),
      });
      return verdict([check("mean", e, [0.25 + shift, 0.75 + shift])]);
    },
    charts: () => [],
  }) as AnyCase;
}

/**
 * The runner: resolves a plan, runs each case on the chosen backend, and writes the results
 * document atomically after every case, so a kill loses at most the case in progress and
 * `--resume` recomputes only what is missing.
 * @module
 */
import { join } from "node:path";
import type { AnyCase, CaseContext, Profile } from "./case.ts";
import { configHash, configShape, resolveConfig } from "./config.ts";
import { SUITE_VERSION } from "./version.ts";
import { errorVerdict } from "./verdict.ts";
import { judgeMeasurement, measureAlternatives, storeAndDecode } from "./judge.ts";
import { rejudgeCaseResult } from "./rejudge.ts";
import { collectProvenance } from "./provenance.ts";
import { progressFor } from "./progress.ts";
import { UsageError } from "./usage_error.ts";
import { detachedContext } from "./detached_context.ts";
import { planSeeds } from "./seeds.ts";
import { acquireBackend, type BackendChoice, type BackendRequest } from "../models/gpu/device.ts";
import {
  type CaseResult,
  CaseResultSchema,
  jsonSafe,
  type Plan,
  type Provenance,
  readResults,
  type Results,
  RESULTS_SCHEMA_VERSION,
} from "../reports/schema.ts";
import { atomicWriteTextFile } from "../reports/atomic_write.ts";

/** Everything a run needs. */
export interface RunOptions {
  cases: AnyCase[];
  profile: Profile;
  seeds: number | null;
  baseSeed: number;
  overrides: Record<string, unknown>;
  backend: BackendRequest;
  outDir: string;
  resume: boolean;
  shard: { index: number; count: number };
  command: string[];
  quiet?: boolean;
  /** Claim packs the cases came from (recorded in provenance). */
  packs?: Provenance["packs"];
  /** For tests: simulate the absence of WebGPU. */
  gpu?: GPU | null;
  signal?: AbortSignal;
}

/** The file name of the results document inside the output directory. */
export const RESULTS_FILE = "results.json";

/**
 * Whether a case runs on its CPU path under `--backend auto` with this adapter: a software
 * (fallback) adapter, and a case that declares it slower there (`onFallbackAdapter: "cpu"`).
 */
export function prefersCpuPath(
  c: Pick<AnyCase, "onFallbackAdapter">,
  choice: Pick<BackendChoice, "adapter">,
): boolean {
  return choice.adapter?.isFallbackAdapter === true && c.onFallbackAdapter === "cpu";
}

/**
 * The config fields of `c` that the user set (`--set`, `--config`, `--seeds`): a run with any of
 * them is labelled "modified config" in every report.
 */
export function modifiedFields(
  c: AnyCase,
  overrides: Record<string, unknown>,
  seeds: number | null,
): string[] {
  const shape = configShape(c);
  const keys = Object.keys(overrides).filter((k) => k in shape);
  if (seeds !== null) keys.push("seeds");
  return keys.sort();
}

/** The cases of shard `index` of `count` (1-based), by position in the selection. */
export function shardCases(cases: AnyCase[], index: number, count: number): AnyCase[] {
  return cases.filter((_, i) => i % count === index - 1);
}

function samePlan(a: Plan, b: Plan): string | null {
  const fields: (keyof Plan)[] = ["profile", "seeds", "baseSeed", "backend"];
  for (const f of fields) {
    if (JSON.stringify(a[f]) !== JSON.stringify(b[f])) {
      return `${f} differs (existing ${JSON.stringify(a[f])}, now ${JSON.stringify(b[f])})`;
    }
  }
  if (JSON.stringify(a.overrides) !== JSON.stringify(b.overrides)) {
    return `--set overrides differ (existing ${JSON.stringify(a.overrides)}, now ${
      JSON.stringify(b.overrides)
    })`;
  }
  if (a.shard.index !== b.shard.index || a.shard.count !== b.shard.count) return "--shard differs";
  return null;
}

/** `p`, or the abort reason of `signal` as soon as it is aborted (the adapter probe can take 15 s). */
function untilAborted<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

/** Run one case to a result (never throws for a failure inside the case). */
export async function runCase(
  c: AnyCase,
  config: Record<string, unknown>,
  opts: {
    profile: Profile;
    seeds: number[];
    choice: BackendChoice;
    baseSeed: number;
    label: [number, number];
    quiet?: boolean;
    signal?: AbortSignal;
    backendReason?: string | null;
    /** Config fields set by --set/--config/--seeds for this case ("modified config"). */
    configModified?: string[];
    /** The commit that judges (from provenance). */
    commit?: string | null;
  },
): Promise<CaseResult> {
  const startedAt = new Date();
  const t0 = performance.now();
  const progress = progressFor(c.id, opts.label[0], opts.label[1], { quiet: opts.quiet });
  const { runErrors, timings, ...rest } = detachedContext({
    seeds: opts.seeds,
    device: opts.choice.device,
    baseSeed: opts.baseSeed,
    signal: opts.signal,
  });
  const ctx: CaseContext = {
    ...rest,
    backend: opts.choice.backend,
    progress: (done, total, label) => {
      opts.signal?.throwIfAborted(); // Ctrl-C stops a case at its next progress report
      progress.update(done, total, label);
    },
  };
  const base = {
    id: c.id,
    version: c.version,
    paper: c.paper,
    claim: c.claim,
    profile: opts.profile,
    backend: opts.choice.backend,
    backendReason: opts.backendReason ?? null,
    config,
    configHash: await configHash({ id: c.id, version: c.version, config }),
    params: c.params,
    seeds: opts.seeds,
    startedAt: startedAt.toISOString(),
    claimSpec: { ...(c.claimSpec ?? {}) },
    configModified: opts.configModified ?? [],
    judge: { suiteVersion: SUITE_VERSION, commit: opts.commit ?? null, rejudgedAt: null },
  };
  let result: CaseResult;
  try {
    // judged from the stored form of the measurement, exactly as `rejudge` will read it
    const { stored, decoded } = storeAndDecode(c, await c.run(ctx, config));
    const alternatives = await measureAlternatives(c, ctx, config, opts.profile);
    const judged = judgeMeasurement(c, decoded, config, {
      baseSeed: opts.baseSeed,
      alternatives,
      profile: opts.profile,
      backendReason: opts.backendReason,
      runErrorCount: runErrors.length,
    });
    result = {
      ...base,
      status: "done",
      endedAt: new Date().toISOString(),
      durationS: (performance.now() - t0) / 1000,
      measurement: stored,
      alternatives,
      ...judged,
      runErrors,
      error: null,
      timings,
    };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    result = {
      ...base,
      status: "error",
      endedAt: new Date().toISOString(),
      durationS: (performance.now() - t0) / 1000,
      measurement: null,
      alternatives: [],
      prediction: null,
      verdict: errorVerdict(err.message),
      charts: [],
      tables: [],
      runErrors,
      error: { message: err.message, stack: err.stack ?? null },
      timings,
    };
  }
  const safe = jsonSafe(result);
  const checked = CaseResultSchema.safeParse(safe);
  if (!checked.success) {
    const msg = checked.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`)
      .join("; ");
    progress.finish(`error (invalid result: ${msg})`);
    return {
      ...safe,
      status: "error",
      verdict: errorVerdict(`case produced an invalid result: ${msg}`),
      charts: [],
      error: { message: msg, stack: null },
    };
  }
  progress.finish(
    `${result.status === "error" ? `error: ${result.error?.message}` : result.verdict.status}`,
  );
  return checked.data;
}

/**
 * Run a plan. Configs and seed sets are resolved (and rejected with a {@link UsageError})
 * before any work;
 * the results document is rewritten atomically after each case.
 */
export async function runPlan(opts: RunOptions): Promise<{ results: Results; path: string }> {
  const configs = opts.cases.map((c) => resolveConfig(c, opts.profile, opts.overrides));
  const seedSets = planSeeds(opts.cases, configs, opts.seeds, opts.baseSeed);
  const plan: Plan = {
    profile: opts.profile,
    cases: opts.cases.map((c) => c.id),
    seeds: opts.seeds,
    baseSeed: opts.baseSeed,
    overrides: opts.overrides,
    backend: opts.backend,
    shard: opts.shard,
  };
  const path = join(opts.outDir, RESULTS_FILE);
  let previous: Results | null = null;
  const exists = await Deno.stat(path).then(() => true, () => false);
  if (exists && !opts.resume) {
    throw new UsageError(
      `${path} already exists: pass --resume to continue that run, or choose another --out`,
    );
  }
  if (opts.resume && exists) {
    previous = await readResults(path);
    const diff = samePlan(previous.plan, plan);
    if (diff) {
      throw new UsageError(
        `cannot --resume ${path}: ${diff}. Use the same arguments, or another --out.`,
      );
    }
  }
  let choice = await untilAborted(acquireBackend(opts.backend, { gpu: opts.gpu }), opts.signal);
  let lost = false, finished = false, prevFailed = false;
  // any loss before the run's own destroy() at the end (driver reset, a case destroying it)
  // means the next case needs a fresh device
  const watchLoss = (ch: BackendChoice) => ch.device?.lost.then(() => void (lost = !finished));
  watchLoss(choice);
  if (choice.fallbackReason && opts.backend === "auto" && !opts.quiet) {
    console.error(
      `claimbench: no WebGPU device (${choice.fallbackReason}); running on the CPU path.`,
    );
  }
  const provenance = await collectProvenance(opts.backend, choice, opts.command, opts.packs);
  const now = new Date().toISOString();
  const results: Results = previous
    ? { ...previous, plan, provenance, updatedAt: now, complete: false }
    : {
      schema: "claimbench.results",
      schemaVersion: RESULTS_SCHEMA_VERSION,
      runId: opts.outDir.split("/").filter(Boolean).pop() ?? "run",
      createdAt: now,
      updatedAt: now,
      complete: false,
      plan,
      provenance,
      cases: {},
    };
  await Deno.mkdir(opts.outDir, { recursive: true });
  for (let i = 0; i < opts.cases.length; i++) {
    if (opts.signal?.aborted) break;
    const c = opts.cases[i], config = configs[i];
    const hash = await configHash({ id: c.id, version: c.version, config });
    const prior = results.cases[c.id];
    if (prior && prior.status === "done" && prior.configHash === hash) {
      // a stored verdict is never trusted: it is judged again from the stored measurement
      results.cases[c.id] = rejudgeCaseResult(c, prior, {
        baseSeed: opts.baseSeed,
        commit: provenance.git.commit,
      });
      if (!opts.quiet) {
        console.error(
          `[${
            i + 1
          }/${opts.cases.length}] ${c.id}: measurement kept from the earlier run (--resume), re-judged: ${
            results.cases[c.id].verdict.status
          }`,
        );
      }
      continue;
    }
    // a case that failed on the GPU may have lost the device; give its `lost` promise a moment
    if (!lost && choice.device && prevFailed) {
      const gone = choice.device.lost.then(() => true);
      lost = await Promise.race([
        gone,
        new Promise<boolean>((r) => setTimeout(() => r(false), 200)),
      ]);
    }
    if (lost) {
      if (!opts.quiet) {
        console.error(`claimbench: the WebGPU device was lost; acquiring a new one for ${c.id}`);
      }
      choice = await acquireBackend(opts.backend === "webgpu" ? "webgpu" : "auto", {
        gpu: opts.gpu,
      }).catch(() => ({
        backend: "cpu" as const,
        device: null,
        adapter: null,
        fallbackReason: "WebGPU device lost and could not be re-acquired",
      }));
      lost = false;
      watchLoss(choice);
    }
    // a software adapter is slower than the CPU path for some cases (measured): with auto, those run on the CPU
    const onCpu = opts.backend === "auto" && prefersCpuPath(c, choice);
    const backendReason = onCpu
      ? `with --backend auto on a software adapter (${choice.adapter?.description}) this case runs on the CPU path, which is faster for it`
      : null;
    const caseChoice: BackendChoice = onCpu
      ? { backend: "cpu", device: null, adapter: null, fallbackReason: backendReason }
      : choice;
    const result = await runCase(c, config, {
      configModified: modifiedFields(c, opts.overrides, opts.seeds),
      commit: provenance.git.commit,
      profile: opts.profile,
      seeds: seedSets[i],
      choice: caseChoice,
      backendReason,
      baseSeed: opts.baseSeed,
      label: [i + 1, opts.cases.length],
      quiet: opts.quiet,
      signal: opts.signal,
    });
    // a case that was running when the run was interrupted is not kept: --resume reruns it
    if (opts.signal?.aborted) break;
    results.cases[c.id] = result;
    prevFailed = result.status === "error";
    results.updatedAt = new Date().toISOString();
    await atomicWriteTextFile(path, JSON.stringify(results, null, 1));
  }
  // an interrupted run is never complete, even when the interrupt came during its last case
  results.complete = !opts.signal?.aborted &&
    opts.cases.every((c) => Object.hasOwn(results.cases, c.id));
  results.updatedAt = new Date().toISOString();
  await atomicWriteTextFile(path, JSON.stringify(results, null, 1));
  finished = true;
  choice.device?.destroy();
  return { results, path };
}

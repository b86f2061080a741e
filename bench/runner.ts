/**
 * The runner: resolves a plan, splits every case into work units (`unit_plan.ts`), runs this
 * shard's units on the chosen backend through the unit store (`<out>/units/`, one file a unit,
 * written atomically), assembles and judges the cases whose units are all here, and writes the
 * results document atomically after every case. A kill loses at most the units in progress;
 * `--resume` reuses every stored unit and recomputes only what is missing.
 * @module
 */
import { join } from "node:path";
import type { AnyCase, CaseContext, Profile } from "./case.ts";
import { configShape, resolveConfig } from "./config.ts";
import { rejudgeCaseResult } from "./rejudge.ts";
import { collectProvenance } from "./provenance.ts";
import { progressFor } from "./progress.ts";
import { UsageError } from "./usage_error.ts";
import { detachedContext } from "./detached_context.ts";
import { planSeeds } from "./seeds.ts";
import { acquireBackend, type BackendChoice, type BackendRequest } from "../models/gpu/device.ts";
import { closeSharedWarmPools } from "../models/cpu/warm_pool.ts";
import { assembleCase } from "./case_assembly.ts";
import {
  caseUnitIds,
  describeShard,
  type PlannedUnit,
  planUnits,
  shardLoads,
  type UnitPlan,
  unitsOf,
} from "./unit_plan.ts";
import { checkUnitRecord, UnitStore } from "./unit_store.ts";
import {
  type Plan,
  type Provenance,
  readResults,
  type Results,
  RESULTS_SCHEMA_VERSION,
  type RunUnits,
  type UnitFailure,
  type UnitRecord,
} from "../reports/schema.ts";
import { atomicWriteTextFile } from "../reports/atomic_write.ts";
import { encodeMeasurement } from "../reports/measurement_codec.ts";
import { terminalSafe } from "../reports/terminal_safe.ts";

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

/** What the runner knows of one unit in this process. */
type Outcome =
  | { kind: "done"; record: UnitRecord; result: unknown; ranFor: string | null }
  | { kind: "failed"; failure: UnitFailure };

/** A unit's place in this process's memory: its id and the backend it ran on. */
const memoKey = (id: string, backend: string) => `${id}|${backend}`;

/** Everything {@link runUnit} needs besides the unit. */
interface UnitRunContext {
  plan: UnitPlan;
  store: UnitStore;
  choice: BackendChoice;
  backendReason: string | null;
  baseSeed: number;
  signal?: AbortSignal;
  /** Progress of the unit: (fraction done, label). */
  progress(frac: number, label?: string): void;
}

/**
 * One unit's outcome: from the store when it holds it, else run (with the code and config of
 * the case that planned it) and stored. Null when the run was interrupted during the unit.
 */
async function runUnit(
  u: PlannedUnit,
  caseId: string,
  rc: UnitRunContext,
): Promise<Outcome | null> {
  const owner = rc.plan.cases[u.caseIndex].case;
  const units = unitsOf(owner);
  const backend = rc.choice.backend;
  const stored = await rc.store.get(u.id, u.key, backend, units.resultSchema, u.label);
  if (stored) return { kind: "done", record: stored.record, result: stored.result, ranFor: null };
  const { runErrors, timings, ...rest } = detachedContext({
    seeds: u.spec.seeds,
    device: rc.choice.device,
    baseSeed: rc.baseSeed,
    signal: rc.signal,
  });
  const ctx: CaseContext = {
    ...rest,
    backend,
    progress: (done, total, label) => {
      rc.signal?.throwIfAborted(); // Ctrl-C stops a unit at its next progress report
      rc.progress(total > 0 ? Math.min(1, done / total) : 0, label);
    },
  };
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  let done: Outcome & { kind: "done" };
  try {
    const value = await units.run(ctx, u.config, u.spec);
    const record: UnitRecord = {
      id: u.id,
      label: u.label,
      key: u.key,
      backend,
      backendReason: rc.backendReason,
      result: encodeMeasurement(value),
      runErrors,
      timings,
      durationS: (performance.now() - t0) / 1000,
      startedAt,
      endedAt: new Date().toISOString(),
    };
    // the case is assembled from the stored form, here as after a resume or a merge
    const checked = checkUnitRecord(record, { id: u.id, key: u.key, backend }, units.resultSchema);
    if ("problem" in checked) throw new Error(`unit ${u.label}: ${checked.problem}`);
    done = { kind: "done", ...checked.stored, ranFor: caseId };
  } catch (e) {
    if (rc.signal?.aborted) return null;
    const err = e instanceof Error ? e : new Error(String(e));
    return {
      kind: "failed",
      failure: {
        id: u.id,
        label: u.label,
        message: err.message,
        stack: err.stack ?? null,
        runErrors,
      },
    };
  }
  // a full or read-only disk stops the run here (one line, exit 1), not as a failed unit
  await rc.store.put(done.record);
  return done;
}

/** The units block of a results document from what this process knows. */
function unitsBlock(
  plan: UnitPlan,
  shard: number,
  memo: ReadonlyMap<string, Outcome>,
): RunUnits {
  const mine = plan.units.filter((u) => u.shard === shard);
  // units that a case judged elsewhere (by merge) needs
  const needed = new Set(
    plan.cases.filter((p) => p.shard !== shard).flatMap((p) => caseUnitIds(p)),
  );
  const byId = new Map<string, Outcome>();
  for (const [k, o] of memo) byId.set(k.slice(0, k.indexOf("|")), o);
  const records: UnitRecord[] = [], failed: UnitFailure[] = [];
  for (const u of mine) {
    if (!needed.has(u.id)) continue;
    const o = byId.get(u.id);
    if (o?.kind === "done") records.push(o.record);
    else if (o?.kind === "failed") failed.push(o.failure);
  }
  return {
    planHash: plan.hash,
    total: plan.units.length,
    assigned: mine.length,
    cases: plan.cases.filter((p) => p.shard === shard).map((p) => p.case.id),
    records,
    failed,
  };
}

/**
 * Run a plan. Configs and seed sets are resolved (and rejected with a {@link UsageError})
 * before any work. The selected cases are planned as work units (see `unit_plan.ts`); this
 * shard runs its units through the unit store in `<out>/units/` (reusing what it holds), and
 * assembles and judges every case whose units are all its own. The results document is
 * rewritten atomically after each case.
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
  const warn = (line: string) => {
    if (!opts.quiet) console.error(`claimbench: warning: ${terminalSafe(line, { oneLine: true })}`);
  };
  const store = new UnitStore(opts.outDir, warn);
  let previous: Results | null = null;
  const exists = await Deno.stat(path).then(() => true, () => false);
  if (exists && !opts.resume) {
    throw new UsageError(
      `${path} already exists: pass --resume to continue that run, or choose another --out`,
    );
  }
  if (!exists && !opts.resume && !(await store.isEmpty())) {
    throw new UsageError(
      `${store.dir} holds the work units of an earlier run: pass --resume to continue it, ` +
        "or choose another --out",
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
  const units = await planUnits(opts.cases, configs, seedSets, {
    profile: opts.profile,
    baseSeed: opts.baseSeed,
    shardCount: opts.shard.count,
  });
  const shard = opts.shard.index;
  if (opts.shard.count > 1 && !opts.quiet) {
    const load = shardLoads(units)[shard - 1];
    for (const line of describeShard(units, load)) console.error(terminalSafe(line));
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
  const memo = new Map<string, Outcome>();
  // a shard keeps the cases it judges (a plan that changed may have moved the others)
  const elsewhere = new Set(units.cases.filter((p) => p.shard !== shard).map((p) => p.case.id));
  const results: Results = previous
    ? {
      ...previous,
      cases: Object.fromEntries(
        Object.entries(previous.cases).filter(([id]) => !elsewhere.has(id)),
      ),
      plan,
      provenance,
      updatedAt: now,
      complete: false,
      units: unitsBlock(units, shard, memo),
    }
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
      units: unitsBlock(units, shard, memo),
    };
  const write = async () => {
    results.units = unitsBlock(units, shard, memo);
    results.updatedAt = new Date().toISOString();
    await atomicWriteTextFile(path, JSON.stringify(results, null, 1));
  };
  await Deno.mkdir(opts.outDir, { recursive: true });
  await write(); // from now on the folder is this run's: a rerun needs --resume
  const caseCount = opts.cases.length;
  let interrupted = false;
  for (let i = 0; i < caseCount && !interrupted; i++) {
    if (opts.signal?.aborted) break;
    const p = units.cases[i], c = p.case;
    const local = p.shard === shard;
    const mine = [...new Set(caseUnitIds(p))].map((id) => units.byId.get(id)!)
      .filter((u) => u.shard === shard);
    if (!local && mine.length === 0) continue;
    const prior = results.cases[c.id];
    if (local && prior && prior.status === "done" && prior.configHash === p.configHash) {
      // a stored verdict is never trusted: it is judged again from the stored measurement
      results.cases[c.id] = rejudgeCaseResult(c, prior, {
        baseSeed: opts.baseSeed,
        commit: provenance.git.commit,
      });
      if (!opts.quiet) {
        console.error(
          `[${
            i + 1
          }/${caseCount}] ${c.id}: measurement kept from the earlier run (--resume), re-judged: ${
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
    const progress = progressFor(c.id, i + 1, caseCount, { quiet: opts.quiet });
    let failure = null as UnitFailure | null, reusedCount = 0;
    // units at once (default 1; a case whose unit leaves cores idle may ask for more): each
    // unit's result depends on the unit alone, so the order they finish in changes nothing
    const concurrency = Math.max(
      1,
      Math.min(mine.length, Math.floor(unitsOf(c).concurrency?.(p.config, caseChoice) ?? 1)),
    );
    const fractions = new Float64Array(mine.length);
    const report = (k: number, frac: number, label: string) => {
      fractions[k] = frac;
      const done = fractions.reduce((a, b) => a + b, 0);
      progress.update(Math.round(done * 1000), mine.length * 1000, label);
    };
    let next = 0;
    const runMine = async () => {
      // after a failed unit, a case judged here ends in error: its other units are not needed
      while (next < mine.length && !(failure && local) && !interrupted) {
        if (opts.signal?.aborted) {
          interrupted = true;
          return;
        }
        const k = next++;
        const u = mine[k];
        const mk = memoKey(u.id, caseChoice.backend);
        let o = memo.get(mk);
        if (!o) {
          const unitLabel = mine.length > 1 ? `unit ${k + 1}/${mine.length}` : "";
          const ran = await runUnit(u, c.id, {
            plan: units,
            store,
            choice: caseChoice,
            backendReason,
            baseSeed: opts.baseSeed,
            signal: opts.signal,
            progress: (frac, label) =>
              report(k, frac, [unitLabel, label].filter(Boolean).join(" ")),
          });
          if (!ran) {
            interrupted = true;
            return;
          }
          o = ran;
          memo.set(mk, o);
        }
        fractions[k] = 1;
        if (o.kind === "failed") failure ??= o.failure;
        else if (o.ranFor !== c.id) reusedCount++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, runMine));
    // the case's units are done: its warm CPU workers (and their WebAssembly memory) go too
    closeSharedWarmPools();
    // a case that was running when the run was interrupted is not kept: --resume reruns it
    if (interrupted || opts.signal?.aborted) break;
    if (local) {
      const backendOf = (id: string) => memoKey(id, caseChoice.backend);
      const result = assembleCase(
        units,
        p,
        (id) => {
          const o = memo.get(backendOf(id));
          return o?.kind === "done"
            ? { record: o.record, result: o.result, reused: o.ranFor !== c.id }
            : undefined;
        },
        failure,
        {
          profile: opts.profile,
          baseSeed: opts.baseSeed,
          commit: provenance.git.commit,
          configModified: modifiedFields(c, opts.overrides, opts.seeds),
          backend: caseChoice.backend,
          backendReason,
        },
      );
      results.cases[c.id] = result;
      prevFailed = result.status === "error";
      progress.finish(
        `${result.status === "error" ? `error: ${result.error?.message}` : result.verdict.status}${
          reusedCount ? ` (${reusedCount} of ${mine.length} unit(s) reused)` : ""
        }`,
      );
    } else {
      prevFailed = failure !== null;
      progress.finish(
        `${failure ? `unit failed: ${failure.message}` : "units done"}; ${mine.length} of ${
          caseUnitIds(p).length
        } unit(s) here, merge judges it`,
      );
    }
    await write();
  }
  const aborted = interrupted || Boolean(opts.signal?.aborted);
  const block = unitsBlock(units, shard, memo);
  // an interrupted run is never complete, even when the interrupt came during its last case
  const have = new Set([...memo.keys()].map((k) => k.slice(0, k.indexOf("|"))));
  const judgedHere = new Set(
    units.cases.filter((p) => p.shard === shard).flatMap((p) => caseUnitIds(p)),
  );
  results.complete = !aborted &&
    block.cases.every((id) => Object.hasOwn(results.cases, id)) &&
    units.units.every((u) => u.shard !== shard || have.has(u.id) || judgedHere.has(u.id));
  await write();
  finished = true;
  choice.device?.destroy();
  return { results, path };
}

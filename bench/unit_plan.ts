/**
 * The unit plan of a run: every selected case's work units (its own, and those of its "run"
 * alternatives), each with its store key, a cost in calibrated seconds and the shard that runs
 * it. A case without `units` is one unit, `all`. Units that cases share (the same store key) are
 * planned once. Shards are balanced by a deterministic greedy LPT over the unit costs, so every
 * shard of a run, and `merge`, compute the same plan from the same code.
 * @module
 */
import { z } from "../deps.ts";
import type { AnyCase, Profile, UnitSpec, WorkUnits } from "./case.ts";
import { configHash } from "./config.ts";
import { CALIBRATION, type Calibration, caseEstimate } from "./estimate.ts";
import { alternativeConfig, runAlternatives, sameValue } from "./judge.ts";
import { unitId } from "./unit_store.ts";
import type { UnitKey } from "../reports/schema.ts";

/** The key of the one unit of a case that declares no units. */
export const WHOLE_CASE_KEY = "all";

const UNIT_KEY = /^[A-Za-z0-9=;,._-]{1,200}$/;

/** One unit of the plan. */
export interface PlannedUnit {
  /** The hash of its key: the same in every shard of the plan. */
  id: string;
  /** `<case>/<key>`, or `<case>[<choice>=<value>]/<key>` for a unit of an alternative. */
  label: string;
  key: UnitKey;
  /** The unit as the case planned it. */
  spec: UnitSpec;
  /** The config it runs with (an alternative's config for an alternative's unit). */
  config: Record<string, unknown>;
  /** Index (in the plan's cases) of the first case that uses it: it runs that case's code. */
  caseIndex: number;
  /** Estimated seconds (calibrated; the case's units sum to its estimate). */
  cost: number;
  /** The shard (1-based) that runs it. */
  shard: number;
}

/** A "run" alternative of a case and its units. */
export interface PlannedAlternative {
  choice: string;
  value: unknown;
  config: Record<string, unknown>;
  units: string[];
}

/** One case of the plan. */
export interface PlannedCase {
  case: AnyCase;
  config: Record<string, unknown>;
  seeds: number[];
  /** The case's config hash (as results.json records it). */
  configHash: string;
  /** The ids of its units, in its plan order. */
  units: string[];
  /** Its "run" alternatives for this profile, each with its units. */
  alternatives: PlannedAlternative[];
  /** Why it could not be planned (it then has no units and ends in error). */
  error: string | null;
  /** The shard that assembles and judges it (every unit of it is there), or null: merge does. */
  shard: number | null;
}

/** The unit plan of a run. */
export interface UnitPlan {
  cases: PlannedCase[];
  /** Every unit once, in the order the cases first use them. */
  units: PlannedUnit[];
  byId: ReadonlyMap<string, PlannedUnit>;
  shardCount: number;
  /** Hash of the units, the cases' use of them and the split into shards. */
  hash: string;
}

/** The work units of `c`: its own, or one unit `all` that runs the whole case. */
// deno-lint-ignore no-explicit-any
export function unitsOf(c: AnyCase): WorkUnits<any, unknown, unknown> {
  if (c.units) return c.units;
  const schema = c.measurementSchema;
  return {
    plan: (config, seeds) => [{ key: WHOLE_CASE_KEY, seeds, cost: c.estimateSeconds(config) }],
    run: (ctx, config) => c.run(ctx, config),
    // validated by the measurement schema, kept as it is (storeAndDecode parses it again)
    resultSchema: schema
      ? z.unknown().superRefine((v, ctx) => {
        const r = schema.safeParse(v);
        if (!r.success) {
          const i = r.error.issues[0];
          ctx.addIssue({ code: "custom", message: `${i.path.join(".")}: ${i.message}` });
        }
      })
      : z.unknown(),
    assemble: (_config, parts) => parts[0].result,
  };
}

/** The store key of a unit of `c` planned for `config`. */
async function keyOf(
  c: AnyCase,
  config: Record<string, unknown>,
  spec: UnitSpec,
  baseSeed: number,
): Promise<UnitKey> {
  const share = c.units?.share;
  const [namespace, version, hash] = share
    ? [
      share.namespace,
      share.version,
      await configHash({
        namespace: share.namespace,
        version: share.version,
        config: share.config(config),
      }),
    ]
    : [c.id, c.version, await configHash({ id: c.id, version: c.version, config })];
  return {
    namespace,
    version,
    configHash: hash,
    baseSeed,
    unit: spec.key,
    seeds: [...spec.seeds],
    part: spec.part ? { ...spec.part } : null,
  };
}

function checkSpecs(specs: UnitSpec[]): void {
  const seen = new Set<string>();
  for (const u of specs) {
    if (typeof u.key !== "string" || !UNIT_KEY.test(u.key)) {
      throw new Error(`unit key ${JSON.stringify(u.key)} (allowed: A-Za-z0-9=;,._-)`);
    }
    if (seen.has(u.key)) throw new Error(`unit key ${u.key} twice`);
    seen.add(u.key);
    if (!Array.isArray(u.seeds) || !u.seeds.every(Number.isSafeInteger)) {
      throw new Error(`unit ${u.key}: seeds must be integers`);
    }
    if (!(Number.isFinite(u.cost) && u.cost >= 0)) throw new Error(`unit ${u.key}: cost ${u.cost}`);
  }
}

/**
 * Greedy LPT: costs in decreasing order (ties by position), each to the shard with the least
 * load (ties: fewer units, then the lower index). Deterministic; returns 1-based shards.
 */
export function assignShards(costs: readonly number[], count: number): number[] {
  const order = costs.map((_, i) => i).sort((a, b) => costs[b] - costs[a] || a - b);
  const load = new Array<number>(count).fill(0), units = new Array<number>(count).fill(0);
  const out = new Array<number>(costs.length);
  for (const i of order) {
    let best = 0;
    for (let s = 1; s < count; s++) {
      if (load[s] < load[best] || (load[s] === load[best] && units[s] < units[best])) best = s;
    }
    load[best] += costs[i];
    units[best]++;
    out[i] = best + 1;
  }
  return out;
}

/** Options of {@link planUnits}. */
export interface PlanUnitsOptions {
  profile: Profile;
  baseSeed: number;
  shardCount: number;
  calibration?: Calibration;
}

/**
 * The unit plan of `cases` (with their resolved configs and seed sets). A case whose units
 * cannot be planned (its `plan` throws or returns invalid units, a declared alternative is not
 * a valid config) has none and an `error`.
 */
export async function planUnits(
  cases: readonly AnyCase[],
  configs: readonly Record<string, unknown>[],
  seedSets: readonly number[][],
  opts: PlanUnitsOptions,
): Promise<UnitPlan> {
  const units: PlannedUnit[] = [];
  const byId = new Map<string, PlannedUnit>();
  const planned: PlannedCase[] = [];
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i], config = configs[i], seeds = seedSets[i];
    const entry: PlannedCase = {
      case: c,
      config,
      seeds,
      configHash: await configHash({ id: c.id, version: c.version, config }),
      units: [],
      alternatives: [],
      error: null,
      shard: null,
    };
    planned.push(entry);
    const plans: { cfg: Record<string, unknown>; alt: PlannedAlternative | null }[] = [
      { cfg: config, alt: null },
    ];
    const specsOf: { spec: UnitSpec; label: string }[][] = [];
    try {
      for (const { choice, value } of runAlternatives(c, opts.profile)) {
        if (sameValue(config[choice], value)) continue;
        const cfg = alternativeConfig(c, config, choice, value);
        plans.push({ cfg, alt: { choice, value, config: cfg, units: [] } });
      }
      const u = unitsOf(c);
      for (const p of plans) {
        const specs = u.plan(p.cfg, seeds);
        checkSpecs(specs);
        const prefix = p.alt ? `${c.id}[${p.alt.choice}=${JSON.stringify(p.alt.value)}]` : c.id;
        specsOf.push(specs.map((spec) => ({ spec, label: `${prefix}/${spec.key}` })));
      }
    } catch (e) {
      entry.error = `cannot plan the work units of ${c.id}: ${e instanceof Error ? e.message : e}`;
      continue;
    }
    // costs scaled so that the case's units sum to its calibrated estimate (at its seed count)
    const est = caseEstimate(c, config, opts.calibration ?? CALIBRATION).seconds *
      seeds.length / Math.max(1, c.defaultSeeds(config));
    const keys = await Promise.all(
      specsOf.map((l, k) =>
        Promise.all(l.map((m) => keyOf(c, plans[k].cfg, m.spec, opts.baseSeed)))
      ),
    );
    const idsOf = await Promise.all(keys.map((l) => Promise.all(l.map(unitId))));
    // the case's distinct units (an alternative may reuse units of the case's own config)
    const distinct = new Map<string, number>();
    specsOf.forEach((l, k) => l.forEach((m, j) => distinct.set(idsOf[k][j], m.spec.cost)));
    const raw = [...distinct.values()].reduce((a, b) => a + b, 0);
    for (let k = 0; k < plans.length; k++) {
      const p = plans[k], ids: string[] = [];
      for (const [j, m] of specsOf[k].entries()) {
        const key = keys[k][j], id = idsOf[k][j];
        ids.push(id);
        // planned by an earlier case (shared units): its cost is counted there
        if (byId.has(id)) continue;
        const share = raw > 0 ? m.spec.cost / raw : 1 / distinct.size;
        const unit: PlannedUnit = {
          id,
          label: m.label,
          key,
          spec: m.spec,
          config: p.cfg,
          caseIndex: i,
          // rounded to milliseconds, so that every machine splits the plan alike
          cost: Math.round(est * share * 1000) / 1000,
          shard: 1,
        };
        units.push(unit);
        byId.set(id, unit);
      }
      if (p.alt) (p.alt.units = ids), entry.alternatives.push(p.alt);
      else entry.units = ids;
    }
  }
  const shards = assignShards(units.map((u) => u.cost), opts.shardCount);
  units.forEach((u, j) => (u.shard = shards[j]));
  for (const p of planned) {
    const all = [...p.units, ...p.alternatives.flatMap((a) => a.units)];
    const where = new Set(all.map((id) => byId.get(id)!.shard));
    p.shard = all.length === 0 ? 1 : where.size === 1 ? [...where][0] : null;
  }
  const hash = await configHash({
    shardCount: opts.shardCount,
    units: units.map((u) => [u.id, u.shard]),
    cases: planned.map((p) => [
      p.case.id,
      p.configHash,
      p.error,
      p.units,
      p.alternatives.map((a) => [a.choice, a.value, a.units]),
    ]),
  });
  return { cases: planned, units, byId, shardCount: opts.shardCount, hash };
}

/** Every unit id of a planned case: its own, then its alternatives'. */
export function caseUnitIds(p: PlannedCase): string[] {
  return [...p.units, ...p.alternatives.flatMap((a) => a.units)];
}

/** One shard of a plan: its units and their estimated seconds. */
export interface ShardLoad {
  index: number;
  seconds: number;
  units: PlannedUnit[];
}

/** The shards of a plan with their units and estimated times. */
export function shardLoads(plan: UnitPlan): ShardLoad[] {
  const out = Array.from({ length: plan.shardCount }, (_, k) => ({
    index: k + 1,
    seconds: 0,
    units: [] as PlannedUnit[],
  }));
  for (const u of plan.units) {
    out[u.shard - 1].units.push(u);
    out[u.shard - 1].seconds += u.cost;
  }
  return out;
}

/** Lines describing one shard: its time, then its units grouped by case. */
export function describeShard(plan: UnitPlan, load: ShardLoad): string[] {
  const lines = [
    `shard ${load.index}/${plan.shardCount}: ~${
      Math.round(load.seconds)
    } s, ${load.units.length} of ${plan.units.length} unit(s)`,
  ];
  const groups = new Map<number, PlannedUnit[]>();
  for (const u of load.units) groups.set(u.caseIndex, [...(groups.get(u.caseIndex) ?? []), u]);
  plan.cases.forEach((p, i) => {
    const us = groups.get(i);
    const here = p.shard === load.index ? "judged here" : "";
    if (!us) {
      // a case judged here whose units all belong to earlier cases (shared), or that has none
      if (here) lines.push(`  ${p.case.id}: no units of its own (${p.error ?? "shared"}); ${here}`);
      return;
    }
    const total = new Set(caseUnitIds(p)).size;
    const secs = us.reduce((s, u) => s + u.cost, 0);
    const keys = us.map((u) => u.label.slice(p.case.id.length).replace(/^\//, ""));
    lines.push(
      `  ${p.case.id}: ${keys.join(", ")} (${us.length} of ${total} unit(s), ~${
        Math.round(secs)
      } s${here ? `; ${here}` : ""})`,
    );
  });
  return lines;
}

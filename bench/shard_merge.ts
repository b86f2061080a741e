/**
 * Merging the shards of a run at unit granularity: the unit plan is computed again from the
 * shards' common plan (cases, profile, seeds, overrides) with this code, and must be the plan
 * every shard ran (its hash); each shard's unit records must be units assigned to it, valid for
 * their case's unit schema; cases whose units several shards ran are assembled and judged here
 * exactly as the runner does, so the merged run equals the unsharded one bit for bit (timings
 * aside). A case judged in its shard is taken as it is.
 * @module
 */
import type { AnyCase } from "./case.ts";
import { resolveConfig } from "./config.ts";
import { planSeeds } from "./seeds.ts";
import { modifiedFields } from "./runner.ts";
import { assembleCase, type UnitOutcome } from "./case_assembly.ts";
import { caseUnitIds, planUnits, unitsOf } from "./unit_plan.ts";
import { checkUnitRecord } from "./unit_store.ts";
import { checkShards, MergeError, mergeShards, type ShardInput } from "../reports/merge.ts";
import type { Profile } from "./case.ts";
import type { Results, UnitFailure } from "../reports/schema.ts";

/** Options of {@link mergeRun}. */
export interface MergeRunOptions {
  runId?: string;
  command?: string[];
}

/**
 * The merged document of `shards`, with `lookup` finding each planned case's code (a case
 * missing from the suite is a {@link MergeError} asking for its pack). Throws a MergeError
 * naming the shard and the unit when the shards do not fit the plan.
 */
export async function mergeRun(
  shards: ShardInput[],
  lookup: (id: string) => AnyCase | undefined,
  opts: MergeRunOptions = {},
): Promise<Results> {
  checkShards(shards);
  const first = shards.find((s) => s.results.plan.shard.index === 1)!.results;
  const { plan } = first;
  const judged = (id: string) => shards.some((s) => Object.hasOwn(s.results.cases, id));
  const handedOver = shards.some((s) =>
    s.results.units!.records.length + s.results.units!.failed.length
  );
  if (!handedOver && plan.cases.every(judged)) {
    // every case was judged in its shard: nothing to assemble, no case code needed
    return mergeShards(shards, { runId: opts.runId, command: opts.command });
  }
  const cases = plan.cases.map((id) => {
    const c = lookup(id);
    if (!c) {
      throw new MergeError(
        `cannot merge: case ${id} is not in this suite (a claim pack's case? pass its --pack)`,
      );
    }
    return c;
  });
  const profile = plan.profile as Profile;
  let configs: Record<string, unknown>[], seedSets: number[][];
  try {
    configs = cases.map((c) => resolveConfig(c, profile, plan.overrides));
    seedSets = planSeeds(cases, configs, plan.seeds, plan.baseSeed);
  } catch (e) {
    throw new MergeError(
      `cannot merge: this code cannot plan the shards' run: ${e instanceof Error ? e.message : e}`,
    );
  }
  const units = await planUnits(cases, configs, seedSets, {
    profile,
    baseSeed: plan.baseSeed,
    shardCount: plan.shard.count,
  });
  const outcomes = new Map<string, UnitOutcome>();
  const failures = new Map<string, UnitFailure>();
  for (const s of shards) {
    const u = s.results.units!;
    const index = s.results.plan.shard.index;
    if (u.planHash !== units.hash) {
      throw new MergeError(
        `cannot merge ${s.source}: its unit plan (${u.planHash.slice(0, 12)}) is not the one ` +
          `this code makes of the same run (${units.hash.slice(0, 12)}): merge with the ` +
          "commit, calibration and packs the shards ran",
      );
    }
    const own = (id: string, label: string) => {
      const planned = units.byId.get(id);
      if (!planned) {
        throw new MergeError(`cannot merge ${s.source}: unit ${label} is not in the plan`);
      }
      if (planned.shard !== index) {
        throw new MergeError(
          `cannot merge ${s.source}: unit ${planned.label} belongs to shard ${planned.shard}, ` +
            `not ${index}`,
        );
      }
      return planned;
    };
    for (const r of u.records) {
      const planned = own(r.id, r.label);
      const owner = units.cases[planned.caseIndex].case;
      const checked = checkUnitRecord(
        r,
        { id: planned.id, key: planned.key, backend: r.backend },
        unitsOf(owner).resultSchema,
      );
      if ("problem" in checked) {
        throw new MergeError(`cannot merge ${s.source}: unit ${planned.label}: ${checked.problem}`);
      }
      outcomes.set(r.id, {
        record: checked.stored.record,
        result: checked.stored.result,
        reused: true,
      });
    }
    for (const f of u.failed) failures.set(own(f.id, f.label).id, f);
  }
  const shardOf = (i: number) => shards.find((s) => s.results.plan.shard.index === i)!;
  const assembled: Results["cases"] = {};
  for (const p of units.cases) {
    const id = p.case.id;
    const judgedIn = shards.find((s) => Object.hasOwn(s.results.cases, id));
    if (judgedIn) {
      const where = judgedIn.results.plan.shard.index;
      if (p.shard !== where) {
        throw new MergeError(
          `cannot merge: case ${id} is judged in ${judgedIn.source}, but the plan ` +
            (p.shard === null ? "splits its units over shards" : `judges it in shard ${p.shard}`),
        );
      }
      continue;
    }
    if (p.shard !== null) {
      if (shardOf(p.shard).results.complete) {
        throw new MergeError(
          `cannot merge: case ${id} has no result in ${shardOf(p.shard).source}, a complete shard`,
        );
      }
      continue; // an incomplete shard: the merged run is incomplete
    }
    const ids = caseUnitIds(p);
    const failure = ids.map((u) => failures.get(u)).find((f) => f !== undefined) ?? null;
    const missing = ids.filter((u) => !outcomes.has(u));
    if (!failure && missing.length) {
      const gone = missing.map((u) => units.byId.get(u)!).find((u) =>
        shardOf(u.shard).results.complete
      );
      if (gone) {
        throw new MergeError(
          `cannot merge: unit ${gone.label} is missing from ${shardOf(gone.shard).source}, ` +
            "a complete shard",
        );
      }
      continue;
    }
    assembled[id] = assembleCase(units, p, (u) => outcomes.get(u), failure, {
      profile,
      baseSeed: plan.baseSeed,
      commit: first.provenance.git.commit,
      configModified: modifiedFields(p.case, plan.overrides, plan.seeds),
      backend: first.provenance.backend,
      backendReason: null,
    });
  }
  return mergeShards(shards, { runId: opts.runId, command: opts.command, assembled });
}

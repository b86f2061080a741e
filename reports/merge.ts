/**
 * Merge the results of a sharded run (`run --shard i/n` on n machines) into one document.
 * Shards must come from the same plan: same cases, profile, seeds, base seed, overrides, backend
 * request, suite version, schema version, unit plan and (when known) git commit; every index
 * 1..n exactly once; no case judged, and no work unit recorded, in two shards. Cases whose
 * units were split over shards are assembled and judged by the caller (`bench/shard_merge.ts`,
 * which has the cases' code) and handed in; the rest were judged in their shard.
 * Pure: documents in, a document out.
 * @module
 */
import { type Results, ResultsFileError } from "./schema.ts";
/** Shards that cannot be merged; the message names the files and the field. */
export class MergeError extends ResultsFileError {
  override name = "MergeError";
}

/** A shard document and where it came from (for messages). */
export interface ShardInput {
  source: string;
  results: Results;
}

const show = (v: unknown) => JSON.stringify(v);

/** Stable JSON (sorted keys) so that `{a,b}` and `{b,a}` overrides compare equal. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${
      Object.keys(v).sort().map((k) =>
        `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`
      ).join(",")
    }}`;
  }
  return JSON.stringify(v);
}

const FIELDS: [string, (r: Results) => unknown][] = [
  ["schema version", (r) => r.schemaVersion],
  ["cases (--case)", (r) => r.plan.cases],
  ["profile", (r) => r.plan.profile],
  ["seeds (--seeds)", (r) => r.plan.seeds],
  ["base seed", (r) => r.plan.baseSeed],
  ["overrides (--set/--config)", (r) => canonical(r.plan.overrides)],
  ["backend request (--backend)", (r) => r.plan.backend],
  ["suite version", (r) => r.provenance.suiteVersion],
  ["shard count", (r) => r.plan.shard.count],
  ["unit plan", (r) => r.units?.planHash],
];

/**
 * Check that `shards` can be merged; throws a {@link MergeError} naming the problem.
 */
export function checkShards(shards: ShardInput[]): void {
  if (!shards.length) throw new MergeError("merge needs at least one shard");
  for (const s of shards) {
    if (!s.results.units) {
      throw new MergeError(
        `cannot merge ${s.source}: it has no unit plan (written by an older claimbench, ` +
          "which split whole cases); run its shards again with this version",
      );
    }
  }
  const [first] = shards;
  for (const s of shards.slice(1)) {
    for (const [name, get] of FIELDS) {
      if (canonical(get(s.results)) !== canonical(get(first.results))) {
        throw new MergeError(
          `cannot merge: ${name} differs between ${first.source} (${
            show(get(first.results))
          }) and ${s.source} (${show(get(s.results))})`,
        );
      }
    }
    const ca = first.results.provenance.git.commit, cb = s.results.provenance.git.commit;
    if (ca && cb && ca !== cb) {
      throw new MergeError(
        `cannot merge: git commit differs between ${first.source} (${ca}) and ${s.source} (${cb})`,
      );
    }
  }
  const n = first.results.plan.shard.count;
  const seen = new Map<number, string>();
  for (const s of shards) {
    const i = s.results.plan.shard.index;
    const prev = seen.get(i);
    if (prev !== undefined) {
      throw new MergeError(`cannot merge: shard ${i}/${n} given twice (${prev} and ${s.source})`);
    }
    seen.set(i, s.source);
  }
  const missing = Array.from({ length: n }, (_, k) => k + 1).filter((i) => !seen.has(i));
  if (missing.length) {
    throw new MergeError(
      `cannot merge: missing shard(s) ${missing.map((i) => `${i}/${n}`).join(", ")} ` +
        `(got ${[...seen.keys()].sort((x, y) => x - y).map((i) => `${i}/${n}`).join(", ")})`,
    );
  }
  const owner = new Map<string, string>();
  for (const s of shards) {
    for (const id of Object.keys(s.results.cases)) {
      const prev = owner.get(id);
      if (prev !== undefined) {
        throw new MergeError(`cannot merge: case ${id} is judged in ${prev} and in ${s.source}`);
      }
      owner.set(id, s.source);
    }
  }
  const unitOwner = new Map<string, string>();
  for (const s of shards) {
    const u = s.results.units!;
    for (const r of [...u.records, ...u.failed]) {
      const prev = unitOwner.get(r.id);
      if (prev !== undefined) {
        throw new MergeError(
          `cannot merge: unit ${r.label} is recorded ${
            prev === s.source ? `twice in ${prev}` : `in ${prev} and in ${s.source}`
          }`,
        );
      }
      unitOwner.set(r.id, s.source);
    }
  }
}

/** Options of {@link mergeShards}. */
export interface MergeOptions {
  runId?: string;
  command?: string[];
  /** Cases assembled and judged from units that several shards ran (by the caller). */
  assembled?: Results["cases"];
}

/**
 * Merge shard documents into one (shard 1/1): the cases judged in their shards plus
 * `opts.assembled`, in plan order. Provenance is shard 1's (host-specific facts such as the
 * adapter may differ per shard: each case keeps its own backend), with the merge command as its
 * command; `createdAt` is the earliest, `updatedAt` the latest; `complete` is true when every
 * shard is and every planned case has a result.
 *
 * @example
 * ```ts ignore
 * import { mergeShards } from "./merge.ts";
 * const merged = mergeShards([{ source: "s1", results: r1 }, { source: "s2", results: r2 }], {
 *   runId: "nightly",
 * });
 * ```
 */
export function mergeShards(shards: ShardInput[], opts: MergeOptions = {}): Results {
  checkShards(shards);
  const sorted = [...shards].sort((x, y) =>
    x.results.plan.shard.index - y.results.plan.shard.index
  );
  const first = sorted[0].results;
  const cases = first.plan.cases;
  const merged: Results["cases"] = {};
  const extra: string[] = [];
  const assembled = opts.assembled ?? {};
  for (const id of cases) {
    const s = sorted.find((s) => Object.hasOwn(s.results.cases, id));
    if (s) merged[id] = s.results.cases[id];
    else if (Object.hasOwn(assembled, id)) merged[id] = assembled[id];
  }
  for (const s of sorted) {
    for (const [id, c] of Object.entries(s.results.cases)) {
      if (!Object.hasOwn(merged, id)) (merged[id] = c), extra.push(id);
    }
  }
  const times = (f: (r: Results) => string) => sorted.map((s) => f(s.results)).sort();
  const units = first.units!;
  return {
    ...first,
    runId: opts.runId ?? first.runId.replace(/-shard\d+of\d+$/, ""),
    createdAt: times((r) => r.createdAt)[0],
    updatedAt: times((r) => r.updatedAt).at(-1)!,
    complete: sorted.every((s) => s.results.complete) &&
      cases.every((id) => Object.hasOwn(merged, id)),
    plan: { ...first.plan, cases: [...cases, ...extra], shard: { index: 1, count: 1 } },
    provenance: {
      ...first.provenance,
      command: opts.command ?? [...first.provenance.command],
    },
    cases: merged,
    // the plan the shards ran, every unit of it done here
    units: {
      planHash: units.planHash,
      total: units.total,
      assigned: units.total,
      cases: [...cases],
      records: [],
      failed: [],
    },
  };
}

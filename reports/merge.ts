/**
 * Merge the results of a sharded run (`run --shard i/n` on n machines) into one document.
 * Shards must come from the same plan: same profile, seeds, base seed, overrides, backend
 * request, suite version, schema version and (when known) git commit; every index 1..n exactly
 * once; no case in two shards. The merged plan lists the cases in the original order (the
 * runner deals cases round-robin, so shard i's k-th case was at position k·n + i − 1).
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
  ["profile", (r) => r.plan.profile],
  ["seeds (--seeds)", (r) => r.plan.seeds],
  ["base seed", (r) => r.plan.baseSeed],
  ["overrides (--set/--config)", (r) => canonical(r.plan.overrides)],
  ["backend request (--backend)", (r) => r.plan.backend],
  ["suite version", (r) => r.provenance.suiteVersion],
  ["shard count", (r) => r.plan.shard.count],
];

/**
 * Check that `shards` can be merged; throws a {@link MergeError} naming the problem.
 */
export function checkShards(shards: ShardInput[]): void {
  if (!shards.length) throw new MergeError("merge needs at least one shard");
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
    const ids = new Set([...s.results.plan.cases, ...Object.keys(s.results.cases)]);
    for (const id of ids) {
      const prev = owner.get(id);
      if (prev !== undefined) {
        throw new MergeError(`cannot merge: case ${id} appears in ${prev} and in ${s.source}`);
      }
      owner.set(id, s.source);
    }
  }
}

/**
 * Merge shard documents into one (shard 1/1). Provenance is shard 1's (host-specific facts
 * such as the adapter may differ per shard: each case keeps its own backend), with the merge
 * command appended to its command; `createdAt` is the earliest, `updatedAt` the latest;
 * `complete` is true when every shard is.
 *
 * @example
 * ```ts ignore
 * import { mergeShards } from "./merge.ts";
 * const merged = mergeShards([{ source: "s1", results: r1 }, { source: "s2", results: r2 }], {
 *   runId: "nightly",
 * });
 * ```
 */
export function mergeShards(
  shards: ShardInput[],
  opts: { runId?: string; command?: string[] } = {},
): Results {
  checkShards(shards);
  const sorted = [...shards].sort((x, y) =>
    x.results.plan.shard.index - y.results.plan.shard.index
  );
  const lists = sorted.map((s) => s.results.plan.cases);
  const cases: string[] = [];
  for (let k = 0; k < Math.max(...lists.map((l) => l.length)); k++) {
    for (const l of lists) if (k < l.length) cases.push(l[k]);
  }
  const merged: Results["cases"] = {};
  const extra: string[] = [];
  for (const id of cases) {
    const s = sorted.find((s) => id in s.results.cases);
    if (s) merged[id] = s.results.cases[id];
  }
  for (const s of sorted) {
    for (const [id, c] of Object.entries(s.results.cases)) {
      if (!(id in merged)) (merged[id] = c), extra.push(id);
    }
  }
  const first = sorted[0].results;
  const times = (f: (r: Results) => string) => sorted.map((s) => f(s.results)).sort();
  return {
    ...first,
    runId: opts.runId ?? first.runId.replace(/-shard\d+of\d+$/, ""),
    createdAt: times((r) => r.createdAt)[0],
    updatedAt: times((r) => r.updatedAt).at(-1)!,
    complete: sorted.every((s) => s.results.complete) &&
      cases.every((id) => id in merged),
    plan: { ...first.plan, cases: [...cases, ...extra], shard: { index: 1, count: 1 } },
    provenance: {
      ...first.provenance,
      command: opts.command ?? [...first.provenance.command],
    },
    cases: merged,
  };
}

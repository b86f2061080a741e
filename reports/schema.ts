/**
 * The results document: the contract between `run` and everything that reads runs
 * (`report`, `compare`, `merge`, `--resume`). Zod is the single source; the JSON Schema file
 * `reports/results.schema.json` is generated from it (`deno task schema`).
 * @module
 */
import { z } from "../deps.ts";
import { jsonShapeProblem, readRegularTextFile, UnsafeJsonError } from "./safe_json.ts";

/** Bumped when the document's shape changes incompatibly. */
export const RESULTS_SCHEMA_VERSION = 2;

/** The four verdicts. */
export const VerdictStatusSchema = z.enum([
  "reproduced",
  "not reproduced",
  "inconclusive",
  "error",
]);
/** One of the four verdicts. */
export type VerdictStatus = z.infer<typeof VerdictStatusSchema>;

/** A number that may be non-finite in memory; JSON stores NaN/±Infinity as null. */
const num = z.number().nullable();

/** One quantitative check of a claim: a statistic, its CI and the tolerance band it is judged against. */
export const CheckSchema = z.object({
  name: z.string().describe("what is checked, e.g. 'crossing n*/d at d=32'"),
  status: VerdictStatusSchema,
  value: num.describe("point estimate of the statistic"),
  ci: z.tuple([num, num]).describe("95% confidence interval"),
  band: z.tuple([num, num]).describe("tolerance band; null stands for -inf/+inf"),
  primary: z.boolean().describe("whether this check decides the case's verdict"),
  note: z.string().default(""),
  reason: z.string().default("").describe(
    "why the check could not decide (open band, degenerate statistic, failed runs); empty otherwise",
  ),
});
/** One check. */
export type Check = z.infer<typeof CheckSchema>;

/** The verdict under one declared alternative of one of our own choices. */
export const RobustnessRowSchema = z.object({
  choice: z.string().describe("config field of the choice (tagged 'ours')"),
  value: z.unknown().describe("the alternative value (the default row holds the config's value)"),
  isDefault: z.boolean(),
  needs: z.enum(["judge", "run"]).describe(
    "judge: re-judged from the stored measurement; run: measured again with this value",
  ),
  status: VerdictStatusSchema,
  statistic: z.string(),
  estimate: num,
  ci: z.tuple([num, num]),
  note: z.string().default(""),
});
/** One row of a robustness table. */
export type RobustnessRow = z.infer<typeof RobustnessRowSchema>;

/** Whether a verdict holds under every declared alternative of our own choices. */
export const RobustnessSchema = z.object({
  label: z.string().describe("'robust', or 'depends on <choice>[, <choice>]'"),
  dependsOn: z.array(z.string()),
  rows: z.array(RobustnessRowSchema),
  skipped: z.array(z.string()).default([]).describe(
    "alternatives not evaluated in this profile (they need a run; the budget is stated)",
  ),
});
/** The robustness of a verdict. */
export type Robustness = z.infer<typeof RobustnessSchema>;

/** A case's verdict: the combined status of its primary checks, with all checks listed. */
export const VerdictSchema = z.object({
  status: VerdictStatusSchema,
  statistic: z.string().describe("name of the headline statistic"),
  value: num,
  ci: z.tuple([num, num]),
  band: z.tuple([num, num]),
  checks: z.array(CheckSchema),
  findings: z.array(z.string()).describe(
    "plain-language observations (monotonicity, censoring, ...)",
  ),
  robustness: RobustnessSchema.nullable().default(null).describe(
    "the verdict under the declared alternatives of our own choices (null: none declared)",
  ),
});
/** A verdict. */
export type Verdict = z.infer<typeof VerdictSchema>;

/** A chart: a complete Vega-Lite spec with its data inlined. */
export const ChartSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  title: z.string(),
  spec: z.record(z.string(), z.unknown()),
});
/** A chart. */
export type Chart = z.infer<typeof ChartSchema>;

/** An individual training run that failed (NaN, divergence) without failing the case. */
export const RunErrorSchema = z.object({
  run: z.string().describe("which run: seed and grid point"),
  step: z.number().nullable(),
  observable: z.string().nullable(),
  message: z.string(),
});
/** A failed run. */
export type RunError = z.infer<typeof RunErrorSchema>;

/** Where a hyperparameter comes from. */
export const ParamSourceSchema = z.object({
  source: z.enum(["paper", "claims", "ours"]),
  note: z.string(),
});

/** The result of one case in one run. */
export const CaseResultSchema = z.object({
  id: z.string(),
  version: z.number().int(),
  paper: z.string(),
  claim: z.string(),
  profile: z.string(),
  status: z.enum(["done", "error"]),
  backend: z.enum(["webgpu", "cpu"]),
  backendReason: z.string().nullable().default(null).describe(
    "why this case ran on another backend than the run's",
  ),
  config: z.record(z.string(), z.unknown()),
  configHash: z.string(),
  params: z.record(z.string(), ParamSourceSchema),
  seeds: z.array(z.number().int()),
  startedAt: z.string(),
  endedAt: z.string(),
  durationS: z.number().describe(
    "seconds of the case's work: the time during which at least one of its units ran (their " +
      "run times, also of units reused from the unit store or shared with another case; units " +
      "that ran at once count once) plus assembling and judging",
  ),
  measurement: z.unknown().describe(
    "raw measurement as the case's measurement schema stores it (non-finite numbers as the strings 'NaN', 'Infinity', '-Infinity')",
  ),
  alternatives: z.array(z.object({
    choice: z.string(),
    value: z.unknown(),
    measurement: z.unknown(),
  })).default([]).describe("measurements taken again under a declared alternative ('run' kind)"),
  claimSpec: z.record(z.string(), z.unknown()).default({}).describe(
    "the claim's fixed part (bands, levels) the verdict was judged against",
  ),
  configModified: z.array(z.string()).default([]).describe(
    "config fields set by --set/--config/--seeds for this case; non-empty = 'modified config'",
  ),
  judge: z.object({
    suiteVersion: z.string(),
    commit: z.string().nullable(),
    rejudgedAt: z.string().nullable(),
  }).nullable().default(null).describe("which code judged the stored measurement"),
  prediction: z.unknown(),
  verdict: VerdictSchema,
  charts: z.array(ChartSchema),
  tables: z.array(z.object({
    id: z.string(),
    title: z.string(),
    columns: z.array(z.string()),
    rows: z.array(z.array(z.union([z.string(), z.number(), z.null()]))),
  })).default([]),
  runErrors: z.array(RunErrorSchema).default([]),
  error: z.object({ message: z.string(), stack: z.string().nullable() }).nullable(),
  timings: z.record(z.string(), z.number()).default({}),
});
/** One case's result. */
export type CaseResult = z.infer<typeof CaseResultSchema>;

/** Machine, software and adapter facts recorded with every run. */
export const ProvenanceSchema = z.object({
  suiteVersion: z.string(),
  apiVersion: z.string().optional().describe("version of the public API (mod.ts) packs build on"),
  packs: z.array(z.object({
    name: z.string(),
    location: z.string().describe("the path or URL the pack was loaded from"),
    sha256: z.string().describe("hash of the pack module's source"),
    cases: z.array(z.string()),
  })).default([]).describe("claim packs loaded next to the built-in cases"),
  git: z.object({
    commit: z.string().nullable(),
    dirty: z.boolean().nullable(),
    branch: z.string().nullable(),
  }),
  deno: z.string(),
  v8: z.string(),
  typescript: z.string(),
  os: z.string(),
  arch: z.string(),
  osRelease: z.string(),
  cpuModel: z.string(),
  cpuCount: z.number(),
  cpuWorkers: z.number().int().min(1).optional().describe(
    "workers of the CPU paths (CLAIMBENCH_CPU_WORKERS or the core count); absent in older results",
  ),
  memoryBytes: z.number(),
  hostname: z.string(),
  backendRequested: z.enum(["auto", "webgpu", "cpu"]),
  backend: z.enum(["webgpu", "cpu"]),
  fallbackReason: z.string().nullable(),
  adapter: z.object({
    vendor: z.string(),
    architecture: z.string(),
    device: z.string(),
    description: z.string(),
    isFallbackAdapter: z.boolean(),
    limits: z.record(z.string(), z.number()),
    features: z.array(z.string()),
    backendHint: z.string().nullable(),
  }).nullable(),
  command: z.array(z.string()),
  ci: z.boolean(),
});
/** Provenance. */
export type Provenance = z.infer<typeof ProvenanceSchema>;

/** What was asked for: the plan that `--resume` and `merge` check for compatibility. */
export const PlanSchema = z.object({
  profile: z.enum(["smoke", "quick", "full"]),
  cases: z.array(z.string()).describe(
    "case ids of the run, in order (every shard of a sharded run lists them all)",
  ),
  seeds: z.number().int().positive().nullable().describe(
    "--seeds override, null = profile default",
  ),
  baseSeed: z.number().int(),
  overrides: z.record(z.string(), z.unknown()),
  backend: z.enum(["auto", "webgpu", "cpu"]),
  shard: z.object({ index: z.number().int().positive(), count: z.number().int().positive() }),
});
/** A plan. */
export type Plan = z.infer<typeof PlanSchema>;

/** What identifies a work unit's result: the same key always gives the same numbers. */
export const UnitKeySchema = z.object({
  namespace: z.string().describe("the case id, or the share namespace of units cases share"),
  version: z.number().int().describe("the case version, or the share version"),
  configHash: z.string().describe("hash of the config (or of the shared part of it)"),
  baseSeed: z.number().int(),
  unit: z.string().describe("the unit's key within its case's plan, e.g. seeds=0-3"),
  seeds: z.array(z.number().int()),
  part: z.record(z.string(), z.union([z.string(), z.number()])).nullable(),
});
/** A unit's key. */
export type UnitKey = z.infer<typeof UnitKeySchema>;

/** One work unit's result, as the unit store keeps it and a shard hands it to `merge`. */
export const UnitRecordSchema = z.object({
  id: z.string().describe("hash of the unit's key (the same in every shard of a plan)"),
  label: z.string().describe("<case>/<unit key>, or <case>[<choice>=<value>]/<unit key>"),
  key: UnitKeySchema,
  backend: z.enum(["webgpu", "cpu"]),
  backendReason: z.string().nullable().default(null),
  result: z.unknown().describe(
    "the unit's result as the case's unit schema stores it (non-finite numbers as strings)",
  ),
  runErrors: z.array(RunErrorSchema).default([]),
  timings: z.record(z.string(), z.number()).default({}),
  durationS: z.number(),
  startedAt: z.string(),
  endedAt: z.string(),
});
/** A unit record. */
export type UnitRecord = z.infer<typeof UnitRecordSchema>;

/** A unit that failed (the case using it ends in error). */
export const UnitFailureSchema = z.object({
  id: z.string(),
  label: z.string(),
  message: z.string(),
  stack: z.string().nullable(),
  runErrors: z.array(RunErrorSchema).default([]),
});
/** A failed unit. */
export type UnitFailure = z.infer<typeof UnitFailureSchema>;

/** The work units of a run or shard. */
export const RunUnitsSchema = z.object({
  planHash: z.string().describe(
    "hash of the whole unit plan and its split into shards (equal in every shard of a run)",
  ),
  total: z.number().int().min(0).describe("units in the whole plan, all shards together"),
  assigned: z.number().int().min(0).describe("units this shard runs"),
  cases: z.array(z.string()).describe(
    "the cases this shard assembles and judges (every unit of theirs is in this shard)",
  ),
  records: z.array(UnitRecordSchema).describe(
    "this shard's units of cases that other shards share: merge assembles those cases",
  ),
  failed: z.array(UnitFailureSchema).default([]),
});
/** The units of a run. */
export type RunUnits = z.infer<typeof RunUnitsSchema>;

/** The whole results document. */
export const ResultsSchema = z.object({
  schema: z.literal("claimbench.results"),
  schemaVersion: z.literal(RESULTS_SCHEMA_VERSION),
  runId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  complete: z.boolean().describe("true once every planned case has a result"),
  plan: PlanSchema,
  provenance: ProvenanceSchema,
  cases: z.record(z.string(), CaseResultSchema),
  units: RunUnitsSchema.nullable().default(null).describe(
    "the run's work units: its plan hash and, in a shard, the unit results merge needs",
  ),
});
/** A results document. */
export type Results = z.infer<typeof ResultsSchema>;

/** Raised when a results file cannot be read or does not validate. */
export class ResultsFileError extends Error {
  override name = "ResultsFileError";
}

/** Replace NaN/±Infinity by null so that JSON round-trips and validation agree. */
export function jsonSafe<T>(value: T): T {
  return JSON.parse(
    JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v)),
  );
}

/** Parse and validate a results document; errors name the file and the offending fields. */
export function parseResults(text: string, source = "results"): Results {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ResultsFileError(
      `${source} is not valid JSON (truncated or corrupt?): ${e instanceof Error ? e.message : e}`,
    );
  }
  const problem = jsonShapeProblem(raw);
  if (problem) throw new ResultsFileError(`${source} is refused: ${problem}`);
  const obj = raw as { schema?: unknown; schemaVersion?: unknown };
  if (
    obj && typeof obj === "object" && obj.schema === "claimbench.results" &&
    obj.schemaVersion !== RESULTS_SCHEMA_VERSION
  ) {
    throw new ResultsFileError(
      `${source} has schemaVersion ${
        JSON.stringify(obj.schemaVersion)
      }; this claimbench reads version ${RESULTS_SCHEMA_VERSION}`,
    );
  }
  const parsed = ResultsSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.slice(0, 5).map((i) =>
      `${i.path.join(".") || "(root)"}: ${i.message}`
    );
    throw new ResultsFileError(
      `${source} is not a claimbench results document:\n  ${issues.join("\n  ")}`,
    );
  }
  return parsed.data;
}

/**
 * The text of a results file, checked to be a regular file of bounded size first (a FIFO
 * would block); any failure is a {@link ResultsFileError} naming the file.
 */
export async function readResultsText(path: string): Promise<string> {
  try {
    return await readRegularTextFile(path);
  } catch (e) {
    if (e instanceof UnsafeJsonError) throw new ResultsFileError(e.message);
    throw new ResultsFileError(`cannot read ${path}: ${e instanceof Error ? e.message : e}`);
  }
}

/** Read and validate a results file. */
export async function readResults(path: string): Promise<Results> {
  return parseResults(await readResultsText(path), path);
}

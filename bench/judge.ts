/**
 * The one path from a stored measurement to a verdict, shared by the runner (right after a case
 * ran), `--resume` (cases kept from an earlier run) and `rejudge` (a results file judged again by
 * the current code): decode and validate the measurement with the case's schema, predict, judge,
 * evaluate the declared alternatives of our own choices (robustness), draw the charts.
 * @module
 */
import type { AnyCase, CaseContext, JudgeContext, Profile, Table } from "./case.ts";
import { PhiloxStream } from "../datasets/philox.ts";
import { decodeMeasurement, encodeMeasurement } from "../reports/measurement_codec.ts";
import type { Chart, Robustness, RobustnessRow, Verdict } from "../reports/schema.ts";

/** A judge context for a base seed: resampling seeds derived by name. */
export function judgeContext(baseSeed: number): JudgeContext {
  return {
    baseSeed,
    seed: (name, ...ids) => new PhiloxStream(baseSeed, `resample:${name}`, ...ids).int(0x7fffffff),
  };
}

/** A measurement taken again under one alternative value of a choice ("run" alternatives). */
export interface AlternativeMeasurement {
  choice: string;
  value: unknown;
  measurement: unknown;
}

/** Everything judged from a measurement. */
export interface Judged {
  prediction: unknown;
  verdict: Verdict;
  charts: Chart[];
  tables: Table[];
}

/** Raised when a stored measurement does not match its case's measurement schema. */
export class MeasurementSchemaError extends Error {
  override name = "MeasurementSchemaError";
}

/**
 * A stored (encoded) measurement decoded and validated by the case's schema. Throws
 * {@link MeasurementSchemaError} naming the first offending fields.
 */
export function decodeStored(c: AnyCase, stored: unknown): unknown {
  const decoded = decodeMeasurement(stored);
  if (!c.measurementSchema) return decoded;
  const parsed = c.measurementSchema.safeParse(decoded);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.slice(0, 3).map((i) =>
    `${i.path.join(".") || "(root)"}: ${i.message}`
  );
  throw new MeasurementSchemaError(
    `the measurement of ${c.id} does not match its schema: ${issues.join("; ")}`,
  );
}

/**
 * The measurement as results.json stores it, and that stored form decoded and validated (what
 * every judge reads): one encode, one decode.
 */
export function storeAndDecode(
  c: AnyCase,
  measurement: unknown,
): { stored: unknown; decoded: unknown } {
  const stored = encodeMeasurement(measurement);
  return { stored, decoded: decodeStored(c, stored) };
}

/** The measurement as results.json stores it, checked to decode and validate. */
export function storeMeasurement(c: AnyCase, measurement: unknown): unknown {
  return storeAndDecode(c, measurement).stored;
}

/** Whether two config values are the same (as JSON). */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The config with `choice` set to `value`, validated (a declared alternative that is not valid throws). */
export function alternativeConfig(
  c: AnyCase,
  config: Record<string, unknown>,
  choice: string,
  value: unknown,
): Record<string, unknown> {
  const parsed = c.configSchema.safeParse({ ...config, [choice]: value });
  if (!parsed.success) {
    throw new Error(
      `${c.id}: declared alternative ${choice}=${JSON.stringify(value)} is not a valid config: ${
        parsed.error.issues[0]?.message
      }`,
    );
  }
  return parsed.data as Record<string, unknown>;
}

function rowOf(
  choice: string,
  value: unknown,
  isDefault: boolean,
  needs: "judge" | "run",
  v: Verdict,
  note = "",
): RobustnessRow {
  return {
    choice,
    value,
    isDefault,
    needs,
    status: v.status,
    statistic: v.statistic,
    estimate: v.value,
    ci: v.ci,
    note,
  };
}

/** The alternatives of `c` that a run of `profile` measures again. */
export function runAlternatives(
  c: AnyCase,
  profile: Profile,
): { choice: string; value: unknown }[] {
  return (c.alternatives ?? []).filter((a) =>
    a.needs === "run" && (a.runIn ?? ["full"]).includes(profile)
  ).flatMap((a) => a.values.map((value) => ({ choice: a.choice, value })));
}

/**
 * Measure the "run" alternatives of `c` for this profile: the case runs again with each value.
 * Returns the stored (encoded) measurements.
 */
export async function measureAlternatives(
  c: AnyCase,
  ctx: CaseContext,
  config: Record<string, unknown>,
  profile: Profile,
): Promise<AlternativeMeasurement[]> {
  const out: AlternativeMeasurement[] = [];
  for (const { choice, value } of runAlternatives(c, profile)) {
    if (sameValue(config[choice], value)) continue;
    const cfg = alternativeConfig(c, config, choice, value);
    const m = await c.run(ctx, cfg);
    out.push({ choice, value, measurement: storeMeasurement(c, m) });
  }
  return out;
}

/** The robustness of `verdict` under the declared alternatives of `c` (null: none declared). */
export function robustnessOf(
  c: AnyCase,
  measurement: unknown,
  config: Record<string, unknown>,
  verdict: Verdict,
  j: JudgeContext,
  alternatives: AlternativeMeasurement[],
  profile: string,
): Robustness | null {
  const decls = c.alternatives ?? [];
  if (!decls.length) return null;
  const rows: RobustnessRow[] = [];
  const skipped: string[] = [];
  for (const a of decls) {
    // one default row per choice, even when its alternatives are declared in several groups
    if (!rows.some((r) => r.isDefault && r.choice === a.choice)) {
      rows.push(rowOf(a.choice, config[a.choice], true, a.needs, verdict));
    }
    for (const value of a.values) {
      if (sameValue(config[a.choice], value)) continue;
      const label = `${a.choice}=${JSON.stringify(value)}`;
      let m = measurement;
      if (a.needs === "run") {
        const stored = alternatives.find((x) => x.choice === a.choice && sameValue(x.value, value));
        if (!stored) {
          skipped.push(
            `${label}: needs a run; measured in the ${
              (a.runIn ?? ["full"]).join("/")
            } profile(s), not in ${profile}`,
          );
          continue;
        }
        m = decodeStored(c, stored.measurement);
      }
      try {
        const cfg = alternativeConfig(c, config, a.choice, value);
        const v = c.judge({ measurement: m, prediction: c.predict(cfg) }, cfg, j);
        rows.push(rowOf(a.choice, value, false, a.needs, v));
      } catch (e) {
        rows.push({
          ...rowOf(a.choice, value, false, a.needs, verdict),
          status: "error",
          estimate: null,
          ci: [null, null],
          note: e instanceof Error ? e.message : String(e),
        });
      }
    }
  }
  // each measured ("run") alternative judged again under every judge-only alternative: our
  // choices can interact (a step rule whose verdict changes only in another fit window)
  for (const alt of alternatives) {
    if (!decls.some((a) => a.choice === alt.choice && a.needs === "run")) continue;
    const m = decodeStored(c, alt.measurement);
    const base = alternativeConfig(c, config, alt.choice, alt.value);
    for (const a of decls.filter((d) => d.needs === "judge" && d.choice !== alt.choice)) {
      for (const value of a.values) {
        if (sameValue(config[a.choice], value)) continue;
        const choice = `${alt.choice} × ${a.choice}`;
        const both = { [alt.choice]: alt.value, [a.choice]: value };
        try {
          const cfg = alternativeConfig(c, base, a.choice, value);
          const v = c.judge({ measurement: m, prediction: c.predict(cfg) }, cfg, j);
          rows.push(rowOf(choice, both, false, "run", v));
        } catch (e) {
          rows.push({
            ...rowOf(choice, both, false, "run", verdict),
            status: "error",
            estimate: null,
            ci: [null, null],
            note: e instanceof Error ? e.message : String(e),
          });
        }
      }
    }
  }
  const dependsOn = [
    ...new Set(
      rows.filter((r) => !r.isDefault && r.status !== verdict.status).map((r) => r.choice),
    ),
  ];
  const evaluated = rows.some((r) => !r.isDefault);
  return {
    label: dependsOn.length
      ? `depends on ${dependsOn.join(", ")}`
      : evaluated
      ? "robust"
      : "robustness not assessed in this profile",
    dependsOn,
    rows,
    skipped,
  };
}

/**
 * Judge a decoded measurement: prediction, verdict (with its robustness), charts and tables.
 * Pure: the same inputs give the same outputs, which is what makes `rejudge` byte-identical.
 */
export function judgeMeasurement(
  c: AnyCase,
  measurement: unknown,
  config: Record<string, unknown>,
  opts: {
    baseSeed: number;
    alternatives: AlternativeMeasurement[];
    profile: string;
    /** Why the case ran on another backend than the run's (a finding), if it did. */
    backendReason?: string | null;
    /** How many individual runs failed (a finding), if any. */
    runErrorCount?: number;
  },
): Judged {
  const j = judgeContext(opts.baseSeed);
  const prediction = c.predict(config);
  const out = { measurement, prediction };
  const verdict = c.judge(out, config, j);
  verdict.robustness = robustnessOf(
    c,
    measurement,
    config,
    verdict,
    j,
    opts.alternatives,
    opts.profile,
  );
  if (opts.backendReason) verdict.findings.push(`Backend: ${opts.backendReason}.`);
  if (opts.runErrorCount) {
    verdict.findings.push(
      `${opts.runErrorCount} individual run(s) failed and were excluded (see run errors)`,
    );
  }
  const charts = c.charts(out, config, verdict);
  const tables = c.tables?.(out, config, verdict) ?? [];
  return { prediction, verdict, charts, tables };
}

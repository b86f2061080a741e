/**
 * Resolving a case's config: profile defaults, then `--set` overrides, validated by the case's
 * zod schema. Errors name the field, the value given and the allowed values.
 * @module
 */
import { z } from "../deps.ts";
import type { AnyCase, Profile } from "./case.ts";
import { UsageError } from "./usage_error.ts";

/** Parse `key=value` strings; values are JSON when they parse as JSON, else strings. */
export function parseOverrides(sets: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of sets) {
    const eq = s.indexOf("=");
    if (eq <= 0) {
      throw new UsageError(
        `--set ${JSON.stringify(s)}: expected key=value, e.g. --set seeds=50 or --set dims=[8,16]`,
      );
    }
    const key = s.slice(0, eq).trim(), raw = s.slice(eq + 1).trim();
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new UsageError(
        `--set ${JSON.stringify(s)}: the key must be a config field name (letters, digits, _)`,
      );
    }
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a bare string such as bbT
    }
    out[key] = value;
  }
  return out;
}

/**
 * Overrides from a JSON config file: an object of field → value (the same fields as `--set`).
 * Errors name the file and what is wrong.
 */
export async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    throw new UsageError(
      `--config ${path}: cannot read it (${e instanceof Error ? e.message : e})`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new UsageError(
      `--config ${path}: not valid JSON (${e instanceof Error ? e.message : e})`,
    );
  }
  const parsed = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), z.unknown()).safeParse(raw);
  if (!parsed.success || Array.isArray(raw)) {
    throw new UsageError(
      `--config ${path}: expected a JSON object of config fields, e.g. {"seeds": 50, "dims": [8, 16]}`,
    );
  }
  return parsed.data;
}

/** The object shape of a case's schema (its fields), or an empty shape. */
export function configShape(c: AnyCase): Record<string, z.ZodType> {
  const s = c.configSchema as unknown as { shape?: Record<string, z.ZodType> };
  return s.shape ?? {};
}

/** A human description of what a field accepts, from its JSON Schema. */
export function allowedValues(field: z.ZodType): string {
  let js: Record<string, unknown>;
  try {
    js = z.toJSONSchema(field, { unrepresentable: "any", io: "input" }) as Record<string, unknown>;
  } catch {
    return "see --help";
  }
  return describeJsonSchema(js);
}

function describeJsonSchema(js: Record<string, unknown>): string {
  const parts: string[] = [];
  if (Array.isArray(js.enum)) return `one of ${js.enum.map((v) => JSON.stringify(v)).join(", ")}`;
  const type = js.type as string | undefined;
  if (type === "array") {
    const items = js.items as Record<string, unknown> | Record<string, unknown>[] | undefined;
    if (Array.isArray(items) || js.prefixItems) {
      const list = (js.prefixItems ?? items) as Record<string, unknown>[];
      return `a list of ${list.length} values [${list.map(describeJsonSchema).join(", ")}]`;
    }
    const n = js.minItems !== undefined ? ` with at least ${js.minItems} items` : "";
    return `a JSON list${n} of ${items ? describeJsonSchema(items) : "values"}`;
  }
  parts.push(
    type === "integer" ? "an integer" : type === "number" ? "a number" : type ?? "a value",
  );
  if (js.minimum !== undefined) parts.push(`≥ ${js.minimum}`);
  if (js.exclusiveMinimum !== undefined) parts.push(`> ${js.exclusiveMinimum}`);
  if (js.maximum !== undefined) parts.push(`≤ ${js.maximum}`);
  if (js.exclusiveMaximum !== undefined) parts.push(`< ${js.exclusiveMaximum}`);
  return parts.join(" ");
}

/** Resolve and validate a case's config for a profile and overrides (only the keys it has). */
export function resolveConfig(
  c: AnyCase,
  profile: Profile,
  overrides: Record<string, unknown>,
): Record<string, unknown> {
  rejectClaimOverrides([c], overrides);
  const shape = configShape(c);
  const mine = Object.fromEntries(Object.entries(overrides).filter(([k]) => k in shape));
  const input = { ...c.profiles[profile], ...mine };
  const parsed = c.configSchema.safeParse(input);
  if (parsed.success) return parsed.data as Record<string, unknown>;
  const lines = parsed.error.issues.map((issue) => {
    const field = String(issue.path[0] ?? "");
    const keys = (issue as { keys?: string[] }).keys;
    if (issue.code === "unrecognized_keys" && keys) {
      return `unknown field(s) ${keys.join(", ")}; allowed fields: ${
        Object.keys(shape).join(", ")
      }`;
    }
    const where = issue.path.length ? issue.path.join(".") : "(config)";
    const given = field in input
      ? ` (given ${JSON.stringify((input as Record<string, unknown>)[field])})`
      : "";
    const allowed = shape[field] ? `; allowed: ${allowedValues(shape[field])}` : "";
    const desc = shape[field]?.description ? ` — ${shape[field].description}` : "";
    return `${where}${given}: ${issue.message}${allowed}${desc}`;
  });
  throw new UsageError(`invalid config for ${c.id} (profile ${profile}):\n  ${lines.join("\n  ")}`);
}

/**
 * Reject overrides of a claim's fixed part (bands, levels): the claim is not config. The message
 * names the case whose claim it is and the fixed value.
 */
export function rejectClaimOverrides(
  cases: readonly AnyCase[],
  overrides: Record<string, unknown>,
): void {
  for (const key of Object.keys(overrides)) {
    const owner = cases.find((c) => c.claimSpec && Object.hasOwn(c.claimSpec, key));
    if (owner) {
      throw new UsageError(
        `--set ${key}: '${key}' is part of the claim of ${owner.id} (fixed: ${
          JSON.stringify(owner.claimSpec![key])
        }), not config; a claim's bands and levels cannot be overridden`,
      );
    }
  }
}

/** Check that every override key belongs to at least one selected case. */
export function checkOverrideKeys(cases: AnyCase[], overrides: Record<string, unknown>): void {
  rejectClaimOverrides(cases, overrides);
  const known = new Set(cases.flatMap((c) => Object.keys(configShape(c))));
  const unknown = Object.keys(overrides).filter((k) => !known.has(k));
  if (unknown.length) {
    throw new UsageError(
      `--set ${unknown.join(", ")}: no selected case has ${
        unknown.length > 1 ? "these fields" : "this field"
      }. ` +
        `Allowed fields: ${[...known].sort().join(", ")}`,
    );
  }
}

/** SHA-256 of the canonical JSON (sorted keys) of a value, hex. */
export async function configHash(value: unknown): Promise<string> {
  const canon = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(canon) : v && typeof v === "object"
      ? Object.fromEntries(
        Object.keys(v as object).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])]),
      )
      : v;
  const bytes = new TextEncoder().encode(JSON.stringify(canon(value)));
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

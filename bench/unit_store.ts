/**
 * The unit store: every work unit's result as one JSON file under `<out>/units/`, written
 * atomically, keyed by (case id or share namespace, version, config hash, base seed, unit key,
 * seeds, grid part) and the backend it ran on. `--resume` reuses what it finds (so a kill loses
 * at most the units in progress), and cases that share units (fl.balance and fl.jump) read each
 * other's. A file that is corrupt, from another key or no longer valid for the case's unit
 * schema is reported in one line and the unit runs again; it never stops the run.
 * @module
 */
import { join } from "node:path";
import type { z } from "../deps.ts";
import { configHash } from "./config.ts";
import { atomicWriteTextFile } from "../reports/atomic_write.ts";
import { decodeMeasurement } from "../reports/measurement_codec.ts";
import { jsonShapeProblem, readRegularTextFile } from "../reports/safe_json.ts";
import { type UnitKey, type UnitRecord, UnitRecordSchema } from "../reports/schema.ts";

/** The folder of the unit store inside a run's output folder. */
export const UNITS_DIR = "units";

/** The id of a unit: the hash of its key (the same in every shard and every run of a plan). */
export function unitId(key: UnitKey): Promise<string> {
  return configHash({ unit: key });
}

/** A unit's result read back: the stored record and its result decoded and validated. */
export interface StoredUnit {
  record: UnitRecord;
  /** The result decoded (NaN/±∞ restored) and parsed by the unit's schema. */
  result: unknown;
}

/** A stored unit record checked against the unit it should hold: why it cannot be used, or it decoded and validated. */
export function checkUnitRecord(
  raw: unknown,
  expect: { id: string; key: UnitKey; backend: string },
  schema: z.ZodType,
): { problem: string } | { stored: StoredUnit } {
  const shape = jsonShapeProblem(raw);
  if (shape) return { problem: shape };
  const parsed = UnitRecordSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    return { problem: `not a unit record (${i.path.join(".") || "(root)"}: ${i.message})` };
  }
  const record = parsed.data;
  if (record.id !== expect.id || canonical(record.key) !== canonical(expect.key)) {
    return { problem: "it holds another unit" };
  }
  if (record.backend !== expect.backend) {
    return { problem: `it ran on ${record.backend}, this run uses ${expect.backend}` };
  }
  const result = schema.safeParse(decodeMeasurement(record.result));
  if (!result.success) {
    const i = result.error.issues[0];
    return {
      problem: `its result does not match the case's unit schema (${
        i.path.join(".") || "(root)"
      }: ${i.message})`,
    };
  }
  return { stored: { record, result: result.data } };
}

/** Stable JSON (sorted keys). */
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

/** A file name: the namespace made safe, then a hash of the key and the backend. */
async function fileName(key: UnitKey, backend: string): Promise<string> {
  const ns = key.namespace.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 64);
  const h = await configHash({ key, backend });
  return `${ns}.${h.slice(0, 32)}.json`;
}

/** The unit store of one output folder. */
export class UnitStore {
  /** The store's folder. */
  readonly dir: string;
  #warn: (line: string) => void;
  #made = false;

  /** A store in `<outDir>/units`; `warn` gets one line per unusable file. */
  constructor(outDir: string, warn: (line: string) => void = () => {}) {
    this.dir = join(outDir, UNITS_DIR);
    this.#warn = warn;
  }

  /**
   * The stored result of unit `id` with `key` run on `backend`, validated by `schema`; null
   * when there is none, or (with a one-line warning) when the file cannot be used.
   */
  async get(
    id: string,
    key: UnitKey,
    backend: "webgpu" | "cpu",
    schema: z.ZodType,
    label: string,
  ): Promise<StoredUnit | null> {
    const path = join(this.dir, await fileName(key, backend));
    let text: string;
    try {
      text = await readRegularTextFile(path);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return null;
      this.#warn(
        `cannot read ${path} (${e instanceof Error ? e.message : e}); running ${label} again`,
      );
      return null;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      this.#warn(`${path} is not valid JSON (truncated or corrupt); running ${label} again`);
      return null;
    }
    const checked = checkUnitRecord(raw, { id, key, backend }, schema);
    if ("problem" in checked) {
      this.#warn(`${path} cannot be used: ${checked.problem}; running ${label} again`);
      return null;
    }
    return checked.stored;
  }

  /** Store a unit's record (atomically: a reader sees the old file or the new one). */
  async put(record: UnitRecord): Promise<void> {
    if (!this.#made) {
      await Deno.mkdir(this.dir, { recursive: true });
      this.#made = true;
    }
    const path = join(this.dir, await fileName(record.key, record.backend));
    await atomicWriteTextFile(path, JSON.stringify(record));
  }

  /** Whether the store folder holds any unit file. */
  async isEmpty(): Promise<boolean> {
    try {
      for await (const e of Deno.readDir(this.dir)) if (e.name.endsWith(".json")) return false;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return true;
      throw e;
    }
    return true;
  }
}

import assert from "node:assert/strict";
import { join } from "node:path";
import { z } from "../deps.ts";
import { checkUnitRecord, unitId, UnitStore } from "./unit_store.ts";
import { anyNumber, encodeMeasurement } from "../reports/measurement_codec.ts";
import type { UnitKey, UnitRecord } from "../reports/schema.ts";

const Schema = z.object({ xs: z.array(anyNumber) });
const KEY: UnitKey = {
  namespace: "pack:case.x",
  version: 2,
  configHash: "c0ffee",
  baseSeed: 0,
  unit: "seeds=0-1",
  seeds: [0, 1],
  part: { d: 32 },
};

async function recordOf(key: UnitKey, xs: number[]): Promise<UnitRecord> {
  return {
    id: await unitId(key),
    label: `${key.namespace}/${key.unit}`,
    key,
    backend: "cpu",
    backendReason: null,
    result: encodeMeasurement({ xs }),
    runErrors: [{ run: "seed 1", step: 3, observable: "loss", message: "NaN" }],
    timings: { train: 1.5 },
    durationS: 2,
    startedAt: "2026-01-01T00:00:00Z",
    endedAt: "2026-01-01T00:00:02Z",
  };
}

Deno.test("unit store: a record written is read back with NaN and ±∞ kept; other keys, backends and seeds are misses", async () => {
  const dir = await Deno.makeTempDir();
  const warnings: string[] = [];
  const store = new UnitStore(dir, (w) => warnings.push(w));
  const rec = await recordOf(KEY, [1, NaN, Infinity, -Infinity, -0.5]);
  assert.equal(await store.isEmpty(), true);
  await store.put(rec);
  assert.equal(await store.isEmpty(), false);
  const names = [...Deno.readDirSync(join(dir, "units"))].map((e) => e.name);
  assert.equal(names.length, 1);
  assert.match(
    names[0],
    /^pack_case\.x\.[0-9a-f]{32}\.json$/,
    "a safe file name, no temp file left",
  );
  const got = await store.get(rec.id, KEY, "cpu", Schema, "x");
  assert.deepEqual((got!.result as { xs: number[] }).xs, [1, NaN, Infinity, -Infinity, -0.5]);
  assert.deepEqual(got!.record.runErrors, rec.runErrors);
  assert.equal(await store.get(rec.id, KEY, "webgpu", Schema, "x"), null);
  const other = { ...KEY, seeds: [0, 2] };
  assert.equal(await store.get(await unitId(other), other, "cpu", Schema, "x"), null);
  assert.notEqual(await unitId(other), rec.id);
  assert.deepEqual(warnings, []);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("unit store: a truncated, foreign, invalid or unreadable file is one warning and a miss, never a throw", async () => {
  const dir = await Deno.makeTempDir();
  const warnings: string[] = [];
  const store = new UnitStore(dir, (w) => warnings.push(w));
  const rec = await recordOf(KEY, [1, 2]);
  await store.put(rec);
  const file = join(dir, "units", [...Deno.readDirSync(join(dir, "units"))][0].name);
  const attempts: [string, string | null, RegExp][] = [
    ["truncated", JSON.stringify(rec).slice(0, 40), /not valid JSON/],
    ["not a record", JSON.stringify({ id: rec.id }), /not a unit record/],
    ["another unit", JSON.stringify({ ...rec, id: "f".repeat(64) }), /holds another unit/],
    [
      "invalid result",
      JSON.stringify({ ...rec, result: { xs: ["one"] } }),
      /does not match the case's unit schema \(xs\.0/,
    ],
    ["hostile keys", `{"__proto__": {"x": 1}, "id": "a"}`, /__proto__/],
    ["a folder", null, /cannot read/],
  ];
  for (const [label, text, want] of attempts) {
    warnings.length = 0;
    await Deno.remove(file, { recursive: true });
    if (text === null) await Deno.mkdir(file);
    else await Deno.writeTextFile(file, text);
    assert.equal(await store.get(rec.id, KEY, "cpu", Schema, "u/x"), null, label);
    assert.equal(warnings.length, 1, label);
    assert.match(warnings[0], want, label);
    assert.match(warnings[0], /running u\/x again$/, label);
  }
  await Deno.remove(dir, { recursive: true });
});

Deno.test("checkUnitRecord: the record must hold the expected unit, on the expected backend, valid for the schema", async () => {
  const rec = await recordOf(KEY, [1]);
  const ok = checkUnitRecord(rec, { id: rec.id, key: KEY, backend: "cpu" }, Schema);
  assert.ok("stored" in ok);
  const wrong = checkUnitRecord(rec, { id: rec.id, key: KEY, backend: "webgpu" }, Schema);
  assert.ok("problem" in wrong && /ran on cpu/.test(wrong.problem));
  const moved = checkUnitRecord(
    rec,
    { id: rec.id, key: { ...KEY, baseSeed: 1 }, backend: "cpu" },
    Schema,
  );
  assert.ok("problem" in moved && /another unit/.test(moved.problem));
});

import assert from "node:assert/strict";
import { assignShards, caseUnitIds, planUnits, shardLoads, type UnitPlan } from "./unit_plan.ts";
import { meanCase, unitsCase } from "./_fake_case_test_util.ts";
import type { AnyCase } from "./case.ts";
import type { Calibration } from "./estimate.ts";
import { ALL_CASES } from "./registry.ts";
import { resolveConfig } from "./config.ts";
import { planSeeds } from "./seeds.ts";

/** A deterministic pseudo-random generator for synthetic costs. */
function lcg(seed: number): () => number {
  let s = seed;
  return () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
}

function spread(costs: number[], shards: number[], n: number): { max: number; mean: number } {
  const load = new Array(n).fill(0);
  costs.forEach((c, i) => (load[shards[i] - 1] += c));
  return { max: Math.max(...load), mean: load.reduce((a, b) => a + b, 0) / n };
}

Deno.test("assignShards (LPT): every unit once, deterministic, the largest shard within 1.3× the mean for n ≤ 8 on quick-like costs", () => {
  // units as the brief sizes them: none over ~40 s, a long case in ≥ 4 units; 30 random sets
  const rnd = lcg(7);
  let worst = 0;
  for (let t = 0; t < 30; t++) {
    const costs: number[] = [];
    for (let c = 0; c < 13; c++) {
      const total = 3 + rnd() * 130;
      const k = total >= 60 ? 4 + Math.floor(rnd() * 4) : 1 + Math.floor(rnd() * 3);
      for (let u = 0; u < k; u++) costs.push(total / k);
    }
    for (let n = 1; n <= 8; n++) {
      const a = assignShards(costs, n);
      assert.equal(a.length, costs.length);
      assert.ok(a.every((s) => s >= 1 && s <= n));
      assert.deepEqual(assignShards(costs, n), a, "deterministic");
      const { max, mean } = spread(costs, a, n);
      worst = Math.max(worst, max / mean);
      assert.ok(
        max <= 1.3 * mean,
        `set ${t}, n=${n}: max ${max.toFixed(1)} vs mean ${mean.toFixed(1)}`,
      );
    }
  }
  console.log(`worst max/mean over 30 synthetic sets, n ≤ 8: ${worst.toFixed(3)}`);
});

Deno.test("assignShards: one unit larger than the mean gets a shard to itself; zero costs spread round-robin", () => {
  const a = assignShards([100, 10, 10, 10, 10], 3);
  assert.equal(a.filter((s) => s === a[0]).length, 1);
  assert.deepEqual(assignShards([0, 0, 0, 0, 0], 2), [1, 2, 1, 2, 1]);
  assert.deepEqual(assignShards([], 4), []);
});

const CAL: Calibration = {
  about: "test",
  run: {
    runId: "t",
    createdAt: "2026-01-01",
    profile: "quick",
    commit: null,
    machine: "test",
    backend: "cpu",
    load: "0",
  },
  cases: {
    "p.a": { rawSeconds: 6, measuredSeconds: 12, factor: 2, runId: "t" },
  },
};

async function plan(cases: AnyCase[], n: number, seeds?: number): Promise<UnitPlan> {
  const configs = cases.map((c) => c.configSchema.parse({}) as Record<string, unknown>);
  const seedSets = cases.map((c, i) =>
    Array.from({ length: seeds ?? c.defaultSeeds(configs[i]) }, (_, k) => k)
  );
  return await planUnits(cases, configs, seedSets, {
    profile: "smoke",
    baseSeed: 0,
    shardCount: n,
    calibration: CAL,
  });
}

Deno.test("planUnits: a case's unit costs sum to its calibrated estimate; shared units are planned once; a whole case is one unit", async () => {
  const cases = [
    unitsCase("p.a", { seconds: 6 }),
    unitsCase("p.b", { share: "p.s", perUnit: 1, seconds: 4 }),
    unitsCase("p.c", { share: "p.s", perUnit: 1, seconds: 4 }),
    meanCase("p.whole"),
  ];
  const p = await plan(cases, 3);
  const cost = (ids: string[]) => ids.reduce((s, id) => s + p.byId.get(id)!.cost, 0);
  // p.a: raw 6 s × factor 2, over its units and its alternative's
  assert.ok(Math.abs(cost(caseUnitIds(p.cases[0])) - 12) < 0.01);
  assert.ok(Math.abs(cost(caseUnitIds(p.cases[1])) - 4) < 0.01, "uncalibrated: the raw estimate");
  assert.deepEqual(caseUnitIds(p.cases[2]), caseUnitIds(p.cases[1]), "p.c uses p.b's units");
  assert.equal(p.units.length, 6 + 12 + 2);
  assert.deepEqual(p.cases[3].units.length, 1);
  assert.match(p.byId.get(p.cases[3].units[0])!.label, /^p\.whole\/all$/);
  assert.match(p.byId.get(p.cases[0].alternatives[0].units[0])!.label, /^p\.a\[k=5\]\/seeds=0-1$/);
  // every unit in exactly one shard; the loads add up
  const loads = shardLoads(p);
  assert.equal(loads.reduce((s, l) => s + l.units.length, 0), p.units.length);
  assert.ok(
    Math.abs(loads.reduce((s, l) => s + l.seconds, 0) - cost(p.units.map((u) => u.id))) < 1e-9,
  );
  // the same plan twice: the same hash; another shard count or seed count: another
  assert.equal((await plan(cases, 3)).hash, p.hash);
  assert.notEqual((await plan(cases, 2)).hash, p.hash);
  assert.notEqual((await plan(cases, 3, 4)).hash, p.hash);
  // a case is judged in a shard only when all of its units are there
  for (const c of p.cases) {
    const where = new Set(caseUnitIds(c).map((id) => p.byId.get(id)!.shard));
    assert.equal(c.shard, where.size === 1 ? [...where][0] : null);
  }
});

Deno.test("planUnits: a case whose units cannot be planned has none and an error; the others are planned", async () => {
  const bad = unitsCase("p.bad");
  const dup = {
    ...bad,
    id: "p.dup",
    units: {
      ...bad.units!,
      plan: () => [{ key: "x", seeds: [0], cost: 1 }, { key: "x", seeds: [1], cost: 1 }],
    },
  } as AnyCase;
  const weird = {
    ...bad,
    id: "p.weird",
    units: { ...bad.units!, plan: () => [{ key: "a b", seeds: [0], cost: 1 }] },
  } as AnyCase;
  const throws = {
    ...bad,
    id: "p.throws",
    units: {
      ...bad.units!,
      plan: () => {
        throw new Error("no grid");
      },
    },
  } as AnyCase;
  const p = await plan([dup, weird, throws, unitsCase("p.ok")], 2);
  assert.match(p.cases[0].error!, /unit key x twice/);
  assert.match(p.cases[1].error!, /unit key "a b"/);
  assert.match(p.cases[2].error!, /no grid/);
  assert.deepEqual(p.cases.slice(0, 3).map((c) => [c.units.length, c.shard]), [[0, 1], [0, 1], [
    0,
    1,
  ]]);
  assert.equal(p.cases[3].error, null);
  assert.equal(p.cases[3].units.length, 3);
});

Deno.test({
  name: "the quick profile's shards: the largest within 1.3× the mean for n = 2 … 8 (issue 17)",
  fn: async () => {
    // a case without units is one unit: every built-in case declares its units
    assert.deepEqual(ALL_CASES.filter((c) => c.units === undefined).map((c) => c.id), []);
    const configs = ALL_CASES.map((c) => resolveConfig(c, "quick", {}));
    const seedSets = planSeeds(ALL_CASES, configs, null, 0);
    const lines: string[] = [];
    for (let n = 2; n <= 8; n++) {
      const p = await planUnits(ALL_CASES, configs, seedSets, {
        profile: "quick",
        baseSeed: 0,
        shardCount: n,
      });
      const secs = shardLoads(p).map((l) => l.seconds);
      const mean = secs.reduce((a, b) => a + b, 0) / n, max = Math.max(...secs);
      lines.push(
        `n=${n}: ${secs.map((s) => s.toFixed(0)).join(", ")} s (max/mean ${
          (max / mean).toFixed(3)
        })`,
      );
      assert.ok(max <= 1.3 * mean, lines.at(-1));
    }
    console.log(lines.join("\n"));
  },
});

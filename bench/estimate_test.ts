import assert from "node:assert/strict";
import { ALL_CASES, findCase } from "./registry.ts";
import {
  busyMachineNote,
  CALIBRATION,
  type Calibration,
  calibrationFrom,
  estimateSelection,
  ownSeconds,
  REUSES,
  withinFactor,
} from "./estimate.ts";
import { MEASURED_RUNS, measuredRunOf } from "./estimate_reference.ts";
import { resolveConfig } from "./config.ts";
import type { Profile } from "./case.ts";
import { readResults, type Results } from "../reports/schema.ts";
import { runCli } from "./_cli_test_util.ts";

Deno.test("every registered case has a calibration factor measured on a run", () => {
  for (const c of ALL_CASES) {
    const k = CALIBRATION.cases[c.id];
    assert(k, `${c.id} has no factor in bench/calibration.json: run deno task calibrate`);
    assert(Number.isFinite(k.factor) && k.factor > 0, `${c.id}: factor ${k.factor}`);
  }
});

// The acceptance check of issue 16: list's estimate within 2× of the measured time of every
// case, against every measured run of the reference (bench/estimate_reference.json). It fails
// when a cost model or a profile's defaults change without recalibration, or when a new
// measured run disagrees with the calibration.
for (const run of MEASURED_RUNS.runs) {
  Deno.test(`calibrated ${run.profile} estimates are within 2× of the run measured ${run.createdAt.slice(0, 10)} (${run.runId})`, () => {
    const cases = Object.keys(run.durations).map((id) => findCase(id)).filter((c) =>
      c !== undefined
    );
    const est = estimateSelection(cases, run.profile as Profile);
    const off = est.filter((e) => !withinFactor(e.seconds, run.durations[e.id])).map((e) =>
      `${e.id}: estimated ${e.seconds.toFixed(1)} s, measured ${run.durations[e.id]} s`
    );
    assert.deepEqual(off, [], `load ${run.load}`);
    const total = est.reduce((s, e) => s + e.seconds, 0);
    const measured = Object.values(run.durations).reduce((s, x) => s + x, 0);
    assert(withinFactor(total, measured), `total ${total} vs ${measured}`);
  });
}

// A real smoke run of fl.balance then fl.jump (a few seconds): real durations, real reuse.
const smokeDir = await Deno.makeTempDir({ prefix: "claimbench-estimate-" });
const smokeRun = await runCli([
  "run",
  "--case",
  "fl.balance,fl.jump",
  "--profile",
  "smoke",
  "--backend",
  "cpu",
  "--no-report",
  "--quiet",
  "--out",
  smokeDir,
]);
const smoke: Results = await readResults(`${smokeDir}/results.json`);

Deno.test("calibrationFrom: factor = recorded duration / estimateSeconds of the recorded config", () => {
  assert.equal(smokeRun.code, 0, smokeRun.stderr);
  const bal = findCase("fl.balance")!, jump = findCase("fl.jump")!;
  const { calibration, skipped } = calibrationFrom(smoke, ALL_CASES, { load: "0.1 0.1 0.1" });
  assert.deepEqual(skipped, []);
  const raw = bal.estimateSeconds(resolveConfig(bal, "smoke", {}));
  const measured = smoke.cases["fl.balance"].durationS;
  assert.equal(calibration.cases["fl.balance"].factor, measured / raw);
  assert.equal(calibration.run.runId, smoke.runId);
  assert.equal(calibration.run.load, "0.1 0.1 0.1");
  // fl.jump ran after fl.balance: it reused the training, keeps balance's factor
  assert.equal(calibration.cases["fl.jump"].reusedFrom, "fl.balance");
  assert.equal(calibration.cases["fl.jump"].factor, measured / raw);
  const own = ownSeconds(smoke.cases["fl.jump"]);
  assert(own < measured, "the reuse is real: judging only");
  // estimates from it: jump alone costs the training; after balance only its judging
  const alone = estimateSelection([jump], "smoke", calibration)[0];
  assert.equal(
    alone.seconds,
    jump.estimateSeconds(resolveConfig(jump, "smoke", {})) * measured / raw,
  );
  const both = estimateSelection([bal, jump], "smoke", calibration);
  assert.equal(both[0].seconds, measured);
  assert.equal(both[1].seconds, own);
  assert.match(both[1].note, /reuses fl\.balance/);
  // and the measured run records the reuse and the durations as recorded
  const m = measuredRunOf(smoke, "x.json", "n/a");
  assert.deepEqual(m.reused, { "fl.jump": "fl.balance" });
  assert.equal(m.durations["fl.balance"], Number(measured.toFixed(2)));
  assert.deepEqual(Object.keys(REUSES), ["fl.jump"]);
});

Deno.test("calibrationFrom skips errored cases and keeps earlier factors for cases not run", () => {
  const r = structuredClone(smoke);
  r.cases["fl.jump"].status = "error";
  const prev: Calibration = structuredClone(CALIBRATION);
  const { calibration, skipped } = calibrationFrom(r, ALL_CASES, { load: "x", previous: prev });
  assert.deepEqual(skipped, ["fl.jump: ended in error (its time is not the case's cost)"]);
  assert.deepEqual(calibration.cases["fl.jump"], prev.cases["fl.jump"]);
  assert.deepEqual(calibration.cases["mem.transition"], prev.cases["mem.transition"]);
});

Deno.test("an uncalibrated case falls back to its raw estimate and says so", () => {
  const c = findCase("mem.hellinger-onset")!;
  const empty: Calibration = { ...CALIBRATION, cases: {} };
  const [e] = estimateSelection([c], "quick", empty);
  assert.equal(e.seconds, e.rawSeconds);
  assert.equal(e.note, "not calibrated");
});

Deno.test("withinFactor: 2× both ways, floored at 1 s", () => {
  assert(withinFactor(20, 10) && withinFactor(5, 10) && !withinFactor(21, 10));
  assert(!withinFactor(4.9, 10) && withinFactor(0, 0.4) && withinFactor(1.9, 0));
});

Deno.test("busyMachineNote: only when the 1-minute load exceeds the cores", () => {
  assert.equal(busyMachineNote([1.5, 1, 1], 2), null);
  assert.match(busyMachineNote([9.3, 5, 2], 2)!, /load average is 9\.3 on 2 cores/);
  assert.equal(busyMachineNote(null, 2), null);
});

Deno.test("list prints calibrated estimates, says so, and counts fl.jump's reuse once", async () => {
  const all = await runCli(["list"]);
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stdout, /Estimates are calibrated/);
  assert.match(
    all.stdout,
    /fl\.jump {2}v\d+ {2}~\d+s \(quick, \d+ seeds; reuses fl\.balance's work\)/,
  );
  const alone = await runCli(["list", "--case", "fl.jump", "--json"]);
  const [row] = JSON.parse(alone.stdout);
  const bal = CALIBRATION.cases["fl.balance"];
  assert.equal(row.calibrationFactor, bal.factor);
  assert(row.estimatedSeconds > 10, "fl.jump alone trains: it costs what fl.balance costs");
});

Deno.test("cleanup", async () => {
  await Deno.remove(smokeDir, { recursive: true });
});

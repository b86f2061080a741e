import assert from "node:assert/strict";
import { type ConventionMeasurement, recordPoint, runMemExperiment } from "./_experiment.ts";
import { transition } from "./transition.ts";
import { makeTestContext } from "../testing.ts";
import { resolveConfig } from "../config.ts";
import { measurementHash } from "../units_testing.ts";
import { sharedWarmPool } from "../../models/cpu/warm_pool.ts";

// The smoke measurement of mem.transition on the CPU, as pinned in units_test.ts (recorded before
// the host tasks moved to workers): the worker path must give it too.
const SMOKE_SHA256 = "0c0d7dfe89827dfb884dd987b0332813c30d7d99581a02fd29b13c9c92f62423";

Deno.test("mem experiment: draws and host tasks on 2 warm workers measure the serial loop's bits, run errors included", async () => {
  const seeds = [0, 1, 2, 3, 4, 5];
  // the worker path reuses the process's warm pool across runs (as units do); closed at the end
  try {
    await workerRuns(seeds);
  } finally {
    sharedWarmPool(2, 2).close();
  }
});

async function workerRuns(seeds: number[]): Promise<void> {
  for (const over of [{}, { dataMean: 1e308 }]) {
    const cfg = resolveConfig(transition, "smoke", over) as never;
    const runs = await Promise.all([1, 2].map(async (workers) => {
      const ctx = makeTestContext({ seeds });
      const m = await runMemExperiment(ctx, cfg, true, { workers });
      return { m, errors: ctx.runErrors };
    }));
    assert.deepStrictEqual(runs[1].m, runs[0].m);
    assert.deepStrictEqual(runs[1].errors, runs[0].errors);
    if (!Object.keys(over).length) assert.equal(await measurementHash(runs[1].m), SMOKE_SHA256);
    else assert.ok(runs[1].errors.length > 0, "the runs fail");
  }
}

Deno.test("recordPoint: one entry per row and point, whether the error came before or after tr and H²", () => {
  const m = { deltaPositive: [[]], h2: [[]], traceOverD: [[]] } as ConventionMeasurement;
  recordPoint(m, 0, { tr: 1, h2: 0.5 }, 1); // measured
  recordPoint(m, 0, { error: "fit failed" }, null); // failed before tr
  recordPoint(m, 0, { tr: 2, h2: 0.7, error: "kernel distance failed" }, null); // after H²
  recordPoint(m, 0, { tr: 3, error: "H² failed" }, null); // between tr and H²
  assert.deepEqual(m.traceOverD[0], [1, null, 2, 3]);
  assert.deepEqual(m.h2[0], [0.5, null, 0.7, null]);
  assert.deepEqual(m.deltaPositive[0], [1, null, null, null]);
  const h = { deltaPositive: [[]], h2: [[]], traceOverD: [[]] } as ConventionMeasurement;
  recordPoint(h, 0, { tr: 1, h2: 0.5 }, undefined); // H² only: no Δ row
  assert.deepEqual(h.deltaPositive[0], []);
});

import assert from "node:assert/strict";
import { PhiloxStream } from "../../datasets/philox.ts";
import { drawFeatures, timeBiasTable, timeGrid } from "./features.ts";
import { bestResponder, buildPool, classGaps, mutualSystem, PoolStats } from "./game.ts";
import { geometricCheckpoints, type IgdOptions, type IgdResult, runIgd } from "./igd.ts";
import { jsIgdStepper } from "./igd_steps.ts";
import { streamIntsWasm, wasmIgdStepper } from "./igd_wasm.ts";
import { assertSameBits } from "./lt_wasm_testing.ts";

// Tolerance: none. The WebAssembly steps do the reference's operations in its order per entry of
// the iterate, with the same minibatch indices, so gaps and iterates are identical.

/** A K-class game in d dimensions with m features per network. */
function game(K: number, d: number, m: number, draws: number) {
  const grid = timeGrid(0.05, 2, 8, "geometric");
  const nets = Array.from(
    { length: K },
    (_, c) =>
      drawFeatures(
        new PhiloxStream(3, "f", c),
        d,
        m,
        3,
        { wScale: 1, uScale: 1, bScale: 1 },
        0.05,
        2,
      ),
  );
  const tb = nets.map((f) => timeBiasTable(f, grid));
  const data = nets.map((_, c) =>
    new PhiloxStream(3, "d", c).fillNormal(
      new Float64Array(d * (5 + 7 * c)),
      1 + c,
      c - 1,
    ) as Float64Array
  );
  const pool = buildPool(new PhiloxStream(3, "p"), data, nets, tb, grid, draws, 1);
  return { pool, stats: new PoolStats(pool) };
}

function optionsOf(g: ReturnType<typeof game>, beta: number): IgdOptions {
  return {
    beta,
    ridge: 1e-2,
    steps: 300,
    batch: 5,
    fullBatch: false,
    lr: 0.8,
    smoothness: Array.from({ length: g.pool.K }, (_, y) => 0.5 + 0.1 * y),
    schedule: "invsqrt",
    checkpoints: geometricCheckpoints(300, 2),
    drawKey: new PhiloxStream(4, "igd").key,
  };
}

function run(
  g: ReturnType<typeof game>,
  beta: number,
  over: Partial<IgdOptions>,
  kernel: typeof jsIgdStepper,
): IgdResult {
  const br = bestResponder(mutualSystem(g.stats, beta, 1e-2));
  return runIgd(g.pool, br, { ...optionsOf(g, beta), ...over }, kernel);
}

function assertSameRun(a: IgdResult, b: IgdResult, label: string): void {
  assertSameBits(Float64Array.from(a.gap), Float64Array.from(b.gap), `${label}: gaps`);
  assertSameBits(Float64Array.from(a.best), Float64Array.from(b.best), `${label}: best`);
  assert.equal(a.failedAt, b.failedAt, `${label}: failedAt`);
  a.A.forEach((Ay, y) => assertSameBits(Ay, b.A[y], `${label}: A_${y}`));
}

Deno.test("wasm IGD steps: the reference's gaps and iterates (minibatch d = 2, full batch d = 1 and 2)", () => {
  for (const [K, m] of [[2, 16], [3, 13], [2, 40]]) {
    const g2 = game(K, 2, m, 48), g1 = game(K, 1, m, 48);
    for (const beta of [0, 0.05, 1]) {
      for (const schedule of ["invsqrt", "constant"] as const) {
        for (const fullBatch of [false, true]) {
          for (const g of fullBatch ? [g2, g1] : [g2]) {
            const over = { schedule, fullBatch };
            const label = `K=${K} m=${m} d=${g.pool.d} β=${beta} ${schedule} full=${fullBatch}`;
            assertSameRun(
              run(g, beta, over, wasmIgdStepper),
              run(g, beta, over, jsIgdStepper),
              label,
            );
          }
        }
      }
    }
  }
});

Deno.test("wasm IGD steps: a diverging run fails at the reference's checkpoint with the same values", () => {
  const g = game(2, 2, 12, 40);
  for (const fullBatch of [false, true]) {
    const over = { lr: 400, schedule: "constant" as const, fullBatch, steps: 2000 };
    const w = run(g, 0.3, over, wasmIgdStepper), j = run(g, 0.3, over, jsIgdStepper);
    assert.notEqual(j.failedAt, null, "the fixture must diverge");
    assertSameRun(w, j, `diverging full=${fullBatch}`);
  }
});

/**
 * The driver as it was before steppers: one step, then a record, at every iteration (the test's
 * oracle for runIgd's jumps from checkpoint to checkpoint).
 */
function perStepGaps(g: ReturnType<typeof game>, beta: number, over: Partial<IgdOptions>) {
  const br = bestResponder(mutualSystem(g.stats, beta, 1e-2));
  const opts = { ...optionsOf(g, beta), ...over };
  const stepper = jsIgdStepper(g.pool, br, opts);
  const gap: number[] = [];
  let ci = 0;
  const record = (t: number) => {
    while (ci < opts.checkpoints.length && opts.checkpoints[ci] === t) {
      gap.push(Math.max(...classGaps(br, stepper.iterate()))), ci++;
    }
  };
  record(0);
  for (let t = 0; t < opts.steps && ci < opts.checkpoints.length; t++) {
    stepper.steps(t, t + 1);
    record(t + 1);
  }
  return { gap, A: stepper.iterate() };
}

Deno.test("runIgd: unsorted, repeated, non-integer and unreached checkpoints record where the per-step loop does", () => {
  const g = game(2, 2, 8, 32);
  for (const checkpoints of [[0, 3, 7.5, 20], [0, 5, 400], [1, 1, 2, 50], [0, 9, 4, 30], [600]]) {
    for (const fullBatch of [false, true]) {
      const over = { checkpoints, steps: 600, fullBatch };
      const r = run(g, 0.1, over, wasmIgdStepper), o = perStepGaps(g, 0.1, over);
      assertSameBits(Float64Array.from(r.gap), Float64Array.from(o.gap), `${checkpoints}: gaps`);
      r.A.forEach((Ay, y) => assertSameBits(Ay, o.A[y], `${checkpoints}: A_${y}`));
    }
  }
});

Deno.test("streamIntsWasm: the ints PhiloxStream.int draws from a fresh stream", () => {
  for (const n of [1, 2, 7, 4096, 2 ** 31 - 1]) {
    const s = new PhiloxStream(8, "ints", n);
    const js = Int32Array.from({ length: 1001 }, () => s.int(n));
    assert.deepEqual(streamIntsWasm(s.key, n, 1001), js, `n=${n}`);
  }
});

Deno.test("wasm IGD steps: exactly zero residuals (zero targets at A = 0) are skipped lane by lane, as in the reference", () => {
  const g = game(2, 2, 12, 40);
  for (const pc of g.pool.classes) {
    for (let i = 0; i < pc.N; i += 2) pc.target[2 * i + 1] = 0; // one lane zero
    for (let i = 0; i < pc.N; i += 3) pc.target[2 * i] = pc.target[2 * i + 1] = 0; // both lanes
  }
  for (const beta of [0, 0.2]) {
    const over = { steps: 40, checkpoints: [0, 1, 2, 40] };
    assertSameRun(
      run(g, beta, over, wasmIgdStepper),
      run(g, beta, over, jsIgdStepper),
      `β=${beta}`,
    );
  }
});

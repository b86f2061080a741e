import assert from "node:assert/strict";
import { PhiloxStream } from "../../datasets/philox.ts";
import { twoPatchSample, type TwoPatchVariant } from "../../datasets/two_patch.ts";
import { buildRows, type FlBatch, type FlModel, neuronCount } from "./batch.ts";
import { JS_ROWS, ResidentRows, WASM_ROWS } from "./rows_wasm.ts";
import { trainCpu } from "./train_cpu.ts";
import { firstDiff } from "../wasm/bits_testing.ts";

// Tolerance: none. Every step of the WebAssembly trainer keeps the JS reference's operations and
// their order, so every logged value and every final weight must have the same bits (Object.is).

interface Shape {
  d: number;
  n: number;
  m: number;
  lr: number;
  q?: number;
  variant?: TwoPatchVariant;
  /** Initial weight scales, one run each. */
  scales: number[];
}

function batch(model: FlModel, s: Shape, seed: number): FlBatch {
  const { d, n, m } = s, variant = s.variant ?? "orthogonal";
  const data = twoPatchSample(new PhiloxStream(seed, "tw.data"), { n, d, variant, sigmaXi: 1 });
  const M = neuronCount(model, m);
  return {
    model,
    d,
    n,
    m,
    steps: 24,
    logEvery: 4,
    lr: s.lr,
    alpha: Math.exp(-0.5),
    beta: Math.sqrt(1 - Math.exp(-1)),
    q: s.q ?? 3,
    runs: s.scales.map((scale, i) => ({
      X: buildRows(data, variant, d, 1.7),
      y: data.y,
      W0: new PhiloxStream(seed + i, "tw.init").fillNormal(
        new Float64Array(M * d),
        scale,
      ) as Float64Array,
    })),
  };
}

const SHAPES: Shape[] = [
  { d: 33, n: 7, m: 5, lr: 0.02, scales: [0.3, 0.05] }, // odd d, R = 9, odd M
  { d: 3, n: 1, m: 1, lr: 0.05, scales: [0.5] }, // the smallest
  { d: 64, n: 6, m: 8, lr: 0.01, scales: [0.2], variant: "signed" }, // R = 8: one full tile
  { d: 40, n: 20, m: 3, lr: 0.01, q: 2, scales: [0.3] }, // q = 2
  { d: 17, n: 9, m: 4, lr: 0.01, q: 2.5, scales: [0.3] }, // non-integer q: the engine's **
  { d: 50, n: 11, m: 6, lr: 3, scales: [0.5, 1, 0.01] }, // large steps: runs that diverge
  { d: 37, n: 13, m: 11, lr: 0.01, scales: [0.2] }, // H in tiles of 8 plus a pair and one; R = 15
  { d: 24, n: 22, m: 16, lr: 0.005, q: 2, scales: [0.15] }, // m a power of two, R % 8 = 0
];

Deno.test("trainRunWasm: every log and final weight has the JS reference's bits, diverging runs included", () => {
  let failed = 0;
  for (const [i, s] of SHAPES.entries()) {
    for (const model of ["diffusion", "classifier"] as const) {
      const b = batch(model, s, 10 + i);
      const ref = trainCpu(b, { kernels: JS_ROWS }), wasm = trainCpu(b);
      const tag = `${model} d=${s.d} n=${s.n} m=${s.m} q=${b.q}`;
      assert.equal(firstDiff(wasm.logs, ref.logs), null, `${tag} logs`);
      assert.equal(firstDiff(wasm.W, ref.W), null, `${tag} weights`);
      assert.deepEqual(wasm.failedAt, ref.failedAt, `${tag} failedAt`);
      failed += ref.failedAt.filter((t) => t >= 0).length;
    }
  }
  assert.ok(failed >= 2, `the large-step shape should make runs diverge (${failed} did)`);
});

Deno.test("trainRunWasm: the copying kernels (WASM_ROWS) agree too, and reset a resident run", () => {
  const b = batch("diffusion", SHAPES[0], 3);
  assert.equal(firstDiff(trainCpu(b, { kernels: WASM_ROWS }).W, trainCpu(b).W), null);
  const mem = new ResidentRows();
  mem.alloc(64);
  WASM_ROWS.gram(new Float64Array(4), 2, 2);
  assert.throws(() => mem.check(), /reset during a resident run/);
});

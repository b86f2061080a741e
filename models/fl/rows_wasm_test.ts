import assert from "node:assert/strict";
import { PhiloxStream } from "../../datasets/philox.ts";
import { twoPatchSample } from "../../datasets/two_patch.ts";
import { addRowCombinations, buildRows, type FlBatch, innerProducts } from "./batch.ts";
import {
  addRowCombinationsWasm,
  gramWasm,
  innerProductsWasm,
  JS_ROWS,
  WASM_ROWS,
} from "./rows_wasm.ts";
import { gram } from "./diffusion.ts";
import { trainCpu } from "./train_cpu.ts";

// Tolerance: none. The WebAssembly row kernels keep the reference's f64 summation order, so every
// value must have the same bits (Object.is).

function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): string | null {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return `[${i}] ${a[i]} vs ${b[i]}`;
  return null;
}

Deno.test("rows_wasm: innerProducts, gram and addRowCombinations have the reference's bits (odd sizes, zero coefficients)", () => {
  const rng = new PhiloxStream(11, "rows-wasm");
  for (
    const [M, R, d] of [
      [1, 1, 1],
      [2, 3, 5],
      [5, 9, 17],
      [32, 42, 256],
      [64, 22, 255],
      [3, 8, 2],
      [3, 5, 601],
    ]
  ) {
    const W = rng.fillNormal(new Float64Array(M * d)) as Float64Array;
    const X = rng.fillNormal(new Float64Array(R * d)) as Float64Array;
    const tag = `M=${M} R=${R} d=${d}`;
    assert.equal(
      firstDiff(innerProductsWasm(W, X, M, R, d), innerProducts(W, X, M, R, d)),
      null,
      tag,
    );
    assert.equal(firstDiff(gramWasm(W, M, d), gram(W, M, d)), null, `${tag} gram`);
    const C = new Float64Array(M * R).map(() => (rng.uniform() < 0.3 ? 0 : rng.normal()));
    for (const scale of [1, 2, -0.5]) {
      const a = rng.fillNormal(new Float64Array(M * d)) as Float64Array, b = a.slice();
      addRowCombinations(a, C, X, M, R, d, scale);
      addRowCombinationsWasm(b, C, X, M, R, d, scale);
      assert.equal(firstDiff(b, a), null, `${tag} scale=${scale}`);
    }
  }
});

function batch(model: FlBatch["model"]): FlBatch {
  const d = 33, n = 7, m = 5;
  const s = twoPatchSample(new PhiloxStream(3, "rw.data"), {
    n,
    d,
    variant: "orthogonal",
    sigmaXi: 1,
  });
  const M = model === "diffusion" ? m : 2 * m;
  const runs = [0.3, 0.05].map((scale, i) => ({
    X: buildRows(s, "orthogonal", d, 1.7),
    y: s.y,
    W0: new PhiloxStream(i, "rw.init").fillNormal(new Float64Array(M * d), scale) as Float64Array,
  }));
  return {
    model,
    d,
    n,
    m,
    steps: 40,
    logEvery: 10,
    lr: 0.02,
    alpha: Math.exp(-0.5),
    beta: Math.sqrt(1 - Math.exp(-1)),
    q: 3,
    runs,
  };
}

Deno.test("trainCpu: the WebAssembly and JS row kernels give the same logs and weights, bit for bit", () => {
  for (const model of ["diffusion", "classifier"] as const) {
    const b = batch(model);
    const js = trainCpu(b, { kernels: JS_ROWS }), wasm = trainCpu(b, { kernels: WASM_ROWS });
    assert.equal(firstDiff(wasm.logs, js.logs), null, `${model} logs`);
    assert.equal(firstDiff(wasm.W, js.W), null, `${model} weights`);
    assert.ok(js.logs.every(Number.isFinite));
  }
});

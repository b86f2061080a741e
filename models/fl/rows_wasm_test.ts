import assert from "node:assert/strict";
import { PhiloxStream } from "../../datasets/philox.ts";
import { twoPatchSample } from "../../datasets/two_patch.ts";
import { addRowCombinations, buildRows, type FlBatch, innerProducts } from "./batch.ts";
import {
  addRowCombinationsWasm,
  gramWasm,
  innerProductsWasm,
  JS_ROWS,
  ResidentRows,
  rowsWasm,
  WASM_ROWS,
} from "./rows_wasm.ts";
import { diffusionLossGrad, gram } from "./diffusion.ts";
import { trainCpu } from "./train_cpu.ts";
import { firstDiff } from "../wasm/bits_testing.ts";

// Tolerance: none. The WebAssembly row kernels keep the reference's f64 summation order, so every
// value must have the same bits (Object.is).

/** W (M × d) and X (R × d) from `rng`; asserts the wasm products equal the reference's bits. */
function checkProducts(rng: PhiloxStream, M: number, R: number, d: number) {
  const W = rng.fillNormal(new Float64Array(M * d)) as Float64Array;
  const X = rng.fillNormal(new Float64Array(R * d)) as Float64Array;
  const tag = `M=${M} R=${R} d=${d}`;
  assert.equal(
    firstDiff(innerProductsWasm(W, X, M, R, d), innerProducts(W, X, M, R, d)),
    null,
    tag,
  );
  return { W, X, tag };
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
    const { W, X, tag } = checkProducts(rng, M, R, d);
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

Deno.test("rows_wasm: products have the reference's bits for every width of the last column block (R = 1 … 17)", () => {
  const rng = new PhiloxStream(12, "rows-wasm.tails");
  for (let R = 1; R <= 17; R++) {
    for (const [M, d] of [[7, 9], [10, 4]]) {
      const { tag } = checkProducts(rng, M, R, d);
      const V = rng.fillNormal(new Float64Array(R * d)) as Float64Array;
      assert.equal(firstDiff(gramWasm(V, R, d), gram(V, R, d)), null, `${tag} gram`);
    }
  }
});

Deno.test("rows_wasm: addRowCombinations keeps the reference's bits when rows share their nonzero pattern (X loads shared) and when they do not", () => {
  const rng = new PhiloxStream(13, "rows-wasm.dense");
  for (const [M, R, d] of [[6, 42, 33], [5, 11, 300], [4, 9, 8], [3, 32, 1]]) {
    const X = rng.fillNormal(new Float64Array(R * d)) as Float64Array;
    // dense rows, rows 2 and 3 with the same zeros, a row with a lone zero, a row of zeros
    const C = rng.fillNormal(new Float64Array(M * R)) as Float64Array;
    for (const j of [0, 5, R - 1]) if (M > 3 && j < R) C[2 * R + j] = C[3 * R + j] = 0;
    if (M > 4) C[4 * R + (R >> 1)] = 0;
    if (M > 5) C.fill(0, 5 * R, 6 * R);
    for (const scale of [1, 2]) {
      const a = rng.fillNormal(new Float64Array(M * d)) as Float64Array, b = a.slice();
      addRowCombinations(a, C, X, M, R, d, scale);
      addRowCombinationsWasm(b, C, X, M, R, d, scale);
      assert.equal(firstDiff(b, a), null, `M=${M} R=${R} d=${d} scale=${scale}`);
    }
  }
});

Deno.test("rows_wasm: addRowsInOrder adds c·X[j] one row at a time in order of j (the plain loop's bits)", () => {
  const rng = new PhiloxStream(14, "rows-wasm.inorder");
  for (const [M, R, d] of [[3, 10, 17], [2, 7, 300], [4, 5, 2]]) {
    const X = rng.fillNormal(new Float64Array(R * d)) as Float64Array;
    const C = new Float64Array(M * R).map(() => (rng.uniform() < 0.2 ? 0 : rng.normal()));
    const out = rng.fillNormal(new Float64Array(M * d)) as Float64Array, ref = out.slice();
    for (let r = 0; r < M; r++) {
      for (let j = 0; j < R; j++) {
        const c = C[r * R + j];
        if (c !== 0) { for (let k = 0; k < d; k++) ref[r * d + k] += c * X[j * d + k]; }
      }
    }
    const mem = new ResidentRows();
    const op = mem.put(out), cp = mem.put(C), xp = mem.put(X);
    const sp = mem.alloc(rowsWasm.combineScratch(M, R));
    rowsWasm.addRowsInOrder(op, cp, xp, sp, M, R, d);
    assert.equal(firstDiff(mem.f64(op, M * d), ref), null, `M=${M} R=${R} d=${d}`);
  }
});

Deno.test("rows_wasm: the diffusion loss and gradient with the WebAssembly terms have the JS loop's bits (tiles of H, partial row blocks, m a power of two or not)", () => {
  const rng = new PhiloxStream(15, "rows-wasm.terms");
  for (const [m, R, d] of [[11, 13, 20], [16, 7, 9], [32, 42, 24], [1, 1, 3], [9, 6, 5]]) {
    const W = rng.fillNormal(new Float64Array(m * d), 0.3) as Float64Array;
    const X = rng.fillNormal(new Float64Array(R * d)) as Float64Array;
    const weights = new Float64Array(R).map(() => rng.uniform());
    const s = { m, d, R, alpha: Math.exp(-0.5), beta: Math.sqrt(1 - Math.exp(-1)) };
    const js = diffusionLossGrad(W, X, weights, s, JS_ROWS);
    const wasm = diffusionLossGrad(W, X, weights, s, WASM_ROWS);
    const tag = `m=${m} R=${R} d=${d}`;
    assert.ok(Object.is(wasm.loss, js.loss), `${tag} loss ${wasm.loss} vs ${js.loss}`);
    assert.equal(firstDiff(wasm.grad, js.grad), null, `${tag} grad`);
  }
});

/**
 * Paper A's CPU trainers at the quick profile's shape (d = 256, m = 32, n = 40: 42 rows), one run
 * of 100 GD steps: JS reference row kernels, the WebAssembly SIMD kernels called per step (copies
 * in and out) and the default, every step in WebAssembly with the run's buffers resident (all
 * three give the same bits).
 */
import { PhiloxStream } from "../../datasets/philox.ts";
import { twoPatchSample } from "../../datasets/two_patch.ts";
import { buildRows, type FlBatch, type FlModel } from "./batch.ts";
import { JS_ROWS, WASM_ROWS } from "./rows_wasm.ts";
import { trainCpu } from "./train_cpu.ts";

function batch(model: FlModel): FlBatch {
  const d = 256, n = 40, m = 32, M = model === "diffusion" ? m : 2 * m;
  const s = twoPatchSample(new PhiloxStream(1, "rows-bench"), {
    n,
    d,
    variant: "orthogonal",
    sigmaXi: 0.0625,
  });
  const W0 = new PhiloxStream(2, "rows-bench").fillNormal(new Float64Array(M * d), 0.05);
  return {
    model,
    d,
    n,
    m,
    steps: 100,
    logEvery: 50,
    lr: model === "diffusion" ? 0.005 : 0.5,
    alpha: Math.exp(-0.5),
    beta: Math.sqrt(1 - Math.exp(-1)),
    q: 3,
    runs: [{ X: buildRows(s, "orthogonal", d, 1), y: s.y, W0: W0 as Float64Array }],
  };
}

for (const model of ["diffusion", "classifier"] as const) {
  const b = batch(model);
  const group = `fl ${model}: 100 GD steps, d = 256, m = 32, n = 40`;
  Deno.bench({ name: `${model} js`, group, baseline: true, n: 10, warmup: 2 }, () => {
    trainCpu(b, { kernels: JS_ROWS });
  });
  Deno.bench({ name: `${model} wasm kernels`, group, n: 10, warmup: 2 }, () => {
    trainCpu(b, { kernels: WASM_ROWS });
  });
  Deno.bench({ name: `${model} wasm run`, group, n: 20, warmup: 3 }, () => {
    trainCpu(b);
  });
}

/**
 * Paper A's CPU trainers at the quick profile's shape (d = 256, m = 32, n = 40: 42 rows), one run
 * of 100 GD steps: JS reference row kernels, the WebAssembly SIMD kernels called per step (copies
 * in and out) and the default, every step in WebAssembly with the run's buffers resident (all
 * three give the same bits); then one run-step of the resident path kernel by kernel.
 */
import { PhiloxStream } from "../../datasets/philox.ts";
import { twoPatchSample } from "../../datasets/two_patch.ts";
import {
  buildRows,
  type FlBatch,
  type FlModel,
  neuronCount,
  rowCount,
  rowWeights,
} from "./batch.ts";
import { JS_ROWS, ResidentRows, rowsWasm, WASM_ROWS } from "./rows_wasm.ts";
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

/** One run-step of the resident WebAssembly path, kernel by kernel (buffers as `trainRunWasm`). */
function residentStep(model: FlModel) {
  const b = batch(model), { d, n, m } = b, R = rowCount(n), M = neuronCount(model, m);
  const run = b.runs[0], mem = new ResidentRows();
  const xp = mem.put(run.X), xt = mem.alloc(rowsWasm.innerScratch(R, d));
  const wp = mem.put(run.W0);
  const aux = mem.put(model === "diffusion" ? rowWeights(run.y) : Float64Array.from(run.y));
  const pp = mem.alloc(8 * M * R), cp = mem.alloc(8 * M * R), gp = mem.alloc(8 * M * d);
  const Gp = mem.alloc(8 * m * m), Hp = mem.alloc(8 * m * m);
  const sp = mem.alloc(
    Math.max(rowsWasm.diffusionGradScratch(m, R, d), rowsWasm.classifierGradScratch(m, n)),
  );
  rowsWasm.transposeRows(xp, xt, R, d);
  return { b, R, M, mem, xp, xt, wp, aux, pp, cp, gp, Gp, Hp, sp };
}

{
  const s = residentStep("diffusion"), { b, R, xp, xt, wp, aux, pp, cp, gp, Gp, Hp, sp } = s;
  const { d, m } = b,
    group = "fl diffusion: one run-step by kernel (resident, d = 256, m = 32, R = 42)";
  const H = s.mem.f64(Hp, m * m);
  Deno.bench({ name: "diffusion step (all)", group, baseline: true }, () => {
    rowsWasm.diffusionLossGrad(wp, xp, xt, aux, pp, Gp, cp, Hp, gp, sp, m, R, d, b.alpha, b.beta);
  });
  Deno.bench({ name: "P = W Xᵀ", group }, () => rowsWasm.productsT(wp, xt, pp, m, R, d, 0));
  Deno.bench({ name: "G = W Wᵀ", group }, () => rowsWasm.gram(wp, Gp, sp, m, d));
  Deno.bench({ name: "m × m × R terms", group }, () => {
    H.fill(0);
    rowsWasm.diffusionTerms(pp, Gp, aux, cp, Hp, sp, m, R, d, b.alpha, b.beta);
  });
  Deno.bench({ name: "grad += coef X", group }, () => {
    rowsWasm.addRowCombinations(gp, cp, xp, sp, m, R, d, 1);
  });
  Deno.bench({ name: "grad += 2 H W", group }, () => {
    rowsWasm.addRowCombinations(gp, Hp, wp, sp, m, m, d, 2);
  });
}

{
  const s = residentStep("classifier"), { b, R, M, xp, xt, wp, aux, pp, cp, gp, sp } = s;
  const { d, m, n } = b,
    group = "fl classifier: one run-step by kernel (resident, d = 256, M = 64, R = 42)";
  Deno.bench({ name: "classifier step (all)", group, baseline: true }, () => {
    rowsWasm.classifierLossGrad(wp, xp, xt, aux, pp, cp, gp, sp, m, n, d, b.q);
  });
  Deno.bench({ name: "P = W Xᵀ", group }, () => rowsWasm.productsT(wp, xt, pp, M, R, d, 0));
  Deno.bench({ name: "grad += coef X", group }, () => {
    rowsWasm.addRowCombinations(gp, cp, xp, sp, M, R, d, 1);
  });
}

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
  if (model === "diffusion") {
    // P, G and the coefficients of the initial weights, as the kernels below find them in a step
    rowsWasm.diffusionLossGrad(wp, xp, xt, aux, pp, Gp, cp, Hp, gp, sp, m, R, d, b.alpha, b.beta);
  } else rowsWasm.classifierLossGrad(wp, xp, xt, aux, pp, cp, gp, sp, m, n, d, b.q);
  return { model, b, R, M, mem, xp, xt, wp, aux, pp, cp, gp, Gp, Hp, sp };
}

// one model's buffers at a time in the module's memory: set up again when the other model's ran
let resident: ReturnType<typeof residentStep> | null = null;
function stepOf(model: FlModel): ReturnType<typeof residentStep> {
  if (resident?.model !== model) resident = residentStep(model);
  return resident;
}

{
  const d = 256, m = 32, R = 42, s = () => stepOf("diffusion");
  const group = "fl diffusion: one run-step by kernel (resident, d = 256, m = 32, R = 42)";
  Deno.bench({ name: "diffusion step (all)", group, baseline: true }, () => {
    const { b, xp, xt, wp, aux, pp, cp, gp, Gp, Hp, sp } = s();
    rowsWasm.diffusionLossGrad(wp, xp, xt, aux, pp, Gp, cp, Hp, gp, sp, m, R, d, b.alpha, b.beta);
  });
  Deno.bench({ name: "P = W Xᵀ", group }, () => {
    const { wp, xt, pp } = s();
    rowsWasm.productsT(wp, xt, pp, m, R, d, 0);
  });
  Deno.bench({ name: "G = W Wᵀ", group }, () => {
    const { wp, Gp, sp } = s();
    rowsWasm.gram(wp, Gp, sp, m, d);
  });
  Deno.bench({ name: "m × m × R terms", group }, () => {
    const { b, mem, pp, Gp, aux, cp, Hp, sp } = s();
    mem.f64(Hp, m * m).fill(0);
    rowsWasm.diffusionTerms(pp, Gp, aux, cp, Hp, sp, m, R, d, b.alpha, b.beta);
  });
  Deno.bench({ name: "grad += coef X", group }, () => {
    const { gp, cp, xp, sp } = s();
    rowsWasm.addRowCombinations(gp, cp, xp, sp, m, R, d, 1);
  });
  Deno.bench({ name: "grad += 2 H W", group }, () => {
    const { gp, Hp, wp, sp } = s();
    rowsWasm.addRowCombinations(gp, Hp, wp, sp, m, m, d, 2);
  });
}

{
  const d = 256, m = 32, n = 40, R = 42, s = () => stepOf("classifier");
  const group = "fl classifier: one run-step by kernel (resident, d = 256, M = 64, R = 42)";
  Deno.bench({ name: "classifier step (all)", group, baseline: true }, () => {
    const { b, xp, xt, wp, aux, pp, cp, gp, sp } = s();
    rowsWasm.classifierLossGrad(wp, xp, xt, aux, pp, cp, gp, sp, m, n, d, b.q);
  });
  Deno.bench({ name: "P = W Xᵀ", group }, () => {
    const { wp, xt, pp } = s();
    rowsWasm.productsT(wp, xt, pp, 2 * m, R, d, 0);
  });
  Deno.bench({ name: "grad += coef X", group }, () => {
    const { gp, cp, xp, sp } = s();
    rowsWasm.addRowCombinations(gp, cp, xp, sp, 2 * m, R, d, 1);
  });
}

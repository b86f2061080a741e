/**
 * IGD steps of `lt.nash-gap` at its quick size (K = 2, d = 2, m = 128, 4096 draws per class, β =
 * 0.01, minibatches of 16 and full batch), 256 steps: the JS reference stepper against the
 * WebAssembly one (the same bits), one thread.
 */
import { PhiloxStream } from "../../datasets/philox.ts";
import { drawFeatures, timeBiasTable, timeGrid } from "./features.ts";
import { bestResponder, buildPool, mutualSystem, PoolStats } from "./game.ts";
import type { IgdOptions } from "./igd.ts";
import { type IgdKernel, jsIgdStepper } from "./igd_steps.ts";
import { wasmIgdStepper } from "./igd_wasm.ts";

const m = 128, grid = timeGrid(0.01, 4, 100, "geometric");
const nets = [0, 1].map((c) =>
  drawFeatures(new PhiloxStream(1, "f", c), 2, m, 6, { wScale: 1, uScale: 1, bScale: 1 }, 0.01, 4)
);
const data = [0, 1].map((c) =>
  new PhiloxStream(1, "d", c).fillNormal(
    new Float64Array(2 * (200 - 180 * c)),
    1 + c,
  ) as Float64Array
);
const pool = buildPool(
  new PhiloxStream(1, "p"),
  data,
  nets,
  nets.map((f) => timeBiasTable(f, grid)),
  grid,
  4096,
  1,
);
const br = bestResponder(mutualSystem(new PoolStats(pool), 0.01, 1e-2));
const opts = (fullBatch: boolean): IgdOptions => ({
  beta: 0.01,
  ridge: 1e-2,
  steps: 256,
  batch: 16,
  fullBatch,
  lr: 1,
  smoothness: [1, 1],
  schedule: "invsqrt",
  checkpoints: [256],
  drawKey: new PhiloxStream(2, "igd").key,
});

for (const fullBatch of [false, true]) {
  const group = `lt.igd ${fullBatch ? "full batch" : "minibatch 16"} (256 steps, m = 128)`;
  const kernels: [string, IgdKernel][] = [["js", jsIgdStepper], ["wasm", wasmIgdStepper]];
  for (const [name, kernel] of kernels) {
    Deno.bench({ name: `igd ${name}`, group, baseline: name === "js", n: 5 }, () => {
      kernel(pool, br, opts(fullBatch)).steps(0, 256);
    });
  }
}

/**
 * The CPU pSGD trainer at the perf peer's quick shape (d = 128, K = 1, tanh): 4 runs × 3200 steps,
 * the JS reference loop against the WebAssembly kernel (the same bits). The reference spends most of
 * its time in the engine's log/cos/sin (Box–Muller of 2d normals per step); the kernel evaluates
 * them itself, two pairs per f64x2 vector, with the engine's bits (`assembly/box_muller.ts`).
 */
import { streamKey } from "../../datasets/philox.ts";
import { runSgdCpu, type SgdBatch } from "./sgd.ts";

const d = 128;
const b: SgdBatch = {
  d,
  K: 1,
  act: "tanh",
  data: { betaU: 4, betaV: 4, latent: "independent" },
  alpha: 0.8,
  cap: 3200,
  logEvery: 3200,
  thresholdU: 0.9,
  thresholdV: 0.9,
  runs: [0, 1, 2, 3].map((i) => ({ key: streamKey(i, "sgd-bench", d), eta: 0.1 / d })),
};
const group = "cum pSGD: 4 runs × 3200 steps, d = 128";
Deno.bench({ name: "pSGD js", group, baseline: true, n: 5, warmup: 1 }, () => {
  runSgdCpu(b, undefined, undefined, "js");
});
Deno.bench({ name: "pSGD wasm", group, n: 5, warmup: 1 }, () => {
  runSgdCpu(b, undefined, undefined, "wasm");
});

/**
 * The pSGD kernels on this machine's adapter, K = 1 tanh, 32 runs: group `sgd_d<d>` at
 * d = 32, 128 and 512 (1.28e5, 3.2e4 and 8e3 run-steps per iteration; run-steps/s = that / time;
 * pipelines warm). On llvmpipe the default is the unrolled thread-per-run kernel up to
 * K·d = `SOFTWARE_UNROLLED_MAX_KD`, else thread-per-run below d = 65 and workgroup-per-run (one
 * SIMD vector of invocations) from there (`sgd_kernel.ts`).
 */
import type { SgdBatch } from "./sgd.ts";
import { runSgdGpu, type SgdVariant } from "./sgd_kernel.ts";
import { sharedBackend } from "../gpu/device.ts";
import { streamKey } from "../../datasets/philox.ts";

const choice = await sharedBackend();

function batch(d: number): SgdBatch {
  const cap = Math.round(4096 * 32 / d);
  return {
    d,
    K: 1,
    act: "tanh",
    data: { betaU: 4, betaV: 4, latent: "correlated" },
    alpha: 0.8,
    cap,
    logEvery: 20,
    thresholdU: 0.9,
    thresholdV: 0.3,
    runs: Array.from(
      { length: 32 },
      (_, i) => ({ key: streamKey(i, "sgd-bench", d), eta: 0.05 / d }),
    ),
  };
}

for (const d of [32, 128, 512]) {
  const b = batch(d);
  const variants: SgdVariant[] = ["thread-per-run", "workgroup-per-run"];
  if (d <= 128) variants.push("thread-per-run-unrolled");
  for (const variant of variants) {
    Deno.bench({
      name: `pSGD ${variant}, d=${d}, 32 runs × ${b.cap} steps (${
        choice.adapter?.description ?? "no adapter"
      })`,
      group: `sgd_d${d}`,
      baseline: variant === "thread-per-run",
      ignore: !choice.device,
      n: 3,
      warmup: 1,
    }, async () => {
      await runSgdGpu(choice.device!, b, { variant });
    });
  }
}

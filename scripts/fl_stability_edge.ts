/**
 * Probe of fl's sensitivity to rounding near GD's stability edge: the diffusion model at the quick
 * profile's settings (d = 256, m = 32, 1000 steps) at chosen n, n·SNR², step sizes and seeds,
 * trained three ways on the same data and init: the f64 CPU path; the f64 CPU path from data and
 * init rounded to f32 (what the WebGPU kernel uploads: a perturbation of ~1e-7 relative, with
 * every later operation still f64); and, with `--gpu`, the f32 WebGPU kernel (slow on a software
 * adapter: ~70 s a run on llvmpipe on the 2-core machine). Prints, per run, where each one stopped
 * (the CPU path's failing step; a GPU run shows NaN from its first non-finite log point) and ln(S/N)
 * and the loss at every log point (every 50 steps).
 * Not a test; docs/precision.md quotes its output.
 *
 *     deno run -A scripts/fl_stability_edge.ts [--gpu] [--n 20] [--kappa 50] [--lr 0.005,0.01] [--seeds 2]
 * @module
 */
import { parseArgs } from "node:util";
import { balance } from "../bench/fl/balance.ts";
import { buildBatch, type FlConfig } from "../bench/fl/mod.ts";
import { makeTestContext } from "../bench/testing.ts";
import { type FlBatch, logCount } from "../models/fl/batch.ts";
import { trainCpu } from "../models/fl/train_cpu.ts";
import { trainGpu } from "../models/fl/gd_kernel.ts";
import { sharedBackend } from "../models/gpu/device.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    gpu: { type: "boolean", default: false },
    n: { type: "string", default: "20" },
    kappa: { type: "string", default: "50" },
    lr: { type: "string", default: "0.005,0.0075,0.01" },
    seeds: { type: "string", default: "2" },
  },
});
const list = (s: string) => s.split(",").map(Number);
const quick = balance.configSchema.parse(balance.profiles.quick) as FlConfig;
const seeds = Array.from({ length: Number(args.seeds) }, (_, i) => i);
const device = args.gpu ? (await sharedBackend()).device : null;
if (args.gpu && !device) throw new Error("--gpu: no WebGPU device");

/** ln(S/N) (4 decimals) and the loss (5 digits) of run r at every log point; NaN after a failure. */
function series(logs: ArrayLike<number>, r: number, L: number): { lnSN: number[]; loss: number[] } {
  const at = (l: number) => (r * L + l) * 3;
  return {
    lnSN: Array.from(
      { length: L },
      (_, l) => Number(Math.log(logs[at(l)] / logs[at(l) + 1]).toFixed(4)),
    ),
    loss: Array.from({ length: L }, (_, l) => Number(logs[at(l) + 2].toPrecision(5))),
  };
}

for (const n of list(args.n)) {
  for (const kappa of list(args.kappa)) {
    for (const lr of list(args.lr)) {
      const c: FlConfig = { ...quick, grid: [kappa], lrDiffusion: lr };
      const b = buildBatch(makeTestContext({ seeds }), c, "diffusion", n);
      const rounded: FlBatch = {
        ...b,
        runs: b.runs.map((r) => ({ ...r, X: r.X.map(Math.fround), W0: r.W0.map(Math.fround) })),
      };
      const L = logCount(b);
      const f64 = trainCpu(b), f32in = trainCpu(rounded);
      const gpu = device ? await trainGpu(device, b) : null;
      seeds.forEach((seed, r) => {
        const row = (what: string, logs: ArrayLike<number>, failedAt?: number) => {
          const s = series(logs, r, L), head = `n=${n} n·SNR²=${kappa} lr=${lr} seed=${seed}`;
          const failed = failedAt !== undefined ? `failedAt=${failedAt} ` : "";
          console.log(`${head} ${what.padEnd(10)} ${failed}lnSN ${s.lnSN.join(" ")}`);
          console.log(`${head} ${what.padEnd(10)} ${failed}loss ${s.loss.join(" ")}`);
        };
        row("f64", f64.logs, f64.failedAt[r]);
        row("f64(f32in)", f32in.logs, f32in.failedAt[r]);
        if (gpu) row("webgpu", gpu.logs);
      });
    }
  }
}

/**
 * Perf peer of Paper A (`fl.balance` / `fl.jump`): one batch of full-batch GD runs (every grid
 * point × seed of one n) of the diffusion model or the classifier, the suite (CPU f64 reference
 * or the WebGPU kernel) against PyTorch in the same precision (`bench/peers/fl_peer.py`: the
 * suite's closed-form gradients in batched matmul form) on the same data and the same initial
 * weights, written to files the Python reads. Units: run-steps.
 *
 * As a script: `deno run -A bench/peers/fl_peer.ts [smoke|quick|full] [diffusion|classifier]
 * [cpu|webgpu]` prints the speed ratio and whether the final S and N agree.
 * @module
 */
import { join } from "node:path";
import { type PeerBenchmark, type PeerWork, torchDtype } from "../perf/peer.ts";
import { buildBatch, type FlConfig } from "../fl/mod.ts";
import { resolveConfig } from "../config.ts";
import { balance } from "../fl/balance.ts";
import { makeTestContext } from "../testing.ts";
import { type FlBatch, type FlModel, neuronCount, rowCount } from "../../models/fl/batch.ts";
import { trainCpuParallel } from "../../models/fl/train_cpu.ts";
import { trainGpu } from "../../models/fl/gd_kernel.ts";
import { PYTHON } from "./python.ts";
import { peerScript, suiteDevice, worstRelativeDiff, writeF64 } from "./_common.ts";

/** The batch of a profile: the case's config, its first n, its default seeds. */
export function peerBatch(size: "smoke" | "quick" | "full", model: FlModel): FlBatch {
  const c = resolveConfig(balance, size, {}) as unknown as FlConfig;
  const ctx = makeTestContext({ seeds: Array.from({ length: c.seeds }, (_, i) => i) });
  return buildBatch(ctx, c, model, c.ns[c.ns.length - 1]);
}

/** Final S then final N of every run, from a result's logs. */
function finalSN(logs: Float64Array, runs: number, L: number): number[] {
  const S = [], N = [];
  for (let r = 0; r < runs; r++) {
    S.push(logs[(r * L + L - 1) * 3]);
    N.push(logs[(r * L + L - 1) * 3 + 1]);
  }
  return [...S, ...N];
}

async function writeBatch(b: FlBatch, base: string): Promise<void> {
  await writeF64(`${base}.X.bin`, b.runs.map((r) => r.X));
  await writeF64(`${base}.W0.bin`, b.runs.map((r) => r.W0));
  await writeF64(`${base}.y.bin`, b.runs.map((r) => r.y));
  await Deno.writeTextFile(
    `${base}.json`,
    JSON.stringify({
      model: b.model,
      runs: b.runs.length,
      d: b.d,
      n: b.n,
      m: b.m,
      M: neuronCount(b.model, b.m),
      steps: b.steps,
      lr: b.lr,
      alpha: b.alpha,
      beta: b.beta,
      q: b.q,
    }),
  );
}

/** A peer benchmark for one model. */
function flPeerFor(model: FlModel): PeerBenchmark {
  return {
    id: `fl.${model}-gd`,
    caseId: model === "diffusion" ? "fl.balance" : "fl.jump",
    description:
      `full-batch GD of the ${model} on two-patch data, all grid points × seeds of one n`,
    async setup(dir, size): Promise<PeerWork> {
      const b = peerBatch(size, model);
      const base = join(dir, `fl_${model}_${size}`);
      await writeBatch(b, base);
      const R = rowCount(b.n), M = neuronCount(model, b.m);
      const runs = b.runs.length;
      return {
        units: runs * b.steps,
        unitName: "run-steps",
        // P = W Xᵀ and the row combination C X (2 × M·R·d MACs); the diffusion model adds the
        // Gram matrix (m²d/2 MACs), H W (m²d MACs) and its m × m × R terms (GA, (G∘G)u, H: 4m²R)
        flopsPerUnit: 4 * M * R * b.d +
          (model === "diffusion" ? 3 * b.m * b.m * b.d + 8 * b.m * b.m * R : 0),
        // the classifier skips zero ReLU′ coefficients in C X: M·R·d MACs at the active fraction
        nonzeroFlopsPerUnit: model === "classifier"
          ? (info) => 2 * M * R * b.d * (1 + Number(info.activeFraction ?? 1))
          : undefined,
        // compulsory: X and W0 read once per run, W written once, over the run's steps
        bytesPerUnit: (8 * (R + 2 * M) * b.d) / b.steps,
        async suite(backend) {
          const t0 = performance.now();
          const r = backend === "cpu"
            ? await trainCpuParallel(b)
            : await trainGpu(await suiteDevice(), b);
          return {
            seconds: (performance.now() - t0) / 1000,
            checksum: finalSN(r.logs, runs, r.logPoints),
          };
        },
        peerCommand: (dev, precision, threads) => [
          PYTHON,
          new URL("./fl_peer.py", import.meta.url).pathname,
          ...["--input", base, "--device", dev, "--dtype", torchDtype(precision)],
          ...["--threads", String(threads)],
        ],
        // data-parallel over runs; checksum: every run's final S, then every run's final N
        shardColumns: 2,
        agree(a, p) {
          // f64 CPU vs torch f64: same arithmetic up to summation order; f32 GPU within 1e-3
          const worst = worstRelativeDiff(a, p, 1e-9);
          const ratios = (x: number[]) => x.slice(0, runs).map((s, i) => s / x[runs + i]);
          const ratioWorst = worstRelativeDiff(ratios(a), ratios(p), 0);
          return {
            ok: a.length === p.length && worst < 1e-3,
            detail: `final S, N of ${runs} runs: worst relative difference ${
              worst.toExponential(2)
            }, S/N ${ratioWorst.toExponential(2)} (tol 1e-3)`,
          };
        },
      };
    },
  };
}

/** Paper A's perf peers (diffusion model and classifier). */
export const flPeers: PeerBenchmark[] = [flPeerFor("diffusion"), flPeerFor("classifier")];

if (import.meta.main) {
  const [size = "smoke", model = "diffusion", backend = "cpu"] = Deno.args;
  const usage = "deno run -A bench/peers/fl_peer.ts [smoke|quick|full] [diffusion|classifier] " +
    "[cpu|webgpu]";
  if (model !== "diffusion" && model !== "classifier") {
    console.error(`usage: ${usage}`);
    Deno.exit(2);
  }
  await peerScript(flPeerFor(model), size, backend, usage);
}

/**
 * Perf peer of Paper B's hot loop (`cum.pairwise-linear`): R online pSGD runs of the single tanh
 * neuron on the mixed cumulant model, suite (CPU f64 reference / WebGPU in-shader kernel) against
 * a vectorised PyTorch implementation, and the same code on numpy (`bench/peers/cum_pairwise_peer.py`),
 * that consume the same Philox streams. Units: run-steps (one sample of one run).
 * @module
 */
import { join } from "node:path";
import { type PeerBenchmark, type PeerWork, torchDtype } from "../perf/peer.ts";
import { runSgdCpuParallel, type SgdBatch } from "../../models/cum/sgd.ts";
import { runSgdGpu } from "../../models/cum/sgd_kernel.ts";
import { streamKey } from "../../datasets/philox.ts";
import { suiteDevice } from "./_common.ts";
import { PYTHON } from "./python.ts";

const SIZES = {
  smoke: { runs: 8, d: 16, cap: 800 },
  quick: { runs: 32, d: 128, cap: 6400 },
  full: { runs: 128, d: 512, cap: 25600 },
};

/** The batch of a size (pairwise case: β_u = β_v = 4, Rademacher ν, η = 0.1/d, cap 50·d). */
export function peerBatch(size: keyof typeof SIZES): SgdBatch {
  const { runs, d, cap } = SIZES[size];
  return {
    d,
    K: 1,
    act: "tanh",
    data: { betaU: 4, betaV: 4, latent: "independent" },
    alpha: 0.8,
    cap,
    logEvery: cap,
    thresholdU: 0.9,
    thresholdV: 0.9,
    runs: Array.from(
      { length: runs },
      (_, i) => ({ key: streamKey(i, "perf.cum", d), eta: 0.1 / d }),
    ),
  };
}

/** The benchmark entry against one peer implementation (PyTorch, or numpy for reference). */
function cumPeerFor(impl: "torch" | "numpy"): PeerBenchmark {
  return {
    id: impl === "torch" ? "cum.pairwise-psgd" : "cum.pairwise-psgd-numpy",
    caseId: "cum.pairwise-linear",
    description:
      `online pSGD of a tanh neuron on the MCM, R runs × cap steps, Philox sampling included (${impl} peer)`,
    async setup(dir, size): Promise<PeerWork> {
      const b = peerBatch(size);
      const input = join(dir, `cum_pairwise_${size}.json`);
      await Deno.writeTextFile(
        input,
        JSON.stringify({
          d: b.d,
          cap: b.cap,
          alpha: b.alpha,
          betaU: b.data.betaU,
          betaV: b.data.betaV,
          thresholdU: b.thresholdU,
          keys: b.runs.map((r) => r.key),
          etas: b.runs.map((r) => r.eta),
        }),
      );
      const R = b.runs.length;
      return {
        units: R * b.cap,
        unitName: "run-steps",
        // per coordinate: half a Philox call (≈ 120 integer ops), one Box–Muller value, ≈ 12 flops
        flopsPerUnit: 100 * b.d,
        // compulsory: a run's weights read and written once over its steps (samples are generated)
        bytesPerUnit: (16 * b.d) / b.cap,
        async suite(backend) {
          const t0 = performance.now();
          const r = backend === "cpu"
            ? await runSgdCpuParallel(b)
            : await runSgdGpu(await suiteDevice(), b);
          return {
            seconds: (performance.now() - t0) / 1000,
            checksum: [...Array.from(r.crossU), ...Array.from(r.logU)],
          };
        },
        peerCommand: (_dev, precision, threads) => [
          PYTHON,
          new URL("./cum_pairwise_peer.py", import.meta.url).pathname,
          ...["--input", input, "--dtype", torchDtype(precision)],
          ...["--impl", impl, "--threads", String(threads)],
        ],
        // data-parallel over runs; checksum: every run's first crossing, then its final |⟨w,u⟩|
        shardColumns: 2,
        agree(a, p) {
          // first crossings: identical streams, so f64 runs agree to the step; f32 within a few %
          let ok = 0;
          for (let i = 0; i < R; i++) {
            if (
              (a[i] === 0) === (p[i] === 0) && Math.abs(a[i] - p[i]) <= Math.max(2, 0.05 * p[i])
            ) {
              ok++;
            }
          }
          let worst = 0;
          for (let i = R; i < 2 * R; i++) worst = Math.max(worst, Math.abs(a[i] - p[i]));
          return {
            ok: a.length === p.length && ok >= 0.9 * R && worst < 0.05,
            detail: `${ok}/${R} first crossings agree (±max(2, 5%)); final |⟨w,u⟩| max diff ${
              worst.toExponential(2)
            } (tol 0.05)`,
          };
        },
      };
    },
  };
}

/** Paper B's perf peers: PyTorch, and numpy (lower per-operation overhead at these small sizes). */
export const cumPairwisePeers: PeerBenchmark[] = [cumPeerFor("torch"), cumPeerFor("numpy")];

/**
 * Perf peer of Paper C's hot loop (`mem.transition`): the pairwise kernel row sums, suite
 * (CPU f64 / WebGPU f32) against PyTorch in the same precision (`bench/peers/mem_kernel_peer.py`,
 * matmul form on the BLAS) on identical data. Work is counted in unordered pairs, as the suite
 * evaluates them (each once); the peer's GEMM computes both triangles, its choice.
 * @module
 */
import { join } from "node:path";
import { type PeerBenchmark, type PeerWork, torchDtype } from "../perf/peer.ts";
import { packSets, pairSums } from "../../models/gpu/kernel_sum.ts";
import { PhiloxStream } from "../../datasets/philox.ts";
import { suiteDevice } from "./_common.ts";
import { PYTHON } from "./python.ts";

const SIZES = {
  smoke: { sets: 2, n: 128, d: 8 },
  quick: { sets: 8, n: 1000, d: 32 },
  full: { sets: 16, n: 4000, d: 64 },
};

/** The benchmark entry. */
export const memKernelPeer: PeerBenchmark = {
  id: "mem.kernel-sum",
  caseId: "mem.transition",
  description: "pairwise Gaussian kernel row sums (log-sum-exp), N points per set in d dimensions",
  async setup(dir, size): Promise<PeerWork> {
    const { sets, n, d } = SIZES[size];
    const s = new PhiloxStream(11, "perf.mem", sets, n, d);
    const data = Array.from(
      { length: sets },
      () => s.fillNormal(new Float64Array(n * d), 1, 10) as Float64Array,
    );
    const eps = Math.pow(n, -1 / d), scale = 1 / (4 * eps * eps);
    const packed = packSets(data, d, data.map(() => scale));
    const input = join(dir, `mem_points_${sets}x${n}x${d}.f64`);
    await Deno.writeFile(input, new Uint8Array(packed.points.buffer as ArrayBuffer));
    return {
      units: (sets * n * (n - 1)) / 2,
      unitName: "unordered pairs",
      // per pair: ⟨x_i, x_j⟩ (or ‖x_i − x_j‖²) as d FMAs, norms, scale, exp, accumulate
      flopsPerUnit: 2 * d + 6,
      // compulsory traffic: each set's n·d f64 points read once, shared by its n(n−1)/2 pairs
      bytesPerUnit: (8 * d * 2) / (n - 1),
      async suite(backend) {
        const t0 = performance.now();
        // the case's own entry point: WebGPU, or the CPU path
        const rows = await pairSums(backend === "cpu" ? null : await suiteDevice(), packed);
        return { seconds: (performance.now() - t0) / 1000, checksum: Array.from(rows) };
      },
      peerCommand: (dev, precision, threads) => [
        PYTHON,
        new URL("./mem_kernel_peer.py", import.meta.url).pathname,
        ...["--input", input, "--sets", String(sets), "--n", String(n), "--d", String(d)],
        ...[
          "--scale",
          String(scale),
          "--device",
          dev,
          "--dtype",
          torchDtype(precision),
        ],
        ...["--threads", String(threads)],
      ],
      // data-parallel over sets; checksum: one log pair sum per set
      shardColumns: 1,
      agree(a, b) {
        let worst = 0;
        for (let i = 0; i < Math.min(a.length, b.length); i++) {
          worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
        }
        return {
          ok: a.length === b.length && worst < 1e-4,
          detail: `max rel. diff ${worst.toExponential(2)} (tol 1e-4)`,
        };
      },
    };
  },
};

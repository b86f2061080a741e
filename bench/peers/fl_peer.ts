/**
 * Perf peer of Paper A (`fl.balance` / `fl.jump`): one batch of full-batch GD runs (every grid
 * point × seed of one n) of the diffusion model or the classifier, the suite (CPU f64 reference
 * or the WebGPU kernel) against PyTorch (`bench/peers/fl_peer.py`, autograd gradients) on the
 * same data and the same initial weights, written to files the Python reads. Units: run-steps.
 *
 * As a script: `deno run -A bench/peers/fl_peer.ts [smoke|quick|full] [diffusion|classifier]
 * [cpu|webgpu]` prints the speed ratio and whether the final S and N agree.
 * @module
 */
import { join } from "node:path";
import type { PeerBenchmark, PeerWork } from "../perf/peer.ts";
import { runPeer } from "../perf/peer.ts";
import { buildBatch } from "../fl/_experiment.ts";
import { resolveConfig } from "../config.ts";
import { balance } from "../fl/balance.ts";
import type { FlConfig } from "../fl/_common.ts";
import { makeTestContext } from "../testing.ts";
import { type FlBatch, type FlModel, neuronCount, rowCount } from "../../models/fl/batch.ts";
import { trainCpuParallel } from "../../models/fl/train_cpu.ts";
import { trainGpu } from "../../models/fl/gd_kernel.ts";
import { acquireBackend } from "../../models/gpu/device.ts";
import { PYTHON, torchStatus } from "./python.ts";

let device: GPUDevice | null | undefined;
async function gpu(): Promise<GPUDevice> {
  if (device === undefined) device = (await acquireBackend("auto")).device;
  if (!device) throw new Error("no WebGPU device for the webgpu suite run");
  return device;
}

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
  const cat = (parts: ArrayLike<number>[]) => {
    const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
    let o = 0;
    for (const p of parts) out.set(p, o), (o += p.length);
    return new Uint8Array(out.buffer);
  };
  await Deno.writeFile(`${base}.X.bin`, cat(b.runs.map((r) => r.X)));
  await Deno.writeFile(`${base}.W0.bin`, cat(b.runs.map((r) => r.W0)));
  await Deno.writeFile(`${base}.y.bin`, cat(b.runs.map((r) => Float64Array.from(r.y))));
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
        // inner products + gradient (2 × M·R·d MACs), plus m²d for the diffusion model's Gram terms
        flopsPerUnit: 4 * M * R * b.d + (model === "diffusion" ? 6 * b.m * b.m * b.d : 0),
        bytesPerUnit: 8 * (R + M) * b.d,
        async suite(backend) {
          const t0 = performance.now();
          const r = backend === "cpu" ? await trainCpuParallel(b) : await trainGpu(await gpu(), b);
          return {
            seconds: (performance.now() - t0) / 1000,
            checksum: finalSN(r.logs, runs, r.logPoints),
          };
        },
        peerCommand: (dev) => [
          PYTHON,
          new URL("./fl_peer.py", import.meta.url).pathname,
          "--input",
          base,
          "--device",
          dev,
          ...["--threads", String(navigator.hardwareConcurrency)],
        ],
        agree(a, p) {
          // f64 CPU vs torch f64: same arithmetic up to summation order; f32 GPU within 1e-3
          let worst = 0;
          for (let i = 0; i < a.length; i++) {
            worst = Math.max(worst, Math.abs(a[i] - p[i]) / Math.max(1e-9, Math.abs(p[i])));
          }
          const ratios = (x: number[]) => x.slice(0, runs).map((s, i) => s / x[runs + i]);
          const ra = ratios(a), rp = ratios(p);
          let ratioWorst = 0;
          for (let i = 0; i < runs; i++) {
            ratioWorst = Math.max(ratioWorst, Math.abs(ra[i] - rp[i]) / Math.abs(rp[i]));
          }
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
  const [size = "smoke", model = "diffusion", backend = "cpu"] = Deno.args as [
    "smoke" | "quick" | "full",
    FlModel,
    "cpu" | "webgpu",
  ];
  const st = await torchStatus();
  if (!st.ok) {
    console.error(st.message + " (Debian: apt-get install python3-torch)");
    Deno.exit(2);
  }
  const dir = await Deno.makeTempDir({ prefix: "fl_peer_" });
  try {
    const work = await flPeerFor(model).setup(dir, size);
    const s = await work.suite(backend);
    const p = await runPeer(work.peerCommand(st.cuda ? "cuda" : "cpu"));
    const agree = work.agree(s.checksum, p.checksum);
    console.log(
      `fl ${model} (${size}, ${work.units} ${work.unitName}): suite ${backend} ${
        s.seconds.toFixed(2)
      } s, ` +
        `torch ${st.version} ${p.info?.device} ${
          p.seconds.toFixed(2)
        } s; speed ratio suite/torch = ${(p.seconds / s.seconds).toFixed(2)} (> 1: suite faster)`,
    );
    console.log(`S/N agreement: ${agree.ok ? "yes" : "NO"} — ${agree.detail}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/**
 * Perf peer of Paper D's hot loop (`lt.worst-case-v` and the other `lt.*` sampling cases): the
 * random-features score sampler, slots × particles × steps of the reverse-time SDE
 * (Euler–Maruyama), suite (`sampleCpuParallel`, f64, or the WGSL kernel `sampleGpu`, f32) against
 * PyTorch (`bench/peers/lt_peer.py`, f64), batched over slots and particles: one `baddbmm` + ReLU +
 * `bmm` per step for a chunk of slots (on the CPU chunks whose hidden layer fits in about 4 MiB,
 * which measured faster than all slots at once; on CUDA all slots). Units: particle-steps.
 *
 * Sizes: the case's profile (width m, grid points, particles, sampler mode, β grid, K = 2 classes
 * of case 2 in d = 2) with its seeds capped at {@link PERF_SEEDS}, so a slot is what the case
 * samples and only the number of slots is smaller (quick: 80 of the case's 600). The batch is the
 * synthetic one of `models/lt/_sampler_fixture.ts` (random output weights, two feature sets), not
 * trained networks: the work per particle-step does not depend on the weights' values.
 *
 * Noise: the suite draws Philox in the loop, which torch cannot reproduce cheaply, so the timed
 * runs are in the case's mode (SDE: torch draws the same amount of noise with `torch.randn`) and
 * agreement is checked on a separate, untimed probability-flow ODE run (no noise) of a sub-batch
 * ({@link CHECK_SLOTS} slots × {@link CHECK_PARTICLES} particles) that starts from the suite's own
 * Philox initial points, written to a file; the checksum is those samples at t_min.
 *
 * As a script: `deno run -A bench/peers/lt_peer.ts [smoke|quick|full] [cpu|webgpu]` prints the
 * speed ratio and whether the ODE samples agree.
 * @module
 */
import { join } from "node:path";
import { type PeerBenchmark, type PeerWork, torchDtype } from "../perf/peer.ts";
import { resolveConfig } from "../config.ts";
import { worstCaseV } from "../lt/worst_case_v.ts";
import { type LtModelConfig, specOf } from "../lt/mod.ts";
import { normal2FromU32, philox4x32 } from "../../datasets/philox.ts";
import type { SamplerBatch } from "../../models/lt/sampler.ts";
import { sampleCpuParallel } from "../../models/lt/sampler_cpu.ts";
import { sampleGpu } from "../../models/lt/sampler_kernel.ts";
import { demoSamplerBatch } from "../../models/lt/sampler_fixture.ts";
import { PYTHON } from "./python.ts";
import { peerScript, suiteDevice, worstRelativeDiff, writeF64 } from "./_common.ts";

/** Seeds per perf batch (the case's seeds, at most this many). */
export const PERF_SEEDS = 4;
/** Slots of the ODE agreement check (the batch's first ones: both feature sets). */
export const CHECK_SLOTS = 4;
/** Particles per slot of the ODE agreement check. */
export const CHECK_PARTICLES = 32;

/** The batch of a profile: the case's per-slot sizes, its β grid × 2 classes × ≤ 4 seeds. */
export function peerBatch(size: "smoke" | "quick" | "full"): SamplerBatch {
  const c = resolveConfig(worstCaseV, size, {}) as unknown as LtModelConfig & {
    betas: number[];
    seeds: number;
  };
  const spec = specOf(c);
  if (spec.dim !== 2) throw new Error(`lt peer: the fixture is 2-D, the case's data is ${c.data}`);
  const b = demoSamplerBatch({
    particles: c.particles,
    m: c.width,
    steps: c.gridPoints,
    slots: Math.min(c.seeds, PERF_SEEDS) * c.betas.length * spec.classes.length,
    aScale: 0.1,
    pairedNoise: false,
  });
  return { ...b, mode: c.sampler };
}

/** The ODE sub-batch of the agreement check. */
function checkBatch(b: SamplerBatch): SamplerBatch {
  return {
    ...b,
    slots: b.slots.slice(0, CHECK_SLOTS),
    particles: Math.min(b.particles, CHECK_PARTICLES),
    mode: "ode",
  };
}

/** The samplers' initial points x_T of every slot × particle: Philox (p, nT, c) under the slot's key. */
function initialPoints(b: SamplerBatch): Float64Array {
  const { d, particles } = b, nT = b.grid.length, buf = new Uint32Array(4);
  const out = new Float64Array(b.slots.length * particles * d);
  b.slots.forEach((slot, si) => {
    for (let p = 0; p < particles; p++) {
      for (let c = 0; 2 * c < d; c++) {
        philox4x32(p, nT, c, 0, slot.key[0], slot.key[1], buf);
        const z = normal2FromU32(buf[0], buf[1]), o = (si * particles + p) * d + 2 * c;
        out[o] = z[0];
        if (2 * c + 1 < d) out[o + 1] = z[1];
      }
    }
  });
  return out;
}

async function sample(b: SamplerBatch, backend: "cpu" | "webgpu"): Promise<Float64Array> {
  return backend === "cpu" ? await sampleCpuParallel(b) : await sampleGpu(await suiteDevice(), b);
}

async function writeBatch(b: SamplerBatch, base: string): Promise<void> {
  const check = checkBatch(b);
  await writeF64(`${base}.grid.bin`, [b.grid]);
  await writeF64(`${base}.W.bin`, b.features.map((f) => f.W));
  await writeF64(`${base}.tb.bin`, b.features.map((f) => f.tb));
  await writeF64(`${base}.A.bin`, b.slots.map((s) => s.A));
  await writeF64(`${base}.x0.bin`, [initialPoints(check)]);
  await Deno.writeTextFile(
    `${base}.json`,
    JSON.stringify({
      d: b.d,
      m: b.m,
      nT: b.grid.length,
      features: b.features.length,
      fs: b.slots.map((s) => s.fs),
      particles: b.particles,
      mode: b.mode,
      checkSlots: check.slots.length,
      checkParticles: check.particles,
    }),
  );
}

/** The benchmark entry. */
export const ltSamplerPeer: PeerBenchmark = {
  id: "lt.sampler",
  caseId: "lt.worst-case-v",
  description:
    "random-features score sampler (reverse SDE, Euler–Maruyama), slots × particles × steps",
  async setup(dir, size): Promise<PeerWork> {
    const b = peerBatch(size);
    const base = join(dir, `lt_sampler_${size}`);
    await writeBatch(b, base);
    const { d, m } = b, S = b.slots.length;
    const check = checkBatch(b);
    return {
      units: S * b.particles * (b.grid.length - 1),
      unitName: "particle-steps",
      // pre-activations W x (2md) and score A h (2md); bias + ReLU (2m); the update and noise (~8d).
      // The suite's CPU path (WebAssembly, `sampler_cpu.ts`) does every one of them: an inactive
      // feature is masked to 0, not skipped. (The WebGPU kernel skips the A h terms of inactive
      // features, about half of them: its GFLOP/s counts those as done.)
      flopsPerUnit: 4 * m * d + 2 * m + 8 * d,
      // compulsory: a slot's W, A (m·d each) and biases (nT·m) read once over its particles'
      // steps, each particle's state (d) read and written once over its steps, f64
      bytesPerUnit: (8 * (2 * m * d + b.grid.length * m)) / (b.particles * (b.grid.length - 1)) +
        (16 * d) / (b.grid.length - 1),
      async suite(backend) {
        const t0 = performance.now();
        await sample(b, backend);
        const seconds = (performance.now() - t0) / 1000;
        // the ODE check, untimed, on every rep (as the peer runs its own on every rep)
        return { seconds, checksum: Array.from(await sample(check, backend)) };
      },
      peerCommand: (dev, precision, threads) => [
        PYTHON,
        new URL("./lt_peer.py", import.meta.url).pathname,
        ...["--input", base, "--device", dev, "--dtype", torchDtype(precision)],
        ...["--threads", String(threads)],
      ],
      // data-parallel over slots; the first copy alone runs the ODE check (the whole checksum)
      shardColumns: 1,
      agree(a, p) {
        // f64 CPU vs torch f64: summation order only; f32 GPU (and f32 Box–Muller) within 1e-3
        const worst = worstRelativeDiff(a, p, 1);
        return {
          ok: a.length === p.length && worst < 1e-3,
          detail: `ODE samples of ${check.slots.length} slots × ${check.particles} particles: ` +
            `worst difference ${worst.toExponential(2)} relative to max(1, |x|) (tol 1e-3)`,
        };
      },
    };
  },
};

if (import.meta.main) {
  const [size = "smoke", backend = "cpu"] = Deno.args;
  await peerScript(
    ltSamplerPeer,
    size,
    backend,
    "deno run -A bench/peers/lt_peer.ts [smoke|quick|full] [cpu|webgpu]",
  );
}

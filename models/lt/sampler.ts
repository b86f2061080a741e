/**
 * Batched samplers from learned random-features scores: the reverse-time SDE (Euler–Maruyama)
 * and the probability-flow ODE (Euler) of the OU process dx = −x dt + √2 dW, run from t_end down
 * to t_min along the time grid. Every random number is Philox (counter = particle, step; key per
 * slot), so {@link sampleCpu} (f64) and the WGSL kernel in `sampler_kernel.ts` (f32) draw identical
 * noise. {@link sampleCpu} is the f64 reference; `sampler_cpu.ts` has the fast CPU path (the same
 * bits) and its spread over the CPU workers.
 * @module
 */
import { normal2FromU32, philox4x32 } from "../../datasets/philox.ts";

/** One frozen feature set (one class's network of one seed): W and its U e(t) + b table. */
export interface FeatureSet {
  /** m×d. */
  W: Float64Array;
  /** nT×m: U e(t_k) + b. */
  tb: Float64Array;
}

/** One sampling job: a trained output layer on a feature set, with its Philox key. */
export interface SamplerSlot {
  /** Index into `features`. */
  fs: number;
  /** d×m output weights. */
  A: Float64Array;
  /** Philox key; slots with the same key draw the same noise (paired comparisons). */
  key: [number, number];
}

/** A batch of sampling jobs sharing d, m, the grid and the particle count. */
export interface SamplerBatch {
  d: number;
  m: number;
  grid: Float64Array;
  features: FeatureSet[];
  slots: SamplerSlot[];
  /** Particles per slot. */
  particles: number;
  mode: "sde" | "ode";
}

/** Standard normals number `2·chunk`, `2·chunk+1` of (particle, step) under `key`. */
function normalPair(
  p: number,
  step: number,
  chunk: number,
  key: [number, number],
  buf: Uint32Array,
): [number, number] {
  philox4x32(p, step, chunk, 0, key[0], key[1], buf);
  return normal2FromU32(buf[0], buf[1]);
}

/** s = A relu(W x + tb[tbo…]) without the 1/m (the score network's unnormalised output). */
export function scoreSum(
  W: Float64Array,
  tb: Float64Array,
  A: Float64Array,
  tbo: number,
  m: number,
  d: number,
  x: Float64Array,
  s: Float64Array,
): void {
  s.fill(0);
  for (let j = 0; j < m; j++) {
    let h = tb[tbo + j];
    for (let q = 0; q < d; q++) h += W[j * d + q] * x[q];
    if (h <= 0) continue;
    for (let q = 0; q < d; q++) s[q] += A[q * m + j] * h;
  }
}

/** {@link scoreSum} for d = 2 (Paper D's data), unrolled: the same operations in the same order. */
export function scoreSum2(
  W: Float64Array,
  tb: Float64Array,
  A: Float64Array,
  tbo: number,
  m: number,
  x: Float64Array,
  s: Float64Array,
): void {
  const x0 = x[0], x1 = x[1];
  let s0 = 0, s1 = 0;
  for (let j = 0; j < m; j++) {
    const h = tb[tbo + j] + W[2 * j] * x0 + W[2 * j + 1] * x1;
    if (h <= 0) continue;
    s0 += A[j] * h;
    s1 += A[m + j] * h;
  }
  s[0] = s0, s[1] = s1;
}

/** The f64 CPU reference: returns slots × particles × d samples at t_min. */
export function sampleCpu(batch: SamplerBatch, signal?: AbortSignal): Float64Array {
  const { d, m, grid, particles } = batch;
  const nT = grid.length;
  const out = new Float64Array(batch.slots.length * particles * d);
  const buf = new Uint32Array(4);
  const x = new Float64Array(d), s = new Float64Array(d), z = new Float64Array(d + 1);
  const draw = (p: number, step: number, key: [number, number]) => {
    for (let c = 0; 2 * c < d; c++) {
      const [a, b] = normalPair(p, step, c, key, buf);
      z[2 * c] = a, z[2 * c + 1] = b;
    }
  };
  batch.slots.forEach((slot, si) => {
    if (signal?.aborted) throw new Error("aborted");
    const { W, tb } = batch.features[slot.fs];
    const A = slot.A;
    for (let p = 0; p < particles; p++) {
      draw(p, nT, slot.key);
      for (let q = 0; q < d; q++) x[q] = z[q];
      for (let k = nT - 1; k >= 1; k--) {
        if (d === 2) scoreSum2(W, tb, A, k * m, m, x, s);
        else scoreSum(W, tb, A, k * m, m, d, x, s);
        const dt = grid[k] - grid[k - 1];
        if (batch.mode === "sde") {
          draw(p, k, slot.key);
          const sq = Math.sqrt(2 * dt);
          for (let q = 0; q < d; q++) x[q] += dt * (x[q] + 2 * s[q] / m) + sq * z[q];
        } else {
          for (let q = 0; q < d; q++) x[q] += dt * (x[q] + s[q] / m);
        }
      }
      for (let q = 0; q < d; q++) out[(si * particles + p) * d + q] = x[q];
    }
  });
  return out;
}

/**
 * The same samplers driven by an arbitrary score function (e.g. an exact Gaussian score in tests),
 * with the same noise as {@link sampleCpu} under `key`.
 */
export function sampleWithScore(
  score: (x: Float64Array, t: number, out: Float64Array) => void,
  d: number,
  grid: Float64Array,
  particles: number,
  key: [number, number],
  mode: "sde" | "ode",
): Float64Array {
  const nT = grid.length, out = new Float64Array(particles * d);
  const buf = new Uint32Array(4),
    x = new Float64Array(d),
    s = new Float64Array(d),
    z = new Float64Array(d + 1);
  const draw = (p: number, step: number) => {
    for (let c = 0; 2 * c < d; c++) {
      const [a, b] = normalPair(p, step, c, key, buf);
      z[2 * c] = a, z[2 * c + 1] = b;
    }
  };
  for (let p = 0; p < particles; p++) {
    draw(p, nT);
    for (let q = 0; q < d; q++) x[q] = z[q];
    for (let k = nT - 1; k >= 1; k--) {
      score(x, grid[k], s);
      const dt = grid[k] - grid[k - 1];
      if (mode === "sde") {
        draw(p, k);
        for (let q = 0; q < d; q++) x[q] += dt * (x[q] + 2 * s[q]) + Math.sqrt(2 * dt) * z[q];
      } else {
        for (let q = 0; q < d; q++) x[q] += dt * (x[q] + s[q]);
      }
    }
    out.set(x, p * d);
  }
  return out;
}

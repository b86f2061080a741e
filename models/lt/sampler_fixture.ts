/**
 * A small synthetic sampler batch (random features, random output weights) for the sampler's
 * tests and benches.
 * @module
 */
import { PhiloxStream, streamKey } from "../../datasets/philox.ts";
import { drawFeatures, timeBiasTable, timeGrid } from "./features.ts";
import type { SamplerBatch } from "./sampler.ts";

/** Options of {@link demoSamplerBatch}. */
export interface DemoBatchOptions {
  particles: number;
  m?: number;
  steps?: number;
  slots?: number;
  /** Scale of the random output weights. */
  aScale?: number;
  /** Slots share noise in pairs (key by slot mod 2) when true, else each slot has its own. */
  pairedNoise?: boolean;
}

/** Two feature sets in d = 2 and `slots` jobs alternating between them. */
export function demoSamplerBatch(o: DemoBatchOptions): SamplerBatch {
  const m = o.m ?? 16, d = 2;
  const grid = timeGrid(0.01, 4, o.steps ?? 30, "geometric");
  const features = [0, 1].map((c) => {
    const f = drawFeatures(
      new PhiloxStream(2, "f", c),
      d,
      m,
      4,
      { wScale: 1, uScale: 1, bScale: 1 },
      0.01,
      4,
    );
    return { W: f.W, tb: timeBiasTable(f, grid) };
  });
  const slots = Array.from({ length: o.slots ?? 3 }, (_, k) => ({
    fs: k % 2,
    A: new PhiloxStream(2, "A", k).fillNormal(
      new Float64Array(d * m),
      o.aScale ?? 1,
    ) as Float64Array,
    key: streamKey(7, "sampler", o.pairedNoise === false ? k : k % 2),
  }));
  return { d, m, grid, features, slots, particles: o.particles, mode: "sde" };
}

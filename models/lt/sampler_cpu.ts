/**
 * The fast CPU path of the Paper D sampler: the reverse-time SDE / PF-ODE of {@link sampleCpu}
 * with the score loop in WebAssembly SIMD (`models/wasm/assembly/lt.ts`, eight particles at a
 * time), the same samples bit for bit (tested). Philox noise depends only on (key, particle,
 * step), so it is drawn once per key and shared by every slot with that key (the cases' methods
 * of one seed and class), also in WebAssembly (`samplerNoise`: Philox, then the Box–Muller of
 * `assembly/box_muller.ts`, which gives the bits of the reference's Math.log/cos/sin). d ≠ 2, and
 * slots whose output weights are not finite, run the reference.
 * {@link sampleCpuParallel} spreads the key groups over the CPU workers.
 * @module
 */
import { chunks, cpuWorkerCount, runInWorkers } from "../cpu/pool.ts";
import { allFinite, ltArena, ltWasm } from "./lt_wasm.ts";
import { sampleCpu, type SamplerBatch } from "./sampler.ts";

/** The slots of `batch` grouped by Philox key, in order of first appearance. */
export function keyGroups(batch: SamplerBatch): number[][] {
  const groups = new Map<string, number[]>();
  batch.slots.forEach((s, i) => {
    const k = `${s.key[0] >>> 0},${s.key[1] >>> 0}`;
    const g = groups.get(k);
    if (g) g.push(i);
    else groups.set(k, [i]);
  });
  return [...groups.values()];
}

/** {@link sampleCpu}'s samples (slots × particles × d), the same bits, the score loop in WebAssembly. */
export function sampleCpuFast(batch: SamplerBatch, signal?: AbortSignal): Float64Array {
  const { d, m, grid, particles: P } = batch;
  if (d !== 2) return sampleCpu(batch, signal);
  const nT = grid.length, Pp = Math.ceil(P / 8) * 8;
  const out = new Float64Array(batch.slots.length * P * d);
  const mode = batch.mode === "sde" ? 0 : 1;
  for (const group of keyGroups(batch)) {
    if (signal?.aborted) throw new Error("aborted");
    ltArena.reset();
    const gp = ltArena.put(grid);
    const zp = ltArena.alloc(8 * 2 * (nT + 1) * Pp);
    const key = batch.slots[group[0]].key;
    ltWasm.samplerNoise(zp, P, Pp, mode === 0 ? 1 : nT, nT, key[0] >>> 0, key[1] >>> 0);
    const op = ltArena.alloc(8 * P * d);
    let fsLoaded = -1, wp = 0, tp = 0;
    for (const si of group) {
      const slot = batch.slots[si];
      if (!allFinite(slot.A)) {
        out.set(sampleCpu({ ...batch, slots: [slot] }), si * P * d);
        continue;
      }
      if (slot.fs !== fsLoaded) {
        const f = batch.features[slot.fs];
        wp = ltArena.put(f.W);
        tp = ltArena.put(f.tb);
        fsLoaded = slot.fs;
      }
      const ap = ltArena.put(slot.A);
      ltWasm.sample2(wp, tp, ap, gp, zp, op, nT, m, P, Pp, mode);
      out.set(ltArena.f64(op, P * d), si * P * d);
    }
  }
  return out;
}

/** One worker task: a batch and the indices its slots have in the whole batch. */
export interface SamplerTask {
  batch: SamplerBatch;
  /** Index in the whole batch of each of `batch.slots`. */
  index: number[];
}

/** {@link sampleCpuFast} for one batch, as a worker task (no abort signal crosses a worker). */
export function sampleCpuTask(task: SamplerTask): Float64Array {
  return sampleCpuFast(task.batch);
}

/**
 * {@link sampleCpuFast} with the key groups spread over CPU workers (`models/cpu/pool.ts`), each
 * task carrying only the feature sets its slots use: the same samples bit for bit, whatever the
 * worker count.
 */
export async function sampleCpuParallel(
  batch: SamplerBatch,
  opts: { signal?: AbortSignal; workers?: number } = {},
): Promise<Float64Array> {
  const workers = opts.workers ?? cpuWorkerCount();
  const groups = keyGroups(batch);
  if (workers <= 1 || groups.length < 2) return sampleCpuFast(batch, opts.signal);
  const tasks = chunks(groups, workers * 2).map((gs): SamplerTask => {
    const index = gs.flat(), fsMap = new Map<number, number>();
    const slots = index.map((i) => {
      const s = batch.slots[i];
      if (!fsMap.has(s.fs)) fsMap.set(s.fs, fsMap.size);
      return { ...s, fs: fsMap.get(s.fs)! };
    });
    const features = [...fsMap.keys()].map((fs) => batch.features[fs]);
    return { batch: { ...batch, slots, features }, index };
  });
  const outs = await runInWorkers<SamplerTask, Float64Array>(
    new URL(import.meta.url),
    "sampleCpuTask",
    tasks,
    { workers, signal: opts.signal },
  );
  const per = batch.particles * batch.d, out = new Float64Array(batch.slots.length * per);
  tasks.forEach((t, k) =>
    t.index.forEach((i, r) => out.set(outs[k].subarray(r * per, (r + 1) * per), i * per))
  );
  return out;
}

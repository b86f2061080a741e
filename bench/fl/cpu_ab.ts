/**
 * Interleaved A/B of Paper A's CPU trainer (`trainCpuParallel`, the perf row's suite side) on the
 * perf row's quick batches: a baseline checkout (its own module graph and WebAssembly instances)
 * against this tree, A, B, A, B, …; prints the median wall time and the median process CPU time
 * (workers included) per run-step and fails if the logs differ in any bit.
 *
 * `deno run -A bench/fl/cpu_ab.ts <baseline checkout> [reps = 3]`, e.g. after
 * `git worktree add --detach /tmp/base <commit>`.
 * @module
 */
import process from "node:process";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { peerBatch } from "../peers/fl_peer.ts";
import type { CpuTrainResult } from "../../models/fl/train_cpu.ts";
import type { FlBatch } from "../../models/fl/batch.ts";

type Train = (b: FlBatch) => Promise<CpuTrainResult>;

/** Median of a list of numbers. */
function median(x: number[]): number {
  return x.slice().sort((a, b) => a - b)[x.length >> 1];
}

if (import.meta.main) {
  const base = Deno.args[0];
  if (!base) throw new Error("usage: cpu_ab.ts <baseline checkout> [reps]");
  const reps = Number(Deno.args[1] ?? 3);
  const baseUrl = pathToFileURL(resolve(base, "models/fl/train_cpu.ts")).href;
  const A: Train = (await import(baseUrl)).trainCpuParallel;
  const B: Train = (await import("../../models/fl/train_cpu.ts")).trainCpuParallel;
  for (const model of ["diffusion", "classifier"] as const) {
    const b = peerBatch("quick", model), units = b.runs.length * b.steps;
    const wall = { A: [] as number[], B: [] as number[] },
      cpu = { A: [] as number[], B: [] as number[] };
    let ref: Float64Array | null = null;
    for (let r = 0; r < reps; r++) {
      for (const [k, train] of [["A", A], ["B", B]] as const) {
        const c0 = process.cpuUsage(), t0 = performance.now();
        const { logs } = await train(b);
        wall[k].push((performance.now() - t0) / 1000);
        const c = process.cpuUsage(c0);
        cpu[k].push((c.user + c.system) / 1e6);
        if (ref === null) ref = logs;
        else if (logs.some((v, i) => !Object.is(v, ref![i]))) {
          throw new Error(`${model}: logs differ`);
        }
      }
    }
    const line = (k: "A" | "B") =>
      `wall ${median(wall[k]).toFixed(2)} s, cpu ${median(cpu[k]).toFixed(2)} s = ${
        (median(cpu[k]) / units * 1e6).toFixed(0)
      } µs cpu/run-step`;
    console.log(
      `${model} (${b.runs.length} runs × ${b.steps} steps, ${reps} reps): baseline ${
        line("A")
      } | ` +
        `this tree ${line("B")} | cpu ×${(median(cpu.A) / median(cpu.B)).toFixed(2)}, wall ×${
          (median(wall.A) / median(wall.B)).toFixed(2)
        }; logs bit-identical`,
    );
  }
}

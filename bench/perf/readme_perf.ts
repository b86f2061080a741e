/**
 * Keeps the README's performance table true: `deno task readme-perf <perf.json>` rewrites the
 * block between the `perf-table` markers from one saved `deno task perf` run (its header, its
 * table, and a summary computed from its rows: the range of speed-ups against the fair peer, how
 * many rows reach 1.5×, the range of "% of limit", and whether the machine was idle). Nothing in
 * the block is typed by hand, so the README cannot drift from the run it cites.
 *
 * The JSON is read as untrusted input (it may come from another machine): it is validated with
 * zod, and every string that reaches the Markdown is escaped.
 * @module
 */
import { z } from "../../deps.ts";
import { escapeMarkdown } from "../../reports/escape.ts";
import { atomicWriteTextFile } from "../../reports/atomic_write.ts";
import { replaceBlock } from "../readme_table.ts";
import { perfHeader, perfLimits, type PerfRow, perfTable, rowRoofline } from "./perf.ts";
import type { BlasInfo } from "./limits.ts";

const num = z.number();
const triple = z.array(num).min(1).max(3);
const sideBySide = z.object({
  suiteSeconds: z.array(num),
  peerSeconds: z.array(num),
  suiteRate: num,
  peerRate: num,
  speedup: z.object({ value: num, lo: num, hi: num }),
  gflops: num,
  flopsPerUnit: num,
  peerGflops: num,
  gbps: num,
  agreement: z.object({ ok: z.boolean(), detail: z.string(), reps: num, agreed: num }),
  peerInfo: z.record(z.string(), z.unknown()),
  precision: z.enum(["f32", "f64"]),
  peerThreads: num,
  // runs saved before data-parallel peers have no process count: one process
  peerProcesses: num.default(1),
});
const row = z.object({
  benchmark: z.string().max(200),
  caseId: z.string().max(200),
  backend: z.enum(["cpu", "webgpu"]),
  peerDevice: z.string().max(50),
  units: num,
  unitName: z.string().max(200),
  flopsPerUnit: num,
  bytesPerUnit: num,
  result: sideBySide.nullable(),
  error: z.string().nullable(),
  load: triple,
});
const perfRun = z.object({
  machine: z.object({
    cpu: z.string().max(200),
    cores: num,
    adapter: z.string().max(300),
    peak: z.object({ gflops: num, gbps: num }).passthrough().nullable(),
    blas: z.object({
      torch: z.string(),
      numpy: z.string(),
      threads: num,
      blas: z.object({
        kind: z.enum(["openblas", "blis", "mkl", "atlas", "reference", "unknown"]),
        libraries: z.array(z.string()),
        torchBlasInfo: z.string().nullable(),
        threadpoolctl: z.array(z.record(z.string(), z.unknown())).optional(),
      }).passthrough(),
      torchMatmul: z.object({ n: num, gflops: z.object({ f32: num, f64: num }) }),
      limits: z.object({
        method: z.string(),
        gemmGflops: z.object({ f32: num, f64: num }),
        copyGbps: num,
        fmaGflops: z.object({ f32: num, f64: num }).optional(),
        fmaNote: z.string().optional(),
      }).optional(),
    }),
    slowPeer: z.boolean(),
    commit: z.string().max(64).nullable().optional(),
    date: z.string().max(40),
    size: z.enum(["smoke", "quick", "full"]),
    reps: num,
    loadStart: triple,
    loadEnd: triple,
  }).passthrough(),
  rows: z.array(row).max(1000),
});

/** A saved `deno task perf` run (`results/perf/perf-*.json`). */
export type PerfRun = z.infer<typeof perfRun>;

/** Parse a perf run's JSON text; throws one line naming the first problem. */
export function parsePerfRun(text: string, source = "perf JSON"): PerfRun {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${source}: not JSON (${(e as Error).message})`);
  }
  const r = perfRun.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`${source}: not a perf run: ${i.path.join(".") || "(root)"}: ${i.message}`);
  }
  return r.data;
}

/** Below this 1-minute load average at the start, the machine counts as idle (no other job). */
export const IDLE_LOAD = 0.5;

/**
 * The summary sentences of a run, computed from its rows: speed-up range and how many rows reach
 * `target`× the fair peer, the rows slower than the peer, the range of "% of limit", and the
 * machine's load.
 */
export function perfSummary(run: PerfRun, target = 1.5): string {
  const limits = perfLimits(run.machine.blas);
  const ok = run.rows.filter((r) => r.result !== null);
  const f = (x: number) => x.toPrecision(3);
  const parts: string[] = [];
  if (ok.length) {
    const ratios = ok.map((r) => r.result!.speedup.value);
    const reach = ok.filter((r) => r.result!.speedup.value >= target);
    const ciReach = ok.filter((r) => r.result!.speedup.lo >= target);
    parts.push(
      `Against the fair peer the suite is ${f(Math.min(...ratios))}–${
        f(Math.max(...ratios))
      }× (ratio of medians); ${reach.length} of ${ok.length} rows reach ${target}× (${ciReach.length} with the whole 95% CI above it)` +
        (reach.length < ok.length
          ? `; below it: ${
            ok.filter((r) => r.result!.speedup.value < target)
              .map((r) =>
                `${escapeMarkdown(r.benchmark)} ${r.backend} (${f(r.result!.speedup.value)}×)`
              )
              .join(", ")
          }.`
          : "."),
    );
    const slower = ok.filter((r) => r.result!.speedup.value < 1);
    if (slower.length) {
      parts.push(
        `Slower than the peer: ${
          slower.map((r) => `${escapeMarkdown(r.benchmark)} ${r.backend}`).join(", ")
        } (the peer takes ${
          slower.map((r) => f(1 / r.result!.speedup.value)).join(", ")
        }× less time).`,
      );
    }
    if (limits) {
      const fr = ok.map((r) => 100 * rowRoofline(r, r.result!, limits).fraction);
      parts.push(
        `Rows run at ${f(Math.min(...fr))}–${f(Math.max(...fr))}% of the limit that binds them.`,
      );
    }
  }
  const bad = run.rows.filter((r) => r.result === null);
  if (bad.length) {
    parts.push(
      `${bad.length} row(s) failed: ${bad.map((r) => escapeMarkdown(r.benchmark)).join(", ")}.`,
    );
  }
  const disagree = ok.filter((r) => !r.result!.agreement.ok);
  if (disagree.length) {
    parts.push(
      `Outputs disagreed on ${
        disagree.map((r) => escapeMarkdown(r.benchmark)).join(", ")
      }: those rates are not comparable.`,
    );
  }
  const m = run.machine;
  const idle = m.loadStart[0] < IDLE_LOAD;
  parts.push(
    idle
      ? `Idle machine: 1-minute load ${
        m.loadStart[0].toFixed(2)
      } at the start (the run's own work raised it to ${m.loadEnd[0].toFixed(2)} by the end).`
      : `Not idle: 1-minute load ${m.loadStart[0].toFixed(2)} at the start (${
        m.loadEnd[0].toFixed(2)
      } at the end, on ${m.cores} cores); absolute rates are a partly loaded machine's.`,
  );
  return parts.join(" ");
}

/** The README block of a perf run: provenance line, header, table and summary. */
export function readmePerfBlock(run: PerfRun, source: string): string {
  const m = run.machine;
  const commit = m.commit ? `commit ${escapeMarkdown(m.commit.slice(0, 10))}` : "unknown commit";
  const header = perfHeader({
    cpu: m.cpu,
    cores: m.cores,
    adapter: m.adapter,
    peak: m.peak,
    blas: m.blas as BlasInfo,
    size: m.size,
    reps: m.reps,
    loadStart: m.loadStart,
    loadEnd: m.loadEnd,
  });
  return [
    `Generated by \`deno task readme-perf ${
      escapeMarkdown(source)
    }\` from one \`deno task perf\` run of ${commit}, ${escapeMarkdown(m.date)}.`,
    "",
    header,
    "",
    perfTable(run.rows as PerfRow[], perfLimits(run.machine.blas), m.slowPeer),
    "",
    perfSummary(run),
  ].join("\n");
}

if (import.meta.main) {
  const file = Deno.args[0];
  if (!file || Deno.args.length > 1) {
    console.error("usage: deno task readme-perf <results/perf/perf-*.json>");
    Deno.exit(2);
  }
  try {
    const run = parsePerfRun(await Deno.readTextFile(file), file);
    const readmePath = new URL("../../README.md", import.meta.url).pathname;
    const readme = await Deno.readTextFile(readmePath);
    await atomicWriteTextFile(
      readmePath,
      replaceBlock(readme, "perf-table", readmePerfBlock(run, file)),
    );
    await new Deno.Command(Deno.execPath(), { args: ["fmt", "-q", readmePath] }).output();
    console.log(`README perf table updated from ${file}`);
  } catch (e) {
    console.error(`readme-perf: ${e instanceof Error ? e.message : String(e)}`);
    Deno.exit(1);
  }
}

/**
 * `deno task perf`: every case's hot loop, suite against its PyTorch peer on the same data in the
 * same precision (f64 against the CPU path, f32 against WebGPU), ≥ 5 interleaved repetitions after
 * a warm-up; prints a table (units/s and the ratio of medians with a bootstrap CI, agreement on
 * every rep, achieved GFLOP/s as a fraction of the limit that binds the row on this machine's
 * roofline) and saves it as JSON + markdown. The header names the peer's BLAS (the run stops on
 * the netlib reference BLAS unless `--allow-slow-peer`), its matmul GFLOP/s, this CPU's measured
 * achievable peaks and copy bandwidth, the adapter's measured peak, and the load average.
 *
 * Usage: deno task perf [--size smoke|quick|full] [--reps N] [--only glob] [--backends auto|cpu,webgpu]
 *                       [--allow-slow-peer] [--max-hours H] [--out dir]
 *
 * `--size full` first estimates its own duration (`full_estimate.ts`: every row once at the smoke
 * size, scaled by FLOPs), prints it, and stops with one line when it exceeds `--max-hours`
 * (default 2): the full size is for a machine with a GPU.
 *
 * `--backends auto` (default): the CPU path always, and WebGPU where the case itself runs on it under
 * `--backend auto` (not on a software adapter for cases that declare `onFallbackAdapter: "cpu"`).
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import * as os from "node:os";
import { PEERS } from "./registry.ts";
import { CI_METHOD, peerConfigLabel, type PeerWork, type SideBySide, sideBySide } from "./peer.ts";
import { estimateFullSize, fullSizeVerdict } from "./full_estimate.ts";
import {
  type BlasInfo,
  blasInfo,
  blasVerdict,
  computeRoof,
  roofline,
  type RooflinePoint,
} from "./limits.ts";
import { torchStatus } from "../peers/python.ts";
import { acquireBackend } from "../../models/gpu/device.ts";
import { type MeasuredPeak, measurePeak } from "../../models/gpu/peak.ts";
import { atomicWriteTextFile } from "../../reports/atomic_write.ts";
import { findCase } from "../registry.ts";
import { prefersCpuPath } from "../runner.ts";
import { cpuWorkerCount } from "../../models/cpu/pool.ts";
import { escapeMarkdown as md } from "../../reports/escape.ts";
import { gitInfo } from "../provenance.ts";

/** One row of the perf table. */
export interface PerfRow {
  benchmark: string;
  caseId: string;
  backend: "cpu" | "webgpu";
  peerDevice: string;
  units: number;
  unitName: string;
  /** Dense FLOPs and compulsory bytes of one work unit (the roofline's numerator and denominator). */
  flopsPerUnit: number;
  bytesPerUnit: number;
  result: SideBySide | null;
  error: string | null;
  /** 1, 5 and 15 min load averages when the row finished. */
  load: number[];
}

/** The machine's limits a table is judged against. */
export interface PerfLimits {
  /**
   * This CPU's compute roof per precision (GFLOP/s: its measured FMA peak, or the BLAS gemm rate
   * when the FMA microbenchmark could not run) and copy bandwidth (GB/s).
   */
  cpuGflops: { f32: number; f64: number };
  cpuGbps: number;
}

/** The limits of a machine whose `blas_info.py` report is `blas` (null when not measured). */
export function perfLimits(blas: Pick<BlasInfo, "limits">): PerfLimits | null {
  const l = blas.limits;
  return l ? { cpuGflops: computeRoof(l), cpuGbps: l.copyGbps } : null;
}

/** A measured row's place on the roofline of `limits`, at the row's precision. */
export function rowRoofline(
  row: Pick<PerfRow, "bytesPerUnit">,
  result: Pick<SideBySide, "gflops" | "flopsPerUnit" | "precision">,
  limits: PerfLimits,
): RooflinePoint {
  return roofline(
    result.gflops,
    result.flopsPerUnit,
    row.bytesPerUnit,
    limits.cpuGflops[result.precision],
    limits.cpuGbps,
  );
}

function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return "n/a";
  return Math.abs(x) >= 1e5 || Math.abs(x) < 1e-2 ? x.toExponential(2) : x.toPrecision(digits);
}

/**
 * The markdown table of a perf run. Each row's achieved GFLOP/s is placed on this CPU's roofline
 * (`limits`, at the row's precision; WebGPU rows on a software adapter run on the same CPU);
 * `slowPeer` marks every row when the peer's BLAS is not optimised.
 */
export function perfTable(rows: PerfRow[], limits: PerfLimits | null, slowPeer = false): string {
  const lines = [
    "| benchmark (case) | unit: FLOPs, compulsory bytes | suite backend | peer | suite units/s | peer units/s | speedup (suite/peer) [95% CI] | suite GFLOP/s | bound, % of limit | agree |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  const mark = slowPeer ? " **SLOW PEER**" : "";
  for (const r of rows) {
    const head = `| ${md(r.benchmark)} (${md(r.caseId)}) | ${md(r.unitName)}: ${
      fmt(r.flopsPerUnit)
    }`;
    if (!r.result) {
      lines.push(
        `${head}, ${fmt(r.bytesPerUnit)} B | ${r.backend} | ${md(r.peerDevice)}${mark} | error: ${
          md(r.error)
        } | | | | | |`,
      );
      continue;
    }
    const s = r.result;
    const nz = s.flopsPerUnit !== r.flopsPerUnit ? ` (${fmt(s.flopsPerUnit)} non-zero)` : "";
    const roof = limits ? rowRoofline(r, s, limits) : null;
    const bound = roof
      ? `${roof.bound} (${fmt(roof.limitGflops)} GFLOP/s): ${fmt(100 * roof.fraction, 2)}%`
      : "n/a";
    lines.push(
      `${head}${nz}, ${fmt(r.bytesPerUnit)} B | ${r.backend} ${s.precision} | ${
        md(s.peerInfo.impl ?? "torch")
      } ${md(r.peerDevice)} ${s.precision} (${
        peerConfigLabel({ threads: s.peerThreads, processes: s.peerProcesses ?? 1 })
      })${mark} | ${fmt(s.suiteRate)} | ${fmt(s.peerRate)} | ${fmt(s.speedup.value)} [${
        fmt(s.speedup.lo)
      }, ${fmt(s.speedup.hi)}] | ${fmt(s.gflops)} | ${bound} | ${s.agreement.ok ? "yes" : "NO"}: ${
        md(s.agreement.detail)
      } |`,
    );
  }
  return lines.join("\n");
}

/** The header lines of a perf report: machine, peer BLAS, limits, adapter peak, load. */
export function perfHeader(
  m: {
    cpu: string;
    cores: number;
    adapter: string;
    peak: MeasuredPeak | null;
    blas: BlasInfo;
    size: string;
    reps: number;
    loadStart: number[];
    loadEnd: number[];
  },
): string {
  const b = m.blas, l = b.limits;
  const tp = b.blas.threadpoolctl?.find((t) => t.internal_api === "openblas");
  return [
    `Machine: ${md(m.cpu)} ×${m.cores}; size ${m.size}, ${m.reps} interleaved reps per row.`,
    `Peer: torch ${md(b.torch)} (BLAS_INFO=${md(b.blas.torchBlasInfo)}), numpy ${
      md(b.numpy)
    }; BLAS loaded: ` +
    `**${md(b.blas.kind)}**${
      tp ? ` ${md(tp.version)} (${md(tp.architecture)}, ${md(tp.threading_layer)})` : ""
    }; ` +
    `torch matmul (n = ${b.torchMatmul.n}, ${b.threads} threads): ${
      fmt(b.torchMatmul.gflops.f32)
    } GFLOP/s f32, ${fmt(b.torchMatmul.gflops.f64)} f64.`,
    l
      ? `CPU limits (measured): FMA peak ${
        l.fmaGflops
          ? `${fmt(l.fmaGflops.f32)} GFLOP/s f32, ${fmt(l.fmaGflops.f64)} f64 (fma_peak.c)`
          : `not measured (${md(l.fmaNote ?? "no microbenchmark")})`
      }; numpy/OpenBLAS sgemm/dgemm at n = 2048: ${fmt(l.gemmGflops.f32)} GFLOP/s f32, ${
        fmt(l.gemmGflops.f64)
      } f64; copy bandwidth ${fmt(l.copyGbps)} GB/s. Rows are placed against the ${
        l.fmaGflops ? "FMA peak" : "gemm rate"
      } and the copy bandwidth.`
      : "CPU limits: not measured.",
    `WebGPU adapter: ${md(m.adapter)}; its measured peak (a shader FMA loop, not the CPU's): ${
      m.peak ? `${fmt(m.peak.gflops)} GFLOP/s, ${fmt(m.peak.gbps)} GB/s` : "n/a"
    }.`,
    `Load average (1/5/15 min): ${m.loadStart.map((x) => x.toFixed(2)).join("/")} at the start, ${
      m.loadEnd.map((x) => x.toFixed(2)).join("/")
    } at the end, on ${m.cores} cores.`,
    `Ratio CI: ${CI_METHOD}. Rates and GFLOP/s at the median time.`,
  ].join("\n");
}

if (import.meta.main) {
  const usage =
    "Usage: deno task perf [--size smoke|quick|full] [--reps N] [--only glob] [--backends auto|cpu,webgpu] [--allow-slow-peer] [--max-hours H] [--out dir]\n" +
    "  --backends auto (default): CPU, plus WebGPU where the case runs on it under --backend auto\n" +
    "  --reps N (default 5, at least 5): interleaved repetitions per row\n" +
    "  --allow-slow-peer: run even when torch's BLAS is the netlib reference (rows are marked)\n" +
    "  --max-hours H (default 2): --size full stops first when its estimate exceeds H hours";
  let values;
  try {
    values = parseArgs({
      args: Deno.args,
      options: {
        size: { type: "string", default: "quick" },
        reps: { type: "string", default: "5" },
        only: { type: "string" },
        backends: { type: "string", default: "auto" },
        out: { type: "string", default: "results/perf" },
        "allow-slow-peer": { type: "boolean", default: false },
        "max-hours": { type: "string", default: "2" },
        help: { type: "boolean", short: "h" },
      },
    }).values;
  } catch (e) {
    console.error(`perf: ${(e as Error).message}\n${usage}`);
    Deno.exit(2);
  }
  if (values.help) {
    console.log(usage);
    Deno.exit(0);
  }
  const size = values.size as "smoke" | "quick" | "full";
  if (!["smoke", "quick", "full"].includes(size)) {
    console.error(`perf: --size ${JSON.stringify(size)}: allowed values are smoke, quick, full`);
    Deno.exit(2);
  }
  const reps = Number(values.reps);
  if (!Number.isInteger(reps) || reps < 5) {
    console.error("perf: --reps must be an integer ≥ 5 (the ratio's bootstrap CI needs them)");
    Deno.exit(2);
  }
  const maxHours = Number(values["max-hours"]);
  if (!(maxHours > 0)) {
    console.error("perf: --max-hours must be a positive number of hours");
    Deno.exit(2);
  }
  try {
    cpuWorkerCount();
  } catch (e) {
    console.error(`perf: ${(e as Error).message}`);
    Deno.exit(2);
  }
  const torch = await torchStatus();
  if (!torch.ok) {
    console.error(`perf: ${torch.message}`);
    Deno.exit(1);
  }
  const loadStart = os.loadavg();
  console.error("perf: measuring the peer's BLAS and this CPU's limits (blas_info.py)");
  let blas: BlasInfo;
  try {
    blas = await blasInfo();
  } catch (e) {
    console.error(`perf: ${(e as Error).message}`);
    Deno.exit(1);
  }
  const verdict = blasVerdict(blas, values["allow-slow-peer"]!);
  console.error(`perf: ${verdict.message}`);
  if (!verdict.proceed) Deno.exit(1);
  const limits = perfLimits(blas);
  const choice = await acquireBackend("auto");
  const auto = values.backends === "auto";
  const wanted = auto ? ["cpu", "webgpu"] : String(values.backends).split(",").map((s) => s.trim());
  if (wanted.some((b) => b !== "cpu" && b !== "webgpu")) {
    console.error(
      `perf: --backends ${JSON.stringify(values.backends)}: allowed values are auto, cpu, webgpu`,
    );
    Deno.exit(2);
  }
  /** Backends of one benchmark: as asked, WebGPU only with a device (and, under auto, as its case runs). */
  const webgpuFor = (caseId: string) => {
    const c = findCase(caseId);
    return choice.device !== null && !(auto && c && prefersCpuPath(c, choice));
  };
  const backendsOf = (caseId: string) =>
    (["cpu", "webgpu"] as const).filter((b) =>
      wanted.includes(b) && (b === "cpu" || webgpuFor(caseId))
    );
  const devices = torch.cuda ? ["cpu", "cuda"] : ["cpu"];
  const dir = await Deno.makeTempDir({ prefix: "claimbench-perf-" });
  const re = values.only
    ? new RegExp(`^${values.only.replace(/\./g, "\\.").replace(/\*/g, ".*")}$`)
    : null;
  const selected = PEERS.filter((p) => !re || re.test(p.id) || re.test(p.caseId));
  const works = new Map<string, PeerWork>();
  if (size === "full") {
    for (const b of selected) works.set(b.id, await b.setup(dir, "full"));
    const specs = selected.flatMap((bench) =>
      backendsOf(bench.caseId).flatMap((backend) =>
        devices.map((device) => ({ bench, backend, device }))
      )
    );
    const estimates = await estimateFullSize(
      specs,
      works,
      dir,
      reps,
      maxHours,
      (line) => console.error(`perf: estimate ${line}`),
    );
    const gate = fullSizeVerdict(estimates, maxHours);
    console.error(`perf: ${gate.message}`);
    if (!gate.proceed) {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
      Deno.exit(1);
    }
  }
  // after the full-size gate: the large peak measurement takes minutes on a software adapter
  const peak = choice.device
    ? await measurePeak(choice.device, size === "full" ? "large" : "small")
    : null;
  const rows: PerfRow[] = [];
  for (const b of selected) {
    const work = works.get(b.id) ?? await b.setup(dir, size);
    for (const backend of backendsOf(b.caseId)) {
      for (const dev of devices) {
        console.error(
          `perf: ${b.id} suite=${backend} peer device=${dev} (${reps} interleaved reps; load ${
            os.loadavg().map((x) => x.toFixed(2)).join("/")
          })`,
        );
        const base = {
          benchmark: b.id,
          caseId: b.caseId,
          backend,
          peerDevice: dev,
          units: work.units,
          unitName: work.unitName,
          flopsPerUnit: work.flopsPerUnit,
          bytesPerUnit: work.bytesPerUnit,
        };
        const log = (line: string) => console.error(`perf:   ${line}`);
        try {
          const result = await sideBySide(work, backend, dev, reps, log);
          rows.push({ ...base, result, error: null, load: os.loadavg() });
        } catch (e) {
          const error = e instanceof Error ? e.message : String(e);
          rows.push({ ...base, result: null, error, load: os.loadavg() });
        }
        log(perfTable(rows.slice(-1), limits, !verdict.fair).split("\n")[2]);
      }
    }
  }
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  const adapter = choice.adapter
    ? `${choice.adapter.description}${choice.adapter.isFallbackAdapter ? " (fallback)" : ""}`
    : "none";
  const machine = {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: navigator.hardwareConcurrency,
    adapter,
    peak,
    blas,
    slowPeer: !verdict.fair,
    torch: torch.version,
    deno: Deno.version.deno,
    commit: (await gitInfo()).commit,
    date: new Date().toISOString(),
    size,
    reps,
    loadStart,
    loadEnd: os.loadavg(),
  };
  const table = perfTable(rows, limits, !verdict.fair);
  const md = `# claimbench perf (${size})\n\n${perfHeader(machine)}\n\n${table}\n`;
  console.log(md);
  await Deno.mkdir(values.out!, { recursive: true });
  const stem = join(values.out!, `perf-${size}-${machine.date.replace(/[:.]/g, "-")}`);
  await atomicWriteTextFile(`${stem}.json`, JSON.stringify({ machine, rows }, null, 1));
  await atomicWriteTextFile(`${stem}.md`, md);
  console.error(`perf: wrote ${stem}.json and .md`);
  choice.device?.destroy();
  Deno.exit(0);
}

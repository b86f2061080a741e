/**
 * `deno task perf`: every case's hot loop, suite against its PyTorch peer on the same data,
 * interleaved repetitions; prints a table (units/s, ratio with CI, achieved GFLOP/s and GB/s
 * against the adapter's measured peak) and saves it as JSON + markdown.
 *
 * Usage: deno task perf [--size smoke|quick|full] [--reps N] [--only glob] [--backends auto|cpu,webgpu] [--out dir]
 *
 * `--backends auto` (default): the CPU path always, and WebGPU where the case itself runs on it under
 * `--backend auto` (not on a software adapter for cases that declare `onFallbackAdapter: "cpu"`).
 * @module
 */
import { parseArgs } from "node:util";
import { join } from "node:path";
import * as os from "node:os";
import { PEERS } from "./registry.ts";
import { type SideBySide, sideBySide } from "./peer.ts";
import { torchStatus } from "../peers/python.ts";
import { acquireBackend } from "../../models/gpu/device.ts";
import { type MeasuredPeak, measurePeak } from "../../models/gpu/peak.ts";
import { atomicWriteTextFile } from "../../reports/atomic_write.ts";
import { findCase } from "../registry.ts";
import { prefersCpuPath } from "../runner.ts";
import { cpuWorkerCount } from "../../models/cpu/pool.ts";

/** One row of the perf table. */
export interface PerfRow {
  benchmark: string;
  caseId: string;
  backend: "cpu" | "webgpu";
  peerDevice: string;
  units: number;
  unitName: string;
  /** Useful FLOPs and operand bytes of one work unit (the roofline's numerator and denominator). */
  flopsPerUnit: number;
  bytesPerUnit: number;
  result: SideBySide | null;
  error: string | null;
}

function fmt(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return "n/a";
  return Math.abs(x) >= 1e5 || Math.abs(x) < 1e-2 ? x.toExponential(2) : x.toPrecision(digits);
}

/** The markdown table of a perf run. */
export function perfTable(rows: PerfRow[], peak: MeasuredPeak | null): string {
  const lines = [
    "| benchmark (case) | unit: FLOPs, bytes | suite backend | peer | suite units/s | peer units/s | speedup (suite/peer) [95% CI] | suite GFLOP/s (% of measured peak) | suite operand GB/s | agree |",
    "|---|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of rows) {
    const head = `| ${r.benchmark} (${r.caseId}) | ${r.unitName}: ${fmt(r.flopsPerUnit)}, ${
      fmt(r.bytesPerUnit)
    } B`;
    if (!r.result) {
      lines.push(`${head} | ${r.backend} | ${r.peerDevice} | error: ${r.error} | | | | | |`);
      continue;
    }
    const s = r.result;
    const roof = r.backend === "webgpu" && peak
      ? ` (${fmt((100 * s.gflops) / peak.gflops, 2)}% of ${fmt(peak.gflops)})`
      : "";
    lines.push(
      `${head} | ${r.backend} | ${s.peerInfo.impl ?? "torch"} ${r.peerDevice} (${
        s.peerInfo.threads ?? "?"
      } threads) | ${fmt(s.suiteRate)} | ${fmt(s.peerRate)} | ${fmt(s.speedup.value)} [${
        fmt(s.speedup.lo)
      }, ${fmt(s.speedup.hi)}] | ${fmt(s.gflops)}${roof} | ${fmt(s.gbps)} | ${
        s.agreement.ok ? "yes" : "NO"
      }: ${s.agreement.detail.replaceAll("|", "\\|")} |`,
    );
  }
  return lines.join("\n");
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      size: { type: "string", default: "quick" },
      reps: { type: "string", default: "3" },
      only: { type: "string" },
      backends: { type: "string", default: "auto" },
      out: { type: "string", default: "results/perf" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(
      "Usage: deno task perf [--size smoke|quick|full] [--reps N] [--only glob] [--backends auto|cpu,webgpu] [--out dir]\n" +
        "  --backends auto (default): CPU, plus WebGPU where the case runs on it under --backend auto",
    );
    Deno.exit(0);
  }
  const size = values.size as "smoke" | "quick" | "full";
  if (!["smoke", "quick", "full"].includes(size)) {
    console.error(`perf: --size ${JSON.stringify(size)}: allowed values are smoke, quick, full`);
    Deno.exit(2);
  }
  const reps = Number(values.reps);
  if (!Number.isInteger(reps) || reps < 2) {
    console.error("perf: --reps must be an integer ≥ 2");
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
  const choice = await acquireBackend("auto");
  const peak = choice.device
    ? await measurePeak(choice.device, size === "full" ? "large" : "small")
    : null;
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
  const rows: PerfRow[] = [];
  for (const b of PEERS.filter((p) => !re || re.test(p.id) || re.test(p.caseId))) {
    const work = await b.setup(dir, size);
    for (const backend of backendsOf(b.caseId)) {
      for (const dev of devices) {
        console.error(
          `perf: ${b.id} suite=${backend} peer device=${dev} (${reps} interleaved reps)`,
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
        try {
          rows.push({ ...base, result: await sideBySide(work, backend, dev, reps), error: null });
        } catch (e) {
          rows.push({ ...base, result: null, error: e instanceof Error ? e.message : String(e) });
        }
      }
    }
  }
  const machine = {
    cpu: os.cpus()[0]?.model ?? "unknown",
    cores: navigator.hardwareConcurrency,
    adapter: choice.adapter,
    peak,
    torch: torch.version,
    deno: Deno.version.deno,
    date: new Date().toISOString(),
    size,
    reps,
  };
  const table = perfTable(rows, peak);
  const md = `# claimbench perf (${size})\n\nMachine: ${machine.cpu} ×${machine.cores}; adapter: ${
    choice.adapter
      ? `${choice.adapter.description}${choice.adapter.isFallbackAdapter ? " (fallback)" : ""}`
      : "none"
  }; measured adapter peak: ${
    peak ? `${fmt(peak.gflops)} GFLOP/s, ${fmt(peak.gbps)} GB/s` : "n/a"
  }; torch ${torch.version}.\n\n${table}\n`;
  console.log(md);
  await Deno.mkdir(values.out!, { recursive: true });
  const stem = join(values.out!, `perf-${size}-${machine.date.replace(/[:.]/g, "-")}`);
  await atomicWriteTextFile(`${stem}.json`, JSON.stringify({ machine, rows }, null, 1));
  await atomicWriteTextFile(`${stem}.md`, md);
  console.error(`perf: wrote ${stem}.json and .md`);
  choice.device?.destroy();
  Deno.exit(0);
}

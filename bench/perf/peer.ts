/**
 * Side-by-side timing of the suite against a peer implementation (PyTorch) of the same work:
 * interleaved repetitions, work units per second for each, the ratio with a bootstrap CI, and
 * achieved GFLOP/s and GB/s from the work's declared FLOPs and bytes per unit.
 * @module
 */
import { bootstrap, median } from "../../reports/stats.ts";

/** One timed execution. */
export interface Timed {
  seconds: number;
  /** A few output values, to check that suite and peer computed the same thing. */
  checksum: number[];
  info?: Record<string, unknown>;
}

/** A unit of work that both the suite and a peer can execute. */
export interface PeerWork {
  units: number;
  unitName: string;
  flopsPerUnit: number;
  bytesPerUnit: number;
  /** The suite's own implementation on a backend ("cpu" or "webgpu"). */
  suite(backend: "cpu" | "webgpu"): Promise<Timed>;
  /** The peer command line (prints one JSON line {seconds, checksum, ...}). */
  peerCommand(device: string): string[];
  /** Whether two checksums agree, with a description of the tolerance. */
  agree(suite: number[], peer: number[]): { ok: boolean; detail: string };
}

/** A benchmark entry of `deno task perf`. */
export interface PeerBenchmark {
  id: string;
  caseId: string;
  description: string;
  setup(dir: string, size: "smoke" | "quick" | "full"): Promise<PeerWork>;
}

/** Run a peer command and parse its JSON line. */
export async function runPeer(cmd: string[]): Promise<Timed> {
  const out = await new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
  if (!out.success) {
    throw new Error(
      `peer failed (${cmd.join(" ")}): ${new TextDecoder().decode(out.stderr).slice(-800)}`,
    );
  }
  const parsed = JSON.parse(text) as
    & { seconds: number; checksum: number[] }
    & Record<string, unknown>;
  return { seconds: parsed.seconds, checksum: parsed.checksum, info: parsed };
}

/** The result of one side-by-side comparison. */
export interface SideBySide {
  suiteSeconds: number[];
  peerSeconds: number[];
  suiteRate: number;
  peerRate: number;
  /** suite rate / peer rate (> 1: the suite is faster), median-based, with a bootstrap CI. */
  speedup: { value: number; lo: number; hi: number };
  gflops: number;
  gbps: number;
  agreement: { ok: boolean; detail: string };
  peerInfo: Record<string, unknown>;
}

/** Interleave `reps` runs of suite and peer (suite, peer, suite, peer, …). */
export async function sideBySide(
  work: PeerWork,
  backend: "cpu" | "webgpu",
  peerDevice: string,
  reps: number,
): Promise<SideBySide> {
  const s: Timed[] = [], p: Timed[] = [];
  for (let r = 0; r < reps; r++) {
    s.push(await work.suite(backend));
    p.push(await runPeer(work.peerCommand(peerDevice)));
  }
  const ss = s.map((t) => t.seconds), ps = p.map((t) => t.seconds);
  const ratio = (idx: ArrayLike<number>) => {
    const a = Array.from(idx, (i) => ps[i]), b = Array.from(idx, (i) => ss[i]);
    return median(a) / median(b);
  };
  const speedup = bootstrap(reps, ratio, { resamples: 1000, seed: 1 });
  const best = Math.min(...ss);
  return {
    suiteSeconds: ss,
    peerSeconds: ps,
    suiteRate: work.units / median(ss),
    peerRate: work.units / median(ps),
    speedup,
    gflops: (work.units * work.flopsPerUnit) / best / 1e9,
    gbps: (work.units * work.bytesPerUnit) / best / 1e9,
    agreement: work.agree(s[0].checksum, p[0].checksum),
    peerInfo: p[0].info ?? {},
  };
}

/**
 * The time a `deno task perf --size full` run would take here, estimated before it starts: each
 * row's suite and peer run once at the smoke size (after a warm-up of the suite), and their times
 * are scaled by the ratio of FLOPs (units × FLOPs per unit) of the full size to the smoke size.
 * Fixed costs (process start, dispatch and readback latency, per-op overheads) dominate at the
 * smoke size, so this errs long; when it exceeds the limit, each side also runs once at the quick
 * size and the estimate becomes the line through the two points (fixed cost + cost per FLOP). A
 * row then costs its warm-ups (one suite run, two peer runs: one thread and every core) and
 * `reps` timed runs of each side.
 * @module
 */
import { type PeerBenchmark, type PeerWork, runPeer, suitePrecision } from "./peer.ts";

/** Seconds of the full size from a smoke-size time, scaled by FLOPs. */
export function scaleByFlops(
  smokeSeconds: number,
  smoke: Pick<PeerWork, "units" | "flopsPerUnit">,
  full: Pick<PeerWork, "units" | "flopsPerUnit">,
): number {
  return smokeSeconds * (full.units * full.flopsPerUnit) / (smoke.units * smoke.flopsPerUnit);
}

/**
 * Seconds at `full` from times at two sizes, on the line t = fixed + F/rate through them (F the
 * FLOPs); a line that does not rise (noise) falls back to scaling the larger point.
 */
export function twoPointSeconds(
  a: { seconds: number; work: Pick<PeerWork, "units" | "flopsPerUnit"> },
  b: { seconds: number; work: Pick<PeerWork, "units" | "flopsPerUnit"> },
  full: Pick<PeerWork, "units" | "flopsPerUnit">,
): number {
  const f = (w: Pick<PeerWork, "units" | "flopsPerUnit">) => w.units * w.flopsPerUnit;
  const slope = (b.seconds - a.seconds) / (f(b.work) - f(a.work));
  if (!(slope > 0)) return scaleByFlops(b.seconds, b.work, full);
  return b.seconds + slope * (f(full) - f(b.work));
}

/** Seconds of one row: warm-ups (1 suite, 2 peer) and `reps` interleaved runs of each side. */
export function rowSeconds(suite: number, peer: number, reps: number): number {
  return (reps + 1) * suite + (reps + 2) * peer;
}

/** One row's estimate. */
export interface RowEstimate {
  row: string;
  suite: number;
  peer: number;
  seconds: number;
}

/** A duration in words ("3.2 h", "41 min", "12 s"). */
export function duration(s: number): string {
  if (s >= 3600) return `${(s / 3600).toFixed(1)} h`;
  if (s >= 60) return `${Math.round(s / 60)} min`;
  return `${Math.max(0, Math.round(s))} s`;
}

/**
 * Whether to start: `proceed` unless the total exceeds `maxHours`; the message is the one line
 * printed either way.
 */
export function fullSizeVerdict(
  rows: RowEstimate[],
  maxHours: number,
): { proceed: boolean; total: number; message: string } {
  const total = rows.reduce((s, r) => s + r.seconds, 0);
  if (total > maxHours * 3600) {
    const worst = rows.reduce((a, b) => (b.seconds > a.seconds ? b : a));
    return {
      proceed: false,
      total,
      message: `--size full would take about ${duration(total)} on this machine (longest row ` +
        `${worst.row}: ${duration(worst.seconds)}; estimated from short runs of each row scaled ` +
        `by FLOPs): run it where a GPU is lent, narrow it with --only or --backends, or raise ` +
        `--max-hours (now ${maxHours})`,
    };
  }
  return {
    proceed: true,
    total,
    message:
      `--size full estimated at about ${duration(total)} (smoke-size runs scaled by FLOPs; ` +
      `limit --max-hours ${maxHours})`,
  };
}

/** One row to estimate: a benchmark on a suite backend against a peer device. */
export interface RowSpec {
  bench: PeerBenchmark;
  backend: "cpu" | "webgpu";
  device: string;
}

async function timeSides(
  work: PeerWork,
  backend: "cpu" | "webgpu",
  device: string,
): Promise<{ suite: number; peer: number }> {
  await work.suite(backend);
  const suite = (await work.suite(backend)).seconds;
  // one thread for a CPU peer: torch's all-core runs slow down 10–40× when another job holds a
  // core, and the run itself keeps the faster of the two
  const threads = device === "cpu" ? 1 : navigator.hardwareConcurrency;
  const peer = (await runPeer(work.peerCommand(device, suitePrecision(backend), threads), threads))
    .seconds;
  return { suite, peer };
}

/**
 * Estimate every row of a full-size run (see the module doc); `full` holds each benchmark's
 * full-size work (set up once, reused by the run), `log` gets one line per row.
 */
export async function estimateFullSize(
  rows: RowSpec[],
  full: Map<string, PeerWork>,
  dir: string,
  reps: number,
  maxHours: number,
  log: (line: string) => void,
): Promise<RowEstimate[]> {
  const works = async (size: "smoke" | "quick") => {
    const m = new Map<string, PeerWork>();
    for (const r of rows) if (!m.has(r.bench.id)) m.set(r.bench.id, await r.bench.setup(dir, size));
    return m;
  };
  const smoke = await works("smoke");
  const first: { suite: number; peer: number }[] = [];
  const estimate = (r: RowSpec, suite: number, peer: number): RowEstimate => ({
    row: `${r.bench.id} ${r.backend}/${r.device}`,
    suite,
    peer,
    seconds: rowSeconds(suite, peer, reps),
  });
  let out: RowEstimate[] = [];
  for (const r of rows) {
    const s = smoke.get(r.bench.id)!, f = full.get(r.bench.id)!;
    const t = await timeSides(s, r.backend, r.device);
    first.push(t);
    out.push(estimate(r, scaleByFlops(t.suite, s, f), scaleByFlops(t.peer, s, f)));
  }
  if (out.reduce((a, e) => a + e.seconds, 0) <= maxHours * 3600) {
    out.forEach((e) =>
      log(`${e.row}: at most ~${duration(e.suite)} suite, ~${duration(e.peer)} peer per rep`)
    );
    return out;
  }
  log("smoke-size scaling exceeds the limit: refining with one quick-size run per side");
  const quick = await works("quick");
  out = [];
  for (const [i, r] of rows.entries()) {
    const s = smoke.get(r.bench.id)!, q = quick.get(r.bench.id)!, f = full.get(r.bench.id)!;
    const t = await timeSides(q, r.backend, r.device);
    const at = (k: "suite" | "peer") =>
      twoPointSeconds({ seconds: first[i][k], work: s }, { seconds: t[k], work: q }, f);
    const e = estimate(r, at("suite"), at("peer"));
    log(`${e.row}: ~${duration(e.suite)} suite, ~${duration(e.peer)} peer per rep`);
    out.push(e);
  }
  return out;
}

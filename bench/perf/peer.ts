/**
 * Side-by-side timing of the suite against a peer implementation (PyTorch) of the same work: one
 * untimed warm-up of each side, then `reps` interleaved repetitions (suite, peer, suite, peer, …),
 * medians of every figure (units/s, GFLOP/s), the ratio of medians with a paired percentile
 * bootstrap CI over the repetitions, and the agreement of the two outputs checked on every rep.
 * @module
 */
import { bootstrap, median } from "../../reports/stats.ts";
import { holdWarmWorkers } from "../../models/cpu/warm_pool.ts";

/** Numeric precision of one side of a comparison. */
export type Precision = "f32" | "f64";

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
  /** FLOPs of one unit as a dense implementation counts them. */
  flopsPerUnit: number;
  /**
   * FLOPs of one unit as the suite really does them where it skips zero terms (measured from
   * the peer's report of the active fraction); absent where the dense count is the real one.
   */
  nonzeroFlopsPerUnit?(peerInfo: Record<string, unknown>): number;
  /**
   * Compulsory memory traffic of one unit in bytes (operands read once, outputs written once,
   * amortised over the units that share them): the roofline's bandwidth side, so a row is only
   * called bandwidth-bound when even perfect cache reuse would leave it so.
   */
  bytesPerUnit: number;
  /** The suite's own implementation on a backend ("cpu" or "webgpu"). */
  suite(backend: "cpu" | "webgpu"): Promise<Timed>;
  /**
   * The peer command line at `precision` with `threads` intra-op threads (prints one JSON line
   * {seconds, checksum, ...}).
   */
  peerCommand(device: string, precision: Precision, threads: number): string[];
  /** Whether two checksums agree, with a description of the tolerance. */
  agree(suite: number[], peer: number[]): { ok: boolean; detail: string };
  /**
   * Set when the peer can also run data-parallel: P copies at once, one thread each, copy i on the
   * i-th contiguous share of the batch's independent units (`--shard i --shards P --barrier
   * <folder>`, see `bench/peers/_shard.py`). Its checksum is this many equal columns of
   * one value per unit (e.g. 2: every run's S, then every run's N); the copies' columns are
   * joined in shard order ({@link mergeShardChecksums}).
   */
  shardColumns?: number;
}

/** A benchmark entry of `deno task perf`. */
export interface PeerBenchmark {
  id: string;
  caseId: string;
  description: string;
  setup(dir: string, size: "smoke" | "quick" | "full"): Promise<PeerWork>;
}

/** The precision the suite computes in on a backend: f64 on the CPU, f32 on WebGPU. */
export function suitePrecision(backend: "cpu" | "webgpu"): Precision {
  return backend === "cpu" ? "f64" : "f32";
}

/** The torch dtype name of a precision. */
export function torchDtype(p: Precision): "float32" | "float64" {
  return p === "f32" ? "float32" : "float64";
}

/**
 * Run a peer command and parse its JSON line; `threads` also caps OpenBLAS's own thread pool
 * (OPENBLAS_NUM_THREADS), so torch's intra-op threads and BLAS threads do not oversubscribe.
 */
export async function runPeer(
  cmd: string[],
  threads?: number,
  signal?: AbortSignal,
): Promise<Timed> {
  const out = await new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    stdout: "piped",
    stderr: "piped",
    env: threads ? { OPENBLAS_NUM_THREADS: String(threads) } : {},
    signal,
  }).output();
  if (signal?.aborted) throw new Error(`peer stopped (${cmd.join(" ")}): ${signal.reason}`);
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

/**
 * The checksum of the whole batch from its shards' checksums, each `columns` equal columns of one
 * value per unit of that shard: column by column, the shards' parts in shard order.
 */
export function mergeShardChecksums(parts: number[][], columns: number): number[] {
  const bad = parts.find((p) => p.length % columns !== 0);
  if (bad) {
    throw new Error(`shard checksum of ${bad.length} values is not ${columns} equal columns`);
  }
  const out: number[] = [];
  for (let c = 0; c < columns; c++) {
    for (const p of parts) {
      const n = p.length / columns;
      out.push(...p.slice(c * n, (c + 1) * n));
    }
  }
  return out;
}

/** How a peer runs: `processes` copies (data-parallel shards) of `threads` threads each. */
export interface PeerConfig {
  threads: number;
  processes: number;
}

/**
 * Run a peer as `config.processes` data-parallel copies at once (one thread each; see
 * {@link PeerWork.shardColumns}); a failing copy stops the others. Seconds: the slowest copy's
 * (their timed parts start together at the barrier). Checksum: the shards' merged. Info: the
 * first copy's, with the merged checksum, `processes`, `shardSeconds`, and an `activeFraction`
 * averaged over the copies that report one, weighted by their checksum length.
 */
export async function runPeerSharded(
  cmd: string[],
  processes: number,
  columns: number,
  signal?: AbortSignal,
): Promise<Timed> {
  const barrier = await Deno.makeTempDir({ prefix: "claimbench-barrier-" });
  const stop = new AbortController();
  const both = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  try {
    const parts = await Promise.all(Array.from({ length: processes }, (_, i) =>
      runPeer(
        [...cmd, "--shard", String(i), "--shards", String(processes), "--barrier", barrier],
        1,
        both,
      ).catch((e) => {
        stop.abort(e);
        throw e;
      })));
    let weight = 0, active = 0;
    for (const p of parts) {
      const f = p.info?.activeFraction;
      if (typeof f === "number") (active += f * p.checksum.length, weight += p.checksum.length);
    }
    const checksum = mergeShardChecksums(parts.map((p) => p.checksum), columns);
    return {
      seconds: Math.max(...parts.map((p) => p.seconds)),
      checksum,
      info: {
        ...parts[0].info,
        checksum,
        processes,
        shardSeconds: parts.map((p) => p.seconds),
        ...(weight > 0 ? { activeFraction: active / weight } : {}),
      },
    };
  } finally {
    await Deno.remove(barrier, { recursive: true }).catch(() => {});
  }
}

/** Run a peer in `config` (one process: {@link runPeer}; several: {@link runPeerSharded}). */
export function runPeerAs(
  work: Pick<PeerWork, "shardColumns">,
  cmd: string[],
  config: PeerConfig,
  signal?: AbortSignal,
): Promise<Timed> {
  return config.processes > 1
    ? runPeerSharded(cmd, config.processes, work.shardColumns ?? 1, signal)
    : runPeer(cmd, config.threads, signal);
}

/**
 * The configurations a peer is tried in: one thread; every core as threads; and, where the peer
 * shards ({@link PeerWork.shardColumns}), every core as one-thread processes.
 */
export function peerConfigs(
  work: Pick<PeerWork, "shardColumns">,
  peerDevice: string,
  cores: number,
): PeerConfig[] {
  if (peerDevice !== "cpu" || cores <= 1) return [{ threads: cores, processes: 1 }];
  const out = [{ threads: 1, processes: 1 }, { threads: cores, processes: 1 }];
  if (work.shardColumns) out.push({ threads: 1, processes: cores });
  return out;
}

/** "2 thr", or "2 proc × 1 thr" for a sharded peer. */
export function peerConfigLabel(c: PeerConfig): string {
  return c.processes > 1 ? `${c.processes} proc × ${c.threads} thr` : `${c.threads} thr`;
}

/** The CI method of {@link sideBySide}, for reports. */
export const CI_METHOD =
  "95% paired percentile bootstrap over the interleaved reps (2000 resamples) of median(peer s) / median(suite s)";

/** The result of one side-by-side comparison. */
export interface SideBySide {
  suiteSeconds: number[];
  peerSeconds: number[];
  /** Units per second at the median time of each side. */
  suiteRate: number;
  peerRate: number;
  /** suite rate / peer rate (> 1: the suite is faster), median-based, with a bootstrap CI. */
  speedup: { value: number; lo: number; hi: number };
  /** The suite's GFLOP/s at its median time (non-zero FLOPs where the suite skips zeros). */
  gflops: number;
  /** The FLOPs per unit behind {@link gflops}. */
  flopsPerUnit: number;
  /** The peer's GFLOP/s at its median time, on the same FLOP count. */
  peerGflops: number;
  /** Compulsory GB/s of the suite at its median time. */
  gbps: number;
  /** Agreement of every rep (ok only when all agree); detail of the worst one. */
  agreement: { ok: boolean; detail: string; reps: number; agreed: number };
  peerInfo: Record<string, unknown>;
  /**
   * The peer's precision and how it ran (the fastest configuration of its warm-up): threads per
   * process, and processes (data-parallel copies; 1 unless sharded).
   */
  precision: Precision;
  peerThreads: number;
  peerProcesses: number;
}

/**
 * Warm each side up (untimed; the peer twice in each configuration it is tried in,
 * {@link peerConfigs}: one thread, every core as threads, every core as data-parallel processes,
 * round by round, keeping the one with the fastest try as an expert would tune it; a try is
 * stopped once it takes 3× as long as the fastest so far plus 5 s, since OpenMP threads that spin
 * on a loaded machine can be 10–40× slower), then interleave `reps` runs of suite and peer (suite, peer, suite, peer,
 * …), checking agreement on every rep.
 */
export async function sideBySide(
  work: PeerWork,
  backend: "cpu" | "webgpu",
  peerDevice: string,
  reps: number,
  log: (line: string) => void = () => {},
): Promise<SideBySide> {
  // the suite's CPU workers stay warm across its repetitions (the peer's turns take seconds)
  const release = holdWarmWorkers();
  try {
    return await interleaved(work, backend, peerDevice, reps, log);
  } finally {
    release();
  }
}

async function interleaved(
  work: PeerWork,
  backend: "cpu" | "webgpu",
  peerDevice: string,
  reps: number,
  log: (line: string) => void,
): Promise<SideBySide> {
  const precision = suitePrecision(backend);
  await work.suite(backend);
  const cores = navigator.hardwareConcurrency || 1;
  const configs = peerConfigs(work, peerDevice, cores);
  let config = configs[0], best = Infinity;
  // two rounds (one try of each, then again): one noisy try must not pick the slower way
  for (const c of configs.length > 1 ? [...configs, ...configs] : configs) {
    const wall = performance.now();
    const signal = Number.isFinite(best) ? AbortSignal.timeout(3 * best * 1000 + 5000) : undefined;
    const cmd = work.peerCommand(peerDevice, precision, c.threads);
    try {
      const w = await runPeerAs(work, cmd, c, signal);
      log(`peer warm-up, ${peerConfigLabel(c)}: ${w.seconds.toPrecision(3)} s`);
      if (w.seconds < best) (best = w.seconds, config = c);
    } catch (e) {
      if (!signal?.aborted) throw e;
      log(
        `peer warm-up, ${peerConfigLabel(c)}: stopped after ${
          ((performance.now() - wall) / 1000).toPrecision(3)
        } s (> 3× the ${peerConfigLabel(config)} run + 5 s)`,
      );
    }
  }
  const cmd = work.peerCommand(peerDevice, precision, config.threads);
  const s: Timed[] = [], p: Timed[] = [];
  for (let r = 0; r < reps; r++) {
    s.push(await work.suite(backend));
    p.push(await runPeerAs(work, cmd, config));
    log(
      `rep ${r + 1}/${reps}: suite ${s[r].seconds.toPrecision(3)} s, peer ${
        p[r].seconds.toPrecision(3)
      } s`,
    );
  }
  const ss = s.map((t) => t.seconds), ps = p.map((t) => t.seconds);
  const ratio = (idx: ArrayLike<number>) => {
    const a = Array.from(idx, (i) => ps[i]), b = Array.from(idx, (i) => ss[i]);
    return median(a) / median(b);
  };
  const speedup = bootstrap(reps, ratio, { resamples: 2000, seed: 1 });
  const checks = s.map((t, i) => work.agree(t.checksum, p[i].checksum));
  const bad = checks.find((c) => !c.ok);
  const peerInfo = p[p.length - 1].info ?? {};
  const flops = work.nonzeroFlopsPerUnit?.(peerInfo) ?? work.flopsPerUnit;
  const sm = median(ss), pm = median(ps);
  return {
    suiteSeconds: ss,
    peerSeconds: ps,
    suiteRate: work.units / sm,
    peerRate: work.units / pm,
    speedup: { value: speedup.value, lo: speedup.lo, hi: speedup.hi },
    gflops: (work.units * flops) / sm / 1e9,
    flopsPerUnit: flops,
    peerGflops: (work.units * flops) / pm / 1e9,
    gbps: (work.units * work.bytesPerUnit) / sm / 1e9,
    agreement: {
      ok: !bad,
      detail: `${checks.filter((c) => c.ok).length}/${reps} reps; ${(bad ?? checks[0]).detail}`,
      reps,
      agreed: checks.filter((c) => c.ok).length,
    },
    peerInfo,
    precision,
    peerThreads: config.threads,
    peerProcesses: config.processes,
  };
}

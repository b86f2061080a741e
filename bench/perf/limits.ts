/**
 * The peer's BLAS and this machine's limits for `deno task perf`: reads the JSON of
 * `bench/peers/blas_info.py` (the BLAS torch loaded, torch's matmul GFLOP/s, numpy's sgemm/dgemm
 * GFLOP/s as the achievable compute peak and the copy bandwidth), decides whether the peer is fair
 * (an optimised BLAS, not the netlib reference) and places a row on the roofline.
 * @module
 */
import type { Precision } from "./peer.ts";
import { PYTHON } from "../peers/python.ts";

/** What `blas_info.py` reports. */
export interface BlasInfo {
  torch: string;
  numpy: string;
  threads: number;
  blas: {
    kind: "openblas" | "blis" | "mkl" | "atlas" | "reference" | "unknown";
    libraries: string[];
    torchBlasInfo: string | null;
    env?: Record<string, string>;
    threadpoolctl?: Record<string, unknown>[];
  };
  torchMatmul: { n: number; gflops: Record<Precision, number> };
  limits?: {
    method: string;
    gemmGflops: Record<Precision, number>;
    copyGbps: number;
    /** The FMA peak measured by `fma_peak.c` (absent without gcc or AVX2+FMA; see fmaNote). */
    fmaGflops?: Record<Precision, number>;
    fmaNote?: string;
  };
}

/**
 * The compute roof a row is judged against: the measured FMA peak when there is one, else the
 * BLAS gemm rate (a lower bound of it).
 */
export function computeRoof(l: NonNullable<BlasInfo["limits"]>): Record<Precision, number> {
  return l.fmaGflops ?? l.gemmGflops;
}

/** Run `blas_info.py` (with the machine limits unless `quick`) and parse its JSON line. */
export async function blasInfo(quick = false): Promise<BlasInfo> {
  const out = await new Deno.Command(PYTHON, {
    args: [
      new URL("../peers/blas_info.py", import.meta.url).pathname,
      ...(quick ? ["--quick"] : []),
      "--threads",
      String(navigator.hardwareConcurrency),
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr).trim().split("\n").pop();
    throw new Error(`blas_info.py failed: ${err}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout).trim().split("\n").pop()!) as BlasInfo;
}

/**
 * Whether the peer's BLAS makes a fair peer: an optimised library (OpenBLAS, BLIS, MKL; ATLAS
 * with a note), not the netlib reference BLAS (nor an unidentified one). `allowSlow` lets the run
 * go on, and every row is then marked.
 */
export function blasVerdict(
  info: Pick<BlasInfo, "blas">,
  allowSlow: boolean,
): { fair: boolean; proceed: boolean; message: string } {
  const { kind, libraries } = info.blas;
  if (kind === "openblas" || kind === "blis" || kind === "mkl" || kind === "atlas") {
    return { fair: true, proceed: true, message: `peer BLAS: ${kind} (${libraries.join(", ")})` };
  }
  const what = kind === "reference"
    ? "the unoptimised reference (netlib) BLAS"
    : `an unidentified BLAS (${libraries.join(", ") || "none found"})`;
  const message = `torch's BLAS is ${what}: the PyTorch peer would not be a fair peer. ` +
    `Install and select OpenBLAS with 'bash scripts/install_peers.sh'` +
    (allowSlow ? "; going on (--allow-slow-peer): every row is marked SLOW PEER" : ", or pass " +
      "--allow-slow-peer to run anyway (every row is then marked)");
  return { fair: false, proceed: allowSlow, message };
}

/** A row's place on the roofline. */
export interface RooflinePoint {
  /** Arithmetic intensity, FLOPs per compulsory byte. */
  intensity: number;
  /** What bounds the row: the compute peak or the bandwidth × intensity. */
  bound: "compute" | "bandwidth";
  /** The binding limit in GFLOP/s: min(peak, bandwidth × intensity). */
  limitGflops: number;
  /** Achieved GFLOP/s / limit. */
  fraction: number;
}

/**
 * Place an achieved GFLOP/s on the roofline of a machine with compute peak `peakGflops` and
 * bandwidth `gbps`: the binding limit is min(peak, gbps × FLOPs/byte).
 */
export function roofline(
  gflops: number,
  flopsPerUnit: number,
  bytesPerUnit: number,
  peakGflops: number,
  gbps: number,
): RooflinePoint {
  const intensity = bytesPerUnit > 0 ? flopsPerUnit / bytesPerUnit : Infinity;
  const memLimit = gbps * intensity;
  const bound = memLimit < peakGflops ? "bandwidth" : "compute";
  const limitGflops = Math.min(peakGflops, memLimit);
  return { intensity, bound, limitGflops, fraction: gflops / limitGflops };
}

/**
 * Helpers shared by the perf peers: the WebGPU device of the suite's `webgpu` runs, little-endian
 * f64 files for the Python peers, the worst relative difference of two checksums, and the script
 * mode of a peer module (suite and torch once each, speed ratio and agreement printed).
 * @module
 */
import type { PeerBenchmark } from "../perf/peer.ts";
import { runPeer, suitePrecision } from "../perf/peer.ts";
import { acquireBackend } from "../../models/gpu/device.ts";
import { torchStatus } from "./python.ts";
import { blasInfo, blasVerdict } from "../perf/limits.ts";

let device: GPUDevice | null | undefined;

/** The WebGPU device for the suite's `webgpu` runs (acquired once); throws when there is none. */
export async function suiteDevice(): Promise<GPUDevice> {
  if (device === undefined) device = (await acquireBackend("auto")).device;
  if (!device) throw new Error("no WebGPU device for the webgpu suite run");
  return device;
}

/** Write `parts` one after another as little-endian f64 (numpy `"<f8"`) to `path`. */
export async function writeF64(path: string, parts: ArrayLike<number>[]): Promise<void> {
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let o = 0;
  for (const p of parts) out.set(p, o), (o += p.length);
  await Deno.writeFile(path, new Uint8Array(out.buffer));
}

/**
 * max_i |a_i − b_i| / max(floor, |b_i|) over the common length (b is the reference); Infinity when
 * any difference is not finite.
 */
export function worstRelativeDiff(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  floor: number,
): number {
  let worst = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const r = Math.abs(a[i] - b[i]) / Math.max(floor, Math.abs(b[i]));
    worst = Math.max(worst, Number.isNaN(r) ? Infinity : r);
  }
  return worst;
}

/**
 * The script mode of a peer module: prints torch's BLAS and its matmul GFLOP/s, runs the suite
 * once on `backend` and the torch peer once (on CUDA when torch has it, in the suite's precision)
 * on the same data at `size`, and prints the speed ratio and whether the checksums agree. Prints `usage` and exits 2 on a bad size or backend; exits 2 when torch is
 * missing.
 */
export async function peerScript(
  bench: PeerBenchmark,
  size: string,
  backend: string,
  usage: string,
): Promise<void> {
  if (!["smoke", "quick", "full"].includes(size) || !["cpu", "webgpu"].includes(backend)) {
    console.error(`usage: ${usage}`);
    Deno.exit(2);
  }
  const st = await torchStatus();
  if (!st.ok) {
    console.error(st.message + " (Debian: apt-get install python3-torch)");
    Deno.exit(2);
  }
  const blas = await blasInfo(true);
  const mm = blas.torchMatmul;
  console.log(
    `${blasVerdict(blas, true).message.split(";")[0]}; torch matmul (n = ${mm.n}): ` +
      `${mm.gflops.f32.toPrecision(3)} GFLOP/s f32, ${mm.gflops.f64.toPrecision(3)} f64`,
  );
  const dir = await Deno.makeTempDir({ prefix: `${bench.id}_` });
  try {
    const work = await bench.setup(dir, size as "smoke" | "quick" | "full");
    const s = await work.suite(backend as "cpu" | "webgpu");
    const p = await runPeer(
      work.peerCommand(
        st.cuda ? "cuda" : "cpu",
        suitePrecision(backend as "cpu" | "webgpu"),
        navigator.hardwareConcurrency,
      ),
    );
    const agree = work.agree(s.checksum, p.checksum);
    console.log(
      `${bench.id} (${size}, ${work.units} ${work.unitName}): suite ${backend} ${
        s.seconds.toFixed(2)
      } s, torch ${st.version} ${p.info?.device} ${p.seconds.toFixed(2)} s; ` +
        `speed ratio suite/torch = ${(p.seconds / s.seconds).toFixed(2)} (> 1: suite faster)`,
    );
    console.log(`agreement: ${agree.ok ? "yes" : "NO"} — ${agree.detail}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

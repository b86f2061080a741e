/**
 * The WebAssembly steps of IGD (`models/wasm/assembly/lt.ts`): {@link wasmIgdStepper} advances
 * the iterate of `runIgd` between checkpoints with the reference's operations in its order (the
 * same bits as {@link jsIgdStepper}, tested). Minibatch steps need d = 2 (otherwise the reference
 * runs); the kernel draws their indices itself, the ints of the stream with the run's key in the
 * reference's order. The iterate lives in the module's memory for the run: a stepper holds the
 * shared arena until the next wrapper of this folder resets it.
 * @module
 */
import { ltArena, ltWasm } from "./lt_wasm.ts";
import type { BestResponder, Pool } from "./game.ts";
import type { IgdOptions } from "./igd.ts";
import { type IgdKernel, type IgdStepper, jsIgdStepper } from "./igd_steps.ts";

/** The first `count` ints in [0, n) of the Philox stream with `key` from its start, drawn in WebAssembly. */
export function streamIntsWasm(
  key: readonly [number, number],
  n: number,
  count: number,
): Int32Array {
  ltArena.reset();
  const at = ltArena.alloc(4 * count);
  ltWasm.streamIntsTest(at, count, 0, n, key[0] >>> 0, key[1] >>> 0);
  return new Int32Array(ltArena.u32(at, count).buffer, at, count).slice();
}

/** Pointers (byte offsets) as a u32 table in the arena. */
function pointerTable(ptrs: number[]): number {
  const at = ltArena.alloc(4 * ptrs.length);
  ltArena.u32(at, ptrs.length).set(ptrs);
  return at;
}

/** The game's H_y and O_{y,c} (a K·K pointer table, H on the diagonal) and rhs_y in the arena. */
function gameTables(br: BestResponder): { mats: number; rhs: number } {
  const sys = br.sys, K = sys.K, mats: number[] = [];
  for (let y = 0; y < K; y++) {
    for (let c = 0; c < K; c++) mats.push(ltArena.put(c === y ? sys.H[y] : sys.O[y][c]!));
  }
  return { mats: pointerTable(mats), rhs: pointerTable(sys.rhs.map((r) => ltArena.put(r))) };
}

/**
 * Per-class gaps in WebAssembly (the bits of `classGaps`) of an iterate given in the [q][j]
 * layout at byte offset `A` (or copied there by `load`).
 */
function gapsOf(
  br: BestResponder,
  tables: { mats: number; rhs: number },
  A: number,
  load?: () => void,
): () => number[] {
  const { K, d, m } = br.sys;
  const chol = br.chol.map((f) => ltArena.put(f.l)), S = ltArena.alloc(8 * 4 * d * m);
  return () => {
    load?.();
    return chol.map((L, y) => ltWasm.classGap(tables.mats, tables.rhs, L, A, S, y, K, d, m));
  };
}

function smoothnessOf(opts: IgdOptions, K: number): number {
  return ltArena.put(Float64Array.from({ length: K }, (_, y) => opts.smoothness[y]));
}

function minibatchStepper(pool: Pool, br: BestResponder, opts: IgdOptions): IgdStepper {
  const { K, d, m } = pool, dm = d * m, B = opts.batch;
  ltArena.reset();
  const phi: number[] = [];
  for (let y = 0; y < K; y++) {
    for (let c = 0; c < K; c++) {
      phi.push(c === y || opts.beta !== 0 ? ltArena.put(pool.classes[y].phi[c]) : 0);
    }
  }
  const phiT = pointerTable(phi);
  const lamT = pointerTable(pool.classes.map((pc) => ltArena.put(pc.lambda)));
  const omT = pointerTable(pool.classes.map((pc) => ltArena.put(pc.omega)));
  const tgtT = pointerTable(pool.classes.map((pc) => ltArena.put(pc.target)));
  const Ap = ltArena.put(new Float64Array(K * dm)), Gp = ltArena.alloc(8 * K * dm);
  const Lp = smoothnessOf(opts, K), Rp = ltArena.alloc(8 * 2 * B), idxP = ltArena.alloc(4 * B);
  const Dt = ltArena.alloc(8 * 2 * K * (B + 1));
  const Ns = ltArena.alloc(4 * K);
  ltArena.u32(Ns, K).set(pool.classes.map((pc) => pc.N));
  const invsqrt = opts.schedule === "invsqrt" ? 1 : 0;
  let draws = 0; // ints taken from the index stream so far
  const iterate = () => {
    const A = ltArena.f64(Ap, K * dm);
    return Array.from({ length: K }, (_, y) => {
      const out = new Float64Array(dm);
      for (let j = 0; j < m; j++) {
        for (let q = 0; q < d; q++) out[q * m + j] = A[y * dm + j * d + q];
      }
      return out;
    });
  };
  const At = ltArena.alloc(8 * K * dm);
  const classGaps = gapsOf(br, gameTables(br), At, () => {
    const view = ltArena.f64(At, K * dm);
    iterate().forEach((a, y) => view.set(a, y * dm));
  });
  return {
    steps(t0, t1) {
      ltWasm.igdMinibatch2(
        phiT,
        lamT,
        omT,
        tgtT,
        Ns,
        idxP,
        Ap,
        Gp,
        Lp,
        Rp,
        Dt,
        K,
        m,
        B,
        opts.beta,
        opts.ridge,
        opts.lr,
        invsqrt,
        t0,
        t1,
        opts.drawKey[0] >>> 0,
        opts.drawKey[1] >>> 0,
        draws,
      );
      draws += (t1 - t0) * K * B;
    },
    iterate,
    classGaps,
  };
}

function fullBatchStepper(pool: Pool, br: BestResponder, opts: IgdOptions): IgdStepper {
  const { K, d, m } = pool, dm = d * m;
  ltArena.reset();
  const tables = gameTables(br);
  const Ap = ltArena.put(new Float64Array(K * dm)), Gp = ltArena.alloc(8 * K * dm);
  const Lp = smoothnessOf(opts, K), Sp = ltArena.alloc(8 * 2 * dm);
  const invsqrt = opts.schedule === "invsqrt" ? 1 : 0;
  return {
    steps(t0, t1) {
      ltWasm.igdFull(tables.mats, tables.rhs, Ap, Gp, Lp, Sp, K, d, m, opts.lr, invsqrt, t0, t1);
    },
    iterate() {
      const A = ltArena.f64(Ap, K * dm);
      return Array.from({ length: K }, (_, y) => A.slice(y * dm, (y + 1) * dm));
    },
    classGaps: gapsOf(br, tables, Ap),
  };
}

/** IGD steps in WebAssembly (full batch: any d; minibatch: d = 2, else the reference). */
export const wasmIgdStepper: IgdKernel = (pool, br, opts) => {
  if (opts.fullBatch) return fullBatchStepper(pool, br, opts);
  if (pool.d === 2) return minibatchStepper(pool, br, opts);
  return jsIgdStepper(pool, br, opts);
};

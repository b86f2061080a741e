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

function smoothnessOf(opts: IgdOptions, K: number): number {
  return ltArena.put(Float64Array.from({ length: K }, (_, y) => opts.smoothness[y]));
}

function minibatchStepper(pool: Pool, opts: IgdOptions): IgdStepper {
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
  const Ns = ltArena.alloc(4 * K);
  ltArena.u32(Ns, K).set(pool.classes.map((pc) => pc.N));
  const invsqrt = opts.schedule === "invsqrt" ? 1 : 0;
  let draws = 0; // ints taken from the index stream so far
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
    iterate() {
      const A = ltArena.f64(Ap, K * dm);
      return Array.from({ length: K }, (_, y) => {
        const out = new Float64Array(dm);
        for (let j = 0; j < m; j++) {
          for (let q = 0; q < d; q++) out[q * m + j] = A[y * dm + j * d + q];
        }
        return out;
      });
    },
  };
}

function fullBatchStepper(pool: Pool, br: BestResponder, opts: IgdOptions): IgdStepper {
  const { K, d, m } = pool, dm = d * m, sys = br.sys;
  ltArena.reset();
  const mats: number[] = [];
  for (let y = 0; y < K; y++) {
    for (let c = 0; c < K; c++) mats.push(ltArena.put(c === y ? sys.H[y] : sys.O[y][c]!));
  }
  const matsT = pointerTable(mats);
  const rhsT = pointerTable(sys.rhs.map((r) => ltArena.put(r)));
  const Ap = ltArena.put(new Float64Array(K * dm)), Gp = ltArena.alloc(8 * K * dm);
  const Lp = smoothnessOf(opts, K), Sp = ltArena.alloc(8 * 2 * dm);
  const invsqrt = opts.schedule === "invsqrt" ? 1 : 0;
  return {
    steps(t0, t1) {
      ltWasm.igdFull(matsT, rhsT, Ap, Gp, Lp, Sp, K, d, m, opts.lr, invsqrt, t0, t1);
    },
    iterate() {
      const A = ltArena.f64(Ap, K * dm);
      return Array.from({ length: K }, (_, y) => A.slice(y * dm, (y + 1) * dm));
    },
  };
}

/** IGD steps in WebAssembly (full batch: any d; minibatch: d = 2, else the reference). */
export const wasmIgdStepper: IgdKernel = (pool, br, opts) => {
  if (opts.fullBatch) return fullBatchStepper(pool, br, opts);
  if (pool.d === 2) return minibatchStepper(pool, opts);
  return jsIgdStepper(pool, br, opts);
};

/**
 * Interleaved A/B of the row kernels of two builds of `models/wasm/rows.wasm` (e.g. a baseline
 * commit's and this tree's) at the quick shape (d = 256, m = 32, n = 40: R = 42): the same inputs
 * in both instances, every output compared bit for bit after one call of each kernel, then each
 * kernel timed A, B, A, B, … (process CPU time per call, the minimum over the reps, the least
 * load-sensitive figure on a shared machine).
 *
 * `deno run -A bench/fl/rows_ab.ts <baseline rows.wasm> [candidate = models/wasm/rows.wasm]
 * [reps = 41] [calls per rep = 60]`, e.g. with `git show <commit>:models/wasm/rows.wasm > /tmp/a.wasm`.
 * @module
 */
import process from "node:process";
import * as mi from "../../models/wasm/math_imports.ts";
import { PhiloxStream } from "../../datasets/philox.ts";
import { twoPatchSample } from "../../datasets/two_patch.ts";
import { buildRows, rowWeights } from "../../models/fl/batch.ts";

// deno-lint-ignore no-explicit-any
type Exports = any;

const d = 256, n = 40, m = 32, R = n + 2;
const alpha = Math.exp(-0.5), beta = Math.sqrt(1 - Math.exp(-1));

async function instantiate(path: string | URL): Promise<Exports> {
  const imports = { "./math_imports.ts": { exp: mi.exp, log1p: mi.log1p, pow: mi.pow } };
  const { instance } = await WebAssembly.instantiate(await Deno.readFile(path), imports);
  return instance.exports;
}

/** One run's buffers in an instance's memory (a bump allocator from its heap base). */
function buffers(E: Exports, model: "diffusion" | "classifier") {
  const M = model === "diffusion" ? m : 2 * m, mem = E.memory as WebAssembly.Memory;
  const s = twoPatchSample(new PhiloxStream(1, "rows-bench"), {
    n,
    d,
    variant: "orthogonal",
    sigmaXi: 0.0625,
  });
  let top = E.heapBase() as number;
  const alloc = (bytes: number) => {
    const at = top;
    top += Math.ceil(bytes / 16) * 16;
    if (top > mem.buffer.byteLength) mem.grow(Math.ceil((top - mem.buffer.byteLength) / 65536));
    return at;
  };
  const put = (a: Float64Array) => {
    const at = alloc(a.byteLength);
    new Float64Array(mem.buffer, at, a.length).set(a);
    return at;
  };
  const W0 = new PhiloxStream(2, "rows-bench").fillNormal(new Float64Array(M * d), 0.05);
  const b = {
    M,
    xp: put(buildRows(s, "orthogonal", d, 1)),
    xt: alloc(8 * (R + 8) * d),
    wp: put(W0 as Float64Array),
    aux: put(model === "diffusion" ? rowWeights(s.y) : Float64Array.from(s.y)),
    pp: alloc(8 * M * R),
    cp: alloc(8 * M * R),
    gp: alloc(8 * M * d),
    Gp: alloc(8 * m * m),
    Hp: alloc(8 * m * m),
    sp: alloc(1 << 20),
    f64: (at: number, len: number) => new Float64Array(mem.buffer, at, len).slice(),
  };
  E.transposeRows(b.xp, b.xt, R, d);
  return b;
}

type Bufs = ReturnType<typeof buffers>;
type Kernel = (E: Exports, b: Bufs) => unknown;

const KERNELS: Record<"diffusion" | "classifier", Record<string, Kernel>> = {
  diffusion: {
    step: (E, b) =>
      E.diffusionLossGrad(
        b.wp,
        b.xp,
        b.xt,
        b.aux,
        b.pp,
        b.Gp,
        b.cp,
        b.Hp,
        b.gp,
        b.sp,
        m,
        R,
        d,
        alpha,
        beta,
      ),
    P: (E, b) => E.productsT(b.wp, b.xt, b.pp, m, R, d, 0),
    gram: (E, b) => E.gram(b.wp, b.Gp, b.sp, m, d),
    terms: (E, b) => {
      new Float64Array((E.memory as WebAssembly.Memory).buffer, b.Hp, m * m).fill(0);
      return E.diffusionTerms(b.pp, b.Gp, b.aux, b.cp, b.Hp, b.sp, m, R, d, alpha, beta);
    },
    combX: (E, b) => E.addRowCombinations(b.gp, b.cp, b.xp, b.sp, m, R, d, 1),
    combW: (E, b) => E.addRowCombinations(b.gp, b.Hp, b.wp, b.sp, m, m, d, 2),
  },
  classifier: {
    step: (E, b) =>
      E.classifierLossGrad(b.wp, b.xp, b.xt, b.aux, b.pp, b.cp, b.gp, b.sp, m, n, d, 3),
    P: (E, b) => E.productsT(b.wp, b.xt, b.pp, 2 * m, R, d, 0),
    combX: (E, b) => E.addRowCombinations(b.gp, b.cp, b.xp, b.sp, 2 * m, R, d, 1),
  },
};

function cpuPerCall(f: () => void, calls: number): number {
  const c0 = process.cpuUsage();
  for (let i = 0; i < calls; i++) f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / calls;
}

function sameBits(a: Float64Array, b: Float64Array): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

if (import.meta.main) {
  const [basePath, candPath] = [
    Deno.args[0],
    Deno.args[1] ?? new URL("../../models/wasm/rows.wasm", import.meta.url),
  ];
  if (!basePath) {
    throw new Error("usage: rows_ab.ts <baseline rows.wasm> [candidate] [reps] [calls]");
  }
  const reps = Number(Deno.args[2] ?? 41), calls = Number(Deno.args[3] ?? 60);
  const A = await instantiate(basePath), B = await instantiate(candPath);
  for (const model of ["diffusion", "classifier"] as const) {
    const a = buffers(A, model), b = buffers(B, model), M = a.M;
    const outs: [string, keyof Bufs, number][] = [["P", "pp", M * R], ["coef", "cp", M * R], [
      "grad",
      "gp",
      M * d,
    ]];
    if (model === "diffusion") outs.push(["G", "Gp", m * m], ["H", "Hp", m * m]);
    for (const [name, f] of Object.entries(KERNELS[model])) {
      const ra = f(A, a), rb = f(B, b);
      const bad = outs.filter(([, k, len]) =>
        !sameBits(a.f64(a[k] as number, len), b.f64(b[k] as number, len))
      );
      if (!Object.is(ra, rb) || bad.length) {
        throw new Error(
          `${model} ${name}: outputs differ (${bad.map((o) => o[0]).join(", ") || "return value"})`,
        );
      }
    }
    const best: Record<string, [number, number]> = {};
    for (const name of Object.keys(KERNELS[model])) best[name] = [Infinity, Infinity];
    for (let r = 0; r < reps; r++) {
      for (const [name, f] of Object.entries(KERNELS[model])) {
        best[name][0] = Math.min(best[name][0], cpuPerCall(() => f(A, a), calls));
        best[name][1] = Math.min(best[name][1], cpuPerCall(() => f(B, b), calls));
      }
    }
    console.log(
      `${model}: ` +
        Object.entries(best).map(([k, [x, y]]) =>
          `${k} ${x.toFixed(1)}→${y.toFixed(1)} µs (×${(x / y).toFixed(2)})`
        )
          .join("  "),
    );
  }
}

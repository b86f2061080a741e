/**
 * One GD run of Paper A's models with every step in WebAssembly (`models/wasm/assembly/rows.ts`):
 * X, Xᵀ (built once per run), W, P, G, H, the coefficients and the gradient stay in the module's
 * memory for the whole run, so a step is two calls (loss and gradient, update) and no copies or
 * allocations. The same operations in the same order as `trainCpu` with the JS reference kernels
 * (`batch.ts`, `diffusion.ts`, `classifier.ts`; tested bit for bit), S and N read from P at the
 * log points as `signalNoise` does.
 * @module
 */
import {
  type FlBatch,
  type FlRun,
  logCount,
  neuronCount,
  rowCount,
  rowWeights,
  signalNoise,
} from "./batch.ts";
import { ResidentRows, rowsWasm as rows } from "./rows_wasm.ts";

/**
 * Train one run of `b`: writes its log points (S, N, loss; L × 3) into `logs` (left untouched
 * from a failed step on) and its final weights into `W` (M × d); returns the step whose loss was
 * non-finite (the run stops there, as `trainCpu`) or −1.
 */
export function trainRunWasm(b: FlBatch, run: FlRun, logs: Float64Array, W: Float64Array): number {
  const { d, n, m } = b;
  const M = neuronCount(b.model, m), R = rowCount(n), size = M * d;
  logCount(b); // throws unless logEvery divides steps
  const diffusion = b.model === "diffusion";
  const mem = new ResidentRows();
  const xp = mem.put(run.X.subarray(0, R * d)), xt = mem.alloc(rows.innerScratch(R, d));
  const wp = mem.put(run.W0.subarray(0, size));
  const aux = mem.put(diffusion ? rowWeights(run.y) : Float64Array.from(run.y));
  const pp = mem.alloc(8 * M * R), cp = mem.alloc(8 * M * R), gp = mem.alloc(8 * size);
  const Gp = diffusion ? mem.alloc(8 * m * m) : 0, Hp = diffusion ? mem.alloc(8 * m * m) : 0;
  const sp = mem.alloc(
    diffusion ? rows.diffusionGradScratch(m, R, d) : rows.classifierGradScratch(m, n),
  );
  rows.transposeRows(xp, xt, R, d);
  const P = mem.f64(pp, M * R);
  let failedAt = -1;
  for (let t = 0; t <= b.steps; t++) {
    const loss = diffusion
      ? rows.diffusionLossGrad(wp, xp, xt, aux, pp, Gp, cp, Hp, gp, sp, m, R, d, b.alpha, b.beta)
      : rows.classifierLossGrad(wp, xp, xt, aux, pp, cp, gp, sp, m, n, d, b.q);
    if (!Number.isFinite(loss)) {
      failedAt = t;
      break;
    }
    if (t % b.logEvery === 0) {
      const [S, N] = signalNoise(P, M, n);
      logs.set([S, N, loss], (t / b.logEvery) * 3);
    }
    if (t === b.steps) break;
    rows.gdUpdate(wp, gp, size, b.lr);
  }
  W.set(mem.f64(wp, size));
  return failedAt;
}

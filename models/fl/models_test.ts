import assert from "node:assert/strict";
import { PhiloxStream } from "../../datasets/philox.ts";
import { twoPatchSample } from "../../datasets/two_patch.ts";
import { buildRows, type FlBatch, rowCount, rowWeights } from "./batch.ts";
import { diffusionLossGrad, diffusionLossOfU, gram } from "./diffusion.ts";
import { classifierAccuracy, classifierLossGrad, reluPow } from "./classifier.ts";
import { lossGrad, trainCpu, trainCpuParallel } from "./train_cpu.ts";

function tiny(model: FlBatch["model"], variant: "orthogonal" | "signed" = "orthogonal") {
  const d = 12, n = 5, m = 4;
  const s = twoPatchSample(new PhiloxStream(3, "t.data"), { n, d, variant, sigmaXi: 1 });
  const M = model === "diffusion" ? m : 2 * m;
  const W0 = new PhiloxStream(3, "t.init").fillNormal(new Float64Array(M * d), 0.3) as Float64Array;
  const b: FlBatch = {
    model,
    d,
    n,
    m,
    steps: 4,
    logEvery: 2,
    lr: 0.01,
    alpha: Math.exp(-0.5),
    beta: Math.sqrt(1 - Math.exp(-1)),
    q: 3,
    runs: [{ X: buildRows(s, variant, d, 1.7), y: s.y, W0 }],
  };
  return b;
}

for (const model of ["diffusion", "classifier"] as const) {
  for (const variant of ["orthogonal", "signed"] as const) {
    Deno.test(`${model} (${variant}): hand-derived gradient matches central finite differences`, () => {
      const b = tiny(model, variant);
      const run = b.runs[0];
      const W = Float64Array.from(run.W0);
      const wts = rowWeights(run.y);
      const { grad } = lossGrad(b, W, run, wts);
      const h = 1e-6;
      let worst = 0;
      for (let k = 0; k < W.length; k++) {
        const w0 = W[k];
        W[k] = w0 + h;
        const lp = lossGrad(b, W, run, wts).loss;
        W[k] = w0 - h;
        const lm = lossGrad(b, W, run, wts).loss;
        W[k] = w0;
        const fd = (lp - lm) / (2 * h);
        worst = Math.max(worst, Math.abs(fd - grad[k]) / Math.max(1e-3, Math.abs(fd)));
      }
      // tolerance: central differences in f64 with h = 1e-6 are good to ~1e-8 relative
      assert.ok(worst < 1e-5, `worst relative error ${worst}`);
    });
  }
}

Deno.test("diffusion: the closed-form E_ε loss matches a Monte Carlo average over ε", () => {
  const m = 3, d = 6, alpha = 0.6, beta = 0.8;
  const st = new PhiloxStream(1, "t.mc");
  const W = st.fillNormal(new Float64Array(m * d), 0.5) as Float64Array;
  const x = st.fillNormal(new Float64Array(d), 1) as Float64Array;
  const G = gram(W, m, d);
  const u = new Float64Array(m);
  for (let r = 0; r < m; r++) for (let k = 0; k < d; k++) u[r] += alpha * W[r * d + k] * x[k];
  const exact = diffusionLossOfU(u, G, { m, d, R: 1, alpha, beta });
  const T = 200000;
  let sum = 0, sum2 = 0;
  const eps = new Float64Array(d), z = new Float64Array(d), f = new Float64Array(d);
  for (let t = 0; t < T; t++) {
    st.fillNormal(eps);
    for (let k = 0; k < d; k++) z[k] = alpha * x[k] + beta * eps[k];
    f.fill(0);
    for (let r = 0; r < m; r++) {
      let a = 0;
      for (let k = 0; k < d; k++) a += W[r * d + k] * z[k];
      for (let k = 0; k < d; k++) f[k] += (a * a * W[r * d + k]) / Math.sqrt(m);
    }
    let l = 0;
    for (let k = 0; k < d; k++) l += (f[k] - eps[k]) ** 2;
    sum += l;
    sum2 += l * l;
  }
  const mean = sum / T, se = Math.sqrt((sum2 / T - mean * mean) / T);
  assert.ok(Math.abs(mean - exact) < 4 * se, `MC ${mean} ± ${se} vs closed form ${exact}`);
  // the full loss over rows uses the same expression
  const one = diffusionLossGrad(W, x, new Float64Array([1]), { m, d, R: 1, alpha, beta });
  assert.ok(Math.abs(one.loss - exact) < 1e-9 * Math.abs(exact));
});

Deno.test("classifier: loss at W = 0 is log 2", () => {
  const b = tiny("classifier");
  const r = classifierLossGrad(new Float64Array(8 * 12), b.runs[0].X, b.runs[0].y, 4, 12, 3);
  assert.ok(Math.abs(r.loss - Math.log(2)) < 1e-12);
  assert.equal(rowCount(5), 7);
});

Deno.test("trainCpu: same batch twice gives bit-identical logs and weights", () => {
  for (const model of ["diffusion", "classifier"] as const) {
    const a = trainCpu(tiny(model)), c = trainCpu(tiny(model));
    assert.deepEqual(a.logs, c.logs);
    assert.deepEqual(a.W, c.W);
    assert.ok(a.logs.every(Number.isFinite));
  }
});

Deno.test("trainCpuParallel: bit-identical to trainCpu with 2 and 3 workers", async () => {
  for (const model of ["diffusion", "classifier"] as const) {
    const one = tiny(model);
    // five runs that differ in their initial weights
    const b: FlBatch = {
      ...one,
      runs: [0.1, 0.2, 0.3, 0.4, 0.5].map((s) => ({
        ...one.runs[0],
        W0: one.runs[0].W0.map((w) => w * s * 3),
      })),
    };
    const serial = trainCpu(b);
    for (const workers of [2, 3]) {
      let last = 0;
      const par = await trainCpuParallel(b, { workers, onRun: (r) => (last = r) });
      assert.deepEqual(par.logs, serial.logs);
      assert.deepEqual(par.W, serial.W);
      assert.deepEqual(par.failedAt, serial.failedAt);
      assert.equal(last, b.runs.length);
    }
  }
});

Deno.test("classifierAccuracy: the WebAssembly products give the plain loops' accuracy", () => {
  const m = 3, d = 20, q = 3, n = 101;
  const rng = new PhiloxStream(5, "t.acc");
  const W = rng.fillNormal(new Float64Array(2 * m * d), 0.5) as Float64Array;
  const s = twoPatchSample(rng, { n, d, variant: "orthogonal", sigmaXi: 1 });
  const sp = rng.fillNormal(new Float64Array(d)) as Float64Array;
  const sm = rng.fillNormal(new Float64Array(d)) as Float64Array;
  // the reference: every inner product a loop over k, σ from reluPow
  const F = (x: Float64Array, o: number) => {
    let f = 0;
    for (let r = 0; r < 2 * m; r++) {
      let z = 0;
      for (let k = 0; k < d; k++) z += W[r * d + k] * x[o + k];
      f += (r < m ? 1 : -1) * reluPow(z, q)[0];
    }
    return f;
  };
  let correct = 0;
  const sig = [F(sp, 0), F(sm, 0)];
  for (let i = 0; i < n; i++) {
    let f = s.y[i] > 0 ? sig[0] : sig[1];
    for (let r = 0; r < 2 * m; r++) {
      let z = 0;
      for (let k = 0; k < d; k++) z += W[r * d + k] * s.xi[i * d + k];
      f += (r < m ? 1 : -1) * reluPow(z, q)[0];
    }
    if (s.y[i] * f > 0) correct++;
  }
  assert.ok(correct > 0 && correct < n, `${correct}/${n}`);
  assert.equal(classifierAccuracy(W, m, d, q, s.y, s.xi, sp, sm), correct / n);
});

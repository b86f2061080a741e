import assert from "node:assert/strict";
import { PhiloxStream } from "../../datasets/philox.ts";
import {
  type NoisyImageRun,
  trainNoisyImage,
  trainNoisyImageJob,
  type TwoPatchImages,
} from "./noisy_image_models.ts";

// Tolerance: none. The WebAssembly engine keeps the JS reference's operations and their order,
// so every logged value and every final weight must have the same bits (Object.is).

function sameBits(a: unknown, b: unknown, path: string): string | null {
  if (typeof a === "number" && typeof b === "number") {
    return Object.is(a, b) ? null : `${path}: ${a} vs ${b}`;
  }
  if (ArrayBuffer.isView(a) || Array.isArray(a)) {
    const x = a as ArrayLike<unknown>, y = b as ArrayLike<unknown>;
    if (x.length !== y.length) return `${path}: length ${x.length} vs ${y.length}`;
    for (let i = 0; i < x.length; i++) {
      const d = sameBits(x[i], y[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  return null;
}

function data(n: number, d: number, K: number, seed: number): TwoPatchImages {
  const rng = new PhiloxStream(seed, "nim.data");
  const images = rng.fillNormal(new Float64Array(n * d), 0.4) as Float64Array;
  const noise = rng.fillNormal(new Float64Array(n * d), 0.3) as Float64Array;
  const labels = Uint8Array.from({ length: n }, (_, i) => i % K);
  return { images, noise, labels, n, d };
}

function run(model: NoisyImageRun["model"], K: number, m: number, lr: number): NoisyImageRun {
  return {
    model,
    K,
    m,
    q: 3,
    alpha: Math.exp(-0.5),
    beta: Math.sqrt(1 - Math.exp(-1)),
    lr,
    steps: 13,
    logEvery: 4,
  };
}

Deno.test("trainNoisyImage: the WebAssembly engine gives the JS reference's logs and weights bit for bit", () => {
  let failed = 0;
  const shapes: [number, number, number, number, number][] = [
    // n, d, K, m, lr
    [5, 19, 2, 3, 0.05],
    [9, 36, 10, 2, 0.1],
    [4, 8, 3, 5, 0.05],
    [3, 601, 2, 2, 0.01], // d past one block of the row sums
    [6, 25, 3, 3, 40], // diverging
  ];
  for (const [i, [n, d, K, m, lr]] of shapes.entries()) {
    const s = data(n, d, K, i);
    const means = new PhiloxStream(i, "nim.means").fillNormal(
      new Float64Array(K * d),
    ) as Float64Array;
    for (const model of ["diffusion", "classifier"] as const) {
      const r = run(model, K, m, lr);
      const M = model === "diffusion" ? m : K * m;
      const W0 = new PhiloxStream(i, "nim.init").fillNormal(
        new Float64Array(M * d),
        0.3,
      ) as Float64Array;
      const ref = trainNoisyImage(r, s, W0, means, undefined, "js");
      const wasm = trainNoisyImage(r, s, W0, means);
      const tag = `${model} n=${n} d=${d} K=${K} m=${m} lr=${lr}`;
      assert.deepEqual(wasm.steps, ref.steps, tag);
      assert.equal(wasm.failedAt, ref.failedAt, tag);
      for (const k of ["S", "N", "loss", "W"] as const) {
        assert.equal(sameBits(wasm[k], ref[k], k), null, tag);
      }
      if (ref.failedAt >= 0) failed++;
      else assert.ok(ref.loss.every(Number.isFinite) && ref.steps.length === 5, tag);
    }
  }
  assert.ok(failed >= 1, "the large step should make a run diverge");
});

Deno.test("trainNoisyImageJob: test accuracy (WebAssembly products) is the brute-force accuracy of the final weights", () => {
  const K = 3, m = 2, d = 16, s = data(9, d, K, 7), t = data(31, d, K, 8);
  const means = new Float64Array(K * d).fill(0.1);
  const W0 = new PhiloxStream(1, "nim.acc").fillNormal(
    new Float64Array(K * m * d),
    0.3,
  ) as Float64Array;
  const r = run("classifier", K, m, 0.05);
  const out = trainNoisyImageJob({ run: r, data: s, W0, classMeans: means, testData: t });
  const W = out.log.W;
  const F = (x: Float64Array, i: number, j: number) => {
    let f = 0;
    for (let q = j * m; q < (j + 1) * m; q++) {
      let z = 0;
      for (let k = 0; k < d; k++) z += W[q * d + k] * x[i * d + k];
      f += Math.max(z, 0) ** 3;
    }
    return f;
  };
  let correct = 0;
  for (let i = 0; i < t.n; i++) {
    const scores = Array.from({ length: K }, (_, j) => F(t.images, i, j) + F(t.noise, i, j));
    if (scores.indexOf(Math.max(...scores)) === t.labels[i]) correct++;
  }
  assert.ok(correct > 0 && correct < t.n, `a test that can fail both ways (${correct}/${t.n})`);
  assert.equal(out.testAccuracy, correct / t.n);
});

import assert from "node:assert/strict";
import { PhiloxStream } from "./philox.ts";
import { classMoments, exactScore, longTailedSpec, sampleClass } from "./long_tailed.ts";

Deno.test("case 2: 200 / 20 samples, head moments (0, 0) / diag(5, 1), tail 4I", () => {
  const s = longTailedSpec("case2");
  assert.deepEqual(s.classes.map((c) => c.n), [200, 20]);
  const h = classMoments(s, 0), t = classMoments(s, 1);
  assert.deepEqual(Array.from(h.mean), [0, 0]);
  assert.deepEqual(Array.from(h.cov), [5, 0, 0, 1]);
  assert.deepEqual(Array.from(t.cov), [4, 0, 0, 4]);
  const x = sampleClass(new PhiloxStream(0, "x"), s, 0, 20000);
  let m0 = 0, v0 = 0;
  for (let i = 0; i < 20000; i++) m0 += x[2 * i] / 20000;
  for (let i = 0; i < 20000; i++) v0 += (x[2 * i] - m0) ** 2 / 20000;
  assert.ok(Math.abs(m0) < 0.05 && Math.abs(v0 - 5) < 0.15, `${m0} ${v0}`);
});

Deno.test("case 1: imbalance 2.5 and seeded, reproducible draws", () => {
  const s = longTailedSpec("case1", { mu: 2 });
  assert.deepEqual(s.classes.map((c) => c.n), [50, 20]);
  const a = sampleClass(new PhiloxStream(4, "x"), s, 1, 10),
    b = sampleClass(new PhiloxStream(4, "x"), s, 1, 10);
  assert.deepEqual(a, b);
});

Deno.test("exact score matches a finite-difference gradient of the log density", () => {
  const s = longTailedSpec("case2");
  const t = 0.3, x = [0.7, -0.4], h = 1e-5;
  const logp = (p: number[]) => {
    const a = Math.exp(-t);
    let z = 0;
    for (const c of s.classes[0].components) {
      const v = a * a * c.sd * c.sd + 1 - a * a;
      const q = (p[0] - a * c.mean[0]) ** 2 + (p[1] - a * c.mean[1]) ** 2;
      z += c.weight * Math.exp(-q / (2 * v)) / (2 * Math.PI * v);
    }
    return Math.log(z);
  };
  const sc = exactScore(s, 0, x, t);
  for (let q = 0; q < 2; q++) {
    const xp = x.slice(), xm = x.slice();
    xp[q] += h, xm[q] -= h;
    assert.ok(Math.abs((logp(xp) - logp(xm)) / (2 * h) - sc[q]) < 1e-6);
  }
});

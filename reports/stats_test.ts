import assert from "node:assert/strict";
import {
  allCrossings,
  bootstrap,
  bootstrapGroups,
  classifyAgainstBand,
  combineStatuses,
  crossing,
  influentialSeeds,
  linearFit,
  location,
  logLogFit,
  makeResampleRng,
  mean,
  meanCI,
  median,
  normalQuantile,
  pairedDifference,
  quantile,
  robustPairedDifference,
  studentTQuantile,
  variance,
  wilson,
} from "./stats.ts";

function close(actual: number, expected: number, tol: number, msg = ""): void {
  assert.ok(
    Math.abs(actual - expected) <= tol,
    `${msg} expected ${expected} ± ${tol}, got ${actual}`,
  );
}

function meanOf(xs: ArrayLike<number>): (idx: Int32Array) => number {
  return (idx) => {
    let s = 0;
    for (let i = 0; i < idx.length; i++) s += xs[idx[i]];
    return s / idx.length;
  };
}

/** Standard normal draws via inverse CDF on the deterministic RNG. */
function normalSample(rng: () => number, n: number, mu = 0, sigma = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    // 1 - u is in (0, 1], avoiding normalQuantile(0) = -Infinity.
    out[i] = mu + sigma * normalQuantile(1 - rng());
  }
  return out;
}

Deno.test("makeResampleRng: deterministic, seed-dependent, in [0,1), roughly uniform", () => {
  const a = makeResampleRng(7);
  const b = makeResampleRng(7);
  const c = makeResampleRng(8);
  const sa = Array.from({ length: 20 }, a);
  const sb = Array.from({ length: 20 }, b);
  const sc = Array.from({ length: 20 }, c);
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
  const rng = makeResampleRng(12345);
  const n = 100_000;
  let sum = 0;
  const bins = new Array(10).fill(0);
  for (let i = 0; i < n; i++) {
    const u = rng();
    assert.ok(u >= 0 && u < 1);
    sum += u;
    bins[Math.floor(u * 10)]++;
  }
  close(sum / n, 0.5, 0.005);
  for (const count of bins) close(count / n, 0.1, 0.005);
  assert.throws(() => makeResampleRng(NaN), RangeError);
});

Deno.test("mean / variance / quantile / median: known values", () => {
  assert.equal(mean([1, 2, 3, 4]), 2.5);
  assert.ok(Number.isNaN(mean([])));
  // Textbook: 2,4,4,4,5,5,7,9 has population variance 4, so unbiased 32/7.
  close(variance([2, 4, 4, 4, 5, 5, 7, 9]), 32 / 7, 1e-12);
  assert.ok(Number.isNaN(variance([1])));
  // Large offset: naive E[x^2]-E[x]^2 would lose everything.
  close(variance([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]), 30, 1e-6);

  const xs = [3, 1, 4, 1, 5, 9, 2, 6];
  const copy = xs.slice();
  // R: quantile(c(3,1,4,1,5,9,2,6), c(0, .1, .25, .5, .9, 1)) -> 1, 1, 1.75, 3.5, 6.9, 9
  close(quantile(xs, 0), 1, 0);
  close(quantile(xs, 0.1), 1, 1e-12);
  close(quantile(xs, 0.25), 1.75, 1e-12);
  close(quantile(xs, 0.5), 3.5, 1e-12);
  close(quantile(xs, 0.9), 6.9, 1e-12);
  close(quantile(xs, 1), 9, 0);
  assert.deepEqual(xs, copy, "quantile must not mutate its input");
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median(new Float64Array([4, 1, 3, 2])), 2.5);
  assert.ok(Number.isNaN(median([])));
  assert.ok(Number.isNaN(quantile([1, 2], 1.5)));
  assert.ok(Number.isNaN(quantile([1, NaN, 2], 0.5)));
});

Deno.test("normalQuantile: textbook values and symmetry", () => {
  const cases: [number, number][] = [
    [0.5, 0],
    [0.8413447460685429, 1], // Phi(1)
    [0.9, 1.2815515655446004],
    [0.95, 1.6448536269514722],
    [0.975, 1.959963984540054],
    [0.995, 2.5758293035489004],
    [0.999, 3.090232306167813],
    [0.02275013194817921, -2], // Phi(-2)
    [1e-10, -6.361340902404056],
    [1e-4, -3.719016485455709],
    [1e-20, -9.262340089798408],
  ];
  for (const [p, z] of cases) close(normalQuantile(p), z, 1e-9, `normalQuantile(${p})`);
  // Exact symmetry where 1 - p is exactly representable (dyadic p) ...
  for (const p of [2 ** -20, 2 ** -10, 0.125, 0.25, 0.375]) {
    assert.equal(normalQuantile(p), -normalQuantile(1 - p));
  }
  // ... and up to the rounding of 1 - p otherwise.
  for (const p of [0.001, 0.01, 0.1, 0.3, 0.49]) {
    close(normalQuantile(p), -normalQuantile(1 - p), 1e-12);
  }
  assert.equal(normalQuantile(0), -Infinity);
  assert.equal(normalQuantile(1), Infinity);
  assert.ok(Number.isNaN(normalQuantile(1.1)));
  assert.ok(Number.isNaN(normalQuantile(NaN)));
  // Monotone across the Acklam region boundary.
  assert.ok(normalQuantile(0.02424) < normalQuantile(0.02425));
  assert.ok(normalQuantile(0.02425) < normalQuantile(0.02426));
});

Deno.test("studentTQuantile: t-table values", () => {
  const cases: [number, number, number][] = [
    [0.975, 1, 12.706204736174707],
    [0.95, 2, 2.919985580353725],
    [0.975, 3, 3.182446305284263],
    [0.975, 4, 2.776445105197793],
    [0.995, 5, 4.032142983557536],
    [0.975, 10, 2.228138851986274],
    [0.9, 10, 1.372183641110336],
    [0.975, 30, 2.042272456301238],
    [0.999, 3, 10.21453183],
    [0.975, 120, 1.979930405],
  ];
  for (const [p, df, t] of cases) {
    close(studentTQuantile(p, df), t, 1e-8 * Math.max(1, t), `t(${p}, ${df})`);
    close(studentTQuantile(1 - p, df), -t, 1e-8 * Math.max(1, t), `t(${1 - p}, ${df})`);
  }
  // Extreme tails (relative accuracy), against the closed form for df = 4:
  // alpha = 4p(1-p), q = cos(acos(sqrt(alpha)) / 3) / sqrt(alpha), t = sign(p - 1/2) * 2 sqrt(q - 1).
  const t4 = (p: number) => {
    const alpha = 4 * p * (1 - p);
    const q = Math.cos(Math.acos(Math.sqrt(alpha)) / 3) / Math.sqrt(alpha);
    return Math.sign(p - 0.5) * 2 * Math.sqrt(q - 1);
  };
  for (const p of [1e-12, 1e-10, 1e-6, 1e-4, 0.01, 0.1, 0.3, 0.7, 0.9, 0.975, 0.9999]) {
    const expected = t4(p);
    close(studentTQuantile(p, 4), expected, 1e-12 * Math.abs(expected), `t(${p}, 4)`);
  }
  // Converges to the normal quantile.
  close(studentTQuantile(0.975, 1e7), normalQuantile(0.975), 1e-6);
  assert.equal(studentTQuantile(0.975, Infinity), normalQuantile(0.975));
  // Monotone in p and decreasing in df.
  assert.ok(studentTQuantile(0.96, 7) < studentTQuantile(0.97, 7));
  assert.ok(studentTQuantile(0.975, 7) > studentTQuantile(0.975, 7.5));
  assert.equal(studentTQuantile(0.5, 3), 0);
  assert.ok(Number.isNaN(studentTQuantile(0.9, 0)));
  assert.ok(Number.isNaN(studentTQuantile(-0.1, 5)));
});

Deno.test("wilson: textbook interval, edge cases", () => {
  const w = wilson(8, 10);
  assert.equal(w.value, 0.8);
  close(w.lo, 0.4901625, 1e-6);
  close(w.hi, 0.9433178, 1e-6);
  // 0/10 and 10/10 at 95%: [0, 0.2775] and [0.7225, 1].
  const z0 = wilson(0, 10);
  assert.equal(z0.lo, 0);
  close(z0.hi, 0.2775328, 1e-6);
  const z1 = wilson(10, 10);
  assert.equal(z1.hi, 1);
  close(z1.lo, 0.7224672, 1e-6);
  // 90% level is narrower.
  const w90 = wilson(8, 10, 0.9);
  assert.ok(w90.lo > w.lo && w90.hi < w.hi);
  const empty = wilson(0, 0);
  assert.ok(Number.isNaN(empty.value));
  assert.equal(empty.lo, 0);
  assert.equal(empty.hi, 1);
  assert.throws(() => wilson(11, 10), RangeError);
  assert.throws(() => wilson(1, 10, 1), RangeError);
});

Deno.test("wilson: exact binomial coverage is close to nominal", () => {
  // Exact coverage: sum of Binomial(n, p) probabilities of outcomes whose
  // interval contains p. Wilson is known to be close to 95% on average.
  for (const n of [20, 50, 100]) {
    let avg = 0;
    const ps = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
    for (const p of ps) {
      let logPmf = n * Math.log(1 - p); // k = 0
      let cov = 0;
      for (let k = 0; k <= n; k++) {
        if (k > 0) logPmf += Math.log((n - k + 1) / k) + Math.log(p / (1 - p));
        const { lo, hi } = wilson(k, n);
        if (lo <= p && p <= hi) cov += Math.exp(logPmf);
      }
      assert.ok(cov > 0.88 && cov < 0.995, `coverage(n=${n}, p=${p}) = ${cov}`);
      avg += cov / ps.length;
    }
    close(avg, 0.95, 0.015, `mean coverage n=${n}`);
  }
});

Deno.test("meanCI: t interval known value and Monte Carlo coverage", () => {
  // x = 1..5: mean 3, s = sqrt(2.5), half = t(0.975,4) * s / sqrt(5).
  const ci = meanCI([1, 2, 3, 4, 5]);
  const half = 2.776445105197793 * Math.sqrt(2.5 / 5);
  assert.equal(ci.value, 3);
  close(ci.lo, 3 - half, 1e-9);
  close(ci.hi, 3 + half, 1e-9);
  const one = meanCI([4]);
  assert.equal(one.value, 4);
  assert.ok(Number.isNaN(one.lo) && Number.isNaN(one.hi));

  const rng = makeResampleRng(2024);
  const reps = 4000;
  let covered = 0;
  for (let r = 0; r < reps; r++) {
    const xs = normalSample(rng, 8, 10, 3);
    const { lo, hi } = meanCI(xs);
    if (lo <= 10 && 10 <= hi) covered++;
  }
  close(covered / reps, 0.95, 0.015, "meanCI coverage");
});

Deno.test("bootstrap: CI of a mean is close to the t interval", () => {
  // A symmetric, deterministic "normal-looking" sample: normal scores.
  const n = 40;
  const xs = Array.from({ length: n }, (_, i) => 5 + 2 * normalQuantile((i + 0.5) / n));
  const t = meanCI(xs);
  const b = bootstrap(n, meanOf(xs));
  assert.equal(b.value, mean(xs));
  assert.equal(b.finiteFraction, 1);
  const halfT = (t.hi - t.lo) / 2;
  // Percentile bootstrap is a bit narrower (z and 1/n variance) but close.
  close(b.lo, t.lo, 0.15 * halfT, "bootstrap lo");
  close(b.hi, t.hi, 0.15 * halfT, "bootstrap hi");
  assert.ok(b.lo < b.value && b.value < b.hi);
  // A lower level gives a narrower interval.
  const b80 = bootstrap(n, meanOf(xs), { level: 0.8 });
  assert.ok(b80.lo > b.lo && b80.hi < b.hi);
});

Deno.test("bootstrap: deterministic bit for bit, seed-dependent", () => {
  const xs = normalSample(makeResampleRng(99), 25);
  const a = bootstrap(xs.length, meanOf(xs), { seed: 1, resamples: 500 });
  const b = bootstrap(xs.length, meanOf(xs), { seed: 1, resamples: 500 });
  const c = bootstrap(xs.length, meanOf(xs), { seed: 2, resamples: 500 });
  assert.deepEqual(a, b);
  assert.ok(Object.is(a.lo, b.lo) && Object.is(a.hi, b.hi));
  assert.notEqual(a.lo, c.lo);
  // Defaults are the documented ones (resamples 2000, level 0.95, seed 12345).
  assert.deepEqual(
    bootstrap(xs.length, meanOf(xs)),
    bootstrap(xs.length, meanOf(xs), { resamples: 2000, level: 0.95, seed: 12345 }),
  );
  const pa = pairedDifference([1, 2, 3, 4], [2, 2, 5, 4.5], { seed: 3 });
  const pb = pairedDifference([1, 2, 3, 4], [2, 2, 5, 4.5], { seed: 3 });
  assert.deepEqual(pa, pb);
});

Deno.test("bootstrap: non-finite statistics are dropped; too few -> NaN CI", () => {
  const xs = [1, 2, 3, 4, 5, 6, 7, 8];
  // NaN whenever index 0 is drawn: P(no 0 in 8 draws) = (7/8)^8 ≈ 0.344 finite.
  const stat = (idx: Int32Array) => (idx.includes(0) ? NaN : meanOf(xs)(idx));
  const r = bootstrap(xs.length, stat, { resamples: 4000 });
  close(r.finiteFraction, Math.pow(7 / 8, 8), 0.03);
  assert.ok(Number.isNaN(r.lo) && Number.isNaN(r.hi));
  assert.ok(Number.isNaN(r.value)); // identity contains index 0
  // Infinite when index 0 is *never* drawn: mostly finite, CI defined.
  const stat2 = (idx: Int32Array) => (idx.includes(0) ? meanOf(xs)(idx) : Infinity);
  const r2 = bootstrap(xs.length, stat2, { resamples: 4000 });
  close(r2.finiteFraction, 1 - Math.pow(7 / 8, 8), 0.03);
  assert.ok(Number.isFinite(r2.lo) && Number.isFinite(r2.hi) && r2.lo <= r2.hi);
  assert.throws(() => bootstrap(3, stat, { resamples: 0 }), RangeError);
  assert.throws(() => bootstrap(3, stat, { level: 95 }), RangeError);
});

Deno.test("bootstrapGroups: difference of means across independent groups", () => {
  const rng = makeResampleRng(5);
  const g1 = normalSample(rng, 60, 1.0, 1);
  const g2 = normalSample(rng, 40, 1.5, 1);
  const seen: number[][] = [];
  const est = bootstrapGroups([g1.length, g2.length], (idx) => {
    if (seen.length < 3) seen.push(idx.map((a) => a.length));
    return meanOf(g2)(idx[1]) - meanOf(g1)(idx[0]);
  });
  assert.deepEqual(seen[0], [60, 40]);
  assert.deepEqual(seen[1], [60, 40]);
  close(est.value, mean(g2) - mean(g1), 1e-12);
  // Compare with the normal-approximation (Welch) interval.
  const se = Math.sqrt(variance(g1) / g1.length + variance(g2) / g2.length);
  close(est.lo, est.value - 1.96 * se, 0.15 * 1.96 * se, "groups lo");
  close(est.hi, est.value + 1.96 * se, 0.15 * 1.96 * se, "groups hi");
  assert.equal(est.finiteFraction, 1);
  const again = bootstrapGroups(
    [g1.length, g2.length],
    (idx) => meanOf(g2)(idx[1]) - meanOf(g1)(idx[0]),
  );
  assert.equal(again.lo, est.lo);
  assert.equal(again.hi, est.hi);
});

Deno.test("bootstrap: percentile CI coverage sanity (mean of normal samples)", () => {
  const rng = makeResampleRng(777);
  const reps = 300;
  let covered = 0;
  for (let r = 0; r < reps; r++) {
    const xs = normalSample(rng, 30);
    const { lo, hi } = bootstrap(xs.length, meanOf(xs), { resamples: 400, seed: r });
    if (lo <= 0 && 0 <= hi) covered++;
  }
  // Percentile bootstrap slightly under-covers at n = 30 (~0.93).
  const cov = covered / reps;
  assert.ok(cov > 0.87 && cov < 0.99, `bootstrap coverage ${cov}`);
});

Deno.test("pairedDifference: value and CI", () => {
  const a = [10, 12, 9, 11, 13, 10, 12, 11, 9, 10];
  const b = a.map((v, i) => v + 2 + (i % 3 === 0 ? 0.5 : -0.25));
  const d = b.map((v, i) => v - a[i]);
  const est = pairedDifference(a, b);
  close(est.value, mean(d), 1e-12);
  assert.ok(est.lo <= est.value && est.value <= est.hi);
  assert.ok(est.lo >= Math.min(...d) && est.hi <= Math.max(...d));
  assert.ok(est.lo > 1.5 && est.hi < 2.5);
  assert.throws(() => pairedDifference([1, 2], [1]), RangeError);
});

Deno.test("linearFit: textbook example and exact line", () => {
  // x = 1..5, y = 2,4,5,4,5: b = 0.6, a = 2.2, SSE = 2.4, r2 = 0.6, s = sqrt(0.8).
  const f = linearFit([1, 2, 3, 4, 5], [2, 4, 5, 4, 5]);
  close(f.slope, 0.6, 1e-12);
  close(f.intercept, 2.2, 1e-12);
  close(f.r2, 0.6, 1e-12);
  close(f.residualSE, Math.sqrt(0.8), 1e-12);
  assert.equal(f.n, 5);
  const t3 = 3.182446305284263;
  const seB = Math.sqrt(0.8 / 10);
  const seA = Math.sqrt(0.8 * (1 / 5 + 9 / 10));
  close(f.slopeCI.lo, 0.6 - t3 * seB, 1e-9);
  close(f.slopeCI.hi, 0.6 + t3 * seB, 1e-9);
  close(f.interceptCI.lo, 2.2 - t3 * seA, 1e-9);
  close(f.interceptCI.hi, 2.2 + t3 * seA, 1e-9);

  // Exact line y = -1.5 + 0.25 x.
  const xs = [0, 2, 4, 6, 8, 10];
  const e = linearFit(xs, xs.map((x) => -1.5 + 0.25 * x));
  close(e.slope, 0.25, 1e-14);
  close(e.intercept, -1.5, 1e-14);
  close(e.r2, 1, 1e-14);
  close(e.slopeCI.hi - e.slopeCI.lo, 0, 1e-12);

  // Non-finite pairs are ignored.
  const g = linearFit([1, 2, NaN, 3, 4], [3, 5, 100, 7, Infinity]);
  assert.equal(g.n, 3);
  close(g.slope, 2, 1e-12);
  close(g.intercept, 1, 1e-12);

  // Degenerate cases.
  const two = linearFit([1, 2], [1, 3]);
  close(two.slope, 2, 1e-12);
  assert.ok(Number.isNaN(two.slopeCI.lo) && Number.isNaN(two.residualSE));
  assert.ok(Number.isNaN(linearFit([1, 1, 1], [1, 2, 3]).slope));
  assert.throws(() => linearFit([1, 2], [1]), RangeError);
});

Deno.test("linearFit: weights", () => {
  // Integer weights equal to replicating points.
  const x = [1, 2, 3, 4];
  const y = [1.2, 1.9, 3.4, 3.9];
  const w = linearFit(x, y, 0.95, [1, 2, 1, 3]);
  const rep = linearFit([1, 2, 2, 3, 4, 4, 4], [1.2, 1.9, 1.9, 3.4, 3.9, 3.9, 3.9]);
  close(w.slope, rep.slope, 1e-12);
  close(w.intercept, rep.intercept, 1e-12);
  close(w.r2, rep.r2, 1e-12);
  // Zero weight drops a wild point.
  const z = linearFit([1, 2, 3, 4], [2, 4, 6, 1000], 0.95, [1, 1, 1, 0]);
  assert.equal(z.n, 3);
  close(z.slope, 2, 1e-12);
});

Deno.test("logLogFit: recovers y = 3 x^2 exactly and reports skipped points", () => {
  const xs = [0.5, 1, 2, 4, 8, 16, 32];
  const f = logLogFit(xs, xs.map((x) => 3 * x * x));
  close(f.slope, 2, 1e-12);
  close(f.intercept, Math.log(3), 1e-12);
  close(f.r2, 1, 1e-12);
  assert.equal(f.skipped, 0);
  assert.equal(f.n, 7);
  const g = logLogFit([0, -1, 1, 2, 4, 8, NaN], [5, 5, 3, 12, 0, 192, 1]);
  assert.equal(g.skipped, 4);
  assert.equal(g.n, 3);
  close(g.slope, 2, 1e-12);
  close(Math.exp(g.intercept), 3, 1e-12);
  // Noisy power law: CI covers the true exponent.
  const rng = makeResampleRng(11);
  const nx = Array.from({ length: 30 }, (_, i) => Math.pow(2, i / 3));
  const ny = nx.map((x) => 0.7 * Math.pow(x, -0.5) * Math.exp(0.05 * normalQuantile(1 - rng())));
  const h = logLogFit(nx, ny);
  assert.ok(h.slopeCI.lo < -0.5 && -0.5 < h.slopeCI.hi, JSON.stringify(h.slopeCI));
  assert.ok(h.slopeCI.hi - h.slopeCI.lo < 0.05);
});

Deno.test("crossing: interpolation and directions", () => {
  const x = [0, 1, 2, 3];
  const y = [0, 0.4, 1.0, 0.6];
  close(crossing(x, y, 0.7), 1.5, 1e-15);
  close(crossing(x, y, 0.7, "up"), 1.5, 1e-15);
  close(crossing(x, y, 0.8, "down"), 0, 0); // y[0] = 0 <= 0.8 already
  close(crossing([0, 1, 2, 3], [1, 1.0, 0.2, 0.8], 0.5, "down"), 1.625, 1e-15);
  close(crossing(x, y, 0.7, "any"), 1.5, 1e-15);
  assert.equal(crossing(x, y, 0, "up"), 0); // first point already >= target
  assert.equal(crossing(x, y, 1.0), 2); // exact hit on a grid point returns it exactly
  assert.ok(Number.isNaN(crossing(x, y, 1.5))); // never reached
  assert.ok(Number.isNaN(crossing([], [], 1)));
  // Non-uniform grid.
  close(crossing([1, 10, 100], [0.1, 0.3, 0.9], 0.6), 55, 1e-12);
  // NaN points are skipped (curve joins neighbours).
  close(crossing([0, 1, 2], [0, NaN, 1], 0.25), 0.5, 1e-15);
  assert.throws(() => crossing([0, 2, 1], [0, 1, 2], 0.5), RangeError);
  assert.throws(() => crossing([0, 1], [0], 0.5), RangeError);
});

Deno.test("crossing / allCrossings: non-monotone curve", () => {
  // Up at 0.5, down at 2.5, up again at 4.25.
  const x = [0, 1, 2, 3, 4, 5];
  const y = [0, 2, 2, 0, 0, 4];
  const all = allCrossings(x, y, 1);
  assert.deepEqual(all, [
    { index: 0, x: 0.5, direction: "up" },
    { index: 2, x: 2.5, direction: "down" },
    { index: 4, x: 4.25, direction: "up" },
  ]);
  close(crossing(x, y, 1, "up"), 0.5, 0);
  close(crossing(x, y, 1, "any"), 0.5, 0);
  // "down" from a start that is below target returns x[0].
  assert.equal(crossing(x, y, 1, "down"), 0);
  // Starting above: first "down" crossing, then the later "up".
  const y2 = [3, 2, 0, 1, 3, 3];
  assert.deepEqual(allCrossings(x, y2, 1.5).map((c) => c.direction), ["down", "up"]);
  close(crossing(x, y2, 1.5, "down"), 1.25, 1e-15);
  close(crossing(x, y2, 1.5, "any"), 1.25, 1e-15);
  assert.equal(crossing(x, y2, 1.5, "up"), 0);
  // Consistency: first event of each direction matches crossing() when the start is on the other side.
  const y3 = [0.5, 0.2, 0.9, 0.1, 0.95, 0.3];
  const events = allCrossings(x, y3, 0.6);
  assert.equal(events.length, 4);
  assert.equal(crossing(x, y3, 0.6, "up"), events.find((e) => e.direction === "up")!.x);
  // A NaN point shifts the reported index to the original array.
  assert.deepEqual(allCrossings([0, 1, 2, 3], [0, NaN, 0, 2], 1), [
    { index: 2, x: 2.5, direction: "up" },
  ]);
});

Deno.test("classifyAgainstBand", () => {
  assert.equal(classifyAgainstBand({ lo: 1.9, hi: 2.1 }, [1.8, 2.2]), "reproduced");
  assert.equal(classifyAgainstBand({ lo: 1.8, hi: 2.2 }, [1.8, 2.2]), "reproduced");
  assert.equal(classifyAgainstBand({ lo: 0.1, hi: 0.3 }, [1.8, 2.2]), "not reproduced");
  assert.equal(classifyAgainstBand({ lo: 2.3, hi: 2.5 }, [1.8, 2.2]), "not reproduced");
  assert.equal(classifyAgainstBand({ lo: 1.5, hi: 2.0 }, [1.8, 2.2]), "inconclusive");
  assert.equal(classifyAgainstBand({ lo: 1.5, hi: 2.5 }, [1.8, 2.2]), "inconclusive");
  assert.equal(classifyAgainstBand({ lo: 0.5, hi: 0.9 }, [0, Infinity]), "reproduced");
  assert.equal(classifyAgainstBand({ lo: -0.2, hi: 0.9 }, [0, Infinity]), "inconclusive");
  assert.equal(classifyAgainstBand({ lo: -3, hi: -1 }, [-Infinity, 0]), "reproduced");
  assert.equal(classifyAgainstBand({ lo: 0.5, hi: 1 }, [-Infinity, 0]), "not reproduced");
  assert.equal(classifyAgainstBand({ lo: NaN, hi: 1 }, [0, 2]), "inconclusive");
  assert.equal(classifyAgainstBand({ lo: 0.5, hi: 1 }, [NaN, 2]), "inconclusive");
  assert.throws(() => classifyAgainstBand({ lo: 0, hi: 1 }, [2, 1]), RangeError);
});

Deno.test("combineStatuses", () => {
  assert.equal(combineStatuses([]), "inconclusive");
  assert.equal(combineStatuses(["reproduced", "reproduced"]), "reproduced");
  assert.equal(combineStatuses(["reproduced", "inconclusive"]), "inconclusive");
  assert.equal(
    combineStatuses(["reproduced", "not reproduced", "inconclusive"]),
    "not reproduced",
  );
  assert.equal(combineStatuses(["not reproduced", "error", "reproduced"]), "error");
  assert.equal(combineStatuses(["inconclusive"]), "inconclusive");
});

Deno.test("bootstrap with keepInfinite keeps censored (+Infinity) statistics in the interval", () => {
  // half the data are censored: a resample's statistic is +Infinity when most of it is censored
  const xs = [1, 2, 3, Infinity, Infinity, Infinity, Infinity, Infinity];
  const med = (idx: Int32Array) => {
    const v = Array.from(idx, (i) => xs[i]).sort((a, b) => a - b);
    return v[Math.floor(v.length / 2)];
  };
  const dropped = bootstrap(xs.length, med, { resamples: 500 });
  const kept = bootstrap(xs.length, med, { resamples: 500, keepInfinite: true });
  assert.equal(kept.hi, Infinity);
  assert.ok(kept.lo >= 1 && kept.lo <= 3);
  assert.ok(dropped.finiteFraction < 0.5 && Number.isNaN(dropped.hi));
});

Deno.test("location: mean, 20% trimmed mean and median; NaN dropped", () => {
  const xs = [5, 1, 2, 3, 4, 100, 6, 7, 8, 9, NaN];
  assert.equal(location(xs, "mean"), 145 / 10);
  assert.equal(location(xs, "trimmed20"), (3 + 4 + 5 + 6 + 7 + 8) / 6); // 2 dropped per end
  assert.equal(location(xs, "median"), 5.5);
  assert.equal(location(xs, "median", [1, 2, 3]), 2);
  assert.ok(Number.isNaN(location([NaN], "trimmed20")));
});

Deno.test("robustPairedDifference resists a runaway pair that moves the mean", () => {
  const a = Array.from({ length: 30 }, (_, i) => 1 + 0.01 * i);
  const b = a.map((x, i) => x + (i < 2 ? 25 : 0.1));
  const mean = robustPairedDifference(a, b, "mean", { resamples: 500, seed: 3 });
  const trim = robustPairedDifference(a, b, "trimmed20", { resamples: 500, seed: 3 });
  assert.ok(mean.value > 1.5);
  assert.ok(Math.abs(trim.value - 0.1) < 1e-9 && trim.hi - trim.lo < 0.05);
  assert.throws(() => robustPairedDifference([1], [1, 2], "median"), RangeError);
});

Deno.test("influentialSeeds names exactly the units whose removal leaves the CI", () => {
  const xs = [1, 1.2, 0.8, 1.1, 0.9, 1, 30];
  const m = (idx: Int32Array) => location(xs, "mean", idx);
  // the mean is 5.14; without unit 6 it is 1, outside [4, 6]; without any other unit ≈ 5.8
  const hits = influentialSeeds(xs.length, m, { lo: 4, hi: 6 });
  assert.deepEqual(hits.map((h) => h.index), [6]);
  assert.ok(Math.abs(hits[0].without - 1) < 1e-12);
  assert.deepEqual(influentialSeeds(xs.length, m, { lo: 0, hi: 10 }), []);
  const t = (idx: Int32Array) => location(xs, "median", idx);
  const et = bootstrap(xs.length, t, { resamples: 500, seed: 1 });
  assert.deepEqual(influentialSeeds(xs.length, t, et), []);
  assert.deepEqual(influentialSeeds(1, m, { lo: 0, hi: 1 }), []);
});

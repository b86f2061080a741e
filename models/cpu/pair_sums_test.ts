import assert from "node:assert/strict";
import {
  laterPairSums,
  MIN_PARALLEL_PAIRS,
  pairRanges,
  pairSumsCpu,
  pairSumsCpuParallel,
  pairSumsTask,
} from "./pair_sums.ts";
import { packSets } from "../gpu/kernel_sum.ts";
import { expWasm, laterPairSumsWasm } from "./pair_sums_wasm.ts";
import { PhiloxStream } from "../../datasets/philox.ts";

function randomSets(dim: number, sizes: number[]) {
  const s = new PhiloxStream(5, "pair-sums-test", dim);
  const sets = sizes.map((n) => s.fillNormal(new Float64Array(n * dim), 1, 3) as Float64Array);
  return packSets(sets, dim, sizes.map((n) => 0.25 * Math.pow(Math.max(n, 2), 2 / dim)));
}

/** The plain double loop, one j at a time (the reference the blocked loop must reproduce). */
function naive(x: Float64Array, dim: number, a: number, b: number, scale: number): number[] {
  const out = [];
  for (let i = a; i < b; i++) {
    let acc = 0;
    for (let j = i + 1; j < b; j++) {
      let d2 = 0;
      for (let k = 0; k < dim; k++) {
        const t = x[i * dim + k] - x[j * dim + k];
        d2 += t * t;
      }
      acc += Math.exp(-scale * d2);
    }
    out.push(acc);
  }
  return out;
}

Deno.test("laterPairSums (blocked by four) equals the plain loop bit for bit", () => {
  for (const n of [1, 2, 5, 9, 30]) {
    const p = randomSets(3, [n]);
    const got = Array.from(pairSumsTask({ points: p.points, dim: 3, rows: n, scale: p.scale[0] }));
    assert.deepEqual(got, naive(p.points as Float64Array, 3, 0, n, p.scale[0]));
  }
});

Deno.test("pairRanges covers every point once, within its set, with balanced pair counts", () => {
  const p = randomSets(2, [100, 0, 1, 57]);
  const ranges = pairRanges(p, 8);
  const seen = new Uint8Array(158);
  for (const r of ranges) {
    assert.ok(r.from < r.to && r.to <= r.end);
    assert.equal(r.end, p.start[r.set] + p.count[r.set]);
    for (let i = r.from; i < r.to; i++) seen[i]++;
  }
  assert.ok(seen.every((v) => v === 1));
  const pairs = ranges.map((r) => {
    let s = 0;
    for (let i = r.from; i < r.to; i++) s += r.end - 1 - i;
    return s;
  });
  const total = (100 * 99) / 2 + (57 * 56) / 2;
  // each range closes at the first point that reaches total/8 pairs: at most one point's worth over
  assert.ok(Math.max(...pairs) <= total / 8 + 99);
});

Deno.test("pairSumsCpuParallel over 2 workers is bit-identical to the serial reference", async () => {
  // uneven sets so that chunks end inside sets; the serial cut-off lowered to use the workers
  const p = randomSets(4, [150, 7, 140, 1, 30]);
  const serial = pairSumsCpu(p);
  const parallel = await pairSumsCpuParallel(p, { workers: 2, minPairs: 0 });
  assert.deepEqual(Array.from(parallel), Array.from(serial));
  // and the default small-input path (serial)
  assert.ok(150 * 149 < MIN_PARALLEL_PAIRS);
  assert.deepEqual(Array.from(await pairSumsCpuParallel(p, { workers: 2 })), Array.from(serial));
});

Deno.test("laterPairSumsWasm has the JS loop's bits (odd dims, every tail of the 8-row blocks, sub-ranges, f32 points)", () => {
  for (const dim of [1, 3, 8, 33]) {
    for (const n of [1, 2, 7, 8, 9, 17, 40]) {
      const p = randomSets(dim, [n]);
      const want = naive(p.points as Float64Array, dim, 0, n, p.scale[0]);
      const got = new Float64Array(n);
      laterPairSumsWasm(p.points, dim, 0, n, n, p.scale[0], got);
      assert.deepStrictEqual(Array.from(got), want, `dim=${dim} n=${n}`);
      // rows 2 .. n−2 against all later rows, written at an offset
      if (n > 4) {
        const part = new Float64Array(n + 1);
        laterPairSumsWasm(p.points, dim, 2, n - 2, n, p.scale[0], part, 1);
        assert.deepStrictEqual(Array.from(part.subarray(1, n - 3)), want.slice(2, n - 2));
      }
    }
  }
  const p = randomSets(5, [23]);
  const f32 = Float32Array.from(p.points);
  const got = new Float64Array(23);
  laterPairSumsWasm(f32, 5, 0, 23, 23, p.scale[0], got);
  assert.deepStrictEqual(Array.from(got), naive(Float64Array.from(f32), 5, 0, 23, p.scale[0]));
});

Deno.test("the pair kernel's exp has Math.exp's bits: special values, every range, 300k arguments", () => {
  const rng = new PhiloxStream(9, "exp-wasm");
  const xs: number[] = [
    0,
    -0,
    1,
    -1,
    0.5,
    -0.5,
    1e-300,
    -1e-300,
    2 ** -28,
    -(2 ** -28),
    2 ** -60,
    1e-17,
    0.0013538,
    -0.0013538,
    0.34657359,
    -1.03972077,
    706.9,
    707,
    707.1,
    -706.9,
    -707,
    -707.1,
    -708.4,
    -709,
    709.78,
    -745.13,
    -745.14,
    -800,
    800,
    Infinity,
    -Infinity,
    NaN,
    5e-324,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
  ];
  // the pair sums' arguments (−scale·d² ≤ 0, mostly −1 … −100), small ones, and all of [−750, 750]
  for (let i = 0; i < 100_000; i++) xs.push(-100 * rng.uniform());
  for (let i = 0; i < 100_000; i++) xs.push(-2 * rng.uniform());
  for (let i = 0; i < 50_000; i++) xs.push(1500 * rng.uniform() - 750);
  for (let i = 0; i < 50_000; i++) xs.push((rng.uniform() - 0.5) * 2 ** (-40 * rng.uniform()));
  // each value both as lane 0 and as lane 1
  for (const v of [Float64Array.from(xs), Float64Array.from([0.25, ...xs])]) {
    const got = expWasm(v);
    for (let i = 0; i < v.length; i++) {
      if (!Object.is(got[i], Math.exp(v[i]))) {
        assert.fail(`exp(${v[i]}): ${got[i]} vs Math.exp ${Math.exp(v[i])}`);
      }
    }
  }
});

Deno.test("pairSumsCpu (WebAssembly kernel, the default) equals it with the JS loop, bit for bit", () => {
  for (const dim of [2, 7, 32]) {
    const p = randomSets(dim, [70, 1, 0, 9, 130]);
    assert.deepStrictEqual(Array.from(pairSumsCpu(p)), Array.from(pairSumsCpu(p, laterPairSums)));
  }
});

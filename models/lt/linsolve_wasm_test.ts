import assert from "node:assert/strict";
import { PhiloxStream } from "../../datasets/philox.ts";
import { luSolve } from "./linsolve.ts";
import { luSolveWasm } from "./linsolve_wasm.ts";
import { assertSameBits } from "./lt_wasm_testing.ts";

// Tolerance: none (same pivots, same eliminations in the same order per entry).

function random(n: number, seed: number): Float64Array {
  return new PhiloxStream(seed, "lu").fillNormal(new Float64Array(n)) as Float64Array;
}

Deno.test("luSolveWasm: the reference's bits (odd and even sizes, pivoting, zero multipliers)", () => {
  for (const [n, r] of [[1, 1], [2, 2], [7, 1], [16, 2], [33, 3], [64, 2]]) {
    const a = random(n * n, n), b = random(n * r, n + 1);
    for (let i = 1; i < n * n; i += 5) a[i] = 0; // zero multipliers, pivots off the diagonal
    const before = a.slice();
    assertSameBits(luSolveWasm(a, n, b, r), luSolve(a, n, b, r), `n=${n} r=${r}`);
    assertSameBits(a, before, "the input is not changed");
  }
});

Deno.test("luSolveWasm: a singular matrix throws the reference's error", () => {
  const a = Float64Array.of(1, 2, 2, 4), b = Float64Array.of(1, 1);
  assert.throws(() => luSolve(a, 2, b, 1), /singular matrix at column 1/);
  assert.throws(() => luSolveWasm(a, 2, b, 1), /singular matrix at column 1/);
});

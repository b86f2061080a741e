import assert from "node:assert/strict";
import { PhiloxStream } from "../../datasets/philox.ts";
import { symmetricEigen } from "../linalg.ts";
import { symmetricEigenWasm } from "./eigen_wasm.ts";

// Tolerance: none. The WebAssembly sweeps keep the reference's operation order: every eigenvalue
// and eigenvector entry must have the same bits (deepStrictEqual compares with Object.is).

function symmetric(rng: PhiloxStream, n: number, rank: number): Float64Array {
  const b = rng.fillNormal(new Float64Array(n * rank)) as Float64Array;
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < rank; k++) s += b[i * rank + k] * b[j * rank + k];
      a[i * n + j] = s;
    }
  }
  return a;
}

Deno.test("eigen_wasm: Jacobi eigenpairs have the JS reference's bits (odd and even n, rank-deficient, indefinite, zero, diagonal)", () => {
  const rng = new PhiloxStream(8, "jacobi-wasm");
  const cases: [Float64Array, number][] = [];
  for (const [n, rank] of [[1, 1], [2, 1], [3, 3], [5, 2], [8, 8], [17, 9], [32, 16], [33, 40]]) {
    cases.push([symmetric(rng, n, rank), n]);
  }
  const ind = symmetric(rng, 6, 6);
  for (let i = 0; i < 6; i++) ind[i * 6 + i] -= 4; // indefinite
  cases.push([ind, 6], [new Float64Array(16), 4], [Float64Array.of(-0, 0, 0, -0), 2]);
  cases.push([Float64Array.of(3, 0, 0, 0, 1, 0, 0, 0, 2), 3]);
  for (const [a, n] of cases) {
    assert.deepStrictEqual(symmetricEigenWasm(a, n), symmetricEigen(a, n), `n=${n}`);
  }
});

import assert from "node:assert/strict";
import {
  cholesky,
  crossprod,
  logDetFromCholesky,
  logDetPsd,
  logSumExp,
  matmul,
  pinvSymmetric,
  symmetricEigen,
  transpose,
} from "./linalg.ts";

const close = (a: number, b: number, tol = 1e-9) =>
  assert.ok(Math.abs(a - b) <= tol * (1 + Math.abs(b)), `${a} vs ${b}`);

Deno.test("symmetricEigen reconstructs a known 2x2 and a random 6x6", () => {
  const { values } = symmetricEigen(Float64Array.from([2, 1, 1, 2]), 2);
  close(values[0], 1), close(values[1], 3);
  const n = 6, r = new Float64Array(n * n);
  let s = 1;
  for (let i = 0; i < n * n; i++) r[i] = ((s = (s * 16807) % 2147483647) / 2147483647) - 0.5;
  const a = crossprod(r, r, n, n, n);
  const { values: w, vectors: v } = symmetricEigen(a, n);
  const back = matmul(
    matmul(
      v,
      Float64Array.from({ length: n * n }, (_, k) => (k % (n + 1) === 0 ? w[k / (n + 1)] : 0)),
      n,
      n,
      n,
    ),
    transpose(v, n, n),
    n,
    n,
    n,
  );
  for (let i = 0; i < n * n; i++) close(back[i], a[i], 1e-10);
  for (let i = 1; i < n; i++) assert.ok(w[i] >= w[i - 1]);
});

Deno.test("pinvSymmetric inverts on the range and reports the rank", () => {
  // rank-1 matrix u uᵀ with u = (1, 2): pinv = u uᵀ / |u|^4
  const { inv, rank } = pinvSymmetric(Float64Array.from([1, 2, 2, 4]), 2);
  assert.equal(rank, 1);
  [1, 2, 2, 4].forEach((x, i) => close(inv[i], x / 25));
});

Deno.test("cholesky, logdet and the PSD logdet agree; singular gives -Infinity", () => {
  const a = Float64Array.from([4, 2, 2, 3]);
  const l = cholesky(a, 2)!;
  close(logDetFromCholesky(l, 2), Math.log(8));
  close(logDetPsd(a, 2), Math.log(8));
  assert.equal(cholesky(Float64Array.from([1, 2, 2, 4]), 2), null);
  assert.equal(logDetPsd(Float64Array.from([1, 2, 2, 4]), 2), -Infinity);
});

Deno.test("logSumExp is stable", () => {
  close(logSumExp([1000, 1000]), 1000 + Math.log(2));
  close(logSumExp([-1000, -1000]), -1000 + Math.log(2));
  assert.equal(logSumExp([]), -Infinity);
});

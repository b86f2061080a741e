import assert from "node:assert/strict";
import { philox4x32, streamKey } from "../../datasets/philox.ts";
import type { Latent } from "../../datasets/mixed_cumulant.ts";
import { runSgdCpu, type SgdBatch } from "./sgd.ts";
import { philoxWordWasm } from "./sgd_wasm.ts";

// Tolerance: none. The WebAssembly loop does the reference's operations in its order, calls the
// engine's tanh and gets Math.log/cos/sin's bits from its own Box–Muller (all inputs checked in
// sgd_wasm_box_muller_test.ts), so crossings, failures and logged overlaps are identical.

Deno.test("sgd_wasm: Philox4x32-10 with native multiplies gives the JS generator's words", () => {
  const cases: [[number, number, number, number], [number, number]][] = [
    [[0, 0, 0, 0], [0, 0]],
    [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff]],
    [[12, 345, 0, 0], [0xdeadbeef, 0x12345678]],
    [[0x80000000, 7, 1, 0], [3, 0x9e3779b9]],
  ];
  for (const [c, k] of cases) {
    const js = philox4x32(c[0], c[1], c[2], c[3], k[0], k[1]);
    for (let i = 0; i < 4; i++) assert.equal(philoxWordWasm(c, k, i), js[i], `${c} ${k} word ${i}`);
  }
});

function batch(over: Partial<SgdBatch> & { latent?: Latent; betaU?: number } = {}): SgdBatch {
  const d = over.d ?? 13;
  return {
    d,
    K: 1,
    act: "tanh",
    data: { betaU: over.betaU ?? 4, betaV: 4, latent: over.latent ?? "independent" },
    alpha: 0.8,
    cap: 9000, // crosses a progress chunk (4096 steps)
    logEvery: 300,
    thresholdU: 0.9,
    thresholdV: 0.3,
    runs: [0, 1, 2].map((i) => ({ key: streamKey(i, "sgd-wasm-test", d), eta: 0.1 / d })),
    ...over,
  };
}

Deno.test("sgd_wasm: runs have the JS loop's crossings, failures, logs and progress calls", () => {
  const variants: SgdBatch[] = [
    batch(),
    batch({ latent: "correlated", betaU: 0, K: 2, d: 10 }),
    batch({ latent: "naive-sign", act: "linear", K: 3, d: 9, cap: 700, logEvery: 70 }),
    // a step so large that the weights blow up: the failure step must match
    batch({ runs: [{ key: [5, 6], eta: 1e300 }], cap: 50, logEvery: 5 }),
    // an even number of noise blocks (d = 16: 8 blocks, d = 3: 2) and d < 4
    batch({ d: 16, K: 2, cap: 1500, logEvery: 150 }),
    batch({ d: 3, latent: "correlated", cap: 1500, logEvery: 150 }),
  ];
  for (const b of variants) {
    const calls: Record<string, number[]> = { js: [], wasm: [] };
    const js = runSgdCpu(b, (s) => calls.js.push(s), undefined, "js");
    const wasm = runSgdCpu(b, (s) => calls.wasm.push(s), undefined, "wasm");
    const tag = `d=${b.d} K=${b.K} ${b.act} ${b.data.latent}`;
    assert.deepEqual(wasm, js, tag);
    assert.deepEqual(calls.wasm, calls.js, `${tag} progress`);
  }
  const failing = runSgdCpu(variants[3]);
  assert.ok(failing.failedAt[0] > 0, "the blow-up case must fail");
  assert.ok(
    runSgdCpu(variants[0]).crossU.some((t) => t > 0),
    "the spike must be learned in one run",
  );
});

Deno.test("sgd_wasm: an aborted signal stops at the first chunk boundary", () => {
  const ctl = new AbortController();
  ctl.abort();
  assert.throws(() => runSgdCpu(batch(), undefined, ctl.signal, "wasm"), /aborted/);
});

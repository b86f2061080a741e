import assert from "node:assert/strict";
import { blasVerdict, computeRoof, roofline } from "./limits.ts";

const info = (kind: string, libraries: string[]) =>
  ({ blas: { kind, libraries, torchBlasInfo: "generic" } }) as Parameters<typeof blasVerdict>[0];

Deno.test("blasVerdict: OpenBLAS is a fair peer", () => {
  const v = blasVerdict(info("openblas", ["/usr/lib/x/openblas-pthread/libblas.so.3"]), false);
  assert(v.fair && v.proceed);
  assert(v.message.includes("openblas"));
});

Deno.test("blasVerdict: the netlib reference BLAS stops the run unless --allow-slow-peer", () => {
  const ref = info("reference", ["/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0"]);
  const stop = blasVerdict(ref, false);
  assert(!stop.fair && !stop.proceed);
  assert(stop.message.includes("reference (netlib)") && stop.message.includes("install_peers.sh"));
  const go = blasVerdict(ref, true);
  assert(!go.fair && go.proceed);
  assert(go.message.includes("SLOW PEER"));
  assert(!blasVerdict(info("unknown", []), false).proceed);
});

Deno.test("roofline: the lower of compute peak and bandwidth × intensity binds", () => {
  // 10 FLOPs per byte at 20 GB/s: 200 GFLOP/s of bandwidth limit, above a 100 GFLOP/s peak
  const c = roofline(25, 100, 10, 100, 20);
  assert.equal(c.bound, "compute");
  assert.equal(c.limitGflops, 100);
  assert.equal(c.fraction, 0.25);
  // 0.5 FLOPs per byte: 10 GFLOP/s limit from bandwidth
  const b = roofline(5, 1, 2, 100, 20);
  assert.equal(b.bound, "bandwidth");
  assert.equal(b.limitGflops, 10);
  assert.equal(b.fraction, 0.5);
  assert.equal(roofline(1, 1, 0, 100, 20).bound, "compute");
});

Deno.test("computeRoof: the measured FMA peak when there is one, else the gemm rate", () => {
  const base = { method: "m", gemmGflops: { f32: 180, f64: 80 }, copyGbps: 25 };
  assert.deepEqual(computeRoof(base), { f32: 180, f64: 80 });
  assert.deepEqual(computeRoof({ ...base, fmaGflops: { f32: 204, f64: 102 } }), {
    f32: 204,
    f64: 102,
  });
});

import assert from "node:assert/strict";
import { PhiloxStream } from "./philox.ts";
import { muNormFor, signalAxes, signalPatch, twoPatchSample } from "./two_patch.ts";

Deno.test("two_patch: noise is orthogonal to the signal, labels ±1, deterministic in the stream", () => {
  for (const variant of ["orthogonal", "signed"] as const) {
    const spec = { n: 200, d: 64, variant, sigmaXi: 2 };
    const a = twoPatchSample(new PhiloxStream(5, "fl.data", 200), spec);
    const b = twoPatchSample(new PhiloxStream(5, "fl.data", 200), spec);
    assert.deepEqual(a, b);
    assert.ok(a.y.every((v) => v === 1 || v === -1));
    const pos = a.y.filter((v) => v > 0).length;
    assert.ok(pos > 60 && pos < 140, `labels roughly balanced: ${pos}/200`);
    for (let i = 0; i < spec.n; i++) {
      for (const ax of signalAxes(variant)) assert.equal(a.xi[i * spec.d + ax], 0);
    }
    // per-coordinate variance ≈ σ_ξ² on the noise coordinates
    let s2 = 0, cnt = 0;
    for (let i = 0; i < spec.n; i++) {
      for (let k = 2; k < spec.d; k++) (s2 += a.xi[i * spec.d + k] ** 2), cnt++;
    }
    assert.ok(Math.abs(s2 / cnt - 4) < 0.15, `variance ${s2 / cnt}`);
  }
});

Deno.test("two_patch: ‖μ‖ from n·SNR², signal patches of both variants", () => {
  const n = 40, d = 256, sx = 1;
  const mu = muNormFor(3, n, d, sx);
  assert.ok(Math.abs(n * (mu / (sx * Math.sqrt(d))) ** 2 - 3) < 1e-12);
  const p = signalPatch("orthogonal", 1, 8, 2), m = signalPatch("orthogonal", -1, 8, 2);
  assert.equal(p[0], 2);
  assert.equal(m[1], 2);
  assert.equal(p.reduce((s, v, i) => s + v * m[i], 0), 0, "μ₊ ⊥ μ₋");
  const sp = signalPatch("signed", 1, 8, 2), sm = signalPatch("signed", -1, 8, 2);
  assert.deepEqual(Array.from(sp, (v) => 0 - v), Array.from(sm, (v) => v + 0));
});

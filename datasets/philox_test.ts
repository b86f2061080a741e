import assert from "node:assert/strict";
import { philox4x32, PhiloxStream } from "./philox.ts";

Deno.test("philox4x32-10 matches the Random123 known-answer vectors", () => {
  assert.deepEqual([...philox4x32(0, 0, 0, 0, 0, 0)], [
    0x6627e8d5,
    0xe169c58d,
    0xbc57ac4c,
    0x9b00dbd8,
  ]);
  const f = 0xffffffff;
  assert.deepEqual([...philox4x32(f, f, f, f, f, f)], [
    0x408f276d,
    0x41c83b0e,
    0xa20bc7c6,
    0x6d5451fd,
  ]);
  assert.deepEqual(
    [...philox4x32(0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0)],
    [0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1],
  );
});

Deno.test("named streams are reproducible and distinct", () => {
  const a = new PhiloxStream(7, "data", 1), b = new PhiloxStream(7, "data", 1);
  const c = new PhiloxStream(7, "data", 2), d = new PhiloxStream(8, "data", 1);
  const xa = Array.from({ length: 10 }, () => a.normal());
  assert.deepEqual(xa, Array.from({ length: 10 }, () => b.normal()));
  assert.notDeepEqual(xa, Array.from({ length: 10 }, () => c.normal()));
  assert.notDeepEqual(xa, Array.from({ length: 10 }, () => d.normal()));
});

Deno.test("stream normals have mean 0 and variance 1", () => {
  const s = new PhiloxStream(1, "moments");
  const n = 200000;
  let m = 0, v = 0;
  for (let i = 0; i < n; i++) {
    const x = s.normal();
    m += x, v += x * x;
  }
  m /= n, v = v / n - m * m;
  assert.ok(Math.abs(m) < 0.01, `mean ${m}`);
  assert.ok(Math.abs(v - 1) < 0.02, `var ${v}`);
});

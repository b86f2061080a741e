import assert from "node:assert/strict";
import {
  boxMullerTables,
  lnFixed,
  LOG_CELLS,
  PI_FIXED,
  renderBoxMullerTables,
  sinCosFixed,
  splitSig,
  TABLES_SOURCE,
  toDouble,
  TRIG_CELLS,
} from "./box_muller_tables.ts";

const SCALE = 2 ** 200;

Deno.test("box_muller_tables: the committed AssemblyScript tables are what the generator renders", async () => {
  assert.equal(
    await Deno.readTextFile(TABLES_SOURCE),
    renderBoxMullerTables(),
    "run `deno task wasm`",
  );
});

Deno.test("box_muller_tables: fixed-point π, ln 2, log, sin and cos agree with the known doubles", () => {
  assert.equal(toDouble(PI_FIXED), Math.PI);
  // π − Math.PI, the classic tail constant 1.2246467991473532e-16
  assert.equal(toDouble(PI_FIXED - BigInt(Math.PI * SCALE)), 1.2246467991473532e-16);
  assert.equal(toDouble(lnFixed(2n, 1n)), Math.LN2);
  assert.equal(toDouble(lnFixed(3n, 2n)), Math.log(1.5));
  assert.equal(toDouble(lnFixed(1024n, 1000n)), -Math.log(1000 / 1024));
  const [s1, c1] = sinCosFixed(PI_FIXED / 6n); // π/6: sin ½, cos √3/2
  assert.ok(Math.abs(toDouble(s1) - 0.5) < 1e-30);
  assert.equal(toDouble(c1), Math.sqrt(3) / 2);
});

Deno.test("box_muller_tables: entries split exactly and sit within an ulp of Math.*", () => {
  const t = boxMullerTables();
  assert.equal(t.log.length, 3 * LOG_CELLS);
  assert.equal(t.trig.length, 4 * TRIG_CELLS);
  for (let i = 0; i < LOG_CELLS; i++) {
    const [c, hi, lo] = t.log.slice(3 * i, 3 * i + 3);
    assert.equal(c * 1024, Math.round(c * 1024), "c has 10 bits");
    assert.equal(hi * 2 ** 43, Math.round(hi * 2 ** 43), "head is a multiple of 2⁻⁴³");
    assert.ok(hi + lo === -Math.log(c), `cell ${i}`); // (+0 for c = 1)
    // the cell's x ∈ [1 + i/128, 1 + (i+1)/128) gives |x·c − 1| ≤ 2⁻⁷
    for (const x of [1 + i / LOG_CELLS, 1 + (i + 1) / LOG_CELLS]) {
      assert.ok(Math.abs(x * c - 1) <= 2 ** -7, `cell ${i} reduces to |r| ≤ 2⁻⁷`);
    }
  }
  assert.deepEqual(t.log.slice(0, 3), [1, 0, 0]);
  for (let i = 0; i < TRIG_CELLS; i++) {
    const [sh, sl, ch, cl] = t.trig.slice(4 * i, 4 * i + 4);
    // Math.* of the double angle: off by its rounding and Math.PI's (≤ 7e-16 here) plus an ulp
    const th = (2 * Math.PI * i) / TRIG_CELLS;
    for (const [h, l, f] of [[sh, sl, Math.sin(th)], [ch, cl, Math.cos(th)]]) {
      const [h26] = splitSig(BigInt(h * SCALE), 26);
      assert.equal(h26, h, "head has 26 bits");
      assert.ok(Math.abs(h + l - f) <= 1e-15, `cell ${i}`);
    }
  }
  // exact zeros and ±1 at the quarter turns
  assert.deepEqual(t.trig.slice(0, 4), [0, 0, 1, 0]);
  assert.deepEqual(t.trig.slice(4 * 64, 4 * 64 + 4), [1, 0, 0, 0]);
  assert.deepEqual(t.trig.slice(4 * 128, 4 * 128 + 4), [0, 0, -1, 0]);
  const [c1, c2, c3] = t.step;
  assert.equal(c1 + c2, Math.PI / 128);
  for (const c of [c1, c2]) {
    const [h] = splitSig(BigInt(c * SCALE), 44);
    assert.equal(h, c, "44-bit parts: i·part is exact for i ≤ 256");
  }
  assert.ok(Math.abs(c3) < 1e-28);
});

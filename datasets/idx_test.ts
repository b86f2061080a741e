import assert from "node:assert/strict";
import { encodeIdx, gunzip, gzip, IdxFormatError, parseIdx, readIdxFile } from "./idx.ts";

Deno.test("idx: round trip of every element type", () => {
  const cases = [
    { type: "uint8", dims: [2, 3], data: new Uint8Array([0, 1, 2, 253, 254, 255]) },
    { type: "int8", dims: [3], data: new Int8Array([-128, 0, 127]) },
    { type: "int16", dims: [2], data: new Int16Array([-30000, 1234]) },
    { type: "int32", dims: [1, 2], data: new Int32Array([-2e9, 7]) },
    { type: "float32", dims: [2], data: new Float32Array([1.5, -0.25]) },
    { type: "float64", dims: [2, 1, 1], data: new Float64Array([Math.PI, -1e300]) },
  ] as const;
  for (const c of cases) {
    const t = parseIdx(encodeIdx(c as never));
    assert.equal(t.type, c.type);
    assert.deepEqual(t.dims, c.dims);
    assert.deepEqual(Array.from(t.data), Array.from(c.data));
  }
});

Deno.test("idx: big-endian header and sizes as the MNIST files have them", () => {
  const bytes = encodeIdx({ type: "uint8", dims: [2, 2, 2], data: new Uint8Array(8) });
  assert.deepEqual(Array.from(bytes.subarray(0, 8)), [0, 0, 8, 3, 0, 0, 0, 2]);
  assert.equal(new DataView(bytes.buffer).getUint32(0), 2051); // the images' magic number
});

Deno.test("idx: corrupted files give clear errors", () => {
  const good = encodeIdx({ type: "uint8", dims: [3, 2], data: new Uint8Array(6) });
  const err = (b: Uint8Array, re: RegExp) =>
    assert.throws(
      () => parseIdx(b, "f.idx"),
      (e) => e instanceof IdxFormatError && re.test(e.message),
    );
  const badMagic = good.slice();
  badMagic[0] = 0x12;
  err(badMagic, /f\.idx: not a valid IDX file: bad magic number 0x12000802/);
  const badType = good.slice();
  badType[2] = 0x07;
  err(badType, /unknown type code 0x07/);
  err(good.subarray(0, 3), /shorter than the 4-byte magic/);
  err(good.subarray(0, 9), /truncated header: 2 dimensions need 12 bytes, file has 9/);
  err(
    good.subarray(0, good.length - 1),
    /truncated: sizes \[3, 2\] of uint8 need 18 bytes, file has 17/,
  );
  const longer = new Uint8Array(good.length + 2);
  longer.set(good);
  err(longer, /wrong sizes: \[3, 2\] of uint8 need 18 bytes, file has 20 \(2 trailing bytes\)/);
  const zeroDims = good.slice(0, 4);
  zeroDims[3] = 0;
  err(zeroDims, /0 dimensions/);
});

Deno.test("idx: gzip round trip and gzipped files on disk", async () => {
  const raw = encodeIdx({ type: "int16", dims: [4], data: new Int16Array([1, -2, 3, -4]) });
  const gz = await gzip(raw);
  assert.deepEqual(Array.from(await gunzip(gz)), Array.from(raw));
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeFile(`${dir}/a.idx.gz`, gz);
    await Deno.writeFile(`${dir}/a.idx`, raw);
    assert.deepEqual(Array.from((await readIdxFile(`${dir}/a.idx.gz`)).data), [1, -2, 3, -4]);
    assert.deepEqual(Array.from((await readIdxFile(`${dir}/a.idx`)).data), [1, -2, 3, -4]);
    // a gzip stream cut short
    await Deno.writeFile(`${dir}/cut.gz`, gz.subarray(0, gz.length - 6));
    await assert.rejects(readIdxFile(`${dir}/cut.gz`), /cut\.gz: not a valid IDX file/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

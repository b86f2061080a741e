import assert from "node:assert/strict";
import { atomicWriteFile, atomicWriteTextFile } from "./atomic_write.ts";

Deno.test("atomicWriteTextFile replaces the file and leaves no temp file", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/a.json`;
    await atomicWriteTextFile(path, "old");
    await atomicWriteTextFile(path, "new \u00e9");
    assert.equal(await Deno.readTextFile(path), "new \u00e9");
    await atomicWriteFile(`${dir}/b.bin`, new Uint8Array([1, 2, 3]));
    assert.deepEqual(await Deno.readFile(`${dir}/b.bin`), new Uint8Array([1, 2, 3]));
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(names.sort(), ["a.json", "b.bin"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("atomicWriteTextFile fails cleanly when the folder is missing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(() => atomicWriteTextFile(`${dir}/missing/a.txt`, "x"));
    const names = [];
    for await (const e of Deno.readDir(dir)) names.push(e.name);
    assert.deepEqual(names, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

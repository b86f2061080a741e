import assert from "node:assert/strict";
import { compileKernel, sameBytes, WASM_KERNELS, wasmUrl } from "./build.ts";

Deno.test("every committed .wasm is what its AssemblyScript source compiles to (run `deno task wasm`)", async () => {
  for (const name of WASM_KERNELS) {
    const built = await compileKernel(name);
    const committed = await Deno.readFile(wasmUrl(name));
    assert.ok(
      sameBytes(built, committed),
      `models/wasm/${name}.wasm does not match assembly/${name}.ts: run \`deno task wasm\``,
    );
  }
});

Deno.test("a compile error is reported with the compiler's diagnostics", async () => {
  await assert.rejects(() => compileKernel("no-such-kernel"), /no-such-kernel/);
});

Deno.test("sameBytes compares length and content", () => {
  assert.ok(sameBytes(new Uint8Array([1, 2]), new Uint8Array([1, 2])));
  assert.ok(!sameBytes(new Uint8Array([1, 2]), new Uint8Array([1, 3])));
  assert.ok(!sameBytes(new Uint8Array([1]), new Uint8Array([1, 0])));
});

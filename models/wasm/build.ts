/**
 * Builds the WebAssembly kernels: each `assembly/<name>.ts` (AssemblyScript, compiled by the
 * `assemblyscript` compiler pinned in deno.json) becomes `<name>.wasm` beside this file. The
 * compiled modules are committed, so a clone runs them without building; `build_test.ts`
 * recompiles every source and fails when a committed module differs from its source.
 *
 * `deno task wasm` first rewrites the generated `assembly/box_muller_tables.ts` (see
 * `box_muller_tables.ts`) when it differs, then rebuilds the kernels; `deno task wasm --check`
 * only compares.
 * @module
 */
import asc from "assemblyscript/asc";
import { renderBoxMullerTables, TABLES_SOURCE } from "./box_muller_tables.ts";

/** The kernels, by name: `assembly/<name>.ts` → `<name>.wasm`. */
export const WASM_KERNELS = [
  "conv",
  "denoiser",
  "gauss",
  "jacobi",
  "lt",
  "moments",
  "pairs",
  "rows",
  "sgd",
] as const;

/** Compiler flags (every kernel): optimised, no runtime or imports, SIMD on. */
export const ASC_FLAGS = [
  "-O3",
  "--noAssert",
  "--runtime",
  "stub",
  "--use",
  "abort=",
  "--enable",
  "simd",
] as const;

const here = new URL(".", import.meta.url);

/** Compile one kernel's source to bytes (nothing is written). Throws with the diagnostics. */
export async function compileKernel(name: string): Promise<Uint8Array> {
  const sourceDir = new URL("assembly/", here);
  let binary: Uint8Array | null = null;
  let log = "";
  const sink = {
    write(chunk: string | Uint8Array) {
      log += typeof chunk === "string" ? chunk : new TextDecoder().decode(chunk);
      return true;
    },
  };
  const { error } = await asc.main([`${name}.ts`, ...ASC_FLAGS, "--outFile", `${name}.wasm`], {
    stdout: sink,
    stderr: sink,
    readFile: async (file: string, baseDir: string) => {
      // only the kernel's own folder (the compiler's standard library is bundled in it)
      if (baseDir !== "." && baseDir !== "") return null;
      try {
        return await Deno.readTextFile(new URL(file, sourceDir));
      } catch {
        return null;
      }
    },
    writeFile: (file: string, contents: Uint8Array | string) => {
      if (file === `${name}.wasm` && typeof contents !== "string") binary = contents;
    },
    listFiles: () => [],
  });
  if (error) throw new Error(`assemblyscript: ${name}.ts: ${error.message}\n${log}`);
  if (!binary) throw new Error(`assemblyscript: ${name}.ts produced no binary\n${log}`);
  return binary;
}

/** Path of a kernel's committed module. */
export function wasmUrl(name: string): URL {
  return new URL(`${name}.wasm`, here);
}

/** Whether two byte arrays are equal. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

if (import.meta.main) {
  const check = Deno.args.includes("--check");
  let stale = 0;
  const tables = renderBoxMullerTables();
  const oldTables = await Deno.readTextFile(TABLES_SOURCE).catch(() => null);
  if (oldTables !== tables) {
    if (check) {
      console.log("assembly/box_muller_tables.ts: STALE (run `deno task wasm`)");
      stale++;
    } else {
      await Deno.writeTextFile(TABLES_SOURCE, tables);
      console.log("assembly/box_muller_tables.ts: written");
    }
  }
  for (const name of WASM_KERNELS) {
    const bytes = await compileKernel(name);
    let old: Uint8Array | null = null;
    try {
      old = await Deno.readFile(wasmUrl(name));
    } catch {
      old = null;
    }
    const same = old !== null && sameBytes(old, bytes);
    if (check) {
      console.log(`${name}.wasm: ${same ? "matches its source" : "STALE (run `deno task wasm`)"}`);
      if (!same) stale++;
    } else if (!same) {
      await Deno.writeFile(wasmUrl(name), bytes);
      console.log(`${name}.wasm: written (${bytes.length} bytes)`);
    } else console.log(`${name}.wasm: unchanged`);
  }
  if (stale) Deno.exit(1);
}

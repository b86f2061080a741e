/**
 * Atomic file writes: write `<file>.tmp-<random>` beside the target, flush it to disk, then
 * rename it over the target. A reader sees the old file or the new one, never half of one;
 * an interrupted write leaves at most a stray temp file, never a truncated target.
 * OS errors become `FsError`s naming the target file.
 * @module
 */
import { faultPoint } from "./fault_seam.ts";
import { toFsError } from "./fs_error.ts";

function tempPath(path: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(6));
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${path}.tmp-${hex}`;
}

/**
 * Write `data` to `path` atomically (temp file + fsync + rename). The parent folder must exist.
 *
 * @example
 * ```ts ignore
 * import { atomicWriteFile } from "./atomic_write.ts";
 * await atomicWriteFile("out.bin", new Uint8Array([1, 2, 3]));
 * ```
 */
export async function atomicWriteFile(path: string, data: Uint8Array): Promise<void> {
  const tmp = tempPath(path);
  try {
    faultPoint("open", tmp);
    const file = await Deno.open(tmp, { write: true, createNew: true });
    try {
      let written = 0;
      faultPoint("write", tmp);
      while (written < data.length) written += await file.write(data.subarray(written));
      await file.sync();
    } finally {
      file.close();
    }
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw toFsError(e, "cannot write the file", path) ?? e;
  }
}

/**
 * Write `text` (UTF-8) to `path` atomically (temp file + fsync + rename).
 *
 * @example
 * ```ts ignore
 * import { atomicWriteTextFile } from "./atomic_write.ts";
 * await atomicWriteTextFile("results.json", JSON.stringify({ ok: true }));
 * ```
 */
export function atomicWriteTextFile(path: string, text: string): Promise<void> {
  return atomicWriteFile(path, new TextEncoder().encode(text));
}

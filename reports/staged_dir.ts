/**
 * A folder written in full or not at all: files are written into a staging folder and moved
 * into the target only at {@link StagedDir.commit}. When the target does not exist yet, the
 * staging folder sits beside it and is renamed into place in one step; when it exists (a run
 * folder getting its report), the staging folder sits inside it and each file is renamed over
 * its old version (every rename is atomic) after checking that nothing is in the way, and a
 * failed move undoes the moves before it. A failure or an interrupt leaves the target as it
 * was.
 * @module
 */
import { basename, dirname, join, relative } from "node:path";
import { faultPoint } from "./fault_seam.ts";
import { FsError, fsStep } from "./fs_error.ts";

/** Name prefix of staging folders (readers of run folders skip them). */
export const STAGING_PREFIX = ".claimbench-staging-";

function hex(): string {
  return Array.from(
    crypto.getRandomValues(new Uint8Array(6)),
    (b) => b.toString(16).padStart(2, "0"),
  )
    .join("");
}

async function kind(path: string): Promise<"file" | "dir" | "other" | null> {
  try {
    const s = await Deno.lstat(path);
    return s.isDirectory ? "dir" : s.isFile ? "file" : "other";
  } catch {
    return null;
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    for await (const e of Deno.readDir(d)) {
      const p = join(d, e.name);
      if (e.isDirectory) stack.push(p);
      else out.push(p);
    }
  }
  return out.sort();
}

/** A staging folder for the target folder `target`. */
export class StagedDir {
  private done = false;
  private static live = new Set<string>();

  /**
   * Remove every staging folder not yet committed or discarded, synchronously: for a process
   * about to exit on a fatal error.
   */
  static discardAllSync(): void {
    for (const p of StagedDir.live) {
      try {
        Deno.removeSync(p, { recursive: true });
      } catch { /* gone already */ }
    }
    StagedDir.live.clear();
  }

  private constructor(
    /** The folder being produced. */
    readonly target: string,
    /** Where to write now. */
    readonly path: string,
    private readonly targetExisted: boolean,
    private readonly opt: string,
  ) {}

  /**
   * Start staging for `target`: its parent folders are created if missing; `opt` is the option
   * named in error advice (`--out`). A file in the way of `target` is an {@link FsError}.
   */
  static async create(target: string, opt = "--out"): Promise<StagedDir> {
    const what = "cannot create the output folder";
    const k = await kind(target);
    if (k === "file" || k === "other") {
      throw new FsError(
        what,
        target,
        "EEXIST",
        "a file of that name is in the way",
        `remove it, or choose another ${opt}`,
      );
    }
    const existed = k === "dir";
    const step = existed ? "cannot write into the output folder" : what;
    const path = existed
      ? join(target, STAGING_PREFIX + hex())
      : join(dirname(target), `${STAGING_PREFIX}${hex()}-${basename(target).slice(0, 80)}`);
    await fsStep(step, target, async () => {
      faultPoint("mkdir", path);
      await Deno.mkdir(path, { recursive: true });
    }, opt);
    StagedDir.live.add(path);
    return new StagedDir(target, path, existed, opt);
  }

  /** Move everything staged into the target; the staging folder is gone afterwards. */
  async commit(): Promise<void> {
    if (this.done) throw new Error("StagedDir: already committed or discarded");
    const what = "cannot move the finished files into place";
    try {
      if (!this.targetExisted && (await kind(this.target)) === null) {
        await fsStep(what, this.target, async () => {
          faultPoint("rename", this.target);
          await Deno.rename(this.path, this.target);
        }, this.opt);
        this.done = true;
        StagedDir.live.delete(this.path);
        return;
      }
      const files = await filesUnder(this.path);
      const moves = files.map((f) => [f, join(this.target, relative(this.path, f))] as const);
      // check everything first, so that a conflict leaves the target untouched
      for (const [, dest] of moves) {
        for (let d = dirname(dest); d.length > this.target.length; d = dirname(d)) {
          const k = await kind(d);
          if (k !== null && k !== "dir") {
            throw new FsError(
              what,
              d,
              "ENOTDIR",
              "a file is where a folder goes",
              `remove it, or choose another ${this.opt}`,
            );
          }
        }
        const k = await kind(dest);
        if (k === "dir" || k === "other") {
          throw new FsError(
            what,
            dest,
            "EISDIR",
            "a folder or special file is in the way",
            `remove it, or choose another ${this.opt}`,
          );
        }
      }
      await this.moveAll(moves, what);
      this.done = true;
      await Deno.remove(this.path, { recursive: true }).catch(() => {});
      StagedDir.live.delete(this.path);
    } catch (e) {
      await this.discard();
      throw e;
    }
  }

  /**
   * Move each staged file over its destination, keeping the old version aside; when a move
   * fails, the moves done so far are undone (new files back, old versions restored), so the
   * target ends as it was.
   */
  private async moveAll(moves: (readonly [string, string])[], what: string): Promise<void> {
    const previous = join(this.path, ".previous");
    const done: { src: string; dest: string; backup: string | null }[] = [];
    const madeDirs: string[] = [];
    try {
      for (const [src, dest] of moves) {
        await fsStep(what, dest, async () => {
          faultPoint("rename", dest);
          for (let d = dirname(dest); d.length > this.target.length; d = dirname(d)) {
            if ((await kind(d)) === null) madeDirs.unshift(d);
            else break;
          }
          await Deno.mkdir(dirname(dest), { recursive: true });
          let backup: string | null = null;
          if ((await kind(dest)) !== null) {
            backup = join(previous, relative(this.target, dest));
            await Deno.mkdir(dirname(backup), { recursive: true });
            await Deno.rename(dest, backup);
          }
          try {
            await Deno.rename(src, dest);
          } catch (e) {
            if (backup) await Deno.rename(backup, dest).catch(() => {});
            throw e;
          }
          done.push({ src, dest, backup });
        }, this.opt);
      }
    } catch (e) {
      for (const { src, dest, backup } of done.reverse()) {
        await Deno.rename(dest, src).catch(() => {});
        if (backup) await Deno.rename(backup, dest).catch(() => {});
      }
      for (const d of madeDirs.reverse()) await Deno.remove(d).catch(() => {});
      throw e;
    }
  }

  /** Drop everything staged (after a failure or an interrupt); never throws. */
  async discard(): Promise<void> {
    this.done = true;
    await Deno.remove(this.path, { recursive: true }).catch(() => {});
    StagedDir.live.delete(this.path);
  }
}

/**
 * An exclusive lock on a run's output folder: `<out>/.claimbench.lock`, created with
 * a hard link from a private file (so exactly one process wins, and the lock is never empty) and holding the owner's pid, host and process
 * start time. A lock whose process is gone (a run killed with -9) is taken over; a live one
 * makes the second run a usage error naming the holder's pid.
 * @module
 */
import { join } from "node:path";
import { faultPoint } from "../reports/fault_seam.ts";
import { fsStep, toFsError } from "../reports/fs_error.ts";
import { UsageError } from "./usage_error.ts";

/** The lock file's name inside the output folder. */
export const LOCK_FILE = ".claimbench.lock";

/** What a lock file holds. */
interface LockInfo {
  pid: number;
  host: string;
  /** The process start time in clock ticks since boot (Linux), to tell a reused pid. */
  start: string | null;
  token: string;
  since: string;
}

/** Another live run holds the folder (the CLI exits 2). */
export class LockHeldError extends UsageError {
  override name = "LockHeldError";
}

function procStart(pid: number): string | null {
  try {
    // field 22 of /proc/<pid>/stat, after the parenthesised command name
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

function hostname(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown";
  }
}

/** Whether the process that wrote `info` still runs (unknown cases count as running). */
function holderAlive(info: LockInfo): boolean {
  if (info.host !== hostname()) return true; // another machine (shared folder): cannot tell
  if (info.pid === Deno.pid) return false; // a lock left by an earlier process with our pid
  if (Deno.build.os !== "linux") return true;
  const now = procStart(info.pid);
  if (now === null) return false; // no such process
  return info.start === null || info.start === now;
}

function parseLock(text: string): LockInfo | null {
  try {
    const v = JSON.parse(text);
    return v && typeof v === "object" && Number.isSafeInteger(v.pid) && typeof v.host === "string"
      ? { start: null, token: "", since: "", ...v }
      : null;
  } catch {
    return null;
  }
}

const heldLocks = new Map<string, string>(); // lock path → our token

/** Remove every lock this process holds, synchronously: for a process about to exit. */
export function releaseAllLocksSync(): void {
  for (const [path, token] of heldLocks) {
    try {
      if (parseLock(Deno.readTextFileSync(path))?.token === token) Deno.removeSync(path);
    } catch { /* gone already */ }
  }
  heldLocks.clear();
}

/** A held lock. */
export interface OutLock {
  /** The lock file. */
  path: string;
  /** Remove the lock (only if it is still ours) and the folder if it was created and is empty. */
  release(): Promise<void>;
}

/**
 * Create `dir` if missing and lock it for this process. Throws a {@link LockHeldError} when a
 * live process holds it, and an `FsError` when the folder cannot be created or written.
 */
export async function lockOutDir(dir: string): Promise<OutLock> {
  const created = !(await Deno.lstat(dir).then(() => true, () => false));
  await fsStep("cannot create the output folder", dir, async () => {
    faultPoint("mkdir", dir);
    await Deno.mkdir(dir, { recursive: true });
  });
  try {
    return await takeLock(dir, created);
  } catch (e) {
    if (created) await Deno.remove(dir).catch(() => {}); // only if empty
    throw e;
  }
}

/** Create link (or, where hard links are unsupported, a new file) `path` with `text`. */
async function createLockFile(mine: string, path: string, text: string): Promise<void> {
  try {
    await Deno.link(mine, path);
  } catch (e) {
    if (e instanceof Deno.errors.AlreadyExists) throw e;
    await Deno.writeTextFile(path, text, { createNew: true });
  }
}

async function takeLock(dir: string, created: boolean): Promise<OutLock> {
  const path = join(dir, LOCK_FILE);
  const me: LockInfo = {
    pid: Deno.pid,
    host: hostname(),
    start: Deno.build.os === "linux" ? procStart(Deno.pid) : null,
    token: crypto.randomUUID(),
    since: new Date().toISOString(),
  };
  // the lock appears with its content in one step: write a private file, then hard-link it
  // to the lock's name (link fails when the name exists, so exactly one process wins)
  const mine = `${path}.${me.token}`;
  const text = JSON.stringify(me) + "\n";
  await fsStep("cannot lock the output folder", dir, async () => {
    faultPoint("open", mine);
    await Deno.writeTextFile(mine, text, { createNew: true });
  });
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        await createLockFile(mine, path, text);
        heldLocks.set(path, me.token);
        return {
          path,
          release: async () => {
            const now = parseLock(await Deno.readTextFile(path).catch(() => ""));
            if (now?.token === me.token) await Deno.remove(path).catch(() => {});
            heldLocks.delete(path);
            if (created) await Deno.remove(dir).catch(() => {}); // only if empty
          },
        };
      } catch (e) {
        if (!(e instanceof Deno.errors.AlreadyExists)) {
          throw toFsError(e, "cannot lock the output folder", path) ?? e;
        }
      }
      const held = await Deno.readTextFile(path).catch(() => null);
      if (held === null) continue; // released meanwhile: try again
      const holder = parseLock(held);
      if (holder && holderAlive(holder)) {
        throw new LockHeldError(
          `${dir} is in use by another claimbench run (pid ${holder.pid}${
            holder.host !== me.host ? ` on ${holder.host}` : ""
          }, since ${holder.since || "unknown"}): wait for it, or choose another --out ` +
            `(if no run is going on, remove ${path})`,
        );
      }
      // stale (its process is gone) or corrupt: take it over if it is still the same file
      const again = await Deno.readTextFile(path).catch(() => null);
      if (again === held) await Deno.remove(path).catch(() => {});
    }
  } finally {
    await Deno.remove(mine).catch(() => {});
  }
  throw new LockHeldError(
    `${dir}: could not take the lock ${path} after 3 attempts; another run may be starting there`,
  );
}

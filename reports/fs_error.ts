/**
 * File-system and resource faults as one clear line: `<what> (<reason>), <where>: <what to
 * do>`. The CLI prints an {@link FsError} as `claimbench: <message>` and exits 1, never with a
 * stack trace.
 * @module
 */

/** An OS error (Deno's errors carry the errno name in `code`, e.g. `ENOSPC`). */
type OsError = Error & { code?: unknown };

/** The short reason and the advice for each errno name; `{opt}` is the option to change. */
const REASONS: Record<string, [string, string]> = {
  EEXIST: ["a file of that name is in the way", "remove it, or choose another {opt}"],
  ENOTDIR: ["a part of the path is a file, not a folder", "choose another {opt}"],
  EISDIR: ["it is a folder", "give a file path, or choose another {opt}"],
  ENAMETOOLONG: ["the name is too long for the file system", "choose a shorter {opt}"],
  EROFS: ["read-only file system", "choose a writable {opt}"],
  EACCES: [
    "permission denied",
    "choose a folder you may write to with {opt}, or fix its permissions",
  ],
  EPERM: [
    "operation not permitted",
    "choose a folder you may write to with {opt}, or fix its permissions",
  ],
  ENOSPC: ["no space left on the disk", "free some space, or choose {opt} on a disk with room"],
  EDQUOT: ["disk quota exceeded", "free some space, or choose {opt} on a disk with room"],
  EFBIG: ["file too large for the file system", "choose {opt} on another file system"],
  ENOENT: ["no such file or folder", "check the path, or choose another {opt}"],
  EMFILE: ["too many open files", "raise the open-file limit (ulimit -n) and run again"],
  ENFILE: ["too many open files on the system", "close some programs and run again"],
  ENOMEM: ["out of memory", "close some programs, or run fewer cases at once"],
  EIO: ["input/output error", "check the disk, or choose {opt} on another disk"],
  ELOOP: ["too many symbolic links", "choose another {opt}"],
  EBUSY: ["the file or folder is busy", "close what uses it and run again"],
  EXDEV: ["the temporary and final paths are on different file systems", "choose another {opt}"],
};

/** Deno's error classes without a `code`, mapped to the errno names above. */
const CLASS_CODES: Record<string, string> = {
  AlreadyExists: "EEXIST",
  NotADirectory: "ENOTDIR",
  IsADirectory: "EISDIR",
  PermissionDenied: "EACCES",
  NotFound: "ENOENT",
  FilesystemLoop: "ELOOP",
  Busy: "EBUSY",
};

/** The errno name of an OS error (`ENOSPC`), or null for any other error. */
export function osErrorCode(e: unknown): string | null {
  if (!(e instanceof Error)) return null;
  const code = (e as OsError).code;
  if (typeof code === "string" && /^E[A-Z0-9]+$/.test(code)) return code;
  return CLASS_CODES[e.name] ?? null;
}

/** A file-system or resource fault, worded for people; `message` is the whole line. */
export class FsError extends Error {
  override name = "FsError";
  /**
   * @param what what could not be done, e.g. `cannot write report.html`
   * @param where the path concerned
   * @param code the errno name, e.g. `ENOSPC` (null when the fault is not the OS's)
   * @param reason the short cause, e.g. `no space left on the disk`
   * @param advice what to do, e.g. `free some space, or choose --out on a disk with room`
   */
  constructor(
    readonly what: string,
    readonly where: string,
    readonly code: string | null,
    readonly reason: string,
    readonly advice: string,
  ) {
    super(`${what} (${reason}), ${where}: ${advice}`);
  }

  /** The same fault with the advice naming another option (e.g. `CLAIMBENCH_BASELINES`). */
  withOption(opt: string): FsError {
    const advice = this.code && REASONS[this.code] ? REASONS[this.code][1] : "check {opt}";
    return new FsError(this.what, this.where, this.code, this.reason, advice.replace("{opt}", opt));
  }
}

/** The OS message without Deno's `(os error N): op 'path'` tail. */
function shortMessage(e: Error): string {
  return e.message.replace(/\s*\(os error \d+\).*$/s, "").trim() || e.name;
}

/**
 * `e` as an {@link FsError} (what, where, advice naming `opt`), or null when `e` is not an OS
 * error. An FsError is returned as is.
 */
export function toFsError(e: unknown, what: string, where: string, opt = "--out"): FsError | null {
  if (e instanceof FsError) return e;
  const code = osErrorCode(e);
  if (code === null) return null;
  const [reason, advice] = REASONS[code] ?? [shortMessage(e as Error), "check {opt} and run again"];
  return new FsError(what, where, code, reason, advice.replace("{opt}", opt));
}

/**
 * An OS error that escaped without context, as an {@link FsError}: the operation and path are
 * read from Deno's message (`... (os error 28): writefile '/x/y'`). Null for other errors.
 */
export function describeOsError(e: unknown): FsError | null {
  if (e instanceof FsError) return e;
  if (osErrorCode(e) === null) return null;
  const m = /\(os error \d+\):\s*(\w+)\s+'([^']*)'/.exec((e as Error).message);
  return toFsError(e, m ? `cannot ${m[1]}` : "file system error", m ? m[2] : "(unknown path)");
}

/**
 * Run `fn`; an OS error it throws becomes an {@link FsError} with `what` and `where`.
 *
 * @example
 * ```ts ignore
 * import { fsStep } from "./fs_error.ts";
 * await fsStep("cannot create the output folder", "out", () => Deno.mkdir("out", { recursive: true }));
 * ```
 */
export async function fsStep<T>(
  what: string,
  where: string,
  fn: () => Promise<T>,
  opt = "--out",
): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw toFsError(e, what, where, opt) ?? e;
  }
}

/**
 * A fault-injection seam for tests of disk faults that a test cannot cause for real (a full
 * disk or a read-only file system need a mount, which needs privileges). Every file-system
 * step of the writers calls {@link faultPoint}; when a fault is armed — by {@link armFault} in
 * process, or by `CLAIMBENCH_FAULT=<ERRNO>@<n>` for a CLI subprocess — the n-th step fails
 * with an error shaped like Deno's own (same `code`, same `(os error N): op 'path'` message),
 * or, for `SIGINT@<n>`, the process sends itself a real SIGINT at that step.
 * Unarmed (always, outside tests) it only counts.
 * @module
 */

const OS: Record<string, [number, string]> = {
  ENOSPC: [28, "No space left on device"],
  EROFS: [30, "Read-only file system"],
  EACCES: [13, "Permission denied"],
  EIO: [5, "Input/output error"],
  EMFILE: [24, "Too many open files"],
  EDQUOT: [122, "Disk quota exceeded"],
};

/** The fault codes the seam can inject. */
export const FAULT_CODES: readonly string[] = Object.keys(OS);

let armed: { code: string; at: number } | null = fromEnv();
let steps = 0;

function fromEnv(): { code: string; at: number } | null {
  let spec: string | undefined;
  try {
    spec = Deno.env.get("CLAIMBENCH_FAULT");
  } catch {
    return null; // no env permission: never armed
  }
  const m = spec ? /^([A-Z]+)@(\d+)$/.exec(spec) : null;
  return m && (OS[m[1]] || m[1] === "SIGINT") ? { code: m[1], at: Number(m[2]) } : null;
}

/**
 * Arm the seam: the `at`-th step from now (1-based) fails with `code` (an errno name of
 * {@link FAULT_CODES}, or `SIGINT`); `null` disarms it.
 */
export function armFault(code: string | null, at = 1): void {
  steps = 0;
  armed = code === null ? null : { code, at };
}

/** The steps counted since the seam was last armed (or since start). */
export function faultSteps(): number {
  return steps;
}

/** A file-system step `op` on `path`: throws the armed fault when its turn has come. */
export function faultPoint(op: string, path: string): void {
  steps++;
  if (armed && steps === armed.at) {
    if (armed.code === "SIGINT") {
      // a real Ctrl-C at this step, delivered as the terminal would
      Deno.kill(Deno.pid, "SIGINT");
      return;
    }
    const [errno, text] = OS[armed.code];
    throw Object.assign(new Error(`${text} (os error ${errno}): ${op} '${path}'`), {
      code: armed.code,
    });
  }
}

/**
 * Ctrl-C for the CLI: the first SIGINT aborts the command's signal (each phase stops at its
 * next check: between cases, between report files) and the command exits 130; a second
 * SIGINT exits 130 at once.
 * @module
 */

/** The abort reason of an interrupted command. */
export class Interrupted extends Error {
  override name = "Interrupted";
  constructor() {
    super("interrupted");
  }
}

/** The exit code of an interrupted command (128 + SIGINT). */
export const INTERRUPTED_EXIT = 130;

/**
 * Run `fn` with a signal that SIGINT aborts; prints `message` on the first SIGINT. Returns
 * `fn`'s exit code, or {@link INTERRUPTED_EXIT} when interrupted (whatever `fn` returned or
 * threw afterwards).
 */
export async function withInterrupt(
  message: string,
  fn: (signal: AbortSignal) => Promise<number>,
): Promise<number> {
  const controller = new AbortController();
  const onSig = () => {
    if (controller.signal.aborted) Deno.exit(INTERRUPTED_EXIT);
    console.error(`\nclaimbench: interrupted; ${message} (Ctrl-C again to quit at once)`);
    controller.abort(new Interrupted());
  };
  let listening = false;
  try {
    Deno.addSignalListener("SIGINT", onSig);
    listening = true;
  } catch {
    // no signals on this platform: run without
  }
  try {
    const code = await fn(controller.signal);
    return controller.signal.aborted ? INTERRUPTED_EXIT : code;
  } catch (e) {
    if (controller.signal.aborted) return INTERRUPTED_EXIT;
    throw e;
  } finally {
    if (listening) Deno.removeSignalListener("SIGINT", onSig);
  }
}

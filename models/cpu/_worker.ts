/**
 * The worker side of {@link ./pool.ts}: imports the requested module (once per module, cached by
 * the runtime), calls the named export with the task's input and a progress callback, and posts
 * the progress and the result back.
 * @module
 */

/** A task message from the pool. */
interface TaskMessage {
  id: number;
  module: string;
  fn: string;
  input: unknown;
}

// deno-lint-ignore no-explicit-any
const scope = self as any;
scope.onmessage = async (e: MessageEvent<TaskMessage>) => {
  const { id, module, fn, input } = e.data;
  try {
    const mod = await import(module);
    if (typeof mod[fn] !== "function") throw new Error(`${module} has no exported function ${fn}`);
    const report = (units: number) => scope.postMessage({ id, progress: units });
    const out = await mod[fn](input, report);
    scope.postMessage({ id, ok: true, out });
  } catch (err) {
    scope.postMessage({
      id,
      ok: false,
      message: err instanceof Error ? (err.stack ?? err.message) : String(err),
    });
  }
};

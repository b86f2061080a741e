/**
 * The one seam where third-party modules enter the code. Everything else imports from here.
 * Heavy modules (vega, tfjs) are loaded lazily so `list` and `--help` start fast.
 * @module
 */
export { z } from "zod";
export type { ZodType } from "zod";

/**
 * Vega, Vega-Lite and their types, loaded on first use (they take ~1 s to parse), with Vega's
 * CSP-safe expression interpreter (evaluates expressions from their AST, never compiles them).
 */
export async function loadVega(): Promise<{
  vega: typeof import("vega");
  vl: typeof import("vega-lite");
  expressionInterpreter: typeof import("vega-interpreter").expressionInterpreter;
}> {
  const [vega, vl, interp] = await Promise.all([
    import("vega"),
    import("vega-lite"),
    import("vega-interpreter"),
  ]);
  return { vega, vl, expressionInterpreter: interp.expressionInterpreter };
}

/** tfjs (full bundle, with gradients) plus its WebGPU backend, loaded on first use. */
export async function loadTf(): Promise<typeof import("@tensorflow/tfjs")> {
  const tf = await import("@tensorflow/tfjs");
  await import("@tensorflow/tfjs-backend-webgpu");
  return tf;
}

/** fast-check, for property-based tests (loaded on first use). */
export async function loadFastCheck(): Promise<typeof import("fast-check")> {
  return await import("fast-check");
}

/** playwright-core (no bundled browsers), for the headless-Chromium report test (loaded on first use). */
export async function loadPlaywright(): Promise<typeof import("playwright-core")> {
  return await import("playwright-core");
}

/** DuckDB (embedded, no server), for the tidy tables and queries over many runs (loaded on first use). */
export async function loadDuckDB(): Promise<typeof import("@duckdb/node-api")> {
  return await import("@duckdb/node-api");
}

/** hyparquet, an independent Parquet reader (tests read back what DuckDB wrote). */
export async function loadHyparquet(): Promise<typeof import("hyparquet")> {
  return await import("hyparquet");
}

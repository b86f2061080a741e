/**
 * An example claim pack: the double descent of minimum-norm least squares. Run it with
 * `claimbench run --pack examples/double-descent/mod.ts --profile smoke`.
 * @module
 */
import { minNormPeak } from "./double_descent.ts";

/** The pack's name: its cases run as `double-descent:<id>`. */
export const name = "double-descent";
/** The pack's cases. */
export const cases = [minNormPeak];

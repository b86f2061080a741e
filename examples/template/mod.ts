/**
 * A claim pack written by `claimbench new`: run it with
 * `claimbench run --pack <this folder>/mod.ts --profile smoke`.
 * @module
 */
import { claim } from "./claim.ts";

/** The pack's name: its cases run as `<name>:<id>`. */
export const name = "template";
/** The pack's cases. */
export const cases = [claim];

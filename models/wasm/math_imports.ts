/**
 * The JavaScript engine's Math functions, imported by the WebAssembly kernels that must round
 * exactly like their JS references (`assembly/sgd.ts`, `assembly/box_muller.ts` where its own
 * log/cos/sin cannot settle the rounding, `assembly/pairs.ts`, `assembly/rows.ts`).
 * The functions themselves are passed, so
 * the engine can call them directly from WebAssembly.
 * @module
 */

/** `Math.log`. */
export const log: (x: number) => number = Math.log;
/** `Math.cos`. */
export const cos: (x: number) => number = Math.cos;
/** `Math.sin`. */
export const sin: (x: number) => number = Math.sin;
/** `Math.tanh`. */
export const tanh: (x: number) => number = Math.tanh;
/** `Math.exp`. */
export const exp: (x: number) => number = Math.exp;
/** `Math.log1p`. */
export const log1p: (x: number) => number = Math.log1p;
/** The `**` operator (as `z ** (q − 1)` in `models/fl/classifier.ts`). */
export const pow = (x: number, y: number): number => x ** y;

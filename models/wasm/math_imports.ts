/**
 * The JavaScript engine's Math functions, imported by the WebAssembly kernels that must round
 * exactly like their JS references (`assembly/sgd.ts`). The functions themselves are passed, so
 * the engine can call them directly from WebAssembly. (The pSGD kernel's Box–Muller normals are
 * computed on the JS side, a chunk of steps per call: `models/cum/sgd_wasm.ts`.)
 * @module
 */

/** `Math.tanh`. */
export const tanh: (x: number) => number = Math.tanh;

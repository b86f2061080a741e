/**
 * Paper C's data: every coordinate i.i.d. N(mean, σ²). Nested draws: the first n rows of a
 * stream are the same whatever the total, so a trial's training sets for growing n are nested.
 * @module
 */
import type { PhiloxStream } from "./philox.ts";

/** `rows` × `dim` samples, row-major, from `stream`. */
export function iidGaussian(
  stream: PhiloxStream,
  rows: number,
  dim: number,
  mean: number,
  sigma: number,
): Float64Array {
  return stream.fillNormal(new Float64Array(rows * dim), sigma, mean) as Float64Array;
}

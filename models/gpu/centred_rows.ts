/**
 * The f32 upload of packed point sets shared by the pairwise kernel-sum kernels: each set centred
 * at its own mean (distances are shift-invariant, and the f32 norms of ‖x_i‖² + ‖x_j‖² − 2⟨x_i, x_j⟩
 * stay small for data with a large mean), each row padded to a fixed stride with zeros (which
 * change neither norms nor dot products).
 * @module
 */
import type { PackedSets } from "../cpu/pair_sums.ts";

/** The centred rows and the non-empty sets in row order. */
export interface CentredRows {
  /** Row i at x[i·stride … i·stride + dim − 1]; padding and rows outside every set are 0. */
  x: Float32Array<ArrayBuffer>;
  /** Indices of the non-empty sets, ordered by their first row. */
  order: number[];
}

/**
 * Centre each set (unless `center` is false) and write it as f32 rows of `stride` floats into an
 * array of `length` floats (at least total rows × stride). Sets must not overlap or run past the
 * last row: a RangeError names the set.
 */
export function centredRows(
  p: PackedSets,
  stride: number,
  length: number,
  center = true,
): CentredRows {
  const { dim } = p;
  const total = p.points.length / dim;
  const x = new Float32Array(Math.max(length, total * stride));
  const sorted = Array.from(p.start.keys()).sort((a, b) => p.start[a] - p.start[b]);
  const order: number[] = [];
  const mean = new Float64Array(dim);
  let prevEnd = 0;
  for (const s of sorted) {
    const a = p.start[s], b = a + p.count[s];
    if (a === b) continue;
    if (a < prevEnd || b > total) throw new RangeError(`set ${s} overlaps another or the end`);
    prevEnd = b;
    order.push(s);
    mean.fill(0);
    if (center) {
      for (let i = a; i < b; i++) for (let k = 0; k < dim; k++) mean[k] += p.points[i * dim + k];
      for (let k = 0; k < dim; k++) mean[k] /= b - a;
    }
    for (let i = a; i < b; i++) {
      for (let k = 0; k < dim; k++) x[i * stride + k] = p.points[i * dim + k] - mean[k];
    }
  }
  return { x, order };
}

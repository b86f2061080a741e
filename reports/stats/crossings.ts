/**
 * Curve crossings: where a sampled curve crosses a target level (with direction and censoring).
 * @module
 */
import { checkSameLength } from "./_defaults.ts";
import type { Crossing } from "./types.ts";

/** Finite points of a curve, with their original indices; checks x is non-decreasing. */
function finitePoints(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  what: string,
): { xs: number[]; ys: number[]; idx: number[] } {
  checkSameLength(x, y, what);
  const xs: number[] = [];
  const ys: number[] = [];
  const idx: number[] = [];
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i]) || !Number.isFinite(y[i])) continue;
    if (xs.length > 0 && x[i] < xs[xs.length - 1]) {
      throw new RangeError(`${what}: x must be sorted ascending (x[${i}] = ${x[i]})`);
    }
    xs.push(x[i]);
    ys.push(y[i]);
    idx.push(i);
  }
  return { xs, ys, idx };
}

/** Interpolated x where the segment (x0,y0)-(x1,y1) reaches `target` (y0 !== target). */
function interpolateCrossing(x0: number, y0: number, x1: number, y1: number, target: number) {
  if (y1 === target) return x1;
  return x0 + ((target - y0) * (x1 - x0)) / (y1 - y0);
}

/** Direction of a crossing on the segment, if any: up = y0 < t <= y1, down = y0 > t >= y1. */
function segmentDirection(y0: number, y1: number, target: number): "up" | "down" | null {
  if (y0 < target && y1 >= target) return "up";
  if (y0 > target && y1 <= target) return "down";
  return null;
}

/**
 * First crossing of the piecewise-linear curve through (x[i], y[i]) (x sorted
 * ascending) with the level `target`, using linear interpolation between grid
 * points.
 *
 * - `"up"` (default): first segment going from `< target` to `>= target`;
 *   returns `x[0]` if `y[0] >= target`.
 * - `"down"`: first segment going from `> target` to `<= target`;
 *   returns `x[0]` if `y[0] <= target`.
 * - `"any"`: first crossing in either direction; returns `x[0]` if `y[0] === target`.
 *
 * Points with a non-finite x or y are skipped (the curve joins its
 * neighbours). Returns `NaN` when there is no crossing or no finite point.
 * Throws a `RangeError` if x is not sorted ascending.
 *
 * @example
 * ```ts
 * crossing([0, 1, 2], [0, 0.4, 1.0], 0.7); // 1.5
 * ```
 */
export function crossing(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  target: number,
  direction: "up" | "down" | "any" = "up",
): number {
  const { xs, ys } = finitePoints(x, y, "crossing");
  if (xs.length === 0 || Number.isNaN(target)) return NaN;
  const y0 = ys[0];
  if (
    (direction === "up" && y0 >= target) || (direction === "down" && y0 <= target) ||
    (direction === "any" && y0 === target)
  ) {
    return xs[0];
  }
  for (let i = 0; i + 1 < xs.length; i++) {
    const dir = segmentDirection(ys[i], ys[i + 1], target);
    if (dir !== null && (direction === "any" || dir === direction)) {
      return interpolateCrossing(xs[i], ys[i], xs[i + 1], ys[i + 1], target);
    }
  }
  return NaN;
}

/**
 * All crossings of the piecewise-linear curve with `target` (for reporting
 * non-monotone curves), in order of increasing x. Uses the same segment
 * rules as {@link crossing} (up: `< target` → `>= target`; down: `> target`
 * → `<= target`); a starting point already at/over the target is not itself
 * a crossing. Non-finite points are skipped; `index` is the input index of
 * the segment's left point.
 */
export function allCrossings(
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  target: number,
): Crossing[] {
  const { xs, ys, idx } = finitePoints(x, y, "allCrossings");
  const out: Crossing[] = [];
  if (Number.isNaN(target)) return out;
  for (let i = 0; i + 1 < xs.length; i++) {
    const dir = segmentDirection(ys[i], ys[i + 1], target);
    if (dir !== null) {
      out.push({
        index: idx[i],
        x: interpolateCrossing(xs[i], ys[i], xs[i + 1], ys[i + 1], target),
        direction: dir,
      });
    }
  }
  return out;
}

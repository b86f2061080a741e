/**
 * Test helper of the WebAssembly kernels, whose outputs must have their JS references' bits.
 * @module
 */

/**
 * The first place where `a` and `b` differ bit for bit (`Object.is`: NaN equals NaN, 0 is not
 * −0), as `[i] a vs b` (or the two lengths); null when they are the same.
 */
export function firstDiff(a: ArrayLike<number>, b: ArrayLike<number>): string | null {
  if (a.length !== b.length) return `length ${a.length} vs ${b.length}`;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return `[${i}] ${a[i]} vs ${b[i]}`;
  return null;
}

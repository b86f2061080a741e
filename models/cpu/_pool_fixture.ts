/** Task functions for pool_test.ts. @module */

/** A deterministic, CPU-bound task: a few values of an LCG walk of length n. */
export function work(input: { n: number; seed: number }, report?: (u: number) => void): number[] {
  let x = input.seed + 1;
  for (let i = 0; i < input.n; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    if (i % 1000 === 999) report?.(1000);
  }
  return [input.seed, input.n, x];
}

/** Always throws. */
export function fails(_input: number): never {
  throw new Error("boom");
}

let calls = 0;

/** Tasks this module instance has run, this one included (tells a warm worker from a fresh one). */
export function callCount(_input: number): number {
  // a short busy wait, so that both workers of a two-task call get one task each
  const end = Date.now() + 20;
  while (Date.now() < end);
  return ++calls;
}

/**
 * Throws for 0; otherwise busy for `ms` milliseconds, then counts as a call (see
 * {@link callCount}) and returns the count.
 */
export function maybeFails(ms: number): number {
  if (ms === 0) throw new Error("boom");
  const end = Date.now() + ms;
  while (Date.now() < end);
  return ++calls;
}

/** The sum of a buffer's values (a task whose input buffer can be moved, not copied). */
export function sum(input: { xs: Float64Array }): number {
  return input.xs.reduce((a, b) => a + b, 0);
}

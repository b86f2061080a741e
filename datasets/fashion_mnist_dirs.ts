/**
 * Test helpers for the image cases: a generated fixture directory or an empty one (a missing
 * data set), passed to the cases through their `dataDir` config field. (Not through the
 * environment: `deno test --parallel` runs test modules as workers of one process, so an
 * environment variable set by one test module is seen by the others.)
 * @module
 */
import { writeFashionMnistFixture } from "./fashion_mnist_fixture.ts";

async function withDataDir(
  fill: (dir: string) => Promise<void>,
  f: (dir: string) => Promise<void>,
) {
  const dir = await Deno.makeTempDir({ prefix: "claimbench_fmnist_" });
  try {
    await fill(dir);
    await f(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Run `f` with a fresh generated fixture directory. */
export function withFixtureDir(f: (dir: string) => Promise<void>, opts = { train: 120, test: 60 }) {
  return withDataDir((dir) => writeFashionMnistFixture(dir, opts), f);
}

/** Run `f` with an empty directory (a missing data set). */
export function withMissingData(f: (dir: string) => Promise<void>) {
  return withDataDir(() => Promise.resolve(), f);
}

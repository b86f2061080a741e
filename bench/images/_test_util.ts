/**
 * Test helpers for the image cases: run with the data directory pointed at a generated fixture,
 * or at an empty directory (a missing data set).
 * @module
 */
import { FASHION_MNIST_ENV } from "../../datasets/fashion_mnist.ts";
import { writeFashionMnistFixture } from "../../datasets/fashion_mnist_fixture.ts";

async function withDataDir(fill: (dir: string) => Promise<void>, f: () => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "claimbench_fmnist_" });
  const old = Deno.env.get(FASHION_MNIST_ENV);
  try {
    await fill(dir);
    Deno.env.set(FASHION_MNIST_ENV, dir);
    await f();
  } finally {
    if (old === undefined) Deno.env.delete(FASHION_MNIST_ENV);
    else Deno.env.set(FASHION_MNIST_ENV, old);
    await Deno.remove(dir, { recursive: true });
  }
}

/** Run `f` with `$CLAIMBENCH_FASHION_MNIST_DIR` pointing at a fresh generated fixture. */
export function withFixtureDir(f: () => Promise<void>, opts = { train: 120, test: 60 }) {
  return withDataDir((dir) => writeFashionMnistFixture(dir, opts), f);
}

/** Run `f` with `$CLAIMBENCH_FASHION_MNIST_DIR` pointing at an empty directory. */
export function withMissingData(f: () => Promise<void>) {
  return withDataDir(() => Promise.resolve(), f);
}

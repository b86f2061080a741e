/**
 * A tiny, generated stand-in for Fashion-MNIST in the same file layout (gzipped IDX), so that
 * tests exercise the real loading code without the data set. Images are class-dependent
 * shapes (a bright block whose position and size depend on the label) plus pixel noise, so a
 * model has something non-Gaussian to learn.
 * @module
 */
import { encodeIdx, gzip } from "./idx.ts";
import { FASHION_MNIST_FILES } from "./fashion_mnist.ts";
import { PhiloxStream } from "./philox.ts";

/** Options of {@link writeFashionMnistFixture}. */
export interface FixtureOptions {
  train?: number;
  test?: number;
  side?: number;
  seed?: number;
}

/** Generate `count` fixture images (uint8, side×side) and labels cycling through 0…9. */
export function fixtureImages(count: number, side: number, seed: number, split: string) {
  const rng = new PhiloxStream(seed, "fashion-fixture", split === "train" ? 0 : 1);
  const pixels = new Uint8Array(count * side * side);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const y = n % 10;
    labels[n] = y;
    const r0 = Math.floor((y % 5) * side / 7), c0 = Math.floor(Math.floor(y / 5) * side / 3);
    const h = Math.floor(side / 3) + (y % 3), w = Math.floor(side / 2) - (y % 2);
    const bright = 150 + 10 * y;
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        const inside = r >= r0 && r < r0 + h && c >= c0 && c < c0 + w;
        const v = (inside ? bright : 0) + (inside ? 40 * (rng.uniform() - 0.5) : 0);
        pixels[n * side * side + r * side + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return { pixels, labels };
}

/** Write the four gzipped IDX files of a fixture into `dir` (created if needed). */
export async function writeFashionMnistFixture(dir: string, opts: FixtureOptions = {}) {
  const side = opts.side ?? 28, seed = opts.seed ?? 1;
  await Deno.mkdir(dir, { recursive: true });
  for (const split of ["train", "test"] as const) {
    const count = split === "train" ? (opts.train ?? 200) : (opts.test ?? 100);
    const { pixels, labels } = fixtureImages(count, side, seed, split);
    const files = FASHION_MNIST_FILES[split];
    await Deno.writeFile(
      `${dir}/${files.images}`,
      await gzip(encodeIdx({ type: "uint8", dims: [count, side, side], data: pixels })),
    );
    await Deno.writeFile(
      `${dir}/${files.labels}`,
      await gzip(encodeIdx({ type: "uint8", dims: [count], data: labels })),
    );
  }
}

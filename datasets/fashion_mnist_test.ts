import assert from "node:assert/strict";
import {
  DatasetMissingError,
  DEFAULT_FASHION_MNIST_DIR,
  FASHION_MNIST_ENV,
  FASHION_MNIST_FILES,
  fashionMnistAvailable,
  fashionMnistDir,
  loadFashionMnist,
  normalizeImages,
  resizeImages,
} from "./fashion_mnist.ts";
import { fixtureImages, writeFashionMnistFixture } from "./fashion_mnist_fixture.ts";
import { encodeIdx, gzip, IdxFormatError } from "./idx.ts";

async function withFixture(f: (dir: string) => Promise<void>, opts = {}) {
  const dir = await Deno.makeTempDir({ prefix: "fmnist_fixture_" });
  try {
    await writeFashionMnistFixture(dir, { train: 60, test: 30, ...opts });
    await f(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("fashion-mnist: loads the generated fixture, selects classes, limits", async () => {
  await withFixture(async (dir) => {
    const all = await loadFashionMnist("train", { dir });
    assert.equal(all.count, 60);
    assert.equal(all.rows, 28);
    const { pixels, labels } = fixtureImages(60, 28, 1, "train");
    assert.deepEqual(Array.from(all.labels), Array.from(labels));
    assert.equal(all.images[300], pixels[300] / 255);
    assert.ok(all.images.every((v) => v >= 0 && v <= 1));
    const two = await loadFashionMnist("test", { dir, classes: [3, 7], limit: 4 });
    assert.deepEqual(Array.from(two.labels), [3, 7, 3, 7]);
    assert.equal(two.images.length, 4 * 784);
    await assert.rejects(
      loadFashionMnist("test", { dir, classes: [10] }),
      /class 10 is not in 0…9/,
    );
  });
});

Deno.test("fashion-mnist: resize by area averaging and normalizations", () => {
  const set = {
    images: new Float32Array([0, 1, 0, 1, 1, 1, 0, 0, 0.5, 0.5, 0.5, 0.5, 0, 0, 0, 0]),
    labels: new Uint8Array([0]),
    count: 1,
    rows: 4,
    cols: 4,
  };
  const small = resizeImages(set, 2);
  assert.deepEqual(Array.from(small.images), [0.75, 0.25, 0.25, 0.25]);
  const three = resizeImages(set, 3); // non-integer factor: mean is preserved
  const m = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
  assert.ok(Math.abs(m(three.images) - m(set.images)) < 1e-6);
  const sym = normalizeImages({ ...small, images: small.images.slice() }, "symmetric");
  assert.deepEqual(Array.from(sym.images), [0.5, -0.5, -0.5, -0.5]);
  const cu = normalizeImages({ ...small, images: small.images.slice() }, "centered-unit-norm");
  assert.ok(Math.abs(m(cu.images)) < 1e-7);
  assert.ok(Math.abs(cu.images.reduce((s, v) => s + v * v, 0) - 1) < 1e-6);
});

Deno.test("fashion-mnist: a missing data set names the install command", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      loadFashionMnist("train", { dir }),
      (e) =>
        e instanceof DatasetMissingError &&
        /sudo apt-get install dataset-fashion-mnist/.test(e.message) &&
        /scripts\/install_fashion_mnist\.sh/.test(e.message) &&
        e.message.includes(FASHION_MNIST_FILES.train.images),
    );
    assert.equal(await fashionMnistAvailable(dir), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fashion-mnist: the directory follows the environment variable", () => {
  // the value is passed in: setting the variable would leak into test modules running in parallel
  assert.equal(fashionMnistDir("/somewhere/else"), "/somewhere/else");
  assert.equal(fashionMnistDir(""), DEFAULT_FASHION_MNIST_DIR);
  assert.equal(fashionMnistDir(undefined), DEFAULT_FASHION_MNIST_DIR);
  assert.equal(FASHION_MNIST_ENV, "CLAIMBENCH_FASHION_MNIST_DIR");
});

Deno.test("fashion-mnist: inconsistent files are rejected", async () => {
  await withFixture(async (dir) => {
    // labels file with a different count than the images
    await Deno.writeFile(
      `${dir}/${FASHION_MNIST_FILES.test.labels}`,
      await gzip(encodeIdx({ type: "uint8", dims: [29], data: new Uint8Array(29) })),
    );
    await assert.rejects(
      loadFashionMnist("test", { dir }),
      (e) => e instanceof IdxFormatError && /30 images but 29 labels/.test(e.message),
    );
    // images stored as a 2-D tensor
    await Deno.writeFile(
      `${dir}/${FASHION_MNIST_FILES.train.images}`,
      await gzip(encodeIdx({ type: "uint8", dims: [60, 784], data: new Uint8Array(60 * 784) })),
    );
    await assert.rejects(
      loadFashionMnist("train", { dir }),
      /expected a 3-dimensional uint8 image tensor/,
    );
  });
});

Deno.test({
  name: "fashion-mnist: the real data set, when installed",
  ignore: !(await fashionMnistAvailable()),
  async fn() {
    const test = await loadFashionMnist("test");
    assert.equal(test.count, 10000);
    assert.equal(test.rows, 28);
    assert.equal(test.cols, 28);
    const counts = new Array(10).fill(0);
    for (const l of test.labels) counts[l]++;
    assert.deepEqual(counts, new Array(10).fill(1000));
  },
});

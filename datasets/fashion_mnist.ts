/**
 * Fashion-MNIST (28×28 grey images, 10 classes) from the IDX files of Debian's
 * `dataset-fashion-mnist` package, with class selection, resizing and normalization.
 *
 * The directory is `/usr/share/datasets/fashion-mnist/` unless the environment variable
 * `CLAIMBENCH_FASHION_MNIST_DIR` says otherwise. A missing data set raises
 * {@link DatasetMissingError}, whose message says how to install it.
 * @module
 */
import { IdxFormatError, readIdxFile } from "./idx.ts";

/** Where Debian's package puts the files. */
export const DEFAULT_FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist";
/** The environment variable that overrides the directory. */
export const FASHION_MNIST_ENV = "CLAIMBENCH_FASHION_MNIST_DIR";

/** Class names, by label. */
export const FASHION_MNIST_CLASSES = [
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
] as const;

/** The file names, by split (as Debian's package installs them). */
export const FASHION_MNIST_FILES = {
  train: { images: "train-images-idx3-ubyte.gz", labels: "train-labels-idx1-ubyte.gz" },
  test: { images: "t10k-images-idx3-ubyte.gz", labels: "t10k-labels-idx1-ubyte.gz" },
} as const;

/** A split of the data set. */
export type Split = keyof typeof FASHION_MNIST_FILES;

/** How to install the data set, for error messages. */
export const FASHION_MNIST_INSTALL_HINT =
  "install it with `sudo apt-get install dataset-fashion-mnist` (or `bash scripts/install_fashion_mnist.sh`), " +
  `or point ${FASHION_MNIST_ENV} at a directory holding ` +
  `${FASHION_MNIST_FILES.train.images} and the three other IDX files`;

/** Thrown when the data set's files are not there. */
export class DatasetMissingError extends Error {
  constructor(public readonly path: string) {
    super(`Fashion-MNIST not found (${path} is missing): ${FASHION_MNIST_INSTALL_HINT}`);
    this.name = "DatasetMissingError";
  }
}

/** Images with labels: `images` holds `count` rows of `rows·cols` values, row-major. */
export interface ImageSet {
  images: Float32Array;
  labels: Uint8Array;
  count: number;
  rows: number;
  cols: number;
}

/** The data directory: `$CLAIMBENCH_FASHION_MNIST_DIR` when set, else the Debian path. */
export function fashionMnistDir(env: string | undefined = readEnv()): string {
  return env && env.length > 0 ? env : DEFAULT_FASHION_MNIST_DIR;
}

function readEnv(): string | undefined {
  try {
    return Deno.env.get(FASHION_MNIST_ENV);
  } catch {
    return undefined; // no --allow-env: use the default
  }
}

/** Whether all four files are present in `dir`. */
export async function fashionMnistAvailable(dir = fashionMnistDir()): Promise<boolean> {
  for (const split of Object.values(FASHION_MNIST_FILES)) {
    for (const f of Object.values(split)) {
      try {
        await Deno.stat(`${dir}/${f}`);
      } catch {
        return false;
      }
    }
  }
  return true;
}

const cache = new Map<
  string,
  Promise<{ pixels: Uint8Array; labels: Uint8Array; rows: number; cols: number }>
>();

async function readRaw(dir: string, split: Split) {
  const files = FASHION_MNIST_FILES[split];
  const imgPath = `${dir}/${files.images}`, labPath = `${dir}/${files.labels}`;
  for (const p of [imgPath, labPath]) {
    try {
      await Deno.stat(p);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) throw new DatasetMissingError(p);
      throw e;
    }
  }
  const [img, lab] = await Promise.all([readIdxFile(imgPath), readIdxFile(labPath)]);
  if (img.type !== "uint8" || img.dims.length !== 3) {
    throw new IdxFormatError(
      imgPath,
      `expected a 3-dimensional uint8 image tensor, got ${img.dims.length}-dimensional ${img.type}`,
    );
  }
  if (lab.type !== "uint8" || lab.dims.length !== 1) {
    throw new IdxFormatError(
      labPath,
      `expected a 1-dimensional uint8 label vector, got ${lab.dims.length}-dimensional ${lab.type}`,
    );
  }
  if (img.dims[0] !== lab.dims[0]) {
    throw new IdxFormatError(
      imgPath,
      `${img.dims[0]} images but ${lab.dims[0]} labels in ${labPath}`,
    );
  }
  const labels = lab.data as Uint8Array;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] > 9) {
      throw new IdxFormatError(labPath, `label ${labels[i]} at ${i} is not in 0…9`);
    }
  }
  return { pixels: img.data as Uint8Array, labels, rows: img.dims[1], cols: img.dims[2] };
}

/**
 * Load a split with pixel values scaled to [0, 1]. Files are parsed once per process and
 * directory; each call returns fresh arrays.
 *
 * @param opts.classes keep only these labels (in file order)
 * @param opts.limit keep at most this many images (the first ones, after class selection)
 * @param opts.dir the data directory (default {@link fashionMnistDir})
 */
export async function loadFashionMnist(
  split: Split,
  opts: { classes?: readonly number[]; limit?: number; dir?: string } = {},
): Promise<ImageSet> {
  const dir = opts.dir ?? fashionMnistDir();
  const key = `${dir}\u0000${split}`;
  let p = cache.get(key);
  if (!p) {
    p = readRaw(dir, split);
    cache.set(key, p);
    p.catch(() => cache.delete(key));
  }
  const raw = await p;
  const keep = opts.classes ? new Set(opts.classes) : null;
  if (keep) {
    for (const c of keep) {
      if (!Number.isInteger(c) || c < 0 || c > 9) {
        throw new RangeError(`Fashion-MNIST class ${c} is not in 0…9`);
      }
    }
  }
  const px = raw.rows * raw.cols;
  const limit = opts.limit ?? Infinity;
  const idx: number[] = [];
  for (let i = 0; i < raw.labels.length && idx.length < limit; i++) {
    if (!keep || keep.has(raw.labels[i])) idx.push(i);
  }
  const images = new Float32Array(idx.length * px);
  const labels = new Uint8Array(idx.length);
  idx.forEach((src, j) => {
    labels[j] = raw.labels[src];
    const from = raw.pixels.subarray(src * px, (src + 1) * px);
    for (let k = 0; k < px; k++) images[j * px + k] = from[k] / 255;
  });
  return { images, labels, count: idx.length, rows: raw.rows, cols: raw.cols };
}

/**
 * Resize every image to `side × side` by area averaging (exact for integer factors such as
 * 28 → 14; for others, each output pixel averages the input area it covers).
 */
export function resizeImages(set: ImageSet, side: number): ImageSet {
  if (side === set.rows && side === set.cols) return { ...set, images: set.images.slice() };
  const { rows, cols, count } = set;
  // 1-D overlap weights: w[o][i] = fraction of input pixel i inside output pixel o
  const weights = (inN: number) => {
    const w: { i: number; f: number }[][] = [];
    const scale = inN / side;
    for (let o = 0; o < side; o++) {
      const a = o * scale, b = (o + 1) * scale;
      const row: { i: number; f: number }[] = [];
      for (let i = Math.floor(a); i < Math.min(inN, Math.ceil(b)); i++) {
        const f = Math.min(b, i + 1) - Math.max(a, i);
        if (f > 1e-12) row.push({ i, f: f / scale });
      }
      w.push(row);
    }
    return w;
  };
  const wr = weights(rows), wc = weights(cols);
  const out = new Float32Array(count * side * side);
  for (let n = 0; n < count; n++) {
    const src = n * rows * cols, dst = n * side * side;
    for (let r = 0; r < side; r++) {
      for (let c = 0; c < side; c++) {
        let s = 0;
        for (const { i, f } of wr[r]) {
          for (const { i: j, f: g } of wc[c]) s += f * g * set.images[src + i * cols + j];
        }
        out[dst + r * side + c] = s;
      }
    }
  }
  return { images: out, labels: set.labels.slice(), count, rows: side, cols: side };
}

/** Normalization modes: pixel range [0,1] → [−1,1], or each image centred with unit norm. */
export type Normalization = "unit" | "symmetric" | "centered-unit-norm";

/**
 * Normalize images in place and return them: "unit" leaves [0, 1]; "symmetric" maps to
 * [−1, 1]; "centered-unit-norm" subtracts each image's mean pixel and scales it to norm 1.
 */
export function normalizeImages(set: ImageSet, mode: Normalization): ImageSet {
  const px = set.rows * set.cols;
  const x = set.images;
  if (mode === "symmetric") {
    for (let i = 0; i < x.length; i++) x[i] = 2 * x[i] - 1;
  } else if (mode === "centered-unit-norm") {
    for (let n = 0; n < set.count; n++) {
      const row = x.subarray(n * px, (n + 1) * px);
      let m = 0;
      for (let k = 0; k < px; k++) m += row[k];
      m /= px;
      let ss = 0;
      for (let k = 0; k < px; k++) ss += (row[k] - m) ** 2;
      const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0;
      for (let k = 0; k < px; k++) row[k] = (row[k] - m) * inv;
    }
  }
  return set;
}

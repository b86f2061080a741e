/**
 * Loading Fashion-MNIST for the image cases: class selection, resizing, normalization, and the
 * error that tells how to install a missing data set.
 * @module
 */
import {
  DatasetMissingError,
  type ImageSet,
  loadFashionMnist,
  type Normalization,
  normalizeImages,
  resizeImages,
} from "./fashion_mnist.ts";

export { DatasetMissingError };

/** What to load. */
export interface ImageDataRequest {
  split: "train" | "test";
  /** Image side after resizing (28 = native). */
  side: number;
  classes?: readonly number[];
  limit?: number;
  normalization: Normalization;
  /** Data directory (null or absent: `$CLAIMBENCH_FASHION_MNIST_DIR` or the Debian path). */
  dir?: string | null;
}

/** Load, select, resize and normalize one split. */
export async function loadImages(req: ImageDataRequest): Promise<ImageSet> {
  const raw = await loadFashionMnist(req.split, {
    classes: req.classes,
    limit: req.limit,
    dir: req.dir ?? undefined,
  });
  if (raw.count === 0) {
    throw new Error(
      `Fashion-MNIST ${req.split} split has no images of classes [${req.classes?.join(", ")}]`,
    );
  }
  const sized = req.side === raw.rows ? raw : resizeImages(raw, req.side);
  return normalizeImages(sized, req.normalization);
}

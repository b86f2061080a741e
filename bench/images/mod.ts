/**
 * The cases on real images (Fashion-MNIST): `fl.noisy-image` (Paper A) and
 * `cum.simplicity-bias` (Paper B). They need the data set (`scripts/install_fashion_mnist.sh`);
 * without it they end as `error` with the install command.
 * @module
 */
import type { AnyCase } from "../case.ts";
import { noisyImage } from "./noisy_image.ts";
import { simplicityBias } from "./simplicity_bias.ts";

/** The image cases. */
export const cases: AnyCase[] = [noisyImage, simplicityBias];

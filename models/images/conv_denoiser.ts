/**
 * A small convolutional denoiser (a two-level U-Net) in tfjs, trained on the denoising loss at a
 * fixed set of noise levels: x_t = x + σ ε, the network predicts ε from (x_t / √(1 + σ²), log σ)
 * and the denoised image is x̂ = x_t − σ ε̂. The loss is the per-pixel MSE ‖x̂ − x‖² / D.
 *
 * Layers (side s even, C channels): conv3×3 (2 → C) at s; conv3×3 stride 2 (C → 2C) at s/2;
 * conv3×3 (2C → 2C) at s/2; nearest upsampling to s, concatenated with the first layer's
 * features; conv3×3 (3C → C); conv3×3 (C → 1). ReLU between layers.
 *
 * Weights are drawn from a {@link PhiloxStream} (He-normal, biases 0, the output layer scaled
 * by 0.1), so a seed fixes them; on the tfjs CPU backend a run is bit-for-bit reproducible.
 * @module
 */
import type { loadTf } from "../../deps.ts";
import type { PhiloxStream } from "../gpu/philox.ts";

/** The tfjs namespace. */
export type Tf = Awaited<ReturnType<typeof loadTf>>;
type Tensor = import("@tensorflow/tfjs").Tensor;
type Tensor4D = import("@tensorflow/tfjs").Tensor4D;
type Variable = import("@tensorflow/tfjs").Variable;

/** Shape of the denoiser. */
export interface ConvDenoiserShape {
  /** Image side (even). */
  side: number;
  /** Channels of the first level (the second level has twice as many). */
  channels: number;
}

/** The network: its variables, in a fixed order. */
export interface ConvDenoiser {
  shape: ConvDenoiserShape;
  vars: Variable[];
}

const LAYERS = (c: number) => [
  { name: "in", k: 3, cin: 2, cout: c },
  { name: "down", k: 3, cin: c, cout: 2 * c },
  { name: "mid", k: 3, cin: 2 * c, cout: 2 * c },
  { name: "up", k: 3, cin: 3 * c, cout: c },
  { name: "out", k: 3, cin: c, cout: 1 },
];

/** Number of trainable parameters. */
export function parameterCount(shape: ConvDenoiserShape): number {
  return LAYERS(shape.channels).reduce((s, l) => s + l.k * l.k * l.cin * l.cout + l.cout, 0);
}

/** Initialize the network from a random stream (He-normal weights, zero biases). */
export function initConvDenoiser(
  tf: Tf,
  shape: ConvDenoiserShape,
  rng: PhiloxStream,
): ConvDenoiser {
  if (shape.side % 2 !== 0) throw new RangeError(`side must be even, got ${shape.side}`);
  const vars: Variable[] = [];
  for (const l of LAYERS(shape.channels)) {
    const fanIn = l.k * l.k * l.cin;
    const scale = Math.sqrt(2 / fanIn) * (l.name === "out" ? 0.1 : 1);
    const w = new Float32Array(l.k * l.k * l.cin * l.cout);
    for (let i = 0; i < w.length; i++) w[i] = scale * rng.normal();
    vars.push(tf.variable(tf.tensor4d(w, [l.k, l.k, l.cin, l.cout])));
    vars.push(tf.variable(tf.zeros([l.cout])));
  }
  return { shape, vars };
}

/** The network's noise prediction ε̂ for noisy images `xt` [B, s, s, 1] at levels `sigma` [B]. */
export function predictNoise(tf: Tf, net: ConvDenoiser, xt: Tensor4D, sigma: Tensor): Tensor4D {
  const [wIn, bIn, wDown, bDown, wMid, bMid, wUp, bUp, wOut, bOut] = net.vars as unknown as [
    Tensor4D,
    Tensor,
    Tensor4D,
    Tensor,
    Tensor4D,
    Tensor,
    Tensor4D,
    Tensor,
    Tensor4D,
    Tensor,
  ];
  const b = xt.shape[0], s = net.shape.side;
  const s4 = sigma.reshape([b, 1, 1, 1]);
  const cin = tf.rsqrt(tf.add(1, tf.square(s4)));
  const level = tf.mul(tf.ones([b, s, s, 1]), tf.log(s4));
  const input = tf.concat([tf.mul(xt, cin), level], 3) as Tensor4D;
  const h1 = tf.relu(tf.add(tf.conv2d(input, wIn, 1, "same"), bIn)) as Tensor4D;
  const h2 = tf.relu(tf.add(tf.conv2d(h1, wDown, 2, "same"), bDown)) as Tensor4D;
  const h3 = tf.relu(tf.add(tf.conv2d(h2, wMid, 1, "same"), bMid)) as Tensor4D;
  const up = tf.image.resizeNearestNeighbor(h3, [s, s]);
  const h4 = tf.relu(
    tf.add(tf.conv2d(tf.concat([up, h1], 3) as Tensor4D, wUp, 1, "same"), bUp),
  ) as Tensor4D;
  return tf.add(tf.conv2d(h4, wOut, 1, "same"), bOut) as Tensor4D;
}

/** Per-sample denoising loss ‖x̂ − x‖² / D with x̂ = x_t − σ ε̂, for x_t = x + σ ε. Shape [B]. */
export function denoisingLossPerSample(
  tf: Tf,
  net: ConvDenoiser,
  x: Tensor4D,
  eps: Tensor4D,
  sigma: Tensor,
): Tensor {
  const b = x.shape[0];
  const s4 = sigma.reshape([b, 1, 1, 1]);
  const xt = tf.add(x, tf.mul(s4, eps)) as Tensor4D;
  const epsHat = predictNoise(tf, net, xt, sigma);
  // x̂ − x = σ (ε − ε̂)
  const err = tf.mul(s4, tf.sub(eps, epsHat));
  return tf.mean(tf.square(err), [1, 2, 3]);
}

/** A training state: the network and its Adam optimizer. */
export interface DenoiserTrainer {
  net: ConvDenoiser;
  optimizer: import("@tensorflow/tfjs").Optimizer;
}

/** Build an Adam trainer for `net`. */
export function makeTrainer(tf: Tf, net: ConvDenoiser, learningRate: number): DenoiserTrainer {
  return { net, optimizer: tf.train.adam(learningRate) };
}

/**
 * One Adam step on a batch: `x` and `eps` hold B·s·s values, `sigma` B levels.
 * Returns the batch's mean loss (read back; one small readback per step).
 */
export async function trainStep(
  tf: Tf,
  tr: DenoiserTrainer,
  x: Float32Array,
  eps: Float32Array,
  sigma: Float32Array,
  readLoss = false,
): Promise<number> {
  const b = sigma.length, s = tr.net.shape.side;
  const lossT = tf.tidy(() => {
    const xT = tf.tensor4d(x, [b, s, s, 1]);
    const eT = tf.tensor4d(eps, [b, s, s, 1]);
    const sT = tf.tensor1d(sigma);
    return tr.optimizer.minimize(
      () =>
        tf.mean(
          denoisingLossPerSample(tf, tr.net, xT, eT, sT),
        ) as import("@tensorflow/tfjs").Scalar,
      readLoss,
      tr.net.vars,
    );
  });
  if (!lossT) return NaN;
  const v = (await lossT.data())[0];
  lossT.dispose();
  return v;
}

/**
 * Per-sample losses of the network on `count` images (`x`, `eps`: count·s·s values; `sigma`:
 * count levels), evaluated in chunks of `chunk` without gradients.
 */
export async function evalLosses(
  tf: Tf,
  net: ConvDenoiser,
  x: Float32Array,
  eps: Float32Array,
  sigma: Float32Array,
  chunk = 256,
): Promise<Float32Array> {
  const n = sigma.length, s = net.shape.side, px = s * s;
  const out = new Float32Array(n);
  for (let from = 0; from < n; from += chunk) {
    const b = Math.min(chunk, n - from);
    const t = tf.tidy(() =>
      denoisingLossPerSample(
        tf,
        net,
        tf.tensor4d(x.subarray(from * px, (from + b) * px), [b, s, s, 1]),
        tf.tensor4d(eps.subarray(from * px, (from + b) * px), [b, s, s, 1]),
        tf.tensor1d(sigma.subarray(from, from + b)),
      )
    );
    out.set(await t.data(), from);
    t.dispose();
  }
  return out;
}

/** Release the network's and optimizer's tensors. */
export function disposeTrainer(tr: DenoiserTrainer): void {
  tr.optimizer.dispose();
  for (const v of tr.net.vars) v.dispose();
}

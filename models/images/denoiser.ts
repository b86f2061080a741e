/**
 * The image denoiser shared by both backends: its architecture (a two-level U-Net of 3×3
 * convolutions), its parameter layout and initialization, its loss, and the trainer interface
 * that the CPU ({@link ./denoiser_cpu.ts}; resident in WebAssembly: {@link ./denoiser_wasm.ts})
 * and tfjs/WebGPU ({@link ./denoiser_tf.ts}) paths implement.
 *
 * Denoising at noise level σ: x_t = x + σ ε; the network sees (x_t / √(1 + σ²), log σ) and
 * predicts ε; the denoised image is x̂ = x_t − σ ε̂; the loss is ‖x̂ − x‖² / D per image.
 *
 * Layers (side s even, C channels): conv3×3 (2 → C) at s; conv3×3 stride 2 (C → 2C) at s/2;
 * conv3×3 (2C → 2C) at s/2; nearest ×2 upsampling, concatenated with the first layer's output
 * (upsampled channels first); conv3×3 (3C → C); conv3×3 (C → 1). ReLU after every layer but
 * the last. Weights HWIO, He-normal from a Philox stream (the last layer × 0.1), biases 0.
 * @module
 */
import type { PhiloxStream } from "../../datasets/philox.ts";

/** Shape of the denoiser. */
export interface DenoiserShape {
  /** Image side (even). */
  side: number;
  /** Channels of the first level (the second level has twice as many). */
  channels: number;
}

/** One convolution layer of the network. */
export interface LayerSpec {
  name: "in" | "down" | "mid" | "up" | "out";
  cin: number;
  cout: number;
  stride: 1 | 2;
}

/** The layers, in order; parameters are [w, b] per layer in this order. */
export function denoiserLayers(channels: number): LayerSpec[] {
  const c = channels;
  return [
    { name: "in", cin: 2, cout: c, stride: 1 },
    { name: "down", cin: c, cout: 2 * c, stride: 2 },
    { name: "mid", cin: 2 * c, cout: 2 * c, stride: 1 },
    { name: "up", cin: 3 * c, cout: c, stride: 1 },
    { name: "out", cin: c, cout: 1, stride: 1 },
  ];
}

/** Tensor shapes of the parameters, in parameter order: [3, 3, cin, cout] (HWIO), then [cout]. */
export function paramShapes(shape: DenoiserShape): number[][] {
  return denoiserLayers(shape.channels).flatMap((l) => [[3, 3, l.cin, l.cout], [l.cout]]);
}

/** Number of trainable parameters. */
export function parameterCount(shape: DenoiserShape): number {
  return denoiserLayers(shape.channels).reduce((s, l) => s + 9 * l.cin * l.cout + l.cout, 0);
}

/** Fresh parameters [w_in, b_in, w_down, …, b_out] from a random stream. */
export function initDenoiserParams(shape: DenoiserShape, rng: PhiloxStream): Float32Array[] {
  if (!(shape.side >= 2 && shape.side % 2 === 0)) {
    throw new RangeError(`denoiser side must be even and ≥ 2, got ${shape.side}`);
  }
  const out: Float32Array[] = [];
  for (const l of denoiserLayers(shape.channels)) {
    const scale = Math.sqrt(2 / (9 * l.cin)) * (l.name === "out" ? 0.1 : 1);
    const w = new Float32Array(9 * l.cin * l.cout);
    for (let i = 0; i < w.length; i++) w[i] = scale * rng.normal();
    out.push(w, new Float32Array(l.cout));
  }
  return out;
}

/** Adam's hyperparameters (the same on both backends). */
export interface AdamOptions {
  learningRate: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** Defaults of {@link AdamOptions}. */
export const ADAM_DEFAULTS = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 } as const;

/**
 * A denoiser being trained. `x` and `eps` hold B·side² values (NHWC with one channel), `sigma`
 * B noise levels.
 */
export interface DenoiserTrainer {
  readonly shape: DenoiserShape;
  /** One Adam step on the batch's mean loss; returns that loss (before the step). */
  trainStep(x: Float32Array, eps: Float32Array, sigma: Float32Array): Promise<number>;
  /** Per-image losses, no gradient. */
  evalLosses(x: Float32Array, eps: Float32Array, sigma: Float32Array): Promise<Float32Array>;
  /** The current parameters (copies). */
  params(): Promise<Float32Array[]>;
  /** Release resources. */
  dispose(): void;
}

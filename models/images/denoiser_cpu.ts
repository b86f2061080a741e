/**
 * The CPU path of the image denoiser: forward, hand-written backward and Adam over plain
 * Float32Arrays (see {@link ./denoiser.ts} for the architecture). Deterministic: the same
 * parameters and batches give the same numbers bit for bit.
 * @module
 */
import {
  concatChannels,
  conv3x3,
  conv3x3Backward,
  type ConvGeom,
  reluBackwardInPlace,
  reluInPlace,
  splitChannels,
  upsample2,
  upsample2Backward,
} from "./conv_cpu.ts";
import { conv3x3BackwardWasm, conv3x3Wasm } from "./conv_wasm.ts";
import {
  ADAM_DEFAULTS,
  type AdamOptions,
  denoiserLayers,
  type DenoiserShape,
  type DenoiserTrainer,
} from "./denoiser.ts";

/** The convolution kernels a CPU pass uses: the JS reference or the WebAssembly path. */
export interface ConvKernels {
  forward: typeof conv3x3;
  backward: typeof conv3x3Backward;
}

/** The plain-JS kernels of `conv_cpu.ts` (the reference). */
export const JS_CONV: ConvKernels = { forward: conv3x3, backward: conv3x3Backward };

/** The WebAssembly SIMD kernels of `conv_wasm.ts` (the same bits, the default). */
export const WASM_CONV: ConvKernels = { forward: conv3x3Wasm, backward: conv3x3BackwardWasm };

/** Activations of one forward pass, kept for the backward pass. */
interface Forward {
  a0: Float32Array;
  h1: Float32Array;
  h2: Float32Array;
  h3: Float32Array;
  cat: Float32Array;
  h4: Float32Array;
  epsHat: Float32Array;
}

function geoms(shape: DenoiserShape, b: number): ConvGeom[] {
  const s = shape.side, h = s / 2;
  return denoiserLayers(shape.channels).map((l) => {
    const side = l.name === "mid" ? h : s; // "down" reads at s and writes at s/2
    return { b, h: side, w: side, ci: l.cin, co: l.cout, stride: l.stride };
  });
}

/** Forward pass: the noise prediction ε̂ for x_t at levels σ, with the activations. */
export function forwardCpu(
  shape: DenoiserShape,
  p: Float32Array[],
  xt: Float32Array,
  sigma: Float32Array,
  k: ConvKernels = WASM_CONV,
): Forward {
  const b = sigma.length, s = shape.side, px = s * s, c = shape.channels;
  const g = geoms(shape, b);
  const a0 = networkInput(xt, sigma, px);
  const h1 = reluInPlace(k.forward(a0, p[0], p[1], g[0]));
  const h2 = reluInPlace(k.forward(h1, p[2], p[3], g[1]));
  const h3 = reluInPlace(k.forward(h2, p[4], p[5], g[2]));
  const up = upsample2(h3, b, s / 2, s / 2, 2 * c);
  const cat = concatChannels(up, 2 * c, h1, c, b * px);
  const h4 = reluInPlace(k.forward(cat, p[6], p[7], g[3]));
  const epsHat = k.forward(h4, p[8], p[9], g[4]);
  return { a0, h1, h2, h3, cat, h4, epsHat };
}

/** Per-image losses ‖σ(ε − ε̂)‖² / D for clean `x`, noise `eps`, levels `sigma`. */
export function lossesCpu(
  shape: DenoiserShape,
  p: Float32Array[],
  x: Float32Array,
  eps: Float32Array,
  sigma: Float32Array,
  k: ConvKernels = WASM_CONV,
): { losses: Float32Array; fwd: Forward } {
  const px = shape.side * shape.side;
  const fwd = forwardCpu(shape, p, noisyImages(x, eps, sigma, px), sigma, k);
  return { losses: imageLosses(eps, fwd.epsHat, sigma, px), fwd };
}

/** x_t = x + σ ε per image (`px` pixels each). */
export function noisyImages(
  x: Float32Array,
  eps: Float32Array,
  sigma: Float32Array,
  px: number,
): Float32Array {
  const b = sigma.length;
  const xt = new Float32Array(b * px);
  for (let n = 0; n < b; n++) {
    for (let k = 0; k < px; k++) xt[n * px + k] = x[n * px + k] + sigma[n] * eps[n * px + k];
  }
  return xt;
}

/** The network's input: per pixel the two channels x_t / √(1 + σ²) and log σ. */
export function networkInput(xt: Float32Array, sigma: Float32Array, px: number): Float32Array {
  const b = sigma.length;
  const a0 = new Float32Array(b * px * 2);
  for (let n = 0; n < b; n++) {
    const cin = 1 / Math.sqrt(1 + sigma[n] * sigma[n]), lvl = Math.log(sigma[n]);
    for (let k = 0; k < px; k++) {
      a0[2 * (n * px + k)] = xt[n * px + k] * cin;
      a0[2 * (n * px + k) + 1] = lvl;
    }
  }
  return a0;
}

/** Per-image losses ‖σ(ε − ε̂)‖² / D. */
export function imageLosses(
  eps: Float32Array,
  epsHat: Float32Array,
  sigma: Float32Array,
  px: number,
): Float32Array {
  const b = sigma.length;
  const losses = new Float32Array(b);
  for (let n = 0; n < b; n++) {
    let acc = 0;
    const s2 = sigma[n] * sigma[n];
    for (let k = 0; k < px; k++) {
      const d = eps[n * px + k] - epsHat[n * px + k];
      acc += s2 * d * d;
    }
    losses[n] = acc / px;
  }
  return losses;
}

/** The gradient of the batch's mean loss with respect to ε̂: −2 σ² (ε − ε̂) / (B·D). */
export function lossGradient(
  eps: Float32Array,
  epsHat: Float32Array,
  sigma: Float32Array,
  px: number,
): Float32Array {
  const b = sigma.length;
  const dE = new Float32Array(b * px);
  for (let n = 0; n < b; n++) {
    const f = -2 * sigma[n] * sigma[n] / (b * px);
    for (let k = 0; k < px; k++) dE[n * px + k] = f * (eps[n * px + k] - epsHat[n * px + k]);
  }
  return dE;
}

/**
 * Mean loss over the batch and its gradient with respect to every parameter (Float64Arrays in
 * the parameter order).
 */
export function lossAndGradCpu(
  shape: DenoiserShape,
  p: Float32Array[],
  x: Float32Array,
  eps: Float32Array,
  sigma: Float32Array,
  k: ConvKernels = WASM_CONV,
): { loss: number; grads: Float64Array[] } {
  const b = sigma.length, s = shape.side, px = s * s, c = shape.channels;
  const { losses, fwd } = lossesCpu(shape, p, x, eps, sigma, k);
  let loss = 0;
  for (let n = 0; n < b; n++) loss += losses[n];
  loss /= b;
  const g = geoms(shape, b);
  const grads = p.map((a) => new Float64Array(a.length));
  const dE = lossGradient(eps, fwd.epsHat, sigma, px);
  const dh4 = k.backward(fwd.h4, p[8], dE, g[4], grads[8], grads[9])!;
  reluBackwardInPlace(dh4, fwd.h4);
  const dcat = k.backward(fwd.cat, p[6], dh4, g[3], grads[6], grads[7])!;
  const [dup, dh1a] = splitChannels(dcat, 2 * c, c, b * px);
  const dh3 = upsample2Backward(dup, b, s / 2, s / 2, 2 * c);
  reluBackwardInPlace(dh3, fwd.h3);
  const dh2 = k.backward(fwd.h2, p[4], dh3, g[2], grads[4], grads[5])!;
  reluBackwardInPlace(dh2, fwd.h2);
  const dh1b = k.backward(fwd.h1, p[2], dh2, g[1], grads[2], grads[3])!;
  for (let i = 0; i < dh1a.length; i++) dh1a[i] += dh1b[i];
  reluBackwardInPlace(dh1a, fwd.h1);
  k.backward(fwd.a0, p[0], dh1a, g[0], grads[0], grads[1], false);
  return { loss, grads };
}

/** Adam state over a list of parameter arrays (updated in place). */
export class AdamCpu {
  #m: Float64Array[];
  #v: Float64Array[];
  #t = 0;
  readonly opts: Required<AdamOptions>;
  constructor(params: Float32Array[], opts: AdamOptions) {
    this.opts = { ...ADAM_DEFAULTS, ...opts };
    this.#m = params.map((a) => new Float64Array(a.length));
    this.#v = params.map((a) => new Float64Array(a.length));
  }
  /** Copies of the moments (for tests). */
  moments(): { m: Float64Array[]; v: Float64Array[] } {
    return { m: this.#m.map((a) => a.slice()), v: this.#v.map((a) => a.slice()) };
  }
  /** One step: p ← p − lr · m̂ / (√v̂ + ε). */
  step(params: Float32Array[], grads: Float64Array[]): void {
    const { learningRate: lr, beta1: b1, beta2: b2, epsilon } = this.opts;
    this.#t++;
    const c1 = 1 - b1 ** this.#t, c2 = 1 - b2 ** this.#t;
    for (let j = 0; j < params.length; j++) {
      const p = params[j], g = grads[j], m = this.#m[j], v = this.#v[j];
      for (let i = 0; i < p.length; i++) {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        p[i] -= lr * (m[i] / c1) / (Math.sqrt(v[i] / c2) + epsilon);
      }
    }
  }
}

/**
 * A CPU trainer over copies of `params`, calling the convolution kernels `k` per layer (the
 * reference of `denoiser_wasm.ts`'s resident trainer, which the seeds use).
 */
export function makeCpuTrainer(
  shape: DenoiserShape,
  params: Float32Array[],
  adam: AdamOptions,
  evalChunk = 256,
  k: ConvKernels = WASM_CONV,
): DenoiserTrainer {
  const p = params.map((a) => a.slice());
  const opt = new AdamCpu(p, adam);
  const px = shape.side * shape.side;
  return {
    shape,
    trainStep(x, eps, sigma) {
      const { loss, grads } = lossAndGradCpu(shape, p, x, eps, sigma, k);
      opt.step(p, grads);
      return Promise.resolve(loss);
    },
    evalLosses(x, eps, sigma) {
      const n = sigma.length, out = new Float32Array(n);
      for (let from = 0; from < n; from += evalChunk) {
        const to = Math.min(n, from + evalChunk);
        out.set(
          lossesCpu(
            shape,
            p,
            x.subarray(from * px, to * px),
            eps.subarray(from * px, to * px),
            sigma.subarray(from, to),
            k,
          ).losses,
          from,
        );
      }
      return Promise.resolve(out);
    },
    params: () => Promise.resolve(p.map((a) => a.slice())),
    dispose() {},
  };
}

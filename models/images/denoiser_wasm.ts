/**
 * The CPU trainer of the image denoiser with everything resident in WebAssembly memory
 * (`models/wasm/assembly/denoiser.ts`): parameters, Adam's moments, gradients, activations and
 * scratch live in one module instance of its own for the trainer's lifetime, and a training step
 * is a sequence of kernel calls on them — the 3×3 convolutions, ReLU, upsampling, the loss and
 * Adam — with only the batch copied in and nothing allocated. Every kernel keeps its JS
 * reference's operation order, so the trainer gives the numbers of {@link makeCpuTrainer}
 * (`denoiser_cpu.ts`) bit for bit. Where a convolution's exactness precondition does not hold
 * (see `conv_wasm.ts`) the step runs the JS reference on the resident parameters instead.
 * @module
 */
import { WasmArena } from "../wasm/arena.ts";
import {
  ADAM_DEFAULTS,
  type AdamOptions,
  denoiserLayers,
  type DenoiserShape,
  type DenoiserTrainer,
} from "./denoiser.ts";
import { JS_CONV, lossAndGradCpu, lossesCpu } from "./denoiser_cpu.ts";

/** The exports of `denoiser.wasm` (pointers are byte offsets into `memory`). */
interface DenoiserWasm {
  memory: WebAssembly.Memory;
  heapBase(): number;
  forwardScratch(b: number, h: number, w: number, ci: number, co: number): number;
  backwardScratch(b: number, h: number, w: number, ci: number, co: number, stride: number): number;
  conv3x3Forward(...a: number[]): number;
  conv3x3Backward(...a: number[]): number;
  denoiserInput(...a: number[]): void;
  relu(p: number, n: number): void;
  reluBackward(da: number, a: number, n: number): void;
  upsampleConcat(...a: number[]): void;
  upsampleConcatBackward(...a: number[]): void;
  concatSkipBackward(...a: number[]): void;
  denoiserLoss(...a: number[]): number;
  adamStep(...a: number[]): void;
}

let compiled: WebAssembly.Module | null = null;

/** A fresh instance of `denoiser.wasm` (the module is compiled once per thread). */
export function denoiserWasmInstance(): DenoiserWasm {
  compiled ??= new WebAssembly.Module(
    Deno.readFileSync(new URL("../wasm/denoiser.wasm", import.meta.url)),
  );
  return new WebAssembly.Instance(compiled, {}).exports as unknown as DenoiserWasm;
}

/** Byte offsets of the per-batch buffers. */
interface BatchBuffers {
  cap: number;
  grad: boolean;
  x: number;
  eps: number;
  sigma: number;
  coef: number;
  a0: number;
  h1: number;
  h2: number;
  h3: number;
  cat: number;
  h4: number;
  epsHat: number;
  losses: number;
  dE: number;
  dh4: number;
  dcat: number;
  dh3: number;
  dh2: number;
  dh1: number;
  scratch: number;
}

/**
 * A denoiser whose parameters, Adam state and work buffers stay in a WebAssembly instance.
 * Batches up to the largest seen so far reuse the same buffers.
 */
export class ResidentDenoiser {
  readonly shape: DenoiserShape;
  readonly opts: Required<AdamOptions>;
  #w: DenoiserWasm;
  #arena: WasmArena;
  #sizes: number[];
  /** Element offsets of each parameter array in the flat parameter block. */
  #offs: number[];
  #total: number;
  #p: number;
  #g: number;
  #m: number;
  #v: number;
  #buf: BatchBuffers | null = null;
  #t = 0;

  constructor(shape: DenoiserShape, params: Float32Array[], adam: AdamOptions) {
    this.shape = shape;
    this.opts = { ...ADAM_DEFAULTS, ...adam };
    this.#w = denoiserWasmInstance();
    const fixed = new WasmArena(this.#w.memory, this.#w.heapBase());
    this.#sizes = params.map((a) => a.length);
    this.#offs = [];
    let o = 0;
    for (const n of this.#sizes) (this.#offs.push(o), (o += n));
    this.#total = o;
    this.#p = fixed.alloc(4 * o);
    this.#g = fixed.alloc(8 * o);
    this.#m = fixed.alloc(8 * o);
    this.#v = fixed.alloc(8 * o);
    const top = fixed.alloc(0);
    this.#arena = new WasmArena(this.#w.memory, top);
    const pv = this.#f32(this.#p, o);
    params.forEach((a, i) => pv.set(a, this.#offs[i]));
    this.#f64(this.#m, o).fill(0);
    this.#f64(this.#v, o).fill(0);
  }

  #f32(at: number, n: number): Float32Array {
    return new Float32Array(this.#w.memory.buffer, at, n);
  }

  #f64(at: number, n: number): Float64Array {
    return new Float64Array(this.#w.memory.buffer, at, n);
  }

  /** Views of the resident parameters (valid until the next batch-buffer growth). */
  #paramViews(): Float32Array[] {
    return this.#sizes.map((n, i) => this.#f32(this.#p + 4 * this.#offs[i], n));
  }

  /** Copies of the current parameters. */
  params(): Float32Array[] {
    return this.#paramViews().map((a) => a.slice());
  }

  /** Buffers for batches of `b` images (with the backward pass's when `grad`). */
  #buffers(b: number, grad: boolean): BatchBuffers {
    const have = this.#buf;
    if (have && have.cap >= b && (have.grad || !grad)) return have;
    const cap = Math.max(b, have?.cap ?? 0), withGrad = grad || (have?.grad ?? false);
    const { side: s, channels: c } = this.shape, px = s * s, hp = (s / 2) * (s / 2);
    const a = this.#arena;
    a.reset();
    const f32 = (n: number) => a.alloc(4 * n);
    const scratch = Math.max(
      ...denoiserLayers(c).flatMap((l) => {
        const side = l.name === "mid" ? s / 2 : s;
        return [
          this.#w.forwardScratch(cap, side, side, l.cin, l.cout),
          withGrad ? this.#w.backwardScratch(cap, side, side, l.cin, l.cout, l.stride) : 0,
        ];
      }),
    );
    const buf: BatchBuffers = {
      cap,
      grad: withGrad,
      x: f32(cap * px),
      eps: f32(cap * px),
      sigma: f32(cap),
      coef: a.alloc(16 * cap),
      a0: f32(cap * px * 2),
      h1: f32(cap * px * c),
      h2: f32(cap * hp * 2 * c),
      h3: f32(cap * hp * 2 * c),
      cat: f32(cap * px * 3 * c),
      h4: f32(cap * px * c),
      epsHat: f32(cap * px),
      losses: f32(cap),
      dE: withGrad ? f32(cap * px) : 0,
      dh4: withGrad ? f32(cap * px * c) : 0,
      dcat: withGrad ? f32(cap * px * 3 * c) : 0,
      dh3: withGrad ? f32(cap * hp * 2 * c) : 0,
      dh2: withGrad ? f32(cap * hp * 2 * c) : 0,
      dh1: withGrad ? f32(cap * px * c) : 0,
      scratch: a.alloc(scratch),
    };
    this.#buf = buf;
    return buf;
  }

  /** Copy a batch in and compute the per-image input coefficients (1/√(1 + σ²), log σ). */
  #load(buf: BatchBuffers, x: Float32Array, eps: Float32Array, sigma: Float32Array): void {
    const b = sigma.length, px = this.shape.side * this.shape.side;
    this.#f32(buf.x, b * px).set(x.subarray(0, b * px));
    this.#f32(buf.eps, b * px).set(eps.subarray(0, b * px));
    this.#f32(buf.sigma, b).set(sigma);
    const coef = this.#f64(buf.coef, 2 * b);
    for (let n = 0; n < b; n++) {
      coef[2 * n] = 1 / Math.sqrt(1 + sigma[n] * sigma[n]);
      coef[2 * n + 1] = Math.log(sigma[n]);
    }
  }

  /**
   * Forward pass and loss of the loaded batch of `b` images (dL/dε̂ too when `grad`). Returns the
   * mean loss, or null when a convolution's precondition failed (nothing but work buffers
   * touched).
   */
  #forward(buf: BatchBuffers, b: number, grad: boolean): number | null {
    const w = this.#w, { side: s, channels: c } = this.shape, h = s / 2, px = s * s;
    const P = (i: number) => this.#p + 4 * this.#offs[i];
    const conv = (
      x: number,
      l: number,
      y: number,
      side: number,
      ci: number,
      co: number,
      st: number,
    ) =>
      w.conv3x3Forward(x, P(2 * l), P(2 * l + 1), y, buf.scratch, b, side, side, ci, co, st) !== 0;
    w.denoiserInput(buf.x, buf.eps, buf.sigma, buf.coef, buf.a0, b, px);
    if (!conv(buf.a0, 0, buf.h1, s, 2, c, 1)) return null;
    w.relu(buf.h1, b * px * c);
    if (!conv(buf.h1, 1, buf.h2, s, c, 2 * c, 2)) return null;
    w.relu(buf.h2, b * h * h * 2 * c);
    if (!conv(buf.h2, 2, buf.h3, h, 2 * c, 2 * c, 1)) return null;
    w.relu(buf.h3, b * h * h * 2 * c);
    w.upsampleConcat(buf.h3, buf.h1, buf.cat, b, h, h, 2 * c, c);
    if (!conv(buf.cat, 3, buf.h4, s, 3 * c, c, 1)) return null;
    w.relu(buf.h4, b * px * c);
    if (!conv(buf.h4, 4, buf.epsHat, s, c, 1, 1)) return null;
    return w.denoiserLoss(buf.eps, buf.epsHat, buf.sigma, buf.losses, grad ? buf.dE : 0, b, px);
  }

  /** Backward pass into the gradient block (zeroed first); false when a precondition failed. */
  #backward(buf: BatchBuffers, b: number): boolean {
    const w = this.#w, { side: s, channels: c } = this.shape, h = s / 2, px = s * s;
    const P = (i: number) => this.#p + 4 * this.#offs[i];
    const G = (i: number) => this.#g + 8 * this.#offs[i];
    this.#f64(this.#g, this.#total).fill(0);
    const conv = (
      x: number,
      l: number,
      dy: number,
      dx: number,
      side: number,
      ci: number,
      co: number,
      st: number,
    ) => {
      if (dx) this.#f32(dx, b * side * side * ci).fill(0);
      return w.conv3x3Backward(
        x,
        P(2 * l),
        dy,
        G(2 * l),
        G(2 * l + 1),
        dx,
        buf.scratch,
        b,
        side,
        side,
        ci,
        co,
        st,
      ) !== 0;
    };
    if (!conv(buf.h4, 4, buf.dE, buf.dh4, s, c, 1, 1)) return false;
    w.reluBackward(buf.dh4, buf.h4, b * px * c);
    if (!conv(buf.cat, 3, buf.dh4, buf.dcat, s, 3 * c, c, 1)) return false;
    w.upsampleConcatBackward(buf.dcat, buf.h3, buf.dh3, b, h, h, 2 * c, c);
    if (!conv(buf.h2, 2, buf.dh3, buf.dh2, h, 2 * c, 2 * c, 1)) return false;
    w.reluBackward(buf.dh2, buf.h2, b * h * h * 2 * c);
    if (!conv(buf.h1, 1, buf.dh2, buf.dh1, s, c, 2 * c, 2)) return false;
    w.concatSkipBackward(buf.dcat, buf.dh1, buf.h1, buf.dh1, b * px, 2 * c, c);
    return conv(buf.a0, 0, buf.dh1, 0, s, 2, c, 1);
  }

  /** One Adam step on the batch's mean loss; returns that loss (before the step). */
  trainStep(x: Float32Array, eps: Float32Array, sigma: Float32Array): number {
    const b = sigma.length;
    const buf = this.#buffers(b, true);
    this.#load(buf, x, eps, sigma);
    let loss = this.#forward(buf, b, true);
    if (loss === null || !this.#backward(buf, b)) {
      // a precondition of the exact kernels failed: the JS reference computes this step
      const ref = lossAndGradCpu(this.shape, this.#paramViews(), x, eps, sigma, JS_CONV);
      loss = ref.loss;
      const g = this.#f64(this.#g, this.#total);
      ref.grads.forEach((a, i) => g.set(a, this.#offs[i]));
    }
    const { learningRate: lr, beta1: b1, beta2: b2, epsilon } = this.opts;
    this.#t++;
    const c1 = 1 - b1 ** this.#t, c2 = 1 - b2 ** this.#t;
    this.#w.adamStep(
      this.#p,
      this.#g,
      this.#m,
      this.#v,
      this.#total,
      lr,
      b1,
      b2,
      1 - b1,
      1 - b2,
      c1,
      c2,
      epsilon,
    );
    return loss;
  }

  /** Per-image losses of `sigma.length` images (no gradient), written to `out` from `at`. */
  losses(x: Float32Array, eps: Float32Array, sigma: Float32Array, out: Float32Array, at = 0): void {
    const b = sigma.length;
    const buf = this.#buffers(b, false);
    this.#load(buf, x, eps, sigma);
    if (this.#forward(buf, b, false) !== null) out.set(this.#f32(buf.losses, b), at);
    else out.set(lossesCpu(this.shape, this.#paramViews(), x, eps, sigma, JS_CONV).losses, at);
  }
}

/**
 * A CPU trainer over copies of `params` on a {@link ResidentDenoiser} (the same numbers as
 * `makeCpuTrainer`, faster); evaluations run in chunks of `evalChunk` images.
 */
export function makeWasmTrainer(
  shape: DenoiserShape,
  params: Float32Array[],
  adam: AdamOptions,
  evalChunk = 256,
): DenoiserTrainer {
  const net = new ResidentDenoiser(shape, params, adam);
  const px = shape.side * shape.side;
  return {
    shape,
    trainStep: (x, eps, sigma) => Promise.resolve(net.trainStep(x, eps, sigma)),
    evalLosses(x, eps, sigma) {
      const n = sigma.length, out = new Float32Array(n);
      for (let from = 0; from < n; from += evalChunk) {
        const to = Math.min(n, from + evalChunk);
        net.losses(
          x.subarray(from * px, to * px),
          eps.subarray(from * px, to * px),
          sigma.subarray(from, to),
          out,
          from,
        );
      }
      return Promise.resolve(out);
    },
    params: () => Promise.resolve(net.params()),
    dispose() {},
  };
}

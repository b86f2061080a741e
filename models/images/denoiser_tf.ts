/**
 * The tfjs path of the image denoiser (for the WebGPU backend; see {@link ./denoiser.ts} for
 * the architecture). Same parameter layout, padding and Adam as the CPU path in
 * {@link ./denoiser_cpu.ts}, which is its reference in tests.
 * @module
 */
import type { loadTf } from "../../deps.ts";
import {
  ADAM_DEFAULTS,
  type AdamOptions,
  type DenoiserShape,
  type DenoiserTrainer,
  paramShapes,
} from "./denoiser.ts";

/** The tfjs namespace. */
export type Tf = Awaited<ReturnType<typeof loadTf>>;
type TfM = typeof import("@tensorflow/tfjs");
type Tensor = import("@tensorflow/tfjs").Tensor;
type Tensor4D = import("@tensorflow/tfjs").Tensor4D;
type Variable = import("@tensorflow/tfjs").Variable;

/** ε̂ for noisy images `xt` [B, s, s, 1] at levels `sigma` [B]. */
export function predictNoiseTf(
  tf: TfM,
  shape: DenoiserShape,
  v: Tensor[],
  xt: Tensor4D,
  sigma: Tensor,
): Tensor4D {
  const [wIn, bIn, wDown, bDown, wMid, bMid, wUp, bUp, wOut, bOut] = v as Tensor4D[];
  const b = xt.shape[0], s = shape.side;
  const s4 = sigma.reshape([b, 1, 1, 1]);
  const cin = tf.rsqrt(tf.add(1, tf.square(s4)));
  const level = tf.mul(tf.ones([b, s, s, 1]), tf.log(s4));
  const input = tf.concat([tf.mul(xt, cin), level], 3) as Tensor4D;
  const h1 = tf.relu(tf.add(tf.conv2d(input, wIn, 1, "same"), bIn)) as Tensor4D;
  const h2 = tf.relu(tf.add(tf.conv2d(h1, wDown, 2, "same"), bDown)) as Tensor4D;
  const h3 = tf.relu(tf.add(tf.conv2d(h2, wMid, 1, "same"), bMid)) as Tensor4D;
  const up = tf.image.resizeNearestNeighbor(h3, [s, s]);
  const cat = tf.concat([up, h1], 3) as Tensor4D;
  const h4 = tf.relu(tf.add(tf.conv2d(cat, wUp, 1, "same"), bUp)) as Tensor4D;
  return tf.add(tf.conv2d(h4, wOut, 1, "same"), bOut) as Tensor4D;
}

/** Per-image loss ‖σ(ε − ε̂)‖² / D, shape [B]. */
export function lossesTf(
  tf: TfM,
  shape: DenoiserShape,
  v: Tensor[],
  x: Tensor4D,
  eps: Tensor4D,
  sigma: Tensor,
): Tensor {
  const s4 = sigma.reshape([x.shape[0], 1, 1, 1]);
  const xt = tf.add(x, tf.mul(s4, eps)) as Tensor4D;
  const err = tf.mul(s4, tf.sub(eps, predictNoiseTf(tf, shape, v, xt, sigma)));
  return tf.mean(tf.square(err), [1, 2, 3]);
}

/**
 * A tfjs trainer on the current tfjs backend (set it before: `await tf.setBackend("webgpu")`).
 * One readback per step (the loss) and one per evaluation chunk.
 */
export function makeTfTrainer(
  tf: Tf,
  shape: DenoiserShape,
  params: Float32Array[],
  adam: AdamOptions,
  evalChunk = 512,
): DenoiserTrainer {
  const t = tf as unknown as TfM;
  const shapes = paramShapes(shape);
  const vars: Variable[] = params.map((a, i) => t.variable(t.tensor(a, shapes[i])));
  const o = { ...ADAM_DEFAULTS, ...adam };
  const optimizer = t.train.adam(o.learningRate, o.beta1, o.beta2, o.epsilon);
  const s = shape.side, px = s * s;
  const batch = (x: Float32Array, eps: Float32Array, sigma: Float32Array) => {
    const b = sigma.length;
    return [
      t.tensor4d(x, [b, s, s, 1]),
      t.tensor4d(eps, [b, s, s, 1]),
      t.tensor1d(sigma),
    ] as const;
  };
  return {
    shape,
    async trainStep(x, eps, sigma) {
      const loss = t.tidy(() => {
        const [xT, eT, sT] = batch(x, eps, sigma);
        return optimizer.minimize(
          () => t.mean(lossesTf(t, shape, vars, xT, eT, sT)) as import("@tensorflow/tfjs").Scalar,
          true,
          vars,
        )!;
      });
      const v = (await loss.data())[0];
      loss.dispose();
      return v;
    },
    async evalLosses(x, eps, sigma) {
      const n = sigma.length, out = new Float32Array(n);
      for (let from = 0; from < n; from += evalChunk) {
        const to = Math.min(n, from + evalChunk);
        const r = t.tidy(() => {
          const [xT, eT, sT] = batch(
            x.subarray(from * px, to * px),
            eps.subarray(from * px, to * px),
            sigma.subarray(from, to),
          );
          return lossesTf(t, shape, vars, xT, eT, sT);
        });
        out.set(await r.data(), from);
        r.dispose();
      }
      return out;
    },
    async params() {
      return await Promise.all(vars.map(async (v) => new Float32Array(await v.data())));
    },
    dispose() {
      optimizer.dispose();
      for (const v of vars) v.dispose();
    },
  };
}

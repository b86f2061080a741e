/**
 * Paper D's long-tailed class mixtures (seeded): the rebuttal's 2-D case 2 (head = two-bump
 * mixture, tail = one wide Gaussian) and the 1-D case 1 (two shifted Gaussians with imbalance).
 * Every class is a mixture of isotropic Gaussians, so exact scores are available for tests.
 * @module
 */
import type { PhiloxStream } from "./philox.ts";

/** One isotropic Gaussian component: weight, mean, standard deviation. */
export interface Component {
  weight: number;
  mean: number[];
  sd: number;
}

/** A class: its mixture and its training-set size. */
export interface ClassSpec {
  name: string;
  components: Component[];
  /** Number of training samples of this class. */
  n: number;
}

/** A long-tailed data model: classes in R^dim, head first. */
export interface LongTailedSpec {
  kind: "case1" | "case2";
  dim: number;
  classes: ClassSpec[];
}

/** Options of {@link longTailedSpec}. */
export interface LongTailedOptions {
  /** case 1: |class mean| μ (classes at −μ and +μ). */
  mu?: number;
  /** case 1: class standard deviation σ. */
  sigma?: number;
  /** Head training-set size. */
  nHead?: number;
  /** Imbalance ratio n_head / n_tail (10 for case 2, 2.5 for case 1 by default). */
  imbalance?: number;
}

/**
 * The spec of case 1 or case 2. Case 2 (rebuttal): head = ½N((−2,0), I) + ½N((2,0), I),
 * tail = N(0, 4I), 200 / 20 samples. Case 1: head N(−μ, σ²), tail N(μ, σ²), 50 / 20 samples.
 * @example
 * ```ts
 * import { longTailedSpec } from "./long_tailed.ts";
 * const s = longTailedSpec("case2");
 * s.classes.map((c) => c.n); // [200, 20]
 * ```
 */
export function longTailedSpec(kind: "case1" | "case2", o: LongTailedOptions = {}): LongTailedSpec {
  if (kind === "case2") {
    const nHead = o.nHead ?? 200;
    const nTail = Math.max(1, Math.round(nHead / (o.imbalance ?? 10)));
    return {
      kind,
      dim: 2,
      classes: [
        {
          name: "head",
          n: nHead,
          components: [{ weight: 0.5, mean: [-2, 0], sd: 1 }, { weight: 0.5, mean: [2, 0], sd: 1 }],
        },
        { name: "tail", n: nTail, components: [{ weight: 1, mean: [0, 0], sd: 2 }] },
      ],
    };
  }
  const mu = o.mu ?? 1, sigma = o.sigma ?? 1;
  const nHead = o.nHead ?? 50;
  const nTail = Math.max(1, Math.round(nHead / (o.imbalance ?? 2.5)));
  return {
    kind,
    dim: 1,
    classes: [
      { name: "head", n: nHead, components: [{ weight: 1, mean: [-mu], sd: sigma }] },
      { name: "tail", n: nTail, components: [{ weight: 1, mean: [mu], sd: sigma }] },
    ],
  };
}

/** `count` samples of class `cls` (row-major, `dim` columns) drawn from `stream`. */
export function sampleClass(
  stream: PhiloxStream,
  spec: LongTailedSpec,
  cls: number,
  count: number,
): Float64Array {
  const c = spec.classes[cls];
  const d = spec.dim;
  const out = new Float64Array(count * d);
  for (let i = 0; i < count; i++) {
    let u = stream.uniform(), k = 0;
    while (k < c.components.length - 1 && u >= c.components[k].weight) {
      u -= c.components[k++].weight;
    }
    const comp = c.components[k];
    for (let j = 0; j < d; j++) out[i * d + j] = comp.mean[j] + comp.sd * stream.normal();
  }
  return out;
}

/** Exact mean and covariance (row-major d×d) of class `cls`. */
export function classMoments(
  spec: LongTailedSpec,
  cls: number,
): { mean: Float64Array; cov: Float64Array } {
  const d = spec.dim;
  const mean = new Float64Array(d), cov = new Float64Array(d * d);
  for (const c of spec.classes[cls].components) {
    for (let j = 0; j < d; j++) mean[j] += c.weight * c.mean[j];
  }
  for (const c of spec.classes[cls].components) {
    for (let i = 0; i < d; i++) {
      cov[i * d + i] += c.weight * c.sd * c.sd;
      for (let j = 0; j < d; j++) {
        cov[i * d + j] += c.weight * (c.mean[i] - mean[i]) * (c.mean[j] - mean[j]);
      }
    }
  }
  return { mean, cov };
}

/**
 * Exact score ∇ log p_t(x) of class `cls` under the OU forward process at time t
 * (x_t = e^{-t} x_0 + √(1−e^{-2t}) ξ): each component becomes N(e^{-t}μ, (e^{-2t}sd² + 1 − e^{-2t}) I).
 */
export function exactScore(
  spec: LongTailedSpec,
  cls: number,
  x: ArrayLike<number>,
  t: number,
  out?: Float64Array,
): Float64Array {
  const d = spec.dim;
  const s = out ?? new Float64Array(d);
  const comps = spec.classes[cls].components;
  const a = Math.exp(-t), a2 = a * a;
  const logw: number[] = [];
  const vars: number[] = [];
  for (const c of comps) {
    const v = a2 * c.sd * c.sd + 1 - a2;
    let q = 0;
    for (let j = 0; j < d; j++) q += (x[j] - a * c.mean[j]) ** 2;
    vars.push(v);
    logw.push(Math.log(c.weight) - 0.5 * d * Math.log(v) - 0.5 * q / v);
  }
  const mx = Math.max(...logw);
  let z = 0;
  const w = logw.map((l) => (z += Math.exp(l - mx), Math.exp(l - mx)));
  s.fill(0);
  comps.forEach((c, k) => {
    for (let j = 0; j < d; j++) s[j] += (w[k] / z) * (-(x[j] - a * c.mean[j]) / vars[k]);
  });
  return s;
}

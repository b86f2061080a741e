/**
 * `dd.min-norm-peak`: the double descent of minimum-norm least squares. With isotropic Gaussian
 * features, the test risk of the ridgeless (minimum-norm) least-squares fit rises to a peak at
 * the interpolation threshold n = p and descends again on both sides; its level follows the
 * asymptotic formula of Hastie, Montanari, Rosset and Tibshirani (Ann. Statist. 2022, Thm 1).
 * An example claim pack: it imports only claimbench's public API.
 * @module
 */
import {
  anyNumber,
  bootstrap,
  check,
  type Estimate,
  meanCI,
  measuredVsPredicted,
  median,
  type Row,
  verdict,
  z,
} from "claimbench";
import { defineCase } from "claimbench";
import { asymptoticRisk, minNormFit } from "./min_norm.ts";

/** The claim: fixed bands, not config. */
export const CLAIM = {
  /** log(risk near n = p / risk away from it): > 0 means a peak at the threshold. */
  peakBand: [0, Infinity] as [number, number],
  /** Typical log(measured / asymptotic risk) over the grid: within ±0.25 (±28%). */
  agreementBand: [-0.25, 0.25] as [number, number],
};

const configSchema = z.object({
  p: z.number().int().min(4).max(2000).default(100).describe("number of features p"),
  ratios: z.array(z.number().positive().max(100)).min(4).max(32)
    .default([0.25, 0.5, 0.8, 0.9, 1.1, 1.25, 2, 4])
    .describe("sample sizes as n/p (n = p itself is excluded: the risk is infinite there)"),
  r2: z.number().positive().max(100).default(1).describe("signal strength ‖β‖²"),
  sigma2: z.number().positive().max(100).default(0.25).describe("noise variance σ²"),
  nearPeak: z.tuple([z.number().positive(), z.number().positive()]).default([0.8, 1.25])
    .describe("the n/p range counted as 'near the threshold' for the peak statistic"),
  agreement: z.enum(["median", "mean"]).default("median").describe(
    "how the per-point log(measured/theory) are summarised",
  ),
  resamples: z.number().int().min(100).max(100000).default(1000).describe("bootstrap resamples"),
}).strict();

/** The resolved config. */
export type DoubleDescentConfig = z.infer<typeof configSchema>;

const measurementSchema = z.object({
  p: z.number().int(),
  ns: z.array(z.number().int()),
  seeds: z.array(z.number().int()),
  /** risk[s][j]: test risk ‖β̂ − β‖² of seed s at grid point j. */
  risk: z.array(z.array(anyNumber)),
});

/** The measurement. */
export type DoubleDescentMeasurement = z.infer<typeof measurementSchema>;

/** The theory's risk at each grid point. */
export interface DoubleDescentPrediction {
  gamma: number[];
  risk: number[];
}

function meanCurve(m: DoubleDescentMeasurement, idx: ArrayLike<number>): number[] {
  return m.ns.map((_, j) => {
    let s = 0;
    for (let k = 0; k < idx.length; k++) s += m.risk[idx[k]][j];
    return s / idx.length;
  });
}

function peakStat(m: DoubleDescentMeasurement, c: DoubleDescentConfig, curve: number[]): number {
  const near: number[] = [], far: number[] = [];
  m.ns.forEach((n, j) => {
    const r = n / m.p;
    (r >= c.nearPeak[0] && r <= c.nearPeak[1] ? near : far).push(curve[j]);
  });
  if (!near.length || !far.length) return NaN;
  return Math.log(Math.min(...near) / Math.max(...far));
}

function agreementStat(c: DoubleDescentConfig, curve: number[], theory: number[]): number {
  const logs = curve.map((v, j) => Math.log(v / theory[j])).filter(Number.isFinite);
  if (!logs.length) return NaN;
  return c.agreement === "median" ? median(logs) : logs.reduce((a, b) => a + b, 0) / logs.length;
}

/** The case. */
export const minNormPeak = defineCase<
  DoubleDescentConfig,
  DoubleDescentMeasurement,
  DoubleDescentPrediction
>({
  id: "dd.min-norm-peak",
  paper:
    "Hastie, Montanari, Rosset, Tibshirani: Surprises in high-dimensional ridgeless least squares interpolation (Ann. Statist. 2022)",
  claim:
    "The test risk of minimum-norm least squares peaks at the interpolation threshold n = p and follows the asymptotic risk formula on both sides.",
  version: 1,
  claimSpec: CLAIM,
  measurementSchema,
  configSchema,
  profiles: {
    smoke: { p: 20, ratios: [0.25, 0.5, 0.8, 1.25, 2, 4], resamples: 200 },
    quick: {},
    full: { p: 400 },
  },
  params: {
    p: { source: "ours", note: "large enough for the asymptotics away from n = p" },
    ratios: { source: "ours", note: "both sides of the threshold, n = p excluded" },
    r2: { source: "paper", note: "Thm 1: any ‖β‖² = r²; r² = 1" },
    sigma2: { source: "ours", note: "SNR r²/σ² = 4" },
    nearPeak: { source: "ours", note: "the grid points next to n = p" },
    agreement: { source: "ours", note: "median: robust to the finite-p blow-up next to n = p" },
    resamples: { source: "ours", note: "bootstrap over seeds" },
  },
  alternatives: [
    { choice: "nearPeak", values: [[0.5, 2]], needs: "judge", note: "a wider neighbourhood" },
    { choice: "agreement", values: ["mean"], needs: "judge", note: "plain mean of the logs" },
    { choice: "p", values: [200], needs: "run", runIn: ["full"], note: "closer to the limit" },
  ],
  estimateSeconds: (c) => 1e-8 * c.p ** 3 * c.ratios.reduce((s, r) => s + r + 1 / r, 0) * 10,
  defaultSeeds: () => 10,
  run(ctx, c) {
    const ns = c.ratios.map((r) => Math.max(1, Math.round(r * c.p)));
    const risk = ctx.seeds.map((seed, s) =>
      ns.map((n, j) => {
        ctx.progress(s * ns.length + j, ctx.seeds.length * ns.length, `seed ${seed}, n=${n}`);
        const rng = ctx.stream("data", seed, j);
        const beta = new Float64Array(c.p);
        rng.fillNormal(beta);
        const norm = Math.sqrt(beta.reduce((a, b) => a + b * b, 0));
        for (let a = 0; a < c.p; a++) beta[a] *= Math.sqrt(c.r2) / norm;
        const x = rng.fillNormal(new Float64Array(n * c.p));
        const y = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          let s2 = 0;
          for (let a = 0; a < c.p; a++) s2 += x[i * c.p + a] * beta[a];
          y[i] = s2 + Math.sqrt(c.sigma2) * rng.normal();
        }
        const fit = minNormFit(x as Float64Array, y, n, c.p);
        let e = 0;
        for (let a = 0; a < c.p; a++) e += (fit[a] - beta[a]) ** 2;
        return e;
      })
    );
    return Promise.resolve({ p: c.p, ns, seeds: [...ctx.seeds], risk });
  },
  predict(c) {
    const gamma = c.ratios.map((r) => 1 / r);
    return { gamma, risk: gamma.map((g) => asymptoticRisk(g, c.r2, c.sigma2)) };
  },
  judge({ measurement: m, prediction }, c, j) {
    const theory = m.ns.map((n) => asymptoticRisk(m.p / n, c.r2, c.sigma2));
    const boot = (name: string, stat: (curve: number[]) => number): Estimate =>
      bootstrap(m.risk.length, (idx) => stat(meanCurve(m, idx)), {
        resamples: c.resamples,
        seed: j.seed(name),
      });
    const peak = boot("peak", (curve) => peakStat(m, c, curve));
    const agree = boot("agreement", (curve) => agreementStat(c, curve, theory));
    const curve = meanCurve(m, m.risk.map((_, i) => i));
    const top = m.ns[curve.indexOf(Math.max(...curve))] / m.p;
    return verdict([
      check("peak: log(min risk near n = p / max risk away from it)", peak, CLAIM.peakBand, {
        note: `near = n/p in [${c.nearPeak}]; the measured maximum is at n/p = ${top}`,
      }),
      check(
        `theory: ${c.agreement} of log(measured / asymptotic risk)`,
        agree,
        CLAIM.agreementBand,
        {
          note: `asymptotic risk at γ = p/n: ${
            prediction.risk.map((r) => r.toPrecision(3)).join(", ")
          }`,
        },
      ),
    ], [`the mean risk is largest at n/p = ${top} (grid ${c.ratios.join(", ")})`]);
  },
  charts({ measurement: m }, c) {
    const rows: Row[] = m.ns.map((n, j) => {
      const e = meanCI(m.risk.map((r) => r[j]));
      return { ratio: n / m.p, risk: e.value, lo: Math.max(e.lo, 1e-6), hi: e.hi };
    });
    const grid = Array.from({ length: 60 }, (_, i) => 0.2 * Math.pow(25, i / 59))
      .filter((r) => Math.abs(r - 1) > 0.04);
    return [{
      id: "risk",
      title: "Test risk against n/p",
      spec: measuredVsPredicted({
        title: "minimum-norm least squares: test risk against n/p",
        x: { field: "ratio", title: "n / p", log: true },
        y: { field: "risk", title: "test risk ‖β̂ − β‖²", log: true },
        measured: rows,
        ci: { lo: "lo", hi: "hi" },
        predicted: grid.map((r) => ({ ratio: r, risk: asymptoticRisk(1 / r, c.r2, c.sigma2) }))
          .filter((r) => r.risk < 100),
        predictedLabel: "asymptotic risk (Hastie et al., Thm 1)",
        rules: [{ x: 1, label: "n = p" }],
      }),
    }];
  },
  tidyRuns: (m) =>
    m.risk.flatMap((row, s) =>
      row.map((v, j) => ({
        seed: m.seeds[s],
        point: { p: m.p, n: m.ns[j] },
        observable: "test_risk",
        value: v,
        unit: "squared error",
      }))
    ),
});

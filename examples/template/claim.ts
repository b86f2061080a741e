/**
 * `paper.claim` — TEMPLATE written by `claimbench new`: replace the experiment, the theory and
 * the claim with your paper's. As written, it checks a textbook claim so that it runs and its
 * tests pass unchanged: the error of the mean of n Gaussian draws decays like n^(−1/2).
 * @module
 */
import {
  bootstrap,
  check,
  defineCase,
  type Estimate,
  linearFit,
  meanCI,
  measuredVsPredicted,
  type Row,
  verdict,
  z,
} from "claimbench";

/** The claim itself: its bands are fixed here, not in the config (`--set` cannot change them). */
export const CLAIM = {
  /** The exponent k of RMS error ∝ n^k: the theory says −1/2. */
  slopeBand: [-0.6, -0.4] as [number, number],
};

const configSchema = z.object({
  ns: z.array(z.number().int().min(2).max(1e7)).min(3).max(32).default([10, 30, 100, 300, 1000])
    .describe("sample sizes n (the grid)"),
  sigma: z.number().positive().max(1e3).default(1).describe("standard deviation of a draw"),
  trials: z.number().int().min(2).max(10000).default(50).describe("repetitions per n and seed"),
  fitFrom: z.number().int().min(0).max(30).default(0).describe(
    "index of the first n in the fit window (our choice)",
  ),
  resamples: z.number().int().min(100).max(100000).default(1000).describe("bootstrap resamples"),
}).strict();

/** The resolved config. */
export type ClaimConfig = z.infer<typeof configSchema>;

const measurementSchema = z.object({
  ns: z.array(z.number().int()),
  seeds: z.array(z.number().int()),
  /** rmse[s][j]: root-mean-square error of the mean, seed s, sample size ns[j]. */
  rmse: z.array(z.array(z.number())),
});

/** The measurement: per seed and n, the RMS error of the sample mean. */
export type ClaimMeasurement = z.infer<typeof measurementSchema>;

function slopeOf(m: ClaimMeasurement, c: ClaimConfig, idx: ArrayLike<number>): number {
  const xs: number[] = [], ys: number[] = [];
  for (let j = c.fitFrom; j < m.ns.length; j++) {
    let s = 0;
    for (let k = 0; k < idx.length; k++) s += m.rmse[idx[k]][j] ** 2;
    xs.push(Math.log(m.ns[j]));
    ys.push(0.5 * Math.log(s / idx.length));
  }
  return linearFit(xs, ys).slope;
}

/** The case. */
export const claim = defineCase<ClaimConfig, ClaimMeasurement, { slope: number }>({
  id: "paper.claim",
  paper: "Your paper (authors, venue, year)",
  claim: "The error of the sample mean decays like n^(−1/2).",
  version: 1,
  claimSpec: CLAIM,
  measurementSchema,
  configSchema,
  profiles: { smoke: { trials: 20, resamples: 200 }, quick: {}, full: { trials: 500 } },
  params: {
    ns: { source: "ours", note: "a decade and a half of n" },
    sigma: { source: "paper", note: "unit-variance draws" },
    trials: { source: "ours", note: "repetitions for a stable RMS error" },
    fitFrom: { source: "ours", note: "fit over the whole grid" },
    resamples: { source: "ours", note: "bootstrap over seeds" },
  },
  alternatives: [
    { choice: "fitFrom", values: [1], needs: "judge", note: "drop the smallest n from the fit" },
  ],
  estimateSeconds: (c) => 1e-8 * c.trials * c.ns.reduce((a, b) => a + b, 0) * 5,
  defaultSeeds: () => 5,
  run(ctx, c) {
    const rmse = ctx.seeds.map((seed) =>
      c.ns.map((n, j) => {
        const rng = ctx.stream("draws", seed, j);
        let se = 0;
        for (let t = 0; t < c.trials; t++) {
          let s = 0;
          for (let i = 0; i < n; i++) s += c.sigma * rng.normal();
          se += (s / n) ** 2;
        }
        return Math.sqrt(se / c.trials);
      })
    );
    return Promise.resolve({ ns: [...c.ns], seeds: [...ctx.seeds], rmse });
  },
  predict: () => ({ slope: -0.5 }),
  judge({ measurement: m }, c, j) {
    const slope: Estimate = bootstrap(m.rmse.length, (idx) => slopeOf(m, c, idx), {
      resamples: c.resamples,
      seed: j.seed("slope"),
    });
    return verdict([
      check("exponent k of RMS error ∝ n^k", slope, CLAIM.slopeBand, {
        note: `fit over n ≥ ${m.ns[c.fitFrom]}; theory k = −1/2`,
      }),
    ]);
  },
  charts({ measurement: m }, c) {
    const rows: Row[] = m.ns.map((n, j) => {
      const e = meanCI(m.rmse.map((r) => r[j]));
      return { n, rmse: e.value, lo: e.lo, hi: e.hi };
    });
    return [{
      id: "rmse",
      title: "RMS error of the mean against n",
      spec: measuredVsPredicted({
        title: "RMS error of the sample mean against n",
        x: { field: "n", title: "sample size n", log: true },
        y: { field: "rmse", title: "RMS error", log: true },
        measured: rows,
        ci: { lo: "lo", hi: "hi" },
        predicted: m.ns.map((n) => ({ n, rmse: c.sigma / Math.sqrt(n) })),
        predictedLabel: "theory σ/√n",
      }),
    }];
  },
  tidyRuns: (m) =>
    m.rmse.flatMap((row, s) =>
      row.map((v, j) => ({
        seed: m.seeds[s],
        point: { n: m.ns[j] },
        observable: "rmse",
        value: v,
        unit: "1",
      }))
    ),
});

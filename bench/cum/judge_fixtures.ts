/**
 * Synthetic measurements for the mutation tests of the Paper B judges: overlap curves that jump
 * from a low level to a plateau at a chosen n*(d) (a power law in d with a small deterministic
 * per-seed spread), no training. Per case one set that satisfies the claim and, per primary
 * check, one that violates it.
 * @module
 */
import type { JudgeFixture } from "../testing.ts";
import type { CumMeasurement, RunSet } from "./_experiment.ts";
import { capAt, type CumConfig } from "./_common.ts";

/** n* of seed index `i` at d (null: the direction is never learned). */
type NStarOf = (d: number, i: number) => number | null;

/** A direction's synthetic behaviour: when it jumps and to which plateau. */
interface Direction {
  n: NStarOf;
  plateau: number;
}

const LOW = 0.02;
const NEVER: Direction = { n: () => null, plateau: LOW };

/** Deterministic per-seed spread of ±15% (no two seeds alike, no randomness). */
const spread = (d: number, i: number) => Math.exp(0.15 * Math.sin(1.7 * i + 0.3 * d + 0.5));

/** n* = a·d^k, spread per seed. */
const power = (a: number, k: number): NStarOf => (d, i) => a * Math.pow(d, k) * spread(d, i);

/** The logged curve of one run: LOW before n*, the plateau from n* on. */
function curve(n: number | null, plateau: number, logs: number, every: number): number[] {
  return Array.from(
    { length: logs },
    (_, l) => (n !== null && (l + 1) * every >= n ? plateau : LOW),
  );
}

/** A measurement of the main sets of `c` (every d × step size) with directions u and v. */
export function synthMeasurement(
  c: Record<string, unknown>,
  u: Direction,
  v: Direction,
): CumMeasurement {
  const cfg = c as unknown as CumConfig;
  // 12 seeds (not the profile's 32): enough for decisive CIs at a ±15% spread, and cheap to judge
  const seeds = Array.from({ length: Math.min(cfg.seeds, 12) }, (_, i) => i);
  const sets: RunSet[] = [];
  for (const d of cfg.dims) {
    for (const st of cfg.stepSizes) {
      const cap = capAt(cfg, d);
      const every = Math.max(1, Math.floor(cap / cfg.logPoints));
      const logs = Math.floor(cap / every);
      const nOf = (dir: Direction, i: number) => {
        const n = dir.n(d, i);
        return n === null || n > cap ? null : Math.max(1, Math.round(n));
      };
      const nu = seeds.map((i) => nOf(u, i)), nv = seeds.map((i) => nOf(v, i));
      const cross = (ns: (number | null)[], dir: Direction, thr: number) =>
        ns.map((n) => (n !== null && dir.plateau > thr ? n : null));
      sets.push({
        variant: "main",
        d,
        c: st.c,
        a: st.a,
        eta: st.c * Math.pow(d, -st.a),
        K: cfg.K,
        act: cfg.act as RunSet["act"],
        latent: cfg.latent as RunSet["latent"],
        betaU: cfg.betaU,
        cap,
        logEvery: every,
        thresholdU: cfg.thresholdU,
        thresholdV: cfg.thresholdV,
        seeds,
        crossU: cross(nu, u, cfg.thresholdU),
        crossV: cross(nv, v, cfg.thresholdV),
        failedAt: seeds.map(() => null),
        logU: nu.map((n) => curve(n, u.plateau, logs, every)),
        logV: nv.map((n) => curve(n, v.plateau, logs, every)),
      });
    }
  }
  return { backend: "cpu", sets };
}

/** The judge fixtures of the Paper B cases. */
export const fixtures: JudgeFixture[] = [
  {
    caseId: "cum.pairwise-linear",
    // n*_u ≈ 15·d (k = 1), as measured
    satisfying: (c) => synthMeasurement(c, { n: power(15, 1), plateau: 0.95 }, NEVER),
    violating: [{
      check: /exponent k of n\*_u/,
      // k = 1.8, still below the cap 50·d at every quick d
      measurement: (c) => synthMeasurement(c, { n: power(0.4, 1.8), plateau: 0.95 }, NEVER),
    }],
  },
  {
    caseId: "cum.quartic-cubic",
    // n*_v ≈ 5·d³ (k = 3), below the cap 50·d³; u (no signal) never crosses
    satisfying: (c) => synthMeasurement(c, NEVER, { n: power(5, 3), plateau: 0.95 }),
    violating: [{
      check: /exponent k of n\*_v/,
      // k = 2: cheaper than the claimed lower bound
      measurement: (c) => synthMeasurement(c, NEVER, { n: power(40, 2), plateau: 0.95 }),
    }],
  },
  {
    caseId: "cum.correlated-linear",
    // both linear, n*_v ≈ 2·n*_u; plateaus as CLAIMS.md's numpy check (u 0.91, v 0.37)
    satisfying: (c) =>
      synthMeasurement(c, { n: power(10, 1), plateau: 0.9 }, { n: power(20, 1), plateau: 0.3 }),
    violating: [
      {
        check: /exponent k of n\*_v/,
        // k = 2 for both: the ratio does not trend, the exponent is off
        measurement: (c) =>
          synthMeasurement(c, { n: power(0.02, 2), plateau: 0.9 }, {
            n: power(0.04, 2),
            plateau: 0.3,
          }),
      },
      {
        check: /slope of log\(n\*_v \/ n\*_u\)/,
        // v linear, u at d^0.4: the ratio grows like d^0.6
        measurement: (c) =>
          synthMeasurement(c, { n: power(30, 0.4), plateau: 0.9 }, {
            n: power(20, 1),
            plateau: 0.3,
          }),
      },
    ],
  },
];

/**
 * Synthetic measurements for the mutation tests of the Paper D judges: for each case one that
 * satisfies the claim and, per primary check, one that violates it. Built by a small
 * deterministic generator (no training).
 * @module
 */
import type { JudgeFixture } from "../testing.ts";
import { geometricCheckpoints } from "../../models/lt/igd.ts";

type Cfg = Record<string, unknown>;

/** Deterministic noise in [−0.5, 0.5) for (seed, index). */
function noise(s: number, k: number): number {
  const x = Math.sin(s * 12.9898 + k * 78.233 + 0.5) * 43758.5453;
  return x - Math.floor(x) - 0.5;
}

const seedIds = (n: number) => Array.from({ length: n }, (_, i) => i);

/** A tiny sample preview (`methods` × 2 classes, 2-D). */
function preview(methods: number) {
  const pts = [0, 0, 1, 1, -1, 0.5];
  return {
    classNames: ["head", "tail"],
    preview: Array.from({ length: methods }, () => [pts, pts]),
    previewTrue: [pts, pts],
  };
}

/** Nash-gap curves best[s][b][k] = (T+1)^exponent, with small per-seed noise. */
function nashGap(c: Cfg, exponent: number) {
  const betas = c.betas as number[], n = c.seeds as number;
  const checkpoints = geometricCheckpoints(c.gapSteps as number, c.checkpointsPerOctave as number);
  const best = seedIds(n).map((s) =>
    betas.map((_, b) =>
      checkpoints.map((t, k) => (1 + 0.05 * noise(s, k + 31 * b)) * Math.pow(t + 1, exponent))
    )
  );
  return { seeds: seedIds(n), betas, checkpoints, best, gap: best };
}

/** Worst-case-V measurement from a per-β profile of the worst-class FD. */
function worstCaseV(c: Cfg, profile: (b: number, B: number) => number, runaway = false) {
  const betas = c.betas as number[], n = c.seeds as number, B = betas.length;
  const worst = seedIds(n).map((s) =>
    betas.map((_, b) =>
      profile(b, B) + 0.05 * noise(s, b) + (runaway && s === 3 && b === 0 ? 20 : 0)
    )
  );
  // a run keeps the samples of β = 0, of the lowest mean worst-class FD and of the largest β
  const means = betas.map((_, b) => worst.reduce((a, r) => a + r[b], 0) / n);
  const lowest = means.indexOf(Math.min(...means));
  return {
    ...preview(new Set([0, lowest, B - 1]).size),
    seeds: seedIds(n),
    betas,
    fd: worst.map((r) => r.map((w) => [0.6 * w, w])),
    kl: null,
    worst,
  };
}

const tuning = { grid: [1e-3, 1e-2, 0.1], meanWorst: [2.5, 2.2, 2.4], best: 1e-2 };

/** Case-2 measurement: head and tail FD as functions of the τ index fraction u ∈ [0, 1]. */
function case2(c: Cfg, head: (u: number) => number, tail: (u: number) => number) {
  const taus = c.taus as number[], n = c.seeds as number;
  return {
    ...preview(2),
    seeds: seedIds(n),
    taus,
    betas: taus.map((t) => t * tuning.best),
    tuning,
    fd: seedIds(n).map((s) =>
      taus.map((t, k) => [head(t) + 0.05 * noise(s, k), tail(t) + 0.05 * noise(s, k + 17)])
    ),
  };
}

/** Baselines measurement from the worst-class FD of (vanilla, CBDM, mutual). */
function baselines(c: Cfg, levels: [number, number, number]) {
  const n = c.seeds as number;
  const worst = seedIds(n).map((s) => levels.map((v, k) => v + 0.05 * noise(s, k)));
  return {
    ...preview(3),
    seeds: seedIds(n),
    methods: ["vanilla (β=0)", "CBDM τ=1", "mutual β=0.01"],
    betaTuning: tuning,
    tauTuning: { grid: [0.1, 1], meanWorst: [2.6, 2.5], best: 1 },
    fd: worst.map((r) => r.map((w) => [0.6 * w, w])),
    worst,
  };
}

/** A V with its minimum at the middle of the grid. */
const vShape = (b: number, B: number) => 2 + 0.2 * Math.abs(b - Math.floor(B / 2));

/** The Paper D fixtures. */
export const fixtures: JudgeFixture[] = [
  {
    caseId: "lt.nash-gap",
    satisfying: (c) => nashGap(c, -0.5),
    violating: [{ check: /gap exponent/, measurement: (c) => nashGap(c, -0.2) }],
  },
  {
    caseId: "lt.worst-case-v",
    // one runaway seed at β = 0 must not decide the robust left arm
    satisfying: (c) => worstCaseV(c, vShape, true),
    violating: [
      // increasing in β: vanilla is best, the left arm is < 0
      { check: /left arm/, measurement: (c) => worstCaseV(c, (b) => 2 + 0.1 * b) },
      // decreasing in β: the largest β is best, the right arm is < 0
      { check: /right arm/, measurement: (c) => worstCaseV(c, (b) => 3 - 0.1 * b) },
    ],
  },
  {
    caseId: "lt.case2",
    satisfying: (c) => case2(c, (u) => 2.8 - 0.8 * u, () => 2),
    violating: [
      { check: /^head FD\(τ=0\)/, measurement: (c) => case2(c, (u) => 2 + 0.8 * u, () => 2) },
      {
        check: /^tail FD relative/,
        measurement: (c) => case2(c, (u) => 2.8 - 0.8 * u, (u) => 2 + 0.6 * u),
      },
    ],
  },
  {
    caseId: "lt.baselines",
    satisfying: (c) => baselines(c, [3, 2.5, 2]),
    violating: [
      { check: /CBDM\) − worst\(mutual/, measurement: (c) => baselines(c, [3, 2.5, 2.8]) },
      { check: /vanilla\) − worst\(CBDM/, measurement: (c) => baselines(c, [3, 3.3, 2]) },
    ],
  },
];

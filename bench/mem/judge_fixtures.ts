/**
 * Synthetic measurements for the mutation tests of the Paper C judges: P(Δ>0) and H² curves drawn
 * from closed forms (no training), one set that satisfies each claim and, per primary check, one
 * that violates it.
 * @module
 */
import type { JudgeFixture } from "../testing.ts";
import type { ConventionMeasurement, DimMeasurement } from "./_experiment.ts";
import { trainingSize } from "./_experiment.ts";

interface Grid {
  dims: number[];
  ratios: number[];
  seeds: number;
  conventions: ("bbT" | "bTb")[];
}

const gridOf = (c: Record<string, unknown>): Grid => c as unknown as Grid;

/**
 * A logistic P curve in log(n/d): P = 1/2 at `center`, rising from 0.1 to 0.9 over `width`
 * (in n/d, centred in log scale).
 */
export function logisticP(center: number, width: number): (r: number) => number {
  // P(r) = σ(k·log(r/center)); x(0.9)/x(0.1) = e^{2 ln 9 / k}; solve k from the width
  // x(0.9) − x(0.1) = center·(e^{a} − e^{−a}) with a = ln 9 / k
  const a = Math.asinh(width / (2 * center));
  const k = Math.log(9) / a;
  return (r) => 1 / (1 + Math.exp(-k * Math.log(r / center)));
}

/**
 * Trials × ratios indicators whose column means are `p(r)` (rounded to whole trials): trial t is
 * 1 at ratio r when its rank (a fixed permutation of t) falls below p(r)·trials, so columns are
 * nested as the real, paired design's are.
 */
function indicators(trials: number, ratios: number[], p: (r: number) => number): (0 | 1)[][] {
  const rank = (t: number) => (t * 37 + 11) % trials;
  return Array.from(
    { length: trials },
    (_, t) => ratios.map((r) => (rank(t) < Math.round(p(r) * trials) ? 1 : 0) as 0 | 1),
  );
}

/** Trials × ratios H² values around `h(r)` with a small deterministic spread. */
function h2Rows(trials: number, ratios: number[], h: (r: number) => number): number[][] {
  return Array.from(
    { length: trials },
    (_, t) => ratios.map((r, j) => Math.min(1, Math.max(0, h(r) + 0.01 * Math.sin(7 * t + 3 * j)))),
  );
}

/** A smooth H² curve: ≈ 1 up to `onset`·0.8, then falling. */
function hellingerCurve(onset: number): (r: number) => number {
  return (r) => 1 / (1 + Math.exp(6 * (r / onset - 1.3)));
}

function measurement(
  g: Grid,
  pAt: (d: number) => (r: number) => number,
  hAt: (d: number) => (r: number) => number,
): DimMeasurement[] {
  return g.dims.map((d) => {
    const ns = g.ratios.map((r) => trainingSize(r, d));
    const ratios = ns.map((n) => n / d);
    const conventions: Partial<Record<"bbT" | "bTb", ConventionMeasurement>> = {};
    for (const conv of g.conventions) {
      conventions[conv] = {
        deltaPositive: indicators(g.seeds, ratios, pAt(d)),
        h2: h2Rows(g.seeds, ratios, hAt(d)),
        traceOverD: h2Rows(g.seeds, ratios, () => 1),
      };
    }
    return { d, ns, ratios, conventions };
  });
}

// satisfying: crossing at n/d = 1.2, widths 1.2 → 0.4 as d grows, monotone; H² onset ≈ 1.3
const goodP = (g: Grid) => (d: number) => {
  const k = g.dims.indexOf(d) / Math.max(1, g.dims.length - 1);
  return logisticP(1.2, 1.2 - 0.8 * k);
};
const goodH = () => hellingerCurve(1);

/** A P curve that reaches 1, falls to 0.2 at n/d = 2, and comes back. */
const droppingP = (base: (r: number) => number) => (r: number) =>
  r > 1.6 && r < 2.5 ? 0.2 : base(r);

/** The fixtures of both Paper C cases. */
export const fixtures: JudgeFixture[] = [
  {
    caseId: "mem.transition",
    satisfying: (c) => measurement(gridOf(c), goodP(gridOf(c)), goodH),
    violating: [
      {
        check: /^crossing n\*\/d/,
        measurement: (c) => measurement(gridOf(c), () => logisticP(3, 1), goodH),
      },
      {
        check: /^width\(/,
        measurement: (c) => {
          const g = gridOf(c);
          // the transition widens with d
          return measurement(g, (d) => {
            const k = g.dims.indexOf(d) / Math.max(1, g.dims.length - 1);
            return logisticP(1.2, 0.4 + 0.8 * k);
          }, goodH);
        },
      },
      {
        check: /^largest drop of P/,
        measurement: (c) => {
          const g = gridOf(c);
          const good = goodP(g);
          return measurement(g, (d) => droppingP(good(d)), goodH);
        },
      },
    ],
  },
  {
    caseId: "mem.hellinger-onset",
    satisfying: (c) => measurement(gridOf(c), goodP(gridOf(c)), goodH),
    violating: [
      {
        check: /^onset n\/d/,
        measurement: (c) => measurement(gridOf(c), goodP(gridOf(c)), () => hellingerCurve(3.5)),
      },
    ],
  },
];

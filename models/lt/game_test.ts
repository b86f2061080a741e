import assert from "node:assert/strict";
import { PhiloxStream } from "../../datasets/philox.ts";
import { drawFeatures, timeBiasTable, timeGrid } from "./features.ts";
import {
  bestResponder,
  bestResponse,
  buildPool,
  cbdmGradientDirect,
  cbdmRegValue,
  cbdmSystem,
  classGaps,
  mutualLossDirect,
  mutualSystem,
  nashGap,
  PoolStats,
  solveStationary,
} from "./game.ts";
import { geometricCheckpoints, runIgd } from "./igd.ts";

/** A small 2-class, 2-D game. */
function smallGame(m = 8, draws = 64) {
  const grid = timeGrid(0.05, 2, 8, "geometric");
  const nets = [0, 1].map((c) =>
    drawFeatures(new PhiloxStream(1, "f", c), 2, m, 3, { wScale: 1, uScale: 1, bScale: 1 }, 0.05, 2)
  );
  const tb = nets.map((f) => timeBiasTable(f, grid));
  const data = [
    new PhiloxStream(1, "d", 0).fillNormal(new Float64Array(20), 1, -1) as Float64Array,
    new PhiloxStream(1, "d", 1).fillNormal(new Float64Array(6), 2, 0) as Float64Array,
  ];
  const pool = buildPool(new PhiloxStream(1, "p"), data, nets, tb, grid, draws, 1);
  return { pool, stats: new PoolStats(pool), m };
}

function randomA(seed: number, d: number, m: number, scale: number): Float64Array {
  return new PhiloxStream(seed, "A").fillNormal(new Float64Array(d * m), scale) as Float64Array;
}

Deno.test("the quadratic gap equals the directly summed loss minus the loss at the best response", () => {
  const { pool, stats, m } = smallGame();
  const beta = 0.3, ridge = 1e-3;
  const br = bestResponder(mutualSystem(stats, beta, ridge));
  const A = [randomA(1, 2, m, 3), randomA(2, 2, m, 3)];
  const gaps = classGaps(br, A);
  for (let y = 0; y < 2; y++) {
    const star = bestResponse(br, A, y);
    const Ab = A.slice();
    Ab[y] = star;
    const direct = mutualLossDirect(pool, A, y, beta, ridge) -
      mutualLossDirect(pool, Ab, y, beta, ridge);
    assert.ok(gaps[y] >= 0);
    assert.ok(
      Math.abs(direct - gaps[y]) <= 1e-9 * Math.max(1, Math.abs(direct)),
      `${direct} vs ${gaps[y]}`,
    );
  }
});

Deno.test("the exact best response beats any gradient step from it", () => {
  const { pool, stats, m } = smallGame();
  const beta = 0.1, ridge = 1e-3;
  const br = bestResponder(mutualSystem(stats, beta, ridge));
  const A = [randomA(3, 2, m, 2), randomA(4, 2, m, 2)];
  const rng = new PhiloxStream(9, "dir");
  for (let y = 0; y < 2; y++) {
    const star = bestResponse(br, A, y);
    const base = mutualLossDirect(
      pool,
      [y === 0 ? star : A[0], y === 1 ? star : A[1]],
      y,
      beta,
      ridge,
    );
    for (const eta of [1e-3, 1e-1, 10]) {
      const dir = rng.fillNormal(new Float64Array(2 * m)) as Float64Array;
      const moved = star.map((v, i) => v + eta * dir[i]);
      const L = mutualLossDirect(
        pool,
        [y === 0 ? moved : A[0], y === 1 ? moved : A[1]],
        y,
        beta,
        ridge,
      );
      assert.ok(L >= base - 1e-12 * Math.abs(base), `step ${eta} lowered the loss: ${L} < ${base}`);
    }
  }
});

Deno.test("the Nash point of the game (closed-form joint solve) has gap 0; other points do not", () => {
  const { stats, m } = smallGame();
  for (const beta of [0, 0.05, 1]) {
    const sys = mutualSystem(stats, beta, 1e-3);
    const br = bestResponder(sys);
    const A = solveStationary(sys);
    const g = nashGap(br, A);
    const scale = nashGap(br, [new Float64Array(2 * m), new Float64Array(2 * m)]);
    assert.ok(g >= 0 && g <= 1e-10 * scale, `gap ${g} at β=${beta} (scale ${scale})`);
    const off = [A[0].map((v) => v * 1.1), A[1]];
    assert.ok(nashGap(br, off) > 1e-6 * scale);
  }
});

Deno.test("IGD drives the exact gap down and is deterministic", () => {
  const { pool, stats } = smallGame();
  const sys = mutualSystem(stats, 0.1, 1e-2);
  const br = bestResponder(sys);
  const run = () =>
    runIgd(pool, br, {
      beta: 0.1,
      ridge: 1e-2,
      steps: 256,
      batch: 8,
      fullBatch: false,
      lr: 1,
      smoothness: [1, 1].map((_, y) => {
        let mx = 0;
        for (let j = 0; j < sys.m; j++) mx = Math.max(mx, sys.H[y][j * sys.m + j]);
        return 2 * mx * sys.m / (sys.m * sys.m);
      }),
      schedule: "invsqrt",
      checkpoints: geometricCheckpoints(256, 2),
      drawKey: new PhiloxStream(5, "igd").key,
    });
  const a = run(), b = run();
  assert.deepEqual(a.gap, b.gap);
  assert.ok(
    a.best[a.best.length - 1] < 0.5 * a.gap[0],
    `gap ${a.gap[0]} → ${a.best[a.best.length - 1]}`,
  );
  for (let k = 1; k < a.best.length; k++) assert.ok(a.best[k] <= a.best[k - 1]);
});

Deno.test("full-batch IGD with a constant step 1/L converges to the exact Nash point", () => {
  const { pool, stats } = smallGame();
  const sys = mutualSystem(stats, 0.1, 1e-2);
  const m = sys.m;
  // L_y ≥ 2 λ_max(H_y)/m² by Gershgorin (largest absolute row sum)
  const L = sys.H.map((h) => {
    let mx = 0;
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < m; j++) s += Math.abs(h[i * m + j]);
      mx = Math.max(mx, s);
    }
    return 2 * mx / (m * m);
  });
  const r = runIgd(pool, bestResponder(sys), {
    beta: 0.1,
    ridge: 1e-2,
    steps: 4096,
    batch: 1,
    fullBatch: true,
    lr: 1,
    smoothness: L,
    schedule: "constant",
    checkpoints: [0, 4096],
    drawKey: new PhiloxStream(5, "igd").key,
  });
  assert.ok(r.gap[1] < 1e-6 * r.gap[0], `gap ${r.gap[0]} → ${r.gap[1]}`);
});

Deno.test("CBDM regularizer matches a hand-computed value", () => {
  // s_y = (1, 2), s_y' = (0, 0.5): ‖Δ‖² = 1 + 2.25 = 3.25; w = τ t/T = 0.5 · 1/2 = 0.25
  // L_reg = 0.25 · 3.25 + 0.25 · 0.25 · 3.25 = 0.8125 + 0.203125 = 1.015625
  assert.equal(cbdmRegValue([1, 2], [0, 0.5], 1, 2, 0.5), 1.015625);
  assert.equal(cbdmRegValue([1, 2], [0, 0.5], 0, 2, 0.5), 0);
});

Deno.test("the CBDM fixed point zeroes the directly summed stop-gradient training gradient", () => {
  const { pool, stats, m } = smallGame();
  const priors = [10 / 13, 3 / 13];
  const A = solveStationary(cbdmSystem(stats, 0.7, priors, 1e-3));
  for (let y = 0; y < 2; y++) {
    const g = cbdmGradientDirect(pool, A, y, 0.7, priors, 1e-3);
    const g0 = cbdmGradientDirect(
      pool,
      [new Float64Array(2 * m), new Float64Array(2 * m)],
      y,
      0.7,
      priors,
      1e-3,
    );
    const n = Math.hypot(...g), n0 = Math.hypot(...g0);
    assert.ok(n <= 1e-9 * n0, `|grad| ${n} vs ${n0}`);
  }
});

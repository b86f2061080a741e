/**
 * WGSL of the unrolled thread-per-run pSGD kernel: the thread-per-run kernel of `sgd_wgsl.ts`
 * (one invocation per run) generated for one (d, K), with every loop over coordinates, neurons
 * and Philox rounds written out, so that the weights, samples and sums are named scalars
 * (registers) for the whole dispatch instead of storage-buffer elements.
 *
 * Why: on a software adapter (llvmpipe) the lanes of a SIMD vector are runs, and a storage access
 * whose address differs per lane is a loop over the lanes; the loop kernel makes about a dozen of
 * them per coordinate and step. Here the weights are read and written once per dispatch, and the
 * only loop left is the one over steps (one back-edge a step, so llvmpipe's loop budget allows
 * many more steps per dispatch).
 *
 * It performs the loop kernel's floating-point operations, on the same values, in the same
 * order, so it gives the same bits (tested against it). Accumulators start from a 0.0 the
 * compiler cannot see (`P.zeroBits`), as the loop kernel's do from a loop-carried value: folding
 * `0.0 + a` to `a` would change the sign of a zero sum. Code size grows with K·d, so the host uses
 * it up to a bounded d (`sgd_kernel.ts`).
 * @module
 */
import {
  SGD_REGISTER_BINDINGS_WGSL,
  SGD_THREAD_ENTRY_WGSL,
  SGD_THREAD_STEP_END_WGSL,
  sgdPrelude,
} from "./sgd_wgsl.ts";
import { PHILOX_UNROLLED_WGSL } from "./philox_unrolled_wgsl.ts";

/** Largest K·d the generator accepts (the shader's size grows with it). */
export const UNROLLED_MAX_KD = 4096;

/** Loop back-edges one step of the unrolled kernel takes: the step loop's only. */
export const UNROLLED_LOOPS_PER_STEP = 1;

/**
 * WGSL of the unrolled thread-per-run kernel for dimension `d` and `K` neurons (bindings: P,
 * runs, W, state, logs; workgroups of {@link SGD_THREAD_WORKGROUP} runs, as the loop kernel).
 */
export function sgdUnrolledWgsl(d: number, K: number): string {
  if (
    !Number.isInteger(d) || d < 2 || !Number.isInteger(K) || K < 1 || K > 4 ||
    K * d > UNROLLED_MAX_KD
  ) {
    throw new RangeError(
      `unrolled pSGD kernel: d ${d} (≥ 2), K ${K} (1–4), K·d ≤ ${UNROLLED_MAX_KD}`,
    );
  }
  const blocks = Math.ceil(d / 2);
  const ks = [...Array(K).keys()], is = [...Array(d).keys()], js = [...Array(blocks).keys()];
  const w = (k: number, i: number) => `w${k}_${i}`;
  const lines: string[] = [];
  const out = (s: string) => lines.push(s);
  // Gram–Schmidt, classical order (as gramSchmidt of the loop kernel)
  const gs = (ind: string) => {
    for (const k of ks) {
      for (let j = 0; j < k; j++) {
        out(`${ind}{ var dot = Z;`);
        for (const i of is) out(`${ind}  dot += ${w(k, i)} * ${w(j, i)};`);
        for (const i of is) out(`${ind}  ${w(k, i)} -= dot * ${w(j, i)};`);
        out(`${ind}}`);
      }
      out(`${ind}{ var n = Z;`);
      for (const i of is) out(`${ind}  n += ${w(k, i)} * ${w(k, i)};`);
      out(`${ind}  let inv = 1.0 / sqrt(n);`);
      for (const i of is) out(`${ind}  ${w(k, i)} *= inv;`);
      out(`${ind}}`);
    }
  };
  out(ks.flatMap((k) => is.map((i) => `  var ${w(k, i)}: f32;`)).join(""));
  out(is.map((i) => `  var x${i}: f32; var xt${i}: f32;`).join(""));
  out(`  if (P.stepStart == 1u) {`);
  for (const k of ks) {
    for (const j of js) {
      out(`    { let nz = normal2(philox4x32u(vec4<u32>(${j}u, ${k}u, 1u, 0u), key));`);
      out(`      ${w(k, 2 * j)} = nz.x;${2 * j + 1 < d ? ` ${w(k, 2 * j + 1)} = nz.y;` : ""} }`);
    }
  }
  gs("    ");
  out(`  } else {`);
  for (const k of ks) for (const i of is) out(`    ${w(k, i)} = W[wo + ${k * d + i}u];`);
  out(`  }`);
  out(`  for (var t = P.stepStart; t < P.stepEnd; t++) {`);
  out(`    let gnu = latentOf(${blocks}u, t, key);`);
  out(`    var lam = vec4<f32>(Z); var mu = vec4<f32>(Z);`);
  for (const j of js) {
    out(`    { let xx = sampleBlock(${j}u, t, key, gnu);`);
    for (const q of [0, 1]) {
      const i = 2 * j + q, c = q ? "y" : "x";
      if (i >= d) break;
      out(`      x${i} = xx[0].${c}; xt${i} = xx[1].${c};`);
      for (const k of ks) {
        out(`      lam[${k}] += ${w(k, i)} * xt${i}; mu[${k}] += ${w(k, i)} * x${i};`);
      }
    }
    out(`    }`);
  }
  out(`    var sg = vec4<f32>(0.0); var sp = vec4<f32>(0.0);`);
  for (const k of ks) out(`    { let a = act(lam[${k}]); sg[${k}] = a.x; sp[${k}] = a.y; }`);
  out(`    let coef = sp * (sg - mu);`);
  for (const i of is) {
    out(`    { var res = -x${i};`);
    for (const k of ks) out(`      res += ${w(k, i)} * sg[${k}];`);
    for (const k of ks) {
      out(`      ${w(k, i)} -= eta * 2.0 * (sg[${k}] * res + coef[${k}] * xt${i});`);
    }
    out(`    }`);
  }
  gs("    ");
  out(`    var ou = Z; var ov = Z; var bad = false;`);
  for (const k of ks) {
    out(`    ou = max(ou, abs(${w(k, 0)})); ov = max(ov, abs(${w(k, 1)}));`);
    out(`    bad = bad || nonFinite(${w(k, 0)}) || nonFinite(${w(k, 1)});`);
  }
  return sgdPrelude("philox4x32u") + PHILOX_UNROLLED_WGSL + /* wgsl */ `
${SGD_REGISTER_BINDINGS_WGSL}
${SGD_THREAD_ENTRY_WGSL}  let Z = bitcast<f32>(P.zeroBits);
  let wo = run * ${K * d}u;
${lines.join("\n")}
${SGD_THREAD_STEP_END_WGSL}  }
${ks.flatMap((k) => is.map((i) => `  W[wo + ${k * d + i}u] = ${w(k, i)};`)).join("\n")}
  state[run] = st;
}
`;
}

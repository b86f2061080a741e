/**
 * Tables of the correctly rounded Box–Muller in `assembly/box_muller.ts`, computed exactly in
 * fixed point (BigInt, 2⁻²⁰⁰) and written as `assembly/box_muller_tables.ts` by `deno task wasm`
 * (a test checks that the committed file is what this module renders).
 *
 * - log: for x ∈ [1, 2) in 128 cells, cᵢ (10 significant bits, ≈ 1/cell centre; c₀ = 1,
 *   c₁₂₇ = ½) and −log cᵢ as a double-double (hi a multiple of 2⁻⁴³, so k·ln2_hi + hi is exact).
 * - sin/cos: sin and cos of 2πi/256 (i < 256), each split as a 26-bit head and a double tail.
 * - the constants ln 2 and 2π/256 split for exact products (Cody–Waite).
 * @module
 */

/** Fixed-point fraction bits. */
const FB = 200n;
const ONE = 1n << FB;
const SCALE = 2 ** 200;

/** π in fixed point: 3 + the first 192 fraction bits (hex digits 243F6A88…). */
export const PI_FIXED = (3n << FB) +
  (0x243F6A8885A308D313198A2E03707344A4093822299F31D0n << (FB - 192n));

/** log(p/q) in fixed point for p, q > 0 with 1/3 ≤ p/q ≤ 3 (2·atanh series). */
export function lnFixed(p: bigint, q: bigint): bigint {
  const a = p - q, b = p + q;
  let sum = 0n, num = a * ONE, den = b;
  for (let k = 1n;; k += 2n) {
    const term = num / (den * k);
    if (term === 0n) break;
    sum += term;
    num *= a * a, den *= b * b;
  }
  return 2n * sum;
}

/** sin and cos of an angle φ ∈ [0, π/2] given in fixed point (Taylor series). */
export function sinCosFixed(phi: bigint): [bigint, bigint] {
  let s = 0n, c = 0n, term = ONE;
  for (let k = 0n; term !== 0n; k++) {
    // term = φ^k / k!
    if (k % 2n === 0n) c += k % 4n === 0n ? term : -term;
    else s += k % 4n === 1n ? term : -term;
    term = k === 0n ? phi : (term * phi) / ((k + 1n) << FB);
  }
  return [s, c];
}

/** A fixed-point value as a double (rounded to nearest). */
export function toDouble(v: bigint): number {
  return Number(v) / SCALE;
}

/** A double as a fixed-point value (exact for the values used here, multiples of 2⁻²⁰⁰). */
function toFixed(x: number): bigint {
  return BigInt(x * SCALE);
}

/** Round `v` to a multiple of 2^-bits: the head of a split. */
function roundTo(v: bigint, bits: bigint): bigint {
  const sh = FB - bits;
  return ((v + (1n << (sh - 1n))) >> sh) << sh;
}

/** Head with `sig` significant bits (as a double) and the rest (rounded to a double). */
export function splitSig(v: bigint, sig: number): [number, number] {
  if (v === 0n) return [0, 0];
  const mag = v < 0n ? -v : v;
  const e = BigInt(mag.toString(2).length) - FB; // 2^(e-1) ≤ |v| < 2^e
  const head = roundTo(v, BigInt(sig) - e);
  return [toDouble(head), toDouble(v - head)];
}

/** Cells of the log table. */
export const LOG_CELLS = 128;
/** Cells of the sin/cos table (per full turn). */
export const TRIG_CELLS = 256;

/** The tables and constants, as doubles. */
export interface BoxMullerTables {
  /** Per log cell: c, −log(c) head (multiple of 2⁻⁴³), −log(c) tail. */
  log: number[];
  /** Per trig cell: sin head (26 bits), sin tail, cos head (26 bits), cos tail. */
  trig: number[];
  /** ln 2 as head (multiple of 2⁻⁴³) and tail. */
  ln2: [number, number];
  /** 2π/256 as 44 + 44 bits and a double tail. */
  step: [number, number, number];
}

/** Compute every table entry. */
export function boxMullerTables(): BoxMullerTables {
  const log: number[] = [];
  for (let i = 0; i < LOG_CELLS; i++) {
    // c = m / 1024: 1 for cell 0, ½ for the last cell, else 1/centre rounded to 10 bits
    const m = i === 0
      ? 1024
      : i === LOG_CELLS - 1
      ? 512
      : Math.round(1024 / (1 + (i + 0.5) / LOG_CELLS));
    const t = lnFixed(1024n, BigInt(m)); // −log(m/1024)
    const head = roundTo(t, 43n);
    log.push(m / 1024, toDouble(head), toDouble(t - head));
  }
  const l2 = lnFixed(2n, 1n), l2h = roundTo(l2, 43n);
  const trig: number[] = [];
  const quarter = TRIG_CELLS / 4;
  for (let i = 0; i < TRIG_CELLS; i++) {
    const q = Math.floor(i / quarter), r = i % quarter;
    const [s, c] = sinCosFixed((PI_FIXED * BigInt(r)) / BigInt(TRIG_CELLS / 2));
    const [sn, cs] = q === 0 ? [s, c] : q === 1 ? [c, -s] : q === 2 ? [-s, -c] : [-c, s];
    trig.push(...splitSig(sn, 26), ...splitSig(cs, 26));
  }
  const stepFixed = (PI_FIXED * 2n) / BigInt(TRIG_CELLS);
  const [c1] = splitSig(stepFixed, 44);
  const rest = stepFixed - toFixed(c1);
  const [c2] = splitSig(rest, 44);
  const c3 = toDouble(rest - toFixed(c2));
  return { log, trig, ln2: [toDouble(l2h), toDouble(l2 - l2h)], step: [c1, c2, c3] };
}

/** A double as an AssemblyScript literal that parses back to the same double. */
function lit(x: number): string {
  return Object.is(x, -0) ? "-0.0" : String(x);
}

/** Rows of `per` values, padded with zeros to `width` per row. */
function rows(values: number[], per: number, width: number): string {
  const out: string[] = [];
  for (let i = 0; i < values.length; i += per) {
    const row = values.slice(i, i + per);
    while (row.length < width) row.push(0);
    out.push("  " + row.map(lit).join(", ") + ",");
  }
  return out.join("\n");
}

/** The AssemblyScript source of `assembly/box_muller_tables.ts`. */
export function renderBoxMullerTables(t: BoxMullerTables = boxMullerTables()): string {
  return `// Generated by models/wasm/box_muller_tables.ts (\`deno task wasm\`); do not edit.
// Tables of the correctly rounded Box–Muller in box_muller.ts (exact values rounded to doubles).

/** Per log cell i of x ∈ [1, 2) (${LOG_CELLS}): c, −log(c) head, −log(c) tail, 0 (32 bytes). */
export const LOG_TAB: usize = memory.data<f64>([
${rows(t.log, 3, 4)}
], 16);

/** Per angle 2πi/${TRIG_CELLS}: sin head (26 bits), sin tail, cos head (26 bits), cos tail. */
export const TRIG_TAB: usize = memory.data<f64>([
${rows(t.trig, 4, 4)}
], 16);

/** ln 2 = LN2_HI (a multiple of 2⁻⁴³) + LN2_LO. */
export const LN2_HI: f64 = ${lit(t.ln2[0])};
export const LN2_LO: f64 = ${lit(t.ln2[1])};
/** 2π/${TRIG_CELLS} = STEP1 + STEP2 (44 bits each) + STEP3. */
export const STEP1: f64 = ${lit(t.step[0])};
export const STEP2: f64 = ${lit(t.step[1])};
export const STEP3: f64 = ${lit(t.step[2])};
`;
}

/** Where the rendered tables live. */
export const TABLES_SOURCE = new URL("assembly/box_muller_tables.ts", import.meta.url);

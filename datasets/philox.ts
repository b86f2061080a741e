/**
 * Philox4x32-10, a counter-based PRNG (Salmon et al., SC'11). The same integers come out of
 * {@link philox4x32} here and of `philox4x32` in {@link PHILOX_WGSL} inside a shader, so a
 * GPU kernel and its CPU reference can draw identical random streams (tested bit for bit).
 * @module
 */

const M0 = 0xD2511F53;
const M1 = 0xCD9E8D57;
const W0 = 0x9E3779B9;
const W1 = 0xBB67AE85;

/** High 32 bits of the 64-bit product of two u32, computed with 16-bit halves (as in WGSL). */
export function mulhi32(a: number, b: number): number {
  const a0 = a & 0xffff, a1 = a >>> 16, b0 = b & 0xffff, b1 = b >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) >>> 0;
}

/**
 * Ten Philox rounds over a 128-bit counter (c0..c3) with a 64-bit key (k0, k1).
 * Writes four u32 into `out` (default: a new Uint32Array).
 * @example
 * ```ts
 * import { philox4x32 } from "./philox.ts";
 * const r = philox4x32(0, 0, 0, 0, 0, 0); // [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]
 * ```
 */
export function philox4x32(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array = new Uint32Array(4),
): Uint32Array {
  c0 >>>= 0, c1 >>>= 0, c2 >>>= 0, c3 >>>= 0, k0 >>>= 0, k1 >>>= 0;
  for (let i = 0; i < 10; i++) {
    const hi0 = mulhi32(M0, c0), lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi32(M1, c2), lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  out[0] = c0, out[1] = c1, out[2] = c2, out[3] = c3;
  return out;
}

/** A u32 as a float in [0, 1) with 24 random bits: exactly what `u01` in WGSL returns. */
export function u32ToUnitF32(x: number): number {
  return (x >>> 8) * 5.9604644775390625e-8; // 2^-24
}

/** 64-bit FNV-1a-like hash of a string and integers to a Philox key (two u32). */
export function streamKey(seed: number, name: string, ...ids: number[]): [number, number] {
  let h0 = 0x811c9dc5 ^ (seed >>> 0), h1 = 0x01000193 ^ Math.floor(seed / 4294967296);
  const mix = (v: number) => {
    h0 = Math.imul(h0 ^ v, 0x01000193) >>> 0;
    h1 = Math.imul(h1 ^ (v + 0x9e37), 0x85ebca6b) >>> 0;
    h1 = (h1 ^ (h0 >>> 13)) >>> 0;
  };
  for (let i = 0; i < name.length; i++) mix(name.charCodeAt(i));
  mix(0xff);
  for (const id of ids) mix(id >>> 0), mix(Math.floor(id / 4294967296) >>> 0);
  // final avalanche through one Philox call so nearby names give unrelated keys
  const r = philox4x32(h0, h1, 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344);
  return [r[0], r[1]];
}

/**
 * A named, seeded random stream on the CPU: block `i` of the stream is
 * `philox4x32(i, 0, 0, 0, key)`, consumed four u32 at a time.
 */
export class PhiloxStream {
  readonly key: [number, number];
  #block = 0;
  #buf = new Uint32Array(4);
  #pos = 4;
  #spareNormal: number | null = null;

  /** A stream for (`seed`, `name`, ...`ids`): the same arguments always give the same numbers. */
  constructor(seed: number, name: string, ...ids: number[]) {
    this.key = streamKey(seed, name, ...ids);
  }

  /** A fresh stream with a given key (e.g. `ctx.stream(…).key` sent to a worker). */
  static fromKey(key: readonly [number, number]): PhiloxStream {
    const s = new PhiloxStream(0, "");
    (s as { key: [number, number] }).key = [key[0], key[1]];
    return s;
  }

  /** The next u32. */
  nextU32(): number {
    if (this.#pos === 4) {
      philox4x32(
        this.#block >>> 0,
        Math.floor(this.#block / 4294967296),
        0,
        0,
        this.key[0],
        this.key[1],
        this.#buf,
      );
      this.#block++;
      this.#pos = 0;
    }
    return this.#buf[this.#pos++];
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextU32() >>> 5, b = this.nextU32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** A standard normal (Box–Muller, both values used). */
  normal(): number {
    if (this.#spareNormal !== null) {
      const s = this.#spareNormal;
      this.#spareNormal = null;
      return s;
    }
    const u1 = 1 - this.uniform(); // (0, 1]
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    this.#spareNormal = r * Math.sin(2 * Math.PI * u2);
    return r * Math.cos(2 * Math.PI * u2);
  }

  /** Fill `out` with standard normals. */
  fillNormal(out: Float64Array | Float32Array, scale = 1, shift = 0): typeof out {
    for (let i = 0; i < out.length; i++) out[i] = shift + scale * this.normal();
    return out;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }
}

/** Box–Muller on two u32 exactly as `normal2` in WGSL (models/gpu/philox_wgsl.ts), evaluated in f64 (the CPU reference). */
export function normal2FromU32(x: number, y: number): [number, number] {
  const u1 = 1 - u32ToUnitF32(x), u2 = u32ToUnitF32(y);
  const rad = Math.sqrt(-2 * Math.log(u1));
  const th = 2 * Math.PI * u2;
  return [rad * Math.cos(th), rad * Math.sin(th)];
}

/** `k` distinct indices of [0, n), in draw order (partial Fisher–Yates). */
export function sampleWithoutReplacement(
  n: number,
  k: number,
  rng: { int(n: number): number },
): Int32Array {
  const a = new Int32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + rng.int(n - i);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a.slice(0, k);
}

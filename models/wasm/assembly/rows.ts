// AssemblyScript source of models/wasm/rows.wasm (build: `deno task wasm`). The f64 row
// kernels of Paper A's GD trainers (models/fl/batch.ts is the JS reference), in the
// reference's exact operation order so both give the same bits:
// - innerProducts: P[r, j] = Σ_k W[r, k] X[j, k], k ascending from 0, in tiles of 2 rows of W
//   × 8 rows of X (lanes = rows of X, read from Xᵀ stored in blocks of 8 columns);
// - addRowCombinations: out[r] += ((c0 X_a + c1 X_b) + c2 X_c) + c3 X_d over the nonzero
//   coefficients of row r in groups of four (then one at a time), two coordinates per lane;
// - diffusionLossGrad / classifierLossGrad: one whole loss-and-gradient evaluation of
//   models/fl/diffusion.ts and models/fl/classifier.ts on buffers that stay in this memory for a
//   whole GD run (Xᵀ built once per run by transposeRows), and gdUpdate, W −= η ∇.
// exp, log1p and ** are the JavaScript engine's own (imported), so the classifier's loss and
// coefficients round exactly like its JS reference.

@external("./math_imports.ts", "exp") declare function jsExp(x: f64): f64;
@external("./math_imports.ts", "log1p") declare function jsLog1p(x: f64): f64;
@external("./math_imports.ts", "pow") declare function jsPow(x: f64, y: f64): f64;

@inline function align16(n: usize): usize {
  return (n + 15) & ~(<usize>15);
}

@inline function madd(acc: v128, a: v128, b: v128): v128 {
  return f64x2.add(acc, f64x2.mul(a, b));
}

/** First byte the caller may use, 16-aligned. */
export function heapBase(): usize {
  return align16(__heap_base);
}

/** Scratch bytes {@link innerProducts} needs for R rows of length d. */
export function innerScratch(R: i32, d: i32): usize {
  return align16(<usize>(padded(R) * d) << 3);
}

/**
 * P (M × R, f64) = W (M × d) Xᵀ (X: R × d). Scratch: {@link innerScratch} bytes, 16-aligned
 * (holds Xᵀ in blocks of 8 columns, see {@link transposeRows}).
 */
export function innerProducts(W: usize, X: usize, P: usize, scratch: usize, M: i32, R: i32, d: i32): void {
  products(W, X, P, scratch, M, R, d, false);
}

/**
 * G = W Wᵀ (M × M, f64), as {@link innerProducts} with X = W but only the tiles on or above the
 * diagonal, the rest mirrored (each entry is the same sum, k ascending, as its mirror).
 */
export function gram(W: usize, G: usize, scratch: usize, M: i32, d: i32): void {
  products(W, W, G, scratch, M, M, d, true);
  for (let r = 1; r < M; r++) {
    for (let q = 0; q < r; q++) {
      store<f64>(G + (<usize>(r * M + q) << 3), load<f64>(G + (<usize>(q * M + r) << 3)));
    }
  }
}

function products(
  W: usize, X: usize, P: usize, scratch: usize, M: i32, R: i32, d: i32, upper: bool,
): void {
  transposeRows(X, scratch, R, d);
  productsT(W, scratch, P, M, R, d, upper);
}

/** Columns of the transposed row block {@link transposeRows} writes (R rounded up to 8). */
@inline function padded(R: i32): i32 {
  return (R + 7) & ~7;
}

/**
 * Width of the last, partial block of {@link transposeRows} (R − 8⌊R/8⌋ rows rounded up to 2,
 * 4 or 8; 0 when R is a multiple of 8).
 */
@inline function tailWidth(R: i32): i32 {
  const t = R & 7;
  return t == 0 ? 0 : t <= 2 ? 2 : t <= 4 ? 4 : 8;
}

/**
 * Xᵀ of R rows of length d in blocks of 8 rows: xt[(b·d + k)·8 + l] = X[(8b + l)·d + k], so a
 * block of 8 columns of Xᵀ is contiguous; the rows past the last multiple of 8 (j0 = 8⌊R/8⌋)
 * form one narrower block of width w = {@link tailWidth}(R), xt[j0·d + k·w + l], padded with zero
 * rows. Needs {@link innerScratch}(R, d) bytes at `xt`.
 */
export function transposeRows(X: usize, xt: usize, R: i32, d: i32): void {
  const R8 = R & ~7, d2 = d & ~1, rowB = <usize>d << 3;
  for (let j0 = 0; j0 < R8; j0 += 8) {
    // two coordinates of the 8 rows at a time: 8 loads, 8 shuffles, 8 stores
    const x = X + <usize>j0 * rowB, o = xt + (<usize>(j0 * d) << 3);
    for (let k = 0; k < d2; k += 2) {
      const p = x + (<usize>k << 3), q = o + (<usize>k << 6);
      for (let l = 0; l < 8; l += 2) {
        const v0 = v128.load(p + <usize>l * rowB), v1 = v128.load(p + <usize>(l + 1) * rowB);
        v128.store(q + (<usize>l << 3), v128.shuffle<f64>(v0, v1, 0, 2));
        v128.store(q + (<usize>l << 3), v128.shuffle<f64>(v0, v1, 1, 3), 64);
      }
    }
    if (d2 < d) {
      for (let l = 0; l < 8; l++) {
        st(o + (<usize>d2 << 6), l, load<f64>(X + (<usize>((j0 + l) * d + d2) << 3)));
      }
    }
  }
  const w = tailWidth(R);
  if (w == 0) return;
  const o = xt + (<usize>(R8 * d) << 3);
  for (let k = 0; k < d; k++) {
    for (let l = 0; l < w; l++) {
      const j = R8 + l;
      st(o, k * w + l, j < R ? load<f64>(X + (<usize>(j * d + k) << 3)) : 0);
    }
  }
}

/**
 * P (M × R) = W Xᵀ from a prebuilt {@link transposeRows} block `xt` (the tiles of
 * {@link innerProducts}; with `upper` only the tiles on or above the diagonal). Every P[r, j] is
 * one sum over k ascending from 0, whatever tile computes it.
 */
export function productsT(
  W: usize, xt: usize, P: usize, M: i32, R: i32, d: i32, upper: bool,
): void {
  const R8 = R & ~7;
  // a block of 8 columns of Xᵀ (8 d f64, contiguous) stays in L1 while every pair of rows of W
  // passes
  for (let j = 0; j < R8; j += 8) {
    block8(W, xt + (<usize>(j * d) << 3), P, M, R, d, j, upper ? min(M, j + 8) : M);
  }
  const w = tailWidth(R);
  if (w == 0) return;
  const xb = xt + (<usize>(R8 * d) << 3), rEnd = upper ? min(M, R8 + w) : M;
  if (w == 8) block8(W, xb, P, M, R, d, R8, rEnd);
  else if (w == 4) block4(W, xb, P, M, R, d, R8, rEnd);
  else block2(W, xb, P, M, R, d, R8, rEnd);
}

/** Rows r < rEnd of P against a block of 8 columns (tiles of 2 rows × 8 columns, k unrolled by 2). */
function block8(W: usize, xb: usize, P: usize, M: i32, R: i32, d: i32, j: i32, rEnd: i32): void {
  const rowB = <usize>d << 3, even = <usize>(d & ~1) << 3;
  for (let r = 0; r < rEnd; r += 2) {
    const w0 = W + <usize>r * rowB;
    const w1 = r + 1 < M ? w0 + rowB : w0; // an odd last row is computed twice, stored once
    let a0 = f64x2.splat(0), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
    let xp = xb, p0 = w0, p1 = w1;
    const pEnd = w0 + even;
    for (; p0 < pEnd; p0 += 16, p1 += 16, xp += 128) {
      // W[r, k], W[r, k + 1] in one load, each spread over both lanes by a shuffle
      const wu = v128.load(p0), wv = v128.load(p1);
      let u = v128.shuffle<f64>(wu, wu, 0, 0), v = v128.shuffle<f64>(wv, wv, 0, 0);
      let x = v128.load(xp);
      a0 = madd(a0, u, x); b0 = madd(b0, v, x);
      x = v128.load(xp, 16);
      a1 = madd(a1, u, x); b1 = madd(b1, v, x);
      x = v128.load(xp, 32);
      a2 = madd(a2, u, x); b2 = madd(b2, v, x);
      x = v128.load(xp, 48);
      a3 = madd(a3, u, x); b3 = madd(b3, v, x);
      u = v128.shuffle<f64>(wu, wu, 1, 1); v = v128.shuffle<f64>(wv, wv, 1, 1);
      x = v128.load(xp, 64);
      a0 = madd(a0, u, x); b0 = madd(b0, v, x);
      x = v128.load(xp, 80);
      a1 = madd(a1, u, x); b1 = madd(b1, v, x);
      x = v128.load(xp, 96);
      a2 = madd(a2, u, x); b2 = madd(b2, v, x);
      x = v128.load(xp, 112);
      a3 = madd(a3, u, x); b3 = madd(b3, v, x);
    }
    if (p0 < w0 + rowB) {
      const u = v128.load64_splat(p0), v = v128.load64_splat(p1);
      const x0 = v128.load(xp), x1 = v128.load(xp, 16), x2 = v128.load(xp, 32), x3 = v128.load(xp, 48);
      a0 = madd(a0, u, x0); a1 = madd(a1, u, x1); a2 = madd(a2, u, x2); a3 = madd(a3, u, x3);
      b0 = madd(b0, v, x0); b1 = madd(b1, v, x1); b2 = madd(b2, v, x2); b3 = madd(b3, v, x3);
    }
    storeRow(P, r, R, j, a0, a1, a2, a3);
    if (r + 1 < M) storeRow(P, r + 1, R, j, b0, b1, b2, b3);
  }
}

/** Row r + i of W, or row r when r + i ≥ M (computed, never stored). */
@inline function rowOr(W: usize, r: i32, i: i32, M: i32, rowB: usize): usize {
  return W + <usize>(r + i < M ? r + i : r) * rowB;
}

/** Rows r < rEnd of P against a tail block of 4 columns (tiles of 4 rows × 4 columns). */
function block4(W: usize, xb: usize, P: usize, M: i32, R: i32, d: i32, j: i32, rEnd: i32): void {
  const rowB = <usize>d << 3;
  for (let r = 0; r < rEnd; r += 4) {
    let p0 = rowOr(W, r, 0, M, rowB), p1 = rowOr(W, r, 1, M, rowB);
    let p2 = rowOr(W, r, 2, M, rowB), p3 = rowOr(W, r, 3, M, rowB);
    let a0 = f64x2.splat(0), a1 = a0, b0 = a0, b1 = a0, c0 = a0, c1 = a0, e0 = a0, e1 = a0;
    let xp = xb;
    const pEnd = p0 + rowB;
    for (; p0 < pEnd; p0 += 8, p1 += 8, p2 += 8, p3 += 8, xp += 32) {
      const x0 = v128.load(xp), x1 = v128.load(xp, 16);
      const u0 = v128.load64_splat(p0), u1 = v128.load64_splat(p1);
      const u2 = v128.load64_splat(p2), u3 = v128.load64_splat(p3);
      a0 = madd(a0, u0, x0); a1 = madd(a1, u0, x1); b0 = madd(b0, u1, x0); b1 = madd(b1, u1, x1);
      c0 = madd(c0, u2, x0); c1 = madd(c1, u2, x1); e0 = madd(e0, u3, x0); e1 = madd(e1, u3, x1);
    }
    storeLanes(P, r, R, j, a0);
    storeLanes(P, r, R, j + 2, a1);
    if (r + 1 < M) {
      storeLanes(P, r + 1, R, j, b0);
      storeLanes(P, r + 1, R, j + 2, b1);
    }
    if (r + 2 < M) {
      storeLanes(P, r + 2, R, j, c0);
      storeLanes(P, r + 2, R, j + 2, c1);
    }
    if (r + 3 < M) {
      storeLanes(P, r + 3, R, j, e0);
      storeLanes(P, r + 3, R, j + 2, e1);
    }
  }
}

/** Rows r < rEnd of P against a tail block of 2 columns (tiles of 4 rows × 2 columns). */
function block2(W: usize, xb: usize, P: usize, M: i32, R: i32, d: i32, j: i32, rEnd: i32): void {
  const rowB = <usize>d << 3;
  for (let r = 0; r < rEnd; r += 4) {
    let p0 = rowOr(W, r, 0, M, rowB), p1 = rowOr(W, r, 1, M, rowB);
    let p2 = rowOr(W, r, 2, M, rowB), p3 = rowOr(W, r, 3, M, rowB);
    let a0 = f64x2.splat(0), b0 = a0, c0 = a0, e0 = a0;
    let xp = xb;
    const pEnd = p0 + rowB;
    for (; p0 < pEnd; p0 += 8, p1 += 8, p2 += 8, p3 += 8, xp += 16) {
      const x0 = v128.load(xp);
      a0 = madd(a0, v128.load64_splat(p0), x0); b0 = madd(b0, v128.load64_splat(p1), x0);
      c0 = madd(c0, v128.load64_splat(p2), x0); e0 = madd(e0, v128.load64_splat(p3), x0);
    }
    storeLanes(P, r, R, j, a0);
    if (r + 1 < M) storeLanes(P, r + 1, R, j, b0);
    if (r + 2 < M) storeLanes(P, r + 2, R, j, c0);
    if (r + 3 < M) storeLanes(P, r + 3, R, j, e0);
  }
}

@inline function storeLanes(P: usize, r: i32, R: i32, j: i32, v: v128): void {
  const o = P + (<usize>(r * R + j) << 3);
  if (j < R) store<f64>(o, f64x2.extract_lane(v, 0));
  if (j + 1 < R) store<f64>(o, f64x2.extract_lane(v, 1), 8);
}

function storeRow(P: usize, r: i32, R: i32, j: i32, a0: v128, a1: v128, a2: v128, a3: v128): void {
  storeLanes(P, r, R, j, a0);
  storeLanes(P, r, R, j + 2, a1);
  storeLanes(P, r, R, j + 4, a2);
  storeLanes(P, r, R, j + 6, a3);
}

/** Scratch bytes {@link addRowCombinations} needs for M rows of R coefficients. */
export function combineScratch(M: i32, R: i32): usize {
  return align16(<usize>(M * R) << 3) + align16(<usize>(M * R) << 2) + align16(<usize>M << 2);
}

/**
 * out[r] += scale · Σ_j C[r·R + j] · X[j] for r < M (rows of length d, f64), zero coefficients
 * skipped, the others applied four rows at a time. Scratch: {@link combineScratch} bytes.
 */
export function addRowCombinations(
  out: usize, C: usize, X: usize, scratch: usize, M: i32, R: i32, d: i32, scale: f64,
): void {
  combine(out, C, X, scratch, M, R, d, scale, 4);
}

/**
 * out[r] += C[r·R + j] · X[j] for r < M, one nonzero coefficient at a time in order of j (the
 * loop `out[r·d + k] += c · X[j·d + k]`); scratch as {@link addRowCombinations}.
 */
export function addRowsInOrder(out: usize, C: usize, X: usize, scratch: usize, M: i32, R: i32, d: i32): void {
  combine(out, C, X, scratch, M, R, d, 1, 1);
}

/** Coordinates per block of {@link combine} (even; smaller blocks measured no faster at d ≤ 1000). */
const KB = 256;

/**
 * The nonzero coefficients of every row (scaled, with their X rows) are listed first; then, block
 * of KB coordinates by block, each out row takes them in `group`s of four (then one at a time):
 * every coordinate sees the same sums in the same order as without blocks. Memory accesses are
 * what costs here (each is bounds-checked), so every X row loaded serves as many sums as it can:
 * two rows of out whose lists name the same X rows (the dense case) share each load, and a row
 * on its own takes two groups (or up to three single rows) per pass over its coordinates.
 */
function combine(
  out: usize, C: usize, X: usize, scratch: usize, M: i32, R: i32, d: i32, scale: f64, group: i32,
): void {
  const cs = scratch, js = cs + align16(<usize>(M * R) << 3);
  const nzs = js + align16(<usize>(M * R) << 2);
  const rowB = <usize>d << 3;
  for (let r = 0; r < M; r++) {
    let nz = 0;
    const base = r * R;
    for (let j = 0; j < R; j++) {
      // written at the next free place either way, kept only when nonzero (no branch to miss)
      const c = load<f64>(C + (<usize>(base + j) << 3));
      store<usize>(js + (<usize>(base + nz) << 2), X + <usize>j * rowB);
      store<f64>(cs + (<usize>(base + nz) << 3), scale * c);
      nz += i32(c != 0);
    }
    store<i32>(nzs + (<usize>r << 2), nz);
  }
  for (let k0 = 0; k0 < d; k0 += KB) {
    const k1 = min(d, k0 + KB);
    let r = 0;
    while (r < M) {
      const nz = load<i32>(nzs + (<usize>r << 2));
      const jr = js + (<usize>(r * R) << 2), cr = cs + (<usize>(r * R) << 3);
      const go = out + <usize>r * rowB;
      let t = 0;
      if (group == 4 && r + 1 < M && sameList(jr, jr + (<usize>R << 2), nz, nzs, r)) {
        const cr1 = cr + (<usize>R << 3), go1 = go + rowB;
        for (; t + 3 < nz; t += 4) pairGroup(go, go1, jr, cr, cr1, t, k0, k1);
        singles(go, jr, cr, t, nz, k0, k1);
        singles(go1, jr, cr1, t, nz, k0, k1);
        r += 2;
        continue;
      }
      if (group == 4) {
        for (; t + 7 < nz; t += 8) twoGroups(go, jr, cr, t, k0, k1);
        if (t + 3 < nz) {
          oneGroup(go, jr, cr, t, k0, k1);
          t += 4;
        }
      }
      singles(go, jr, cr, t, nz, k0, k1);
      r++;
    }
  }
}

/** Whether row r + 1 lists the same X rows as row r (`jr`, `jr1`: their lists, nz entries). */
function sameList(jr: usize, jr1: usize, nz: i32, nzs: usize, r: i32): bool {
  if (load<i32>(nzs + (<usize>(r + 1) << 2)) != nz) return false;
  for (let t = 0; t < nz; t++) {
    if (load<usize>(jr + (<usize>t << 2)) != load<usize>(jr1 + (<usize>t << 2))) return false;
  }
  return true;
}

@inline function ptrAt(jr: usize, t: i32): usize {
  return load<usize>(jr + (<usize>t << 2));
}

@inline function coefAt(cr: usize, t: i32): f64 {
  return load<f64>(cr + (<usize>t << 3));
}

/** ((c0 x0 + c1 x1) + c2 x2) + c3 x3 of the 4 entries from t (scalar, coordinate at byte o). */
@inline function group4s(jr: usize, cr: usize, t: i32, o: usize): f64 {
  return coefAt(cr, t) * load<f64>(ptrAt(jr, t) + o) +
    coefAt(cr, t + 1) * load<f64>(ptrAt(jr, t + 1) + o) +
    coefAt(cr, t + 2) * load<f64>(ptrAt(jr, t + 2) + o) +
    coefAt(cr, t + 3) * load<f64>(ptrAt(jr, t + 3) + o);
}

/** out[k] += ((c0 x0 + c1 x1) + c2 x2) + c3 x3 for the group of 4 entries from t, k0 ≤ k < k1. */
function oneGroup(go: usize, jr: usize, cr: usize, t: i32, k0: i32, k1: i32): void {
  const x0 = ptrAt(jr, t), x1 = ptrAt(jr, t + 1), x2 = ptrAt(jr, t + 2), x3 = ptrAt(jr, t + 3);
  const c0 = splat(coefAt(cr, t)), c1 = splat(coefAt(cr, t + 1));
  const c2 = splat(coefAt(cr, t + 2)), c3 = splat(coefAt(cr, t + 3));
  let o = <usize>k0 << 3;
  const oEnd = <usize>(k1 & ~1) << 3;
  for (; o < oEnd; o += 16) {
    let v = f64x2.mul(c0, v128.load(x0 + o));
    v = madd(v, c1, v128.load(x1 + o));
    v = madd(v, c2, v128.load(x2 + o));
    v = madd(v, c3, v128.load(x3 + o));
    v128.store(go + o, f64x2.add(v128.load(go + o), v));
  }
  if (k1 & 1) store<f64>(go + o, load<f64>(go + o) + group4s(jr, cr, t, o));
}

/** {@link oneGroup} for the groups from t and t + 4 in one pass (out += first, then += second). */
function twoGroups(go: usize, jr: usize, cr: usize, t: i32, k0: i32, k1: i32): void {
  const x0 = ptrAt(jr, t), x1 = ptrAt(jr, t + 1), x2 = ptrAt(jr, t + 2), x3 = ptrAt(jr, t + 3);
  const y0 = ptrAt(jr, t + 4), y1 = ptrAt(jr, t + 5), y2 = ptrAt(jr, t + 6);
  const y3 = ptrAt(jr, t + 7);
  const c0 = splat(coefAt(cr, t)), c1 = splat(coefAt(cr, t + 1));
  const c2 = splat(coefAt(cr, t + 2)), c3 = splat(coefAt(cr, t + 3));
  const e0 = splat(coefAt(cr, t + 4)), e1 = splat(coefAt(cr, t + 5));
  const e2 = splat(coefAt(cr, t + 6)), e3 = splat(coefAt(cr, t + 7));
  let o = <usize>k0 << 3;
  const oEnd = <usize>(k1 & ~1) << 3;
  for (; o < oEnd; o += 16) {
    let v = f64x2.mul(c0, v128.load(x0 + o));
    v = madd(v, c1, v128.load(x1 + o));
    v = madd(v, c2, v128.load(x2 + o));
    v = madd(v, c3, v128.load(x3 + o));
    let w = f64x2.mul(e0, v128.load(y0 + o));
    w = madd(w, e1, v128.load(y1 + o));
    w = madd(w, e2, v128.load(y2 + o));
    w = madd(w, e3, v128.load(y3 + o));
    v128.store(go + o, f64x2.add(f64x2.add(v128.load(go + o), v), w));
  }
  if (k1 & 1) {
    const g = load<f64>(go + o) + group4s(jr, cr, t, o);
    store<f64>(go + o, g + group4s(jr, cr, t + 4, o));
  }
}

/**
 * {@link oneGroup} for two rows of out (`go`, `go1`, coefficients `cr`, `cr1`) whose lists name
 * the same X rows: each X load serves both sums.
 */
function pairGroup(
  go: usize, go1: usize, jr: usize, cr: usize, cr1: usize, t: i32, k0: i32, k1: i32,
): void {
  const x0 = ptrAt(jr, t), x1 = ptrAt(jr, t + 1), x2 = ptrAt(jr, t + 2), x3 = ptrAt(jr, t + 3);
  const c0 = splat(coefAt(cr, t)), c1 = splat(coefAt(cr, t + 1));
  const c2 = splat(coefAt(cr, t + 2)), c3 = splat(coefAt(cr, t + 3));
  const e0 = splat(coefAt(cr1, t)), e1 = splat(coefAt(cr1, t + 1));
  const e2 = splat(coefAt(cr1, t + 2)), e3 = splat(coefAt(cr1, t + 3));
  let o = <usize>k0 << 3;
  const oEnd = <usize>(k1 & ~1) << 3;
  for (; o < oEnd; o += 16) {
    let a = v128.load(x0 + o);
    let v = f64x2.mul(c0, a), w = f64x2.mul(e0, a);
    a = v128.load(x1 + o);
    v = madd(v, c1, a);
    w = madd(w, e1, a);
    a = v128.load(x2 + o);
    v = madd(v, c2, a);
    w = madd(w, e2, a);
    a = v128.load(x3 + o);
    v = madd(v, c3, a);
    w = madd(w, e3, a);
    v128.store(go + o, f64x2.add(v128.load(go + o), v));
    v128.store(go1 + o, f64x2.add(v128.load(go1 + o), w));
  }
  if (k1 & 1) {
    store<f64>(go + o, load<f64>(go + o) + group4s(jr, cr, t, o));
    store<f64>(go1 + o, load<f64>(go1 + o) + group4s(jr, cr1, t, o));
  }
}

/**
 * out[k] += c x[k] for the entries t … nz − 1 one at a time, in order (up to three per pass over
 * the coordinates: each coordinate still takes them one after another).
 */
function singles(go: usize, jr: usize, cr: usize, t: i32, nz: i32, k0: i32, k1: i32): void {
  const oEnd = <usize>(k1 & ~1) << 3;
  for (; t + 2 < nz; t += 3) {
    const x0 = ptrAt(jr, t), x1 = ptrAt(jr, t + 1), x2 = ptrAt(jr, t + 2);
    const s0 = coefAt(cr, t), s1 = coefAt(cr, t + 1), s2 = coefAt(cr, t + 2);
    const c0 = splat(s0), c1 = splat(s1), c2 = splat(s2);
    let o = <usize>k0 << 3;
    for (; o < oEnd; o += 16) {
      const g = madd(madd(v128.load(go + o), c0, v128.load(x0 + o)), c1, v128.load(x1 + o));
      v128.store(go + o, madd(g, c2, v128.load(x2 + o)));
    }
    if (k1 & 1) {
      const g = load<f64>(go + o) + s0 * load<f64>(x0 + o) + s1 * load<f64>(x1 + o);
      store<f64>(go + o, g + s2 * load<f64>(x2 + o));
    }
  }
  for (; t < nz; t++) {
    const xo = ptrAt(jr, t), s = coefAt(cr, t), c = splat(s);
    let o = <usize>k0 << 3;
    for (; o < oEnd; o += 16) v128.store(go + o, madd(v128.load(go + o), c, v128.load(xo + o)));
    if (k1 & 1) store<f64>(go + o, load<f64>(go + o) + s * load<f64>(xo + o));
  }
}

@inline function splat(x: f64): v128 {
  return f64x2.splat(x);
}

@inline function lane0(v: v128): f64 {
  return f64x2.extract_lane(v, 0);
}

@inline function lane1(v: v128): f64 {
  return f64x2.extract_lane(v, 1);
}

/** Rows j of X that one pass of the sums over q in {@link diffusionTerms} takes (3 f64x2 lanes). */
const JB = 6;

/** Scratch bytes {@link diffusionTerms} needs for m neurons and R rows. */
export function diffusionScratch(m: i32, R: i32): usize {
  const nb = (R + JB - 1) / JB;
  // per block of JB rows and neuron: A then u in lanes; per row j: A, u and 8β²u (m each); GA per
  // row j (m); the sums of {@link qSums} and the lanes of one row's results
  return (<usize>(nb * m * 2 * JB) << 3) + (<usize>(4 * R * m) << 3) + 240;
}

/**
 * The m × m × R part of Paper A's diffusion loss and gradient (`diffusionLossGrad` in
 * models/fl/diffusion.ts, same operations in the same order), given P = W Xᵀ (m × R) and
 * G = W Wᵀ (m × m): writes coef (m × R, ∂L/∂P) and adds the Hessian-like term to H (m × m, zeroed
 * by the caller) and returns the loss. Rows j of X are taken JB at a time for the sums over q
 * (GA, (G∘G)u and the loss term t, each a chain in q) with the JB rows in f64x2 lanes, then H is
 * built tile by tile (8 entries of a row in registers) over all rows j in order, its diagonal
 * entry apart (each row's inner term, then its diagonal term, as the reference). A division by m
 * is a multiplication by 1/m when m is a power of two (the same correctly rounded quotient).
 * Scratch: {@link diffusionScratch} bytes.
 */
export function diffusionTerms(
  P: usize, G: usize, weights: usize, coef: usize, H: usize, scratch: usize,
  m: i32, R: i32, d: i32, alpha: f64, beta: f64,
): f64 {
  const b2 = beta * beta, sm = Math.sqrt(<f64>m), fm = <f64>m;
  const c2 = 2 * b2 * b2, c4 = 4 * b2, cb = 4 * beta / sm, c8 = 8 * b2, k4 = 4 / fm;
  const k8 = 8 * b2 / fm, k2 = 2 * b2 / fm;
  const nb = (R + JB - 1) / JB, mB = <usize>m << 3, rowJ = 3 * mB, laneB = <usize>(2 * JB) << 3;
  const UA = scratch, RW = UA + <usize>(nb * m) * laneB, GAT = RW + <usize>R * rowJ;
  const TB = GAT + (<usize>(R * m) << 3), LB = TB + 144;
  for (let j = 0; j < nb * JB; j++) {
    const ua = UA + <usize>((j / JB) * m) * laneB + (<usize>(j % JB) << 3);
    const rw = RW + <usize>j * rowJ;
    for (let r = 0; r < m; r++) {
      const u = alpha * (j < R ? ld(P, r * R + j) : 0);
      const a = u * u + b2 * ld(G, r * m + r);
      st(ua, r * 2 * JB, a);
      st(ua, r * 2 * JB + JB, u);
      if (j < R) {
        st(rw, r, a);
        st(rw, m + r, u);
        st(rw, 2 * m + r, c8 * u);
      }
    }
  }
  let loss: f64 = 0;
  for (let b = 0; b < nb; b++) {
    const j = b * JB, nj = min(JB, R - j);
    const ub = UA + <usize>(b * m) * laneB;
    let lin0 = splat(0), lin1 = lin0, lin2 = lin0;
    v128.store(TB, lin0);
    v128.store(TB, lin0, 16);
    v128.store(TB, lin0, 32);
    for (let r = 0; r < m; r++) {
      qSums(G + <usize>r * mB, ub, m, TB, c2);
      const ur = ub + <usize>r * laneB;
      const u0 = v128.load(ur, 48), u1 = v128.load(ur, 64), u2 = v128.load(ur, 80);
      const vc4 = splat(c4);
      v128.store(TB, tStep(v128.load(TB), v128.load(ur), v128.load(TB, 48), vc4, u0, v128.load(TB, 96)));
      v128.store(TB, tStep(v128.load(TB, 16), v128.load(ur, 16), v128.load(TB, 64), vc4, u1, v128.load(TB, 112)), 16);
      v128.store(TB, tStep(v128.load(TB, 32), v128.load(ur, 32), v128.load(TB, 80), vc4, u2, v128.load(TB, 128)), 32);
      const grr = ld(G, r * m + r), vg = splat(grr);
      lin0 = madd(lin0, u0, vg);
      lin1 = madd(lin1, u1, vg);
      lin2 = madd(lin2, u2, vg);
      // coef = wα · (((4/m) GA u + (8β²/m) Q) − (4β/√m) G_rr), the rows' lanes at once
      const cg = splat(cb * grr), vk4 = splat(k4), vk8 = splat(k8);
      v128.store(LB, coefLanes(weights, j, R, alpha, v128.load(TB, 48), u0, v128.load(TB, 96), vk4, vk8, cg));
      v128.store(LB, coefLanes(weights, j + 2, R, alpha, v128.load(TB, 64), u1, v128.load(TB, 112), vk4, vk8, cg), 16);
      v128.store(LB, coefLanes(weights, j + 4, R, alpha, v128.load(TB, 80), u2, v128.load(TB, 128), vk4, vk8, cg), 32);
      const cr = coef + (<usize>(r * R + j) << 3), gar = GAT + (<usize>(j * m + r) << 3);
      for (let l = 0; l < nj; l++) {
        store<f64>(cr + (<usize>l << 3), ld(LB, l));
        store<f64>(gar + <usize>l * mB, ld(TB + 48, l));
      }
    }
    for (let l = 0; l < nj; l++) {
      const lin = l < 2 ? (l == 0 ? lane0(lin0) : lane1(lin0)) : l < 4
        ? (l == 2 ? lane0(lin1) : lane1(lin1))
        : (l == 4 ? lane0(lin2) : lane1(lin2));
      loss += ld(weights, j + l) * (ld(TB, l) / fm - cb * lin + <f64>d);
    }
  }
  let wsum: f64 = 0;
  for (let j = 0; j < R; j++) wsum += ld(weights, j);
  const k6 = wsum * (6 * b2 * b2 / fm);
  if ((m & (m - 1)) == 0) hRows(G, H, RW, GAT, weights, m, R, k2, cb, k6, 1 / fm, true);
  else hRows(G, H, RW, GAT, weights, m, R, k2, cb, k6, fm, false);
  return loss;
}

/** t + (A GA + ((4β²) u) Q), two rows' lanes. */
@inline function tStep(t: v128, a: v128, ga: v128, vc4: v128, u: v128, qq: v128): v128 {
  return f64x2.add(t, f64x2.add(f64x2.mul(a, ga), f64x2.mul(f64x2.mul(vc4, u), qq)));
}

/** (w α) (((4/m) GA u + (8β²/m) Q) − (4β/√m) G_rr) for rows j, j + 1 (lanes). */
@inline function coefLanes(
  weights: usize, j: i32, R: i32, alpha: f64, ga: v128, u: v128, qq: v128, vk4: v128, vk8: v128,
  cg: v128,
): v128 {
  const w = f64x2(wa(weights, j, R, alpha), wa(weights, j + 1, R, alpha));
  return f64x2.mul(w, f64x2.sub(madd(f64x2.mul(f64x2.mul(vk4, ga), u), vk8, qq), cg));
}

/**
 * For row r of G (`gp`) and a block of JB rows j (`up`: A then u per neuron, in lanes): t (three
 * v128 at `tb`, read and written) += g (2β⁴ g g) over q in order, and GA, (G∘G)u over q written
 * at tb + 48 and tb + 96. Its own function, so that its nine chains stay in registers.
 */
function qSums(gp: usize, up: usize, m: i32, tb: usize, c2: f64): void {
  let t0 = v128.load(tb), t1 = v128.load(tb, 16), t2 = v128.load(tb, 32);
  let ga0 = splat(0), ga1 = ga0, ga2 = ga0, qq0 = ga0, qq1 = ga0, qq2 = ga0;
  const vc2 = splat(c2), gEnd = gp + (<usize>m << 3);
  for (; gp < gEnd; gp += 8, up += 96) {
    const g = v128.load64_splat(gp), gg = f64x2.mul(g, g);
    const tc = f64x2.mul(g, f64x2.mul(f64x2.mul(vc2, g), g));
    ga0 = madd(ga0, g, v128.load(up));
    ga1 = madd(ga1, g, v128.load(up, 16));
    ga2 = madd(ga2, g, v128.load(up, 32));
    qq0 = madd(qq0, gg, v128.load(up, 48));
    qq1 = madd(qq1, gg, v128.load(up, 64));
    qq2 = madd(qq2, gg, v128.load(up, 80));
    t0 = f64x2.add(t0, tc);
    t1 = f64x2.add(t1, tc);
    t2 = f64x2.add(t2, tc);
  }
  v128.store(tb, t0);
  v128.store(tb, t1, 16);
  v128.store(tb, t2, 32);
  v128.store(tb, ga0, 48);
  v128.store(tb, ga1, 64);
  v128.store(tb, ga2, 80);
  v128.store(tb, qq0, 96);
  v128.store(tb, qq1, 112);
  v128.store(tb, qq2, 128);
}

/** w_j α, or 0 past the last row (a padding lane). */
@inline function wa(weights: usize, j: i32, R: i32, alpha: f64): f64 {
  return j < R ? ld(weights, j) * alpha : 0;
}

/** x / m, as x · (1/m) when m is a power of two (`s` = 1/m) or x / m (`s` = m). */
@inline function byM(x: v128, s: v128, pow2: bool): v128 {
  return pow2 ? f64x2.mul(x, s) : f64x2.div(x, s);
}

/** w (A_r A_q + 8β² u_r u_q G_rq) / m for the pairs of q at byte `o` of the row's A (`pa`, u at pa + mB). */
@inline function hTerm(
  va: v128, vc: v128, vw: v128, pa: usize, pu: usize, g: v128, vs: v128, pow2: bool,
): v128 {
  const inner = f64x2.add(f64x2.mul(va, v128.load(pa)), f64x2.mul(f64x2.mul(vc, v128.load(pu)), g));
  return byM(f64x2.mul(vw, inner), vs, pow2);
}

/**
 * Eight entries of a row of H (`h`, G's at `g`): += the terms of every row j in order (`rp`: the
 * rows' A at the entries' q, u at + mB; `sp`: A_jr, 8β²u_jr at + 2 mB; `wp`: weights), then
 * += (6β⁴/m)(Σ w) G²; `rEnd`: rp past the last row.
 */
@inline function hTile8(
  h: usize, g: usize, rp: usize, sp: usize, wp: usize, rEnd: usize, mB: usize, s: f64, k6: f64,
  pow2: bool,
): void {
  const rowJ = 3 * mB, vs = splat(s);
  let h0 = v128.load(h), h1 = v128.load(h, 16), h2 = v128.load(h, 32), h3 = v128.load(h, 48);
  const g0 = v128.load(g), g1 = v128.load(g, 16), g2 = v128.load(g, 32), g3 = v128.load(g, 48);
  for (; rp < rEnd; rp += rowJ, sp += rowJ, wp += 8) {
    const va = v128.load64_splat(sp), vc = v128.load64_splat(sp + 2 * mB);
    const vw = v128.load64_splat(wp), pu = rp + mB;
    h0 = f64x2.add(h0, hTerm(va, vc, vw, rp, pu, g0, vs, pow2));
    h1 = f64x2.add(h1, hTerm(va, vc, vw, rp + 16, pu + 16, g1, vs, pow2));
    h2 = f64x2.add(h2, hTerm(va, vc, vw, rp + 32, pu + 32, g2, vs, pow2));
    h3 = f64x2.add(h3, hTerm(va, vc, vw, rp + 48, pu + 48, g3, vs, pow2));
  }
  const v6 = splat(k6);
  v128.store(h, f64x2.add(h0, f64x2.mul(f64x2.mul(v6, g0), g0)));
  v128.store(h, f64x2.add(h1, f64x2.mul(f64x2.mul(v6, g1), g1)), 16);
  v128.store(h, f64x2.add(h2, f64x2.mul(f64x2.mul(v6, g2), g2)), 32);
  v128.store(h, f64x2.add(h3, f64x2.mul(f64x2.mul(v6, g3), g3)), 48);
}

/** {@link hTile8} when m is a power of two (`s` = 1/m). */
function hTile8Pow2(
  h: usize, g: usize, rp: usize, sp: usize, wp: usize, rEnd: usize, mB: usize, s: f64, k6: f64,
): void {
  hTile8(h, g, rp, sp, wp, rEnd, mB, s, k6, true);
}

/** {@link hTile8} otherwise (`s` = m). */
function hTile8Div(
  h: usize, g: usize, rp: usize, sp: usize, wp: usize, rEnd: usize, mB: usize, s: f64, k6: f64,
): void {
  hTile8(h, g, rp, sp, wp, rEnd, mB, s, k6, false);
}

/**
 * H[r, q] += Σ_j w_j (A_jr A_jq + 8β² u_jr u_jq G_rq) / m (j in order), then += (6β⁴/m)(Σ w) G_rq²,
 * eight q of a row at a time in registers. The diagonal entry is recomputed alone: after each
 * row's inner term it takes w ((2β²/m) GA_jr − (4β/√m) u_jr), as the reference.
 * RW holds per row j: A (m), u (m), 8β²u (m); GAT: GA per row j.
 */
@inline function hRows(
  G: usize, H: usize, RW: usize, GAT: usize, weights: usize, m: i32, R: i32,
  k2: f64, cb: f64, k6: f64, s: f64, pow2: bool,
): void {
  const mB = <usize>m << 3, rowJ = 3 * mB, vs = splat(s), v6 = splat(k6);
  const rEnd = RW + <usize>R * rowJ;
  for (let r = 0; r < m; r++) {
    const hr = H + <usize>r * mB, gr = G + <usize>r * mB, ra = RW + (<usize>r << 3);
    const hd0 = load<f64>(hr + (<usize>r << 3));
    let q = 0;
    for (; q + 8 <= m; q += 8) {
      const o = <usize>q << 3;
      if (pow2) hTile8Pow2(hr + o, gr + o, RW + o, ra, weights, rEnd + o, mB, s, k6);
      else hTile8Div(hr + o, gr + o, RW + o, ra, weights, rEnd + o, mB, s, k6);
    }
    for (; q + 2 <= m; q += 2) {
      const o = <usize>q << 3;
      let h0 = v128.load(hr + o);
      const g0 = v128.load(gr + o);
      let rp = RW + o, sp = ra, wp = weights;
      for (; rp < rEnd + o; rp += rowJ, sp += rowJ, wp += 8) {
        const va = v128.load64_splat(sp), vc = v128.load64_splat(sp + 2 * mB);
        h0 = f64x2.add(h0, hTerm(va, vc, v128.load64_splat(wp), rp, rp + mB, g0, vs, pow2));
      }
      v128.store(hr + o, f64x2.add(h0, f64x2.mul(f64x2.mul(v6, g0), g0)));
    }
    if (q < m) {
      const g = ld(gr, q);
      let h = ld(hr, q);
      for (let j = 0; j < R; j++) {
        const row = RW + <usize>j * rowJ;
        const inner = ld(row, r) * ld(row, q) + ld(row, 2 * m + r) * ld(row, m + q) * g;
        h = h + (pow2 ? ld(weights, j) * inner * s : ld(weights, j) * inner / s);
      }
      st(hr, q, h + k6 * g * g);
    }
    const grr = ld(gr, r);
    let hd = hd0;
    for (let j = 0; j < R; j++) {
      const row = RW + <usize>j * rowJ, w = ld(weights, j);
      const ar = ld(row, r), ur = ld(row, m + r);
      const inner = ar * ar + ld(row, 2 * m + r) * ur * grr;
      hd = hd + (pow2 ? w * inner * s : w * inner / s);
      hd = hd + w * (k2 * ld(GAT, j * m + r) - cb * ur);
    }
    st(hr, r, hd + k6 * grr * grr);
  }
}

@inline function ld(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}

@inline function st(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}

/** Scratch bytes {@link diffusionLossGrad} needs. */
export function diffusionGradScratch(m: i32, R: i32, d: i32): usize {
  return innerScratch(m, d) + align16(diffusionScratch(m, R)) + combineScratch(m, max(R, m));
}

/**
 * One evaluation of `diffusionLossGrad` (models/fl/diffusion.ts) for W (m × d) on rows X (R × d,
 * with its {@link transposeRows} block `xt`) and row weights (R): writes P = W Xᵀ (m × R),
 * G = W Wᵀ, coef (m × R), H (m × m) and grad (m × d) and returns the loss, the same operations
 * as the reference with the WebAssembly row kernels. Scratch: {@link diffusionGradScratch} bytes.
 */
export function diffusionLossGrad(
  W: usize, X: usize, xt: usize, weights: usize, P: usize, G: usize, coef: usize, H: usize,
  grad: usize, scratch: usize, m: i32, R: i32, d: i32, alpha: f64, beta: f64,
): f64 {
  const ts = scratch + innerScratch(m, d), cs = ts + align16(diffusionScratch(m, R));
  productsT(W, xt, P, m, R, d, false);
  gram(W, G, scratch, m, d);
  memory.fill(H, 0, <usize>(m * m) << 3);
  const loss = diffusionTerms(P, G, weights, coef, H, ts, m, R, d, alpha, beta);
  memory.fill(grad, 0, <usize>(m * d) << 3);
  combine(grad, coef, X, cs, m, R, d, 1, 4);
  combine(grad, H, W, cs, m, m, d, 2, 4);
  return loss;
}

/** z^(q−1) as `reluPowBase` of models/fl/classifier.ts (** is the engine's). */
@inline function reluBase(z: f64, q: f64): f64 {
  return q == 3 ? z * z : q == 2 ? z : jsPow(z, q - 1);
}

@inline function reluValue(z: f64, q: f64): f64 {
  return z <= 0 ? 0 : reluBase(z, q) * z;
}

@inline function reluDeriv(z: f64, q: f64): f64 {
  return z <= 0 ? 0 : q * reluBase(z, q);
}

@inline function softplus(z: f64): f64 {
  return z > 0 ? z + jsLog1p(jsExp(-z)) : jsLog1p(jsExp(z));
}

/** Scratch bytes {@link classifierLossGrad} needs for 2m neurons and n samples (n + 2 rows). */
export function classifierGradScratch(m: i32, n: i32): usize {
  const MR = <usize>(2 * m * (n + 2)) << 3;
  return 2 * align16(MR) + 3 * align16(<usize>(n + 1) << 3) + combineScratch(2 * m, n + 2);
}

/**
 * σ(z) = ReLU(z)^q and σ'(z) of every entry of P (`count` f64) into `val` and `der`, as
 * `reluPowValue` and `reluPowDeriv` of models/fl/classifier.ts: z ≤ 0 (−0 included) gives 0,
 * otherwise p = z^(q−1) (z·z for q = 3, z for q = 2, the engine's ** otherwise), p·z and q·p.
 */
function activations(P: usize, val: usize, der: usize, count: i32, q: f64): void {
  let i = 0;
  if (q == 3 || q == 2) {
    const zero = splat(0), vq = splat(q), three = q == 3;
    for (; i + 1 < count; i += 2) {
      const o = <usize>i << 3, z = v128.load(P + o);
      const p = three ? f64x2.mul(z, z) : z, off = f64x2.le(z, zero);
      v128.store(val + o, v128.bitselect(zero, f64x2.mul(p, z), off));
      v128.store(der + o, v128.bitselect(zero, f64x2.mul(vq, p), off));
    }
  }
  for (; i < count; i++) {
    const z = ld(P, i);
    st(val, i, reluValue(z, q));
    st(der, i, reluDeriv(z, q));
  }
}

/**
 * One evaluation of `classifierLossGrad` (models/fl/classifier.ts) for W (2m × d) on rows X
 * (R = n + 2 rows, with its {@link transposeRows} block `xt`) and labels y (n, ±1 as f64):
 * writes P = W Xᵀ, coef (2m × R) and grad (2m × d) and returns the loss, the same operations
 * in the same order as the reference: σ and σ' of every P entry once; the margins two samples at
 * a time (lanes), each a sum over r in order; the noise columns of coef (one term each) two
 * samples at a time, the two signal columns two rows at a time over the samples of their class
 * in order. Scratch: {@link classifierGradScratch} bytes.
 */
export function classifierLossGrad(
  W: usize, X: usize, xt: usize, y: usize, P: usize, coef: usize, grad: usize, scratch: usize,
  m: i32, n: i32, d: i32, q: f64,
): f64 {
  const M = 2 * m, R = n + 2, fm = <f64>m, fn = <f64>n;
  const MR = <usize>(M * R) << 3, nB = align16(<usize>(n + 1) << 3);
  const VAL = scratch, DER = VAL + align16(MR), CI = DER + align16(MR), POS = CI + nB;
  const NEG = POS + nB, cs = NEG + nB;
  productsT(W, xt, P, M, R, d, false);
  activations(P, VAL, DER, M * R, q);
  // margins y_i F_i / m, F_i = Σ_r sgn_r (σ(P[r, i]) + σ(P[r, sr_i])), two samples per pass
  const one = splat(1), mone = splat(-1), rowR = <usize>R << 3;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const sel = i64x2(ld(y, i) > 0 ? -1 : 0, ld(y, i + 1) > 0 ? -1 : 0);
    let F = splat(0);
    let vr = VAL + (<usize>i << 3), sg = VAL + (<usize>n << 3);
    for (let r = 0; r < M; r++, vr += rowR, sg += rowR) {
      const sv = v128.bitselect(v128.load64_splat(sg), v128.load64_splat(sg, 8), sel);
      F = f64x2.add(F, f64x2.mul(r < m ? one : mone, f64x2.add(v128.load(vr), sv)));
    }
    st(CI, i, ld(y, i) * lane0(F) / fm);
    st(CI, i + 1, ld(y, i + 1) * lane1(F) / fm);
  }
  if (i < n) {
    const yi = ld(y, i), sr = yi > 0 ? n : n + 1;
    let F: f64 = 0;
    for (let r = 0; r < M; r++) {
      const sgn: f64 = r < m ? 1 : -1;
      F += sgn * (ld(VAL, r * R + i) + ld(VAL, r * R + sr));
    }
    st(CI, i, yi * F / fm);
  }
  // the loss and ℓ'_i y_i / (n m) per sample (CI), listed by class in order (POS, NEG)
  const nm = fn * fm;
  let loss: f64 = 0, np = 0, nn = 0;
  for (let i = 0; i < n; i++) {
    const mi = ld(CI, i), yi = ld(y, i);
    loss += softplus(-mi) / fn;
    const c = (<f64>-1 / (1 + jsExp(mi))) * yi / nm;
    st(CI, i, c);
    if (yi > 0) st(POS, np++, c);
    else st(NEG, nn++, c);
  }
  const zero = splat(0);
  for (let r = 0; r < M; r++) {
    const vs = r < m ? one : mone, cr = coef + <usize>r * rowR, dr = DER + <usize>r * rowR;
    let i = 0;
    for (; i + 1 < n; i += 2) {
      const o = <usize>i << 3;
      const cg = f64x2.mul(v128.load(CI + o), vs);
      v128.store(cr + o, f64x2.add(zero, f64x2.mul(cg, v128.load(dr + o))));
    }
    if (i < n) st(cr, i, 0 + ld(CI, i) * (r < m ? <f64>1 : <f64>-1) * ld(dr, i));
  }
  for (let r = 0; r < M; r += 2) {
    const r1 = r + 1 < M ? r + 1 : r;
    const vs = f64x2(r < m ? <f64>1 : <f64>-1, r1 < m ? <f64>1 : <f64>-1);
    signalColumn(coef, DER, POS, np, vs, r, r1, R, n);
    signalColumn(coef, DER, NEG, nn, vs, r, r1, R, n + 1);
  }
  memory.fill(grad, 0, <usize>(M * d) << 3);
  combine(grad, coef, X, cs, M, R, d, 1, 4);
  return loss;
}

/**
 * coef[r, s] (and row r1's) = Σ over the class's samples in order of (c_i sgn_r) σ'(P[r, s]),
 * from 0, rows r and r1 in lanes (r1 = r when r is the last row: computed twice, stored once).
 */
@inline function signalColumn(
  coef: usize, DER: usize, list: usize, count: i32, vs: v128, r: i32, r1: i32, R: i32, s: i32,
): void {
  const dv = f64x2(ld(DER, r * R + s), ld(DER, r1 * R + s));
  let acc = splat(0);
  for (let t = 0; t < count; t++) {
    acc = f64x2.add(acc, f64x2.mul(f64x2.mul(v128.load64_splat(list + (<usize>t << 3)), vs), dv));
  }
  st(coef, r * R + s, lane0(acc));
  st(coef, r1 * R + s, lane1(acc));
}

/** One GD step W[k] −= η · grad[k] for k < size. */
export function gdUpdate(W: usize, grad: usize, size: i32, lr: f64): void {
  const vl = f64x2.splat(lr);
  let k = 0;
  for (; k + 1 < size; k += 2) {
    const o = <usize>k << 3;
    v128.store(W + o, f64x2.sub(v128.load(W + o), f64x2.mul(vl, v128.load(grad + o))));
  }
  if (k < size) st(W, k, ld(W, k) - lr * ld(grad, k));
}

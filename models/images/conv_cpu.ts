/**
 * CPU kernels for small convolutional networks on NHWC Float32Arrays: 3×3 convolution with
 * TensorFlow's "same" padding (stride 1 or 2) and its backward pass, nearest ×2 upsampling and
 * its adjoint. Plain loops, deterministic (fixed summation order). They are the CPU path of the
 * image denoiser and the reference its tfjs/WebGPU path is tested against.
 * @module
 */

/** Geometry of a 3×3 convolution: input B×H×W×Ci → output B×Ho×Wo×Co. */
export interface ConvGeom {
  b: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  stride: 1 | 2;
}

/** Output size and top/left padding of TF "same" padding for a 3×3 kernel. */
export function samePadding(n: number, stride: number): { out: number; pad: number } {
  const out = Math.ceil(n / stride);
  const total = Math.max((out - 1) * stride + 3 - n, 0);
  return { out, pad: Math.floor(total / 2) };
}

/**
 * y = conv3×3(x, w) + bias, w in HWIO layout [3, 3, Ci, Co]. Returns a new B×Ho×Wo×Co array.
 * Zero inputs are skipped (exact: they add nothing), which pays off after a ReLU.
 */
export function conv3x3(
  x: Float32Array,
  w: Float32Array,
  bias: Float32Array,
  g: ConvGeom,
): Float32Array {
  const { b: B, h: H, w: W, ci: Ci, co: Co, stride } = g;
  const { out: Ho, pad: ph } = samePadding(H, stride);
  const { out: Wo, pad: pw } = samePadding(W, stride);
  const y = new Float32Array(B * Ho * Wo * Co);
  const acc = new Float64Array(Co);
  for (let n = 0; n < B; n++) {
    for (let oy = 0; oy < Ho; oy++) {
      for (let ox = 0; ox < Wo; ox++) {
        for (let c = 0; c < Co; c++) acc[c] = bias[c];
        for (let ky = 0; ky < 3; ky++) {
          const iy = oy * stride + ky - ph;
          if (iy < 0 || iy >= H) continue;
          for (let kx = 0; kx < 3; kx++) {
            const ix = ox * stride + kx - pw;
            if (ix < 0 || ix >= W) continue;
            const xo = ((n * H + iy) * W + ix) * Ci;
            const wo = (ky * 3 + kx) * Ci * Co;
            for (let ci = 0; ci < Ci; ci++) {
              const xv = x[xo + ci];
              if (xv === 0) continue;
              const wr = wo + ci * Co;
              for (let c = 0; c < Co; c++) acc[c] += xv * w[wr + c];
            }
          }
        }
        const yo = ((n * Ho + oy) * Wo + ox) * Co;
        for (let c = 0; c < Co; c++) y[yo + c] = acc[c];
      }
    }
  }
  return y;
}

/**
 * Backward pass of {@link conv3x3}: accumulates dL/dw into `dw` and dL/dbias into `db`
 * (Float64Arrays, added to), and returns dL/dx (B×H×W×Ci) unless `needDx` is false.
 */
export function conv3x3Backward(
  x: Float32Array,
  w: Float32Array,
  dy: Float32Array,
  g: ConvGeom,
  dw: Float64Array,
  db: Float64Array,
  needDx = true,
): Float32Array | null {
  const { b: B, h: H, w: W, ci: Ci, co: Co, stride } = g;
  const { out: Ho, pad: ph } = samePadding(H, stride);
  const { out: Wo, pad: pw } = samePadding(W, stride);
  const dx = needDx ? new Float32Array(B * H * W * Ci) : null;
  for (let n = 0; n < B; n++) {
    for (let oy = 0; oy < Ho; oy++) {
      for (let ox = 0; ox < Wo; ox++) {
        const dyo = ((n * Ho + oy) * Wo + ox) * Co;
        let any = false;
        for (let c = 0; c < Co; c++) {
          const gv = dy[dyo + c];
          db[c] += gv;
          if (gv !== 0) any = true;
        }
        if (!any) continue;
        for (let ky = 0; ky < 3; ky++) {
          const iy = oy * stride + ky - ph;
          if (iy < 0 || iy >= H) continue;
          for (let kx = 0; kx < 3; kx++) {
            const ix = ox * stride + kx - pw;
            if (ix < 0 || ix >= W) continue;
            const xo = ((n * H + iy) * W + ix) * Ci;
            const wo = (ky * 3 + kx) * Ci * Co;
            for (let ci = 0; ci < Ci; ci++) {
              const xv = x[xo + ci];
              const wr = wo + ci * Co;
              if (dx) {
                let s = 0;
                for (let c = 0; c < Co; c++) {
                  const gv = dy[dyo + c];
                  dw[wr + c] += xv * gv;
                  s += w[wr + c] * gv;
                }
                dx[xo + ci] += s;
              } else if (xv !== 0) {
                for (let c = 0; c < Co; c++) dw[wr + c] += xv * dy[dyo + c];
              }
            }
          }
        }
      }
    }
  }
  return dx;
}

/** In-place ReLU; returns its argument. */
export function reluInPlace(x: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) if (x[i] < 0) x[i] = 0;
  return x;
}

/** dL/dz of a ReLU given its output `a` = relu(z): zero where a ≤ 0. In place on `da`. */
export function reluBackwardInPlace(da: Float32Array, a: Float32Array): Float32Array {
  for (let i = 0; i < da.length; i++) if (!(a[i] > 0)) da[i] = 0;
  return da;
}

/** Nearest-neighbour ×2 upsampling B×H×W×C → B×2H×2W×C. */
export function upsample2(
  x: Float32Array,
  b: number,
  h: number,
  w: number,
  c: number,
): Float32Array {
  const y = new Float32Array(b * 4 * h * w * c);
  for (let n = 0; n < b; n++) {
    for (let oy = 0; oy < 2 * h; oy++) {
      for (let ox = 0; ox < 2 * w; ox++) {
        const src = ((n * h + (oy >> 1)) * w + (ox >> 1)) * c;
        const dst = ((n * 2 * h + oy) * 2 * w + ox) * c;
        for (let k = 0; k < c; k++) y[dst + k] = x[src + k];
      }
    }
  }
  return y;
}

/** Adjoint of {@link upsample2}: sums each 2×2 block, B×2H×2W×C → B×H×W×C. */
export function upsample2Backward(
  dy: Float32Array,
  b: number,
  h: number,
  w: number,
  c: number,
): Float32Array {
  const dx = new Float32Array(b * h * w * c);
  for (let n = 0; n < b; n++) {
    for (let oy = 0; oy < 2 * h; oy++) {
      for (let ox = 0; ox < 2 * w; ox++) {
        const dst = ((n * h + (oy >> 1)) * w + (ox >> 1)) * c;
        const src = ((n * 2 * h + oy) * 2 * w + ox) * c;
        for (let k = 0; k < c; k++) dx[dst + k] += dy[src + k];
      }
    }
  }
  return dx;
}

/** Concatenate two NHWC arrays along channels (a first). */
export function concatChannels(
  a: Float32Array,
  ca: number,
  bArr: Float32Array,
  cb: number,
  pixels: number,
): Float32Array {
  const c = ca + cb;
  const y = new Float32Array(pixels * c);
  for (let p = 0; p < pixels; p++) {
    const o = p * c, oa = p * ca, ob = p * cb;
    for (let k = 0; k < ca; k++) y[o + k] = a[oa + k];
    for (let k = 0; k < cb; k++) y[o + ca + k] = bArr[ob + k];
  }
  return y;
}

/** Split an NHWC array's channels into the first `ca` and the remaining `cb`. */
export function splitChannels(
  y: Float32Array,
  ca: number,
  cb: number,
  pixels: number,
): [Float32Array, Float32Array] {
  const c = ca + cb;
  const a = new Float32Array(pixels * ca), b = new Float32Array(pixels * cb);
  for (let p = 0; p < pixels; p++) {
    const o = p * c, oa = p * ca, ob = p * cb;
    for (let k = 0; k < ca; k++) a[oa + k] = y[o + k];
    for (let k = 0; k < cb; k++) b[ob + k] = y[o + ca + k];
  }
  return [a, b];
}

/**
 * SSIM of gray frames per tile (stagesepx: skimage's structural_similarity, 7×7 uniform window,
 * sample covariance, data range 255), from summed-area tables so each window costs O(1).
 */
const K1 = 0.01;
const K2 = 0.03;
const C1 = (K1 * 255) ** 2;
const C2 = (K2 * 255) ** 2;
export const SSIM_WINDOW = 7;

/** Summed-area tables of a gray frame: Σx and Σx² ((w+1)×(h+1), zero first row/column). */
export interface Integral {
  width: number;
  height: number;
  sum: Float64Array;
  sq: Float64Array;
}

export function integral(gray: Uint8Array, width: number, height: number, reuse?: Integral): Integral {
  const stride = width + 1;
  const size = stride * (height + 1);
  // Reusing the tables of a frame no longer needed spares ~1 MB of garbage per frame.
  const sum = reuse && reuse.sum.length === size ? reuse.sum : new Float64Array(size);
  const sq = reuse && reuse.sq.length === size ? reuse.sq : new Float64Array(size);
  for (let y = 0; y < height; y++) {
    let rs = 0;
    let rq = 0;
    const row = y * width;
    const at = (y + 1) * stride;
    for (let x = 0; x < width; x++) {
      const v = gray[row + x]!;
      rs += v;
      rq += v * v;
      sum[at + x + 1] = sum[at - stride + x + 1]! + rs;
      sq[at + x + 1] = sq[at - stride + x + 1]! + rq;
    }
  }
  return { width, height, sum, sq };
}

function crossIntegral(
  a: Uint8Array,
  b: Uint8Array,
  width: number,
  height: number,
  reuse?: Float64Array,
): Float64Array {
  const stride = width + 1;
  const size = stride * (height + 1);
  const out = reuse && reuse.length === size ? reuse : new Float64Array(size);
  for (let y = 0; y < height; y++) {
    let r = 0;
    const row = y * width;
    const at = (y + 1) * stride;
    for (let x = 0; x < width; x++) {
      r += a[row + x]! * b[row + x]!;
      out[at + x + 1] = out[at - stride + x + 1]! + r;
    }
  }
  return out;
}

function box(t: Float64Array, stride: number, x0: number, y0: number, x1: number, y1: number): number {
  return t[y1 * stride + x1]! - t[y0 * stride + x1]! - t[y1 * stride + x0]! + t[y0 * stride + x0]!;
}

/** Tile bounds: tile t of `block` along a side of length n. */
export function tileBounds(n: number, block: number, t: number): [number, number] {
  return [Math.floor((t * n) / block), Math.floor(((t + 1) * n) / block)];
}

/** SSIM per tile (row-major, block×block values) between two gray frames of the same size. */
export function tileSsim(
  a: Uint8Array,
  b: Uint8Array,
  width: number,
  height: number,
  block: number,
  ia: Integral = integral(a, width, height),
  ib: Integral = integral(b, width, height),
  scratch?: Float64Array,
): Float64Array {
  const stride = width + 1;
  const ab = crossIntegral(a, b, width, height, scratch);
  const out = new Float64Array(block * block);
  for (let ty = 0; ty < block; ty++) {
    const [y0, y1] = tileBounds(height, block, ty);
    for (let tx = 0; tx < block; tx++) {
      const [x0, x1] = tileBounds(width, block, tx);
      const ww = Math.min(SSIM_WINDOW, x1 - x0);
      const wh = Math.min(SSIM_WINDOW, y1 - y0);
      if (ww <= 0 || wh <= 0) {
        out[ty * block + tx] = 1;
        continue;
      }
      const n = ww * wh;
      const norm = n > 1 ? n / (n - 1) : 1;
      let total = 0;
      let count = 0;
      for (let y = y0; y + wh <= y1; y++) {
        for (let x = x0; x + ww <= x1; x++) {
          const sa = box(ia.sum, stride, x, y, x + ww, y + wh);
          const sb = box(ib.sum, stride, x, y, x + ww, y + wh);
          const ux = sa / n;
          const uy = sb / n;
          const vx = norm * (box(ia.sq, stride, x, y, x + ww, y + wh) / n - ux * ux);
          const vy = norm * (box(ib.sq, stride, x, y, x + ww, y + wh) / n - uy * uy);
          const vxy = norm * (box(ab, stride, x, y, x + ww, y + wh) / n - ux * uy);
          total += ((2 * ux * uy + C1) * (2 * vxy + C2)) / ((ux * ux + uy * uy + C1) * (vx + vy + C2));
          count++;
        }
      }
      out[ty * block + tx] = total / count;
    }
  }
  return out;
}

/** The reference definition for one window (tests use it as the oracle). */
export function windowSsim(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = a.length;
  let ux = 0;
  let uy = 0;
  for (let i = 0; i < n; i++) {
    ux += a[i]!;
    uy += b[i]!;
  }
  ux /= n;
  uy /= n;
  let vx = 0;
  let vy = 0;
  let vxy = 0;
  for (let i = 0; i < n; i++) {
    vx += (a[i]! - ux) ** 2;
    vy += (b[i]! - uy) ** 2;
    vxy += (a[i]! - ux) * (b[i]! - uy);
  }
  const d = n > 1 ? n - 1 : 1;
  vx /= d;
  vy /= d;
  vxy /= d;
  return ((2 * ux * uy + C1) * (2 * vxy + C2)) / ((ux * ux + uy * uy + C1) * (vx + vy + C2));
}

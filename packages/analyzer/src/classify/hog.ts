/**
 * Features for the classifier: HoG (histograms of oriented gradients, stagesepx's default) on a
 * fixed-size gray picture, plus a tiny 8×8 gray thumbnail so flat colour areas still count.
 */
import { type Image, resizePlane, toGray } from '../images/png.js';

export interface FeatureConfig {
  /** Side of the square gray picture the features are computed on. */
  size: number;
  cell: number;
  bins: number;
  /** Side of the gray thumbnail appended to the HoG vector. */
  thumb: number;
}

export const DEFAULT_FEATURES: FeatureConfig = { size: 64, cell: 8, bins: 9, thumb: 8 };

export function featureLength(c: FeatureConfig): number {
  const cells = Math.floor(c.size / c.cell);
  return (cells - 1) ** 2 * 4 * c.bins + c.thumb * c.thumb;
}

/** HoG with unsigned orientations, bilinear bin voting, 2×2-cell blocks, L2-Hys normalisation. */
export function hog(plane: Float32Array, size: number, cell: number, bins: number): Float32Array {
  const cells = Math.floor(size / cell);
  const hist = new Float32Array(cells * cells * bins);
  for (let y = 1; y < size - 1; y++) {
    for (let x = 1; x < size - 1; x++) {
      const gx = plane[y * size + x + 1]! - plane[y * size + x - 1]!;
      const gy = plane[(y + 1) * size + x]! - plane[(y - 1) * size + x]!;
      const mag = Math.hypot(gx, gy);
      if (mag === 0) continue;
      let angle = (Math.atan2(gy, gx) * 180) / Math.PI;
      if (angle < 0) angle += 180;
      const pos = (angle / 180) * bins - 0.5;
      const b0 = Math.floor(pos);
      const w1 = pos - b0;
      const cx = Math.min(cells - 1, Math.floor(x / cell));
      const cy = Math.min(cells - 1, Math.floor(y / cell));
      const at = (cy * cells + cx) * bins;
      hist[at + ((b0 + bins) % bins)]! += mag * (1 - w1);
      hist[at + ((b0 + 1) % bins)]! += mag * w1;
    }
  }
  const out = new Float32Array((cells - 1) ** 2 * 4 * bins);
  let o = 0;
  for (let by = 0; by < cells - 1; by++) {
    for (let bx = 0; bx < cells - 1; bx++) {
      const start = o;
      for (const [dy, dx] of [
        [0, 0],
        [0, 1],
        [1, 0],
        [1, 1],
      ] as const) {
        const at = ((by + dy) * cells + bx + dx) * bins;
        for (let b = 0; b < bins; b++) out[o++] = hist[at + b]!;
      }
      normalizeL2Hys(out, start, o);
    }
  }
  return out;
}

function normalizeL2Hys(v: Float32Array, from: number, to: number): void {
  for (let pass = 0; pass < 2; pass++) {
    let s = 1e-6;
    for (let i = from; i < to; i++) s += v[i]! * v[i]!;
    const n = Math.sqrt(s);
    for (let i = from; i < to; i++) v[i] = pass === 0 ? Math.min(0.2, v[i]! / n) : v[i]! / n;
  }
}

/** The feature vector of one image (any size, gray or rgb). */
export function features(img: Image, c: FeatureConfig = DEFAULT_FEATURES): Float32Array {
  const gray = toGray(img);
  const plane = resizePlane(gray, img.width, img.height, c.size, c.size);
  const h = hog(plane, c.size, c.cell, c.bins);
  const t = resizePlane(plane, c.size, c.size, c.thumb, c.thumb);
  const out = new Float32Array(h.length + t.length);
  out.set(h);
  for (let i = 0; i < t.length; i++) out[h.length + i] = t[i]! / 255;
  return out;
}

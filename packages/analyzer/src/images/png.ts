/** PNG in and out (pngjs), and the small pixel helpers every image path shares. */
import { PNG } from 'pngjs';

export interface Image {
  width: number;
  height: number;
  /** 1 (gray) or 3 (rgb) bytes per pixel. */
  channels: 1 | 3;
  data: Uint8Array;
}

export function encodePng(img: Image): Buffer {
  const png = new PNG({ width: img.width, height: img.height });
  const px = img.width * img.height;
  for (let i = 0; i < px; i++) {
    const o = i * 4;
    if (img.channels === 1) {
      const v = img.data[i]!;
      png.data[o] = png.data[o + 1] = png.data[o + 2] = v;
    } else {
      png.data[o] = img.data[i * 3]!;
      png.data[o + 1] = img.data[i * 3 + 1]!;
      png.data[o + 2] = img.data[i * 3 + 2]!;
    }
    png.data[o + 3] = 255;
  }
  return PNG.sync.write(png);
}

export function decodePng(bytes: Buffer): Image {
  const png = PNG.sync.read(bytes);
  const px = png.width * png.height;
  const data = new Uint8Array(px * 3);
  for (let i = 0; i < px; i++) {
    data[i * 3] = png.data[i * 4]!;
    data[i * 3 + 1] = png.data[i * 4 + 1]!;
    data[i * 3 + 2] = png.data[i * 4 + 2]!;
  }
  return { width: png.width, height: png.height, channels: 3, data };
}

/** Gray by the seed's weights (0.3R + 0.59G + 0.11B). */
export function toGray(img: Image): Float32Array {
  const px = img.width * img.height;
  const out = new Float32Array(px);
  if (img.channels === 1) {
    for (let i = 0; i < px; i++) out[i] = img.data[i]!;
    return out;
  }
  for (let i = 0; i < px; i++) {
    out[i] = 0.3 * img.data[i * 3]! + 0.59 * img.data[i * 3 + 1]! + 0.11 * img.data[i * 3 + 2]!;
  }
  return out;
}

/** Area-average resize of a float plane (any size to any size). */
export function resizePlane(src: Float32Array, sw: number, sh: number, dw: number, dh: number): Float32Array {
  const out = new Float32Array(dw * dh);
  for (let y = 0; y < dh; y++) {
    const y0 = Math.floor((y * sh) / dh);
    const y1 = Math.max(y0 + 1, Math.floor(((y + 1) * sh) / dh));
    for (let x = 0; x < dw; x++) {
      const x0 = Math.floor((x * sw) / dw);
      const x1 = Math.max(x0 + 1, Math.floor(((x + 1) * sw) / dw));
      let s = 0;
      for (let yy = y0; yy < y1; yy++) for (let xx = x0; xx < x1; xx++) s += src[yy * sw + xx]!;
      out[y * dw + x] = s / ((y1 - y0) * (x1 - x0));
    }
  }
  return out;
}

/** Nearest-neighbour downscale of a raw frame, for thumbnails. */
export function thumbnail(img: Image, maxWidth: number): Image {
  if (img.width <= maxWidth) return img;
  const w = maxWidth;
  const h = Math.max(1, Math.round((img.height * w) / img.width));
  const c = img.channels;
  const data = new Uint8Array(w * h * c);
  for (let y = 0; y < h; y++) {
    const sy = Math.floor((y * img.height) / h);
    for (let x = 0; x < w; x++) {
      const sx = Math.floor((x * img.width) / w);
      for (let k = 0; k < c; k++) data[(y * w + x) * c + k] = img.data[(sy * img.width + sx) * c + k]!;
    }
  }
  return { width: w, height: h, channels: c, data };
}

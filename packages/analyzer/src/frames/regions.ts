/** Crop / ignore regions, given in pixels or as proportions of the frame. */

export interface RegionSpec {
  x: number;
  y: number;
  width: number;
  height: number;
  /** 'fraction': values are proportions of the frame size (0..1). */
  unit: 'px' | 'fraction';
}

export interface PixelRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Parses "x,y,w,h" — proportions when every value is ≤ 1 and one has a decimal point or a `%`. */
export function parseRegion(text: string): RegionSpec {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length !== 4) throw new Error(`region "${text}": expected x,y,width,height`);
  const percent = parts.some((p) => p.endsWith('%'));
  const values = parts.map((p) => Number(p.replace('%', '')));
  if (values.some((v) => !Number.isFinite(v) || v < 0)) throw new Error(`region "${text}": values must be numbers ≥ 0`);
  const [x, y, width, height] = percent ? values.map((v) => v / 100) : values;
  const fraction = percent || (values.every((v) => v <= 1) && parts.some((p) => p.includes('.')));
  return { x: x!, y: y!, width: width!, height: height!, unit: fraction ? 'fraction' : 'px' };
}

export function resolveRegion(r: RegionSpec, frameWidth: number, frameHeight: number): PixelRect {
  const sx = r.unit === 'fraction' ? frameWidth : 1;
  const sy = r.unit === 'fraction' ? frameHeight : 1;
  const x = Math.min(frameWidth, Math.max(0, Math.round(r.x * sx)));
  const y = Math.min(frameHeight, Math.max(0, Math.round(r.y * sy)));
  const width = Math.min(frameWidth - x, Math.round(r.width * sx));
  const height = Math.min(frameHeight - y, Math.round(r.height * sy));
  if (width <= 0 || height <= 0) {
    throw new Error(`region ${JSON.stringify(r)} is empty inside a ${frameWidth}×${frameHeight} frame`);
  }
  return { x, y, width, height };
}

/**
 * Returns the crop of `frame` (a new array) or `frame` itself, with every ignore rect blanked.
 * Ignore rects are in the coordinates of the returned frame.
 */
export function applyRegions(
  frame: Uint8Array,
  frameWidth: number,
  channels: number,
  crop: PixelRect | undefined,
  ignore: PixelRect[],
): Uint8Array {
  let out = frame;
  let width = frameWidth;
  if (crop) {
    out = new Uint8Array(crop.width * crop.height * channels);
    const rowBytes = crop.width * channels;
    for (let y = 0; y < crop.height; y++) {
      const from = ((crop.y + y) * frameWidth + crop.x) * channels;
      out.set(frame.subarray(from, from + rowBytes), y * rowBytes);
    }
    width = crop.width;
  }
  const height = out.length / (width * channels);
  for (const r of ignore) {
    const x0 = Math.max(0, r.x);
    const x1 = Math.min(width, r.x + r.width);
    for (let y = Math.max(0, r.y); y < Math.min(height, r.y + r.height); y++) {
      if (x1 > x0) out.fill(0, (y * width + x0) * channels, (y * width + x1) * channels);
    }
  }
  return out;
}

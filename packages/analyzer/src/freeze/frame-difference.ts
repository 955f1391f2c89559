/**
 * Seed 003's difference image: |a − b| per channel → gray (0.3R + 0.59G + 0.11B) → max and mean.
 * Integer weights (30, 59, 11) keep the rule exact: gray ≤ 40 ⇔ 30·dR + 59·dG + 11·dB ≤ 4000.
 * For gray input the difference is |Δluma| (ffmpeg did the conversion; faster, nearly the same).
 */
export interface Difference {
  /** Largest gray value of the difference image. */
  max: number;
  /** Mean gray value of the difference image. */
  mean: number;
  /** Mean gray value of (b − a), signed: near 0 for noise, large when the whole picture moves one way. */
  signedMean: number;
}

export function frameDifference(a: Uint8Array, b: Uint8Array, channels: number): Difference {
  if (a.length !== b.length) throw new Error(`frames differ in size: ${a.length} vs ${b.length} bytes`);
  const n = a.length;
  let max = 0;
  let sum = 0;
  let signed = 0;
  if (channels === 3) {
    for (let i = 0; i < n; i += 3) {
      let dr = b[i]! - a[i]!;
      let dg = b[i + 1]! - a[i + 1]!;
      let db = b[i + 2]! - a[i + 2]!;
      signed += 30 * dr + 59 * dg + 11 * db;
      if (dr < 0) dr = -dr;
      if (dg < 0) dg = -dg;
      if (db < 0) db = -db;
      const g = 30 * dr + 59 * dg + 11 * db;
      sum += g;
      if (g > max) max = g;
    }
    const px = n / 3;
    return { max: max / 100, mean: px ? sum / 100 / px : 0, signedMean: px ? signed / 100 / px : 0 };
  }
  for (let i = 0; i < n; i++) {
    let d = b[i]! - a[i]!;
    signed += d;
    if (d < 0) d = -d;
    sum += d;
    if (d > max) max = d;
  }
  return { max, mean: n ? sum / n : 0, signedMean: n ? signed / n : 0 };
}

/**
 * Difference to a run's first frame: the max gray value, and the *signed* mean gray difference.
 * Encoder noise is zero-mean (its signed mean stays near 0), a fade moves every pixel one way.
 */
export function anchorDifference(
  anchor: Uint8Array,
  b: Uint8Array,
  channels: number,
): { max: number; signedMean: number } {
  const n = anchor.length;
  let max = 0;
  let signed = 0;
  if (channels === 3) {
    for (let i = 0; i < n; i += 3) {
      const dr = b[i]! - anchor[i]!;
      const dg = b[i + 1]! - anchor[i + 1]!;
      const db = b[i + 2]! - anchor[i + 2]!;
      signed += 30 * dr + 59 * dg + 11 * db;
      const g = 30 * (dr < 0 ? -dr : dr) + 59 * (dg < 0 ? -dg : dg) + 11 * (db < 0 ? -db : db);
      if (g > max) max = g;
    }
    return { max: max / 100, signedMean: n ? signed / 100 / (n / 3) : 0 };
  }
  for (let i = 0; i < n; i++) {
    const d = b[i]! - anchor[i]!;
    signed += d;
    const a = d < 0 ? -d : d;
    if (a > max) max = a;
  }
  return { max, signedMean: n ? signed / n : 0 };
}

/**
 * The same scan, stopping early once the pair is certainly "changed" under every rule in use:
 * max gray > maxLimit and total gray > meanLimit × pixels (pass −1 for a rule not in use).
 * Returns null on an early stop, else the full Difference. Moving video exits within a few pixels;
 * only pairs that look identical pay for the whole frame — that keeps the JS side of a pass tiny.
 */
export function differenceWithin(
  a: Uint8Array,
  b: Uint8Array,
  channels: number,
  maxLimit: number,
  meanLimit: number,
): Difference | null {
  const n = a.length;
  let max = 0;
  let sum = 0;
  let signed = 0;
  if (channels === 3) {
    const px = n / 3;
    const maxL = maxLimit < 0 ? -1 : maxLimit * 100;
    const sumL = meanLimit < 0 ? -1 : meanLimit * 100 * px;
    for (let i = 0; i < n; i += 3) {
      const dr = b[i]! - a[i]!;
      const dg = b[i + 1]! - a[i + 1]!;
      const db = b[i + 2]! - a[i + 2]!;
      signed += 30 * dr + 59 * dg + 11 * db;
      const g = 30 * (dr < 0 ? -dr : dr) + 59 * (dg < 0 ? -dg : dg) + 11 * (db < 0 ? -db : db);
      sum += g;
      if (g > max) max = g;
      if (max > maxL && sum > sumL) return null;
    }
    return { max: max / 100, mean: px ? sum / 100 / px : 0, signedMean: px ? signed / 100 / px : 0 };
  }
  const sumL = meanLimit < 0 ? -1 : meanLimit * n;
  for (let i = 0; i < n; i++) {
    const d = b[i]! - a[i]!;
    signed += d;
    const g = d < 0 ? -d : d;
    sum += g;
    if (g > max) max = g;
    if (max > maxLimit && sum > sumL) return null;
  }
  return { max, mean: n ? sum / n : 0, signedMean: n ? signed / n : 0 };
}

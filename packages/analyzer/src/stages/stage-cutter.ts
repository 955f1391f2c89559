/**
 * StageCutter — stagesepx semantics. Consecutive frames are compared tile by tile (SSIM, combined
 * by the minimum or the mean); pairs above `threshold` are stable; runs of stable pairs are stable
 * ranges, the rest unstable. `offset` merges stable ranges separated by at most `offset` unstable
 * frames; `limit` drops stable ranges shorter than `limit` frames. All counts are in frames.
 */
import type { FrameRange } from '@watchtime/core';
import type { Frame } from '../frames/frame-source.js';
import { rangeOf } from '../freeze/freeze-detector.js';
import { type Integral, integral, tileSsim } from './ssim.js';

export interface CutOptions {
  threshold?: number;
  offset?: number;
  limit?: number;
}

export interface StageOptions extends CutOptions {
  /** Tiles per side (block 6 → 36 tiles). */
  block?: number;
  combine?: 'min' | 'mean';
}

export const STAGE_DEFAULTS = {
  compressRate: 0.2,
  block: 6,
  threshold: 0.95,
  offset: 0,
  limit: 0,
  combine: 'min',
} as const;

export interface StagesReport {
  fps: number;
  frames: number;
  stable: FrameRange[];
  unstable: FrameRange[];
  /** SSIM of each frame with the one before (index 0 = 1). */
  similarity?: number[];
}

/** Pure: stable/unstable frame ranges [first, last] (inclusive) from pair similarities. */
export function cutRanges(
  similarity: ArrayLike<number>,
  options: CutOptions = {},
): { stable: Array<[number, number]>; unstable: Array<[number, number]> } {
  const threshold = options.threshold ?? STAGE_DEFAULTS.threshold;
  const offset = options.offset ?? STAGE_DEFAULTS.offset;
  const limit = options.limit ?? STAGE_DEFAULTS.limit;
  const n = similarity.length;
  let stable: Array<[number, number]> = [];
  let runStart = -1;
  for (let i = 1; i <= n; i++) {
    const ok = i < n && similarity[i]! > threshold;
    if (ok && runStart < 0) runStart = i;
    if (!ok && runStart >= 0) {
      stable.push([runStart - 1, i - 1]);
      runStart = -1;
    }
  }
  if (offset > 0) {
    const merged: Array<[number, number]> = [];
    for (const r of stable) {
      const last = merged[merged.length - 1];
      const gap = last ? r[0] - last[1] - 1 : -1;
      if (last && gap >= 1 && gap <= offset) last[1] = r[1];
      else merged.push([r[0], r[1]]);
    }
    stable = merged;
  }
  if (limit > 0) stable = stable.filter(([s, e]) => e - s + 1 >= limit);
  const unstable: Array<[number, number]> = [];
  let next = 0;
  for (const [s, e] of stable) {
    if (s > next) unstable.push([next, s - 1]);
    next = e + 1;
  }
  if (next < n) unstable.push([next, n - 1]);
  return { stable, unstable };
}

export function stagesReport(
  similarity: number[],
  fps: number,
  options: CutOptions = {},
  keepCurve = false,
): StagesReport {
  const { stable, unstable } = cutRanges(similarity, options);
  const toRange = ([s, e]: [number, number]) => rangeOf(s, e, e + 1, fps);
  const report: StagesReport = {
    fps,
    frames: similarity.length,
    stable: stable.map(toRange),
    unstable: unstable.map(toRange),
  };
  if (keepCurve) report.similarity = similarity.slice();
  return report;
}

/** Streams gray frames, keeping one similarity value per frame. */
export class StageCutter {
  private prev: { data: Uint8Array; integral: Integral } | undefined;
  private spare: Integral | undefined;
  private scratch: Float64Array | undefined;
  readonly similarity: number[] = [];
  readonly block: number;
  private readonly combine: 'min' | 'mean';

  constructor(
    readonly width: number,
    readonly height: number,
    options: Pick<StageOptions, 'block' | 'combine'> = {},
  ) {
    this.block = options.block ?? STAGE_DEFAULTS.block;
    if (!Number.isInteger(this.block) || this.block < 1)
      throw new Error(`block must be a whole number ≥ 1, got ${this.block}`);
    this.combine = options.combine ?? STAGE_DEFAULTS.combine;
  }

  push(frame: Pick<Frame, 'data'>): number {
    // Two sets of tables alternate: the previous frame's and the one being filled.
    const cur = { data: frame.data, integral: integral(frame.data, this.width, this.height, this.spare) };
    let sim = 1;
    if (this.prev) {
      this.scratch ??= new Float64Array((this.width + 1) * (this.height + 1));
      const tiles = tileSsim(
        this.prev.data,
        cur.data,
        this.width,
        this.height,
        this.block,
        this.prev.integral,
        cur.integral,
        this.scratch,
      );
      sim = this.combine === 'min' ? Math.min(...tiles) : tiles.reduce((s, v) => s + v, 0) / tiles.length;
    }
    this.spare = this.prev?.integral;
    this.prev = cur;
    this.similarity.push(sim);
    return sim;
  }
}

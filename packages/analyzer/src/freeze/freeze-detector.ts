/**
 * FreezeDetector — seed 003 exactly as SPEC §4/§8, fed one frame at a time.
 *
 * array1[0] = 1; array1[i] = 0 when frame i is identical to frame i − 1 under the rule.
 * Rule 'max' (default): max gray of the difference ≤ 40. Rule 'mean' (freezedetect-like):
 * mean gray ≤ threshold. Second condition (both rules), against the run's first frame: the signed
 * mean difference stays within ±driftLimit and (max rule) the max stays ≤ the threshold. Encoder
 * noise is zero-mean and does not accumulate; a slow fade moves every pixel the same way and
 * does — so a fade is not a frozen range while a noisy repeated frame still is.
 */
import type { FrameRange } from '@watchtime/core';
import type { Frame } from '../frames/frame-source.js';
import { anchorDifference, differenceWithin, frameDifference } from './frame-difference.js';

export type FreezeRule = 'max' | 'mean';

export interface FreezeOptions {
  rule?: FreezeRule;
  /** Max-rule threshold in gray levels (seed: 40). */
  maxThreshold?: number;
  /** Mean-rule threshold in gray levels (default 2 ≈ freezedetect noise −42 dB; its own default −60 dB = 0.255). */
  meanThreshold?: number;
  /** |signed mean difference| to the run's first frame allowed inside a run; Infinity = the seed's literal rule. */
  driftLimit?: number;
  /** Keep per-pair difference curves for reports (a few bytes per frame; every pair is fully scanned). */
  keepCurves?: boolean;
  /** Also report `still` ranges under the mean rule when the rule is 'max' (implied by keepCurves). */
  still?: boolean;
}

export const FREEZE_DEFAULTS = { rule: 'max', maxThreshold: 40, meanThreshold: 2, driftLimit: 1 } as const;

export interface FreezeReport {
  fps: number;
  frames: number;
  rule: FreezeRule;
  frozen: FrameRange[];
  /** Runs of still frames under the mean rule (a spinner on a frozen page shows up here), when tracked. */
  still?: FrameRange[];
  identicalFrameRatio: number;
  stutterCount: number;
  stutterMs: number;
  stutterSeconds: number[];
  /** Per-frame max / mean gray difference to the previous frame (index 0 = 0), when kept. */
  curves?: { max: number[]; mean: number[] };
}

/** Converts "-60dB" (freezedetect's noise, relative to full scale) or a plain number to gray levels. */
export function parseGrayThreshold(text: string): number {
  const db = /^\s*(-?\d+(?:\.\d+)?)\s*dB\s*$/i.exec(text);
  const value = db ? 255 * 10 ** (Number(db[1]) / 20) : Number(text);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`threshold "${text}": expected gray levels (e.g. 40) or dB (e.g. -60dB)`);
  return value;
}

/**
 * Seed 003 array 2: the seconds with stutter, from array 1 (pure; SPEC §8 window). `frameIndex`
 * maps a sample to its frame number when not every frame was compared (key frames only).
 */
export function stutterSeconds(array1: ArrayLike<number>, fps: number, frameIndex?: ArrayLike<number>): number[] {
  const window = Math.max(1, Math.round(fps));
  const half = window / 2;
  const seconds: number[] = [];
  const seen = new Set<number>();
  const n = array1.length;
  for (let i = 0; i < n; i++) {
    if (array1[i] !== 0) continue;
    const second = Math.floor((frameIndex ? frameIndex[i]! : i) / fps);
    if (seen.has(second)) continue;
    let sum = 0;
    for (let j = i + 1; j <= i + window && j < n; j++) sum += array1[j]!;
    const bothNeighbours = i > 0 && i + 1 < n && array1[i - 1] === 0 && array1[i + 1] === 0;
    if (sum < half || bothNeighbours) {
      seen.add(second);
      seconds.push(second);
    }
  }
  return seconds;
}

/** Maximal runs of zeros in array 1 as [first, last] sample positions (pure). */
export function zeroRuns(array1: ArrayLike<number>): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  let start = -1;
  for (let i = 0; i <= array1.length; i++) {
    const zero = i < array1.length && array1[i] === 0;
    if (zero && start < 0) start = i;
    if (!zero && start >= 0) {
      runs.push([start, i - 1]);
      start = -1;
    }
  }
  return runs;
}

export class FreezeDetector {
  private readonly rule: FreezeRule;
  private readonly maxThreshold: number;
  private readonly meanThreshold: number;
  private readonly driftLimit: number;
  private readonly keepCurves: boolean;
  private readonly trackMax: boolean;
  private readonly trackMean: boolean;
  private prev: Uint8Array | undefined;
  /** First frame of the current run, per rule (max, mean). */
  private anchorMax: Uint8Array | undefined;
  private anchorMean: Uint8Array | undefined;
  private readonly index: number[] = [];
  private readonly a1max: number[] = [];
  private readonly a1mean: number[] = [];
  private readonly curveMax: number[] = [];
  private readonly curveMean: number[] = [];

  constructor(
    readonly fps: number,
    readonly channels: number,
    options: FreezeOptions = {},
  ) {
    this.rule = options.rule ?? FREEZE_DEFAULTS.rule;
    this.maxThreshold = options.maxThreshold ?? FREEZE_DEFAULTS.maxThreshold;
    this.meanThreshold = options.meanThreshold ?? FREEZE_DEFAULTS.meanThreshold;
    this.driftLimit = options.driftLimit ?? FREEZE_DEFAULTS.driftLimit;
    this.keepCurves = options.keepCurves ?? false;
    this.trackMax = this.rule === 'max' || this.keepCurves;
    this.trackMean = this.rule === 'mean' || this.keepCurves || (options.still ?? false);
  }

  push(frame: Pick<Frame, 'index' | 'data'>): void {
    const cur = frame.data;
    this.index.push(frame.index);
    if (!this.prev) {
      this.prev = this.anchorMax = this.anchorMean = cur;
      if (this.trackMax) this.a1max.push(1);
      if (this.trackMean) this.a1mean.push(1);
      if (this.keepCurves) {
        this.curveMax.push(0);
        this.curveMean.push(0);
      }
      return;
    }
    // Bit-identical to the previous frame (a decoder's skipped blocks): memcmp instead of a scan.
    // Then it is identical under every rule, and its drift to the run's start equals the previous
    // frame's, which already passed — so both checks are settled without touching a pixel.
    if (bytesEqual(this.prev, cur)) {
      if (this.keepCurves) {
        this.curveMax.push(0);
        this.curveMean.push(0);
      }
      if (this.trackMax) this.a1max.push(0);
      if (this.trackMean) this.a1mean.push(0);
      this.prev = cur;
      return;
    }
    const d = this.keepCurves
      ? frameDifference(this.prev, cur, this.channels)
      : differenceWithin(
          this.prev,
          cur,
          this.channels,
          this.trackMax ? this.maxThreshold : -1,
          this.trackMean ? this.meanThreshold : -1,
        );
    if (this.keepCurves) {
      this.curveMax.push(d!.max);
      this.curveMean.push(d!.mean);
    }
    // The anchor check runs only when the adjacent pair already looks identical.
    const anchorOk = (anchor: Uint8Array | undefined, checkMax: boolean) => {
      if (this.driftLimit === Infinity) return true;
      const a = anchor === this.prev ? d! : anchorDifference(anchor!, cur, this.channels);
      return Math.abs(a.signedMean) <= this.driftLimit && (!checkMax || a.max <= this.maxThreshold);
    };
    if (this.trackMax) {
      const same = d !== null && d.max <= this.maxThreshold && anchorOk(this.anchorMax, true);
      this.a1max.push(same ? 0 : 1);
      if (!same) this.anchorMax = cur;
    }
    if (this.trackMean) {
      const same = d !== null && d.mean <= this.meanThreshold && anchorOk(this.anchorMean, false);
      this.a1mean.push(same ? 0 : 1);
      if (!same) this.anchorMean = cur;
    }
    this.prev = cur;
  }

  /** Array 1 under the chosen rule (a copy). */
  array1(rule: FreezeRule = this.rule): number[] {
    if (!(rule === 'max' ? this.trackMax : this.trackMean))
      throw new Error(`the ${rule} rule was not tracked in this pass`);
    return (rule === 'max' ? this.a1max : this.a1mean).slice();
  }

  get frameCount(): number {
    return this.index.length;
  }

  result(): FreezeReport {
    const array1 = this.rule === 'max' ? this.a1max : this.a1mean;
    const a = array1.length;
    const b = array1.reduce((s, v) => s + v, 0);
    const seconds = stutterSeconds(array1, this.fps, this.index);
    const report: FreezeReport = {
      fps: this.fps,
      frames: a,
      rule: this.rule,
      frozen: this.ranges(array1),
      identicalFrameRatio: a ? 1 - b / a : 0,
      stutterCount: a - b,
      stutterMs: seconds.length * 1000,
      stutterSeconds: seconds,
    };
    if (this.trackMean) report.still = this.ranges(this.a1mean);
    if (this.keepCurves) report.curves = { max: this.curveMax.slice(), mean: this.curveMean.slice() };
    return report;
  }

  private ranges(array1: number[]): FrameRange[] {
    return zeroRuns(array1).map(([s, e]) => rangeOf(this.index[s]!, this.index[e]!, this.index[e + 1], this.fps));
  }
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return (
    a.length === b.length &&
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength))
  );
}

/** A frame range: endMs is the time of the first frame after the run (or last frame + one frame). */
export function rangeOf(startFrame: number, endFrame: number, nextFrame: number | undefined, fps: number): FrameRange {
  const ms = (n: number) => Math.round((n * 1000) / fps);
  return { startFrame, endFrame, startMs: ms(startFrame), endMs: ms(nextFrame ?? endFrame + 1) };
}

/** Runs a detector over any frame stream (the streaming pass). */
export async function detectFreezes(
  frames: AsyncIterable<Frame>,
  fps: number,
  channels: number,
  options: FreezeOptions = {},
  onFrame?: (frame: Frame) => void,
): Promise<FreezeReport> {
  const detector = new FreezeDetector(fps, channels, options);
  for await (const frame of frames) {
    detector.push(frame);
    onFrame?.(frame);
  }
  return detector.result();
}

/**
 * Classifier over videos: stage labels for stable ranges (−3 for unstable frames), stage timings
 * between labels, a parameter sweep against known timings, and screen time (seed 001).
 */
import type { FrameRange } from '@watchtime/core';
import { analyzeStages, type Progress, type StagesPassOptions } from '../analyze.js';
import { FrameSource } from '../frames/frame-source.js';
import { rangeOf } from '../freeze/freeze-detector.js';
import { cutRanges } from '../stages/stage-cutter.js';
import type { Classifier } from './model.js';

export const UNSTABLE = '-3';
/** Frames are decoded this wide for classification (features are computed on 64×64 anyway). */
const CLASSIFY_WIDTH = 128;

export interface LabelledRange extends FrameRange {
  label: string;
  /** Share of the range's frames that voted for the label. */
  agreement: number;
}

export interface ClassifyReport {
  fps: number;
  frames: number;
  /** One label per frame: the classifier's label inside stable ranges, "-3" elsewhere. */
  labels: string[];
  stable: LabelledRange[];
  unstable: FrameRange[];
  /** First frame of each label (by range label). */
  firstFrame: Record<string, { frame: number; ms: number }>;
}

/** Classifies every frame in `want` (or all frames) in one decode pass; returns label per frame. */
export async function classifyFrames(
  path: string,
  model: Classifier,
  options: { fps?: number; want?: (index: number) => boolean; progress?: Progress } = {},
): Promise<Map<number, string>> {
  const source = await FrameSource.open(path, { width: CLASSIFY_WIDTH, pixelFormat: 'rgb24', fps: options.fps });
  const out = new Map<number, string>();
  let batch: Array<{ index: number; v: Float32Array }> = [];
  const flush = () => {
    const preds = model.predictFeatures(batch.map((b) => b.v));
    batch.forEach((b, k) => {
      out.set(b.index, preds[k]!.label);
    });
    batch = [];
  };
  for await (const frame of source.frames()) {
    if (!options.want || options.want(frame.index)) {
      batch.push({
        index: frame.index,
        v: model.featuresOf({ width: source.width, height: source.height, channels: 3, data: frame.data }),
      });
      if (batch.length >= 64) flush();
    }
    options.progress?.(frame.index + 1, source.expectedFrames);
  }
  flush();
  return out;
}

function majority(labels: Map<number, string>, s: number, e: number): { label: string; agreement: number } {
  const votes = new Map<string, number>();
  for (let f = s; f <= e; f++) {
    const l = labels.get(f);
    if (l !== undefined) votes.set(l, (votes.get(l) ?? 0) + 1);
  }
  let best = UNSTABLE;
  let n = 0;
  let total = 0;
  for (const [l, c] of votes) {
    total += c;
    if (c > n) [best, n] = [l, c];
  }
  return { label: best, agreement: total ? n / total : 0 };
}

export function labelRanges(
  stable: Array<[number, number]>,
  perFrame: Map<number, string>,
  fps: number,
): LabelledRange[] {
  return stable.map(([s, e]) => ({ ...rangeOf(s, e, e + 1, fps), ...majority(perFrame, s, e) }));
}

function firstFrames(ranges: LabelledRange[]): ClassifyReport['firstFrame'] {
  const first: ClassifyReport['firstFrame'] = {};
  for (const r of ranges) if (!(r.label in first)) first[r.label] = { frame: r.startFrame, ms: r.startMs };
  return first;
}

export async function classifyVideo(
  path: string,
  model: Classifier,
  options: StagesPassOptions = {},
  progress?: Progress,
): Promise<ClassifyReport> {
  const { report } = await analyzeStages(path, options, progress && ((d, t) => progress(d, 2 * t)));
  const inStable = new Uint8Array(report.frames);
  for (const r of report.stable) inStable.fill(1, r.startFrame, r.endFrame + 1);
  const perFrame = await classifyFrames(path, model, {
    fps: report.fps,
    want: (i) => inStable[i] === 1,
    progress: progress && ((d, t) => progress(t + d, 2 * t)),
  });
  const stable = labelRanges(
    report.stable.map((r) => [r.startFrame, r.endFrame]),
    perFrame,
    report.fps,
  );
  const labels = Array.from({ length: report.frames }, (_, i) =>
    inStable[i] ? (perFrame.get(i) ?? UNSTABLE) : UNSTABLE,
  );
  return {
    fps: report.fps,
    frames: report.frames,
    labels,
    stable,
    unstable: report.unstable,
    firstFrame: firstFrames(stable),
  };
}

export interface Timing {
  from: string;
  to: string;
  fromMs: number;
  toMs: number;
  ms: number;
}

/** First frame of `from` → first frame of `to`; a clear error when a label never appears. */
export function stageTiming(first: ClassifyReport['firstFrame'], from: string, to: string): Timing {
  const a = first[from];
  const b = first[to];
  const seen = Object.keys(first).join(', ') || 'none';
  if (!a) throw new Error(`label "${from}" never appears in a stable range (labels seen: ${seen})`);
  if (!b) throw new Error(`label "${to}" never appears in a stable range (labels seen: ${seen})`);
  return { from, to, fromMs: a.ms, toMs: b.ms, ms: b.ms - a.ms };
}

export interface SweepTruth {
  timings: Array<{ from: string; to: string; ms: number }>;
}

export interface SweepRow {
  threshold: number;
  offset: number;
  block: number;
  meanDeviationMs: number;
  meanDeviationPct: number;
  /** Timings whose labels were not found (counted as 100 % off). */
  missing: number;
}

export function parseTruth(value: unknown): SweepTruth {
  const t = value as SweepTruth;
  if (!t || !Array.isArray(t.timings) || t.timings.length === 0) {
    throw new Error('truth file: expected {"timings":[{"from":"A","to":"B","ms":1234}, …]}');
  }
  t.timings.forEach((x, i) => {
    if (typeof x.from !== 'string' || typeof x.to !== 'string' || !(typeof x.ms === 'number' && x.ms > 0)) {
      throw new Error(`truth file: timings.${i} needs string "from", "to" and a positive "ms"`);
    }
  });
  return t;
}

/**
 * Sweeps (threshold, offset, block) against known timings. Labels come from the model when given,
 * else they are the stable ranges' numbers ("0", "1", …, as `stages --out` names its folders).
 * One decode pass computes the similarity curves of every block size.
 */
export async function sweep(
  path: string,
  truth: SweepTruth,
  grid: { thresholds: number[]; offsets: number[]; blocks: number[] },
  options: StagesPassOptions & { model?: Classifier } = {},
  progress?: Progress,
): Promise<SweepRow[]> {
  const [first, ...rest] = grid.blocks;
  const { report, curves } = await analyzeStages(path, { ...options, block: first, extraBlocks: rest }, progress);
  const perFrame = options.model ? await classifyFrames(path, options.model, { fps: report.fps }) : undefined;
  const rows: SweepRow[] = [];
  for (const block of grid.blocks) {
    const sim = curves.get(block)!;
    for (const threshold of grid.thresholds) {
      for (const offset of grid.offsets) {
        const { stable } = cutRanges(sim, { threshold, offset, limit: options.limit });
        const ranges = perFrame
          ? labelRanges(stable, perFrame, report.fps)
          : stable.map(([s, e], k) => ({ ...rangeOf(s, e, e + 1, report.fps), label: String(k), agreement: 1 }));
        const first = firstFrames(ranges);
        let devMs = 0;
        let devPct = 0;
        let missing = 0;
        for (const t of truth.timings) {
          try {
            const got = stageTiming(first, t.from, t.to).ms;
            devMs += Math.abs(got - t.ms);
            devPct += (Math.abs(got - t.ms) / t.ms) * 100;
          } catch {
            missing++;
            devMs += t.ms;
            devPct += 100;
          }
        }
        const n = truth.timings.length;
        rows.push({
          threshold,
          offset,
          block,
          meanDeviationMs: Math.round(devMs / n),
          meanDeviationPct: Number((devPct / n).toFixed(2)),
          missing,
        });
      }
    }
  }
  return rows.sort((a, b) => a.meanDeviationMs - b.meanDeviationMs || a.missing - b.missing);
}

export interface ScreenTime {
  everyMs: number;
  samples: number;
  /** Seconds per class (samples × everyMs / 1000). */
  seconds: Record<string, number>;
  timeline: Array<{ ms: number; label: string; confidence: number }>;
}

/** Seed 001: one frame every `everyMs` (default 1 s), classified; seconds per class. */
export async function screenTime(
  path: string,
  model: Classifier,
  everyMs = 1000,
  progress?: Progress,
): Promise<ScreenTime> {
  if (!(everyMs > 0)) throw new Error(`--every must be positive, got ${everyMs} ms`);
  const source = await FrameSource.open(path, { width: CLASSIFY_WIDTH, pixelFormat: 'rgb24', fps: 1000 / everyMs });
  const timeline: ScreenTime['timeline'] = [];
  const seconds: Record<string, number> = Object.fromEntries(model.labels.map((l) => [l, 0]));
  for await (const frame of source.frames()) {
    const [p] = model.predict([{ width: source.width, height: source.height, channels: 3, data: frame.data }]);
    timeline.push({
      ms: Math.round(frame.index * everyMs),
      label: p!.label,
      confidence: Number(p!.confidence.toFixed(4)),
    });
    seconds[p!.label] = (seconds[p!.label] ?? 0) + everyMs / 1000;
    progress?.(frame.index + 1, source.expectedFrames);
  }
  for (const k of Object.keys(seconds)) seconds[k] = Number(seconds[k]!.toFixed(3));
  return { everyMs, samples: timeline.length, seconds, timeline };
}

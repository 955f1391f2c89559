/**
 * The passes: one FrameSource stream feeding the pure detectors. Library functions (no CLI, no HTTP).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FrameSource, type FrameSourceOptions, probeVideo } from './frames/frame-source.js';
import { FreezeDetector, type FreezeOptions, type FreezeReport } from './freeze/freeze-detector.js';
import { encodePng, type Image } from './images/png.js';
import {
  STAGE_DEFAULTS,
  StageCutter,
  type StageOptions,
  type StagesReport,
  stagesReport,
} from './stages/stage-cutter.js';

export type Progress = (done: number, total: number) => void;

export interface SourceOptions extends Pick<FrameSourceOptions, 'crop' | 'ignore' | 'fps'> {
  width?: number;
}

export interface Thumb {
  index: number;
  ms: number;
  png: Buffer;
}

export interface FreezeAnalysis {
  report: FreezeReport;
  /** For each frozen range (up to 30): the frame before it and the first frame after, when asked for. */
  thumbs: Thumb[];
}

export interface FreezePassOptions extends SourceOptions, FreezeOptions {
  pixelFormat?: 'gray' | 'rgb24';
  /** Compare every n-th frame (the source is decimated to fps / n). */
  every?: number;
  keyframesOnly?: boolean;
  thumbnails?: boolean;
}

export async function analyzeFreeze(
  path: string,
  options: FreezePassOptions = {},
  progress?: Progress,
): Promise<FreezeAnalysis> {
  const info = await probeVideo(path);
  const every = options.every ?? 1;
  if (!Number.isInteger(every) || every < 1) throw new Error(`--every must be a whole number ≥ 1, got ${every}`);
  const source = FrameSource.fromInfo(info, {
    width: options.width,
    pixelFormat: options.pixelFormat ?? 'rgb24',
    fps: (options.fps ?? info.fps) / every,
    crop: options.crop,
    ignore: options.ignore,
    keyframesOnly: options.keyframesOnly,
  });
  const detector = new FreezeDetector(source.fps, source.channels, { ...options, keepCurves: options.thumbnails });
  for await (const frame of source.frames()) {
    detector.push(frame);
    progress?.(frame.index + 1, source.expectedFrames);
  }
  const report = detector.result();
  const thumbs = options.thumbnails
    ? await grabFrames(
        path,
        report.frozen.slice(0, 30).flatMap((r) => [r.startFrame - 1, r.endFrame + 1]),
        { fps: source.fps },
      )
    : [];
  return { report, thumbs };
}

/**
 * A second, cheap pass that grabs a few frames as small PNGs (reports): memory stays flat in
 * video length, unlike keeping thumbnails during the main pass.
 */
export async function grabFrames(
  path: string,
  indices: number[],
  options: { fps?: number; width?: number } = {},
): Promise<Thumb[]> {
  const want = new Set(indices.filter((i) => i >= 0));
  if (want.size === 0) return [];
  const source = await FrameSource.open(path, { width: options.width ?? 160, fps: options.fps, pixelFormat: 'rgb24' });
  const last = Math.max(...want);
  const out: Thumb[] = [];
  for await (const frame of source.frames()) {
    if (want.has(frame.index)) {
      const img: Image = { width: source.width, height: source.height, channels: 3, data: frame.data };
      out.push({ index: frame.index, ms: frame.ms, png: encodePng(img) });
    }
    if (frame.index >= last) break;
  }
  return out;
}

export interface StagesPassOptions extends SourceOptions, StageOptions {
  compressRate?: number;
  /** Extra block sizes computed in the same pass (for sweeps). */
  extraBlocks?: number[];
}

export interface StagesAnalysis {
  report: StagesReport;
  /** similarity curves per block size (the main block first). */
  curves: Map<number, number[]>;
}

export async function stagesSource(path: string, options: StagesPassOptions): Promise<FrameSource> {
  const info = await probeVideo(path);
  const rate = options.compressRate ?? STAGE_DEFAULTS.compressRate;
  if (!(rate > 0 && rate <= 1)) throw new Error(`compressRate must be in (0, 1], got ${rate}`);
  const width = options.width ?? Math.max(16, Math.round(info.width * rate));
  return FrameSource.fromInfo(info, {
    width,
    pixelFormat: 'gray',
    fps: options.fps,
    crop: options.crop,
    ignore: options.ignore,
  });
}

export async function analyzeStages(
  path: string,
  options: StagesPassOptions = {},
  progress?: Progress,
): Promise<StagesAnalysis> {
  const source = await stagesSource(path, options);
  const blocks = [options.block ?? STAGE_DEFAULTS.block, ...(options.extraBlocks ?? [])];
  const cutters = [...new Set(blocks)].map(
    (block) => new StageCutter(source.width, source.height, { block, combine: options.combine }),
  );
  for await (const frame of source.frames()) {
    for (const c of cutters) c.push(frame);
    progress?.(frame.index + 1, source.expectedFrames);
  }
  const curves = new Map(cutters.map((c) => [c.block, c.similarity]));
  const report = stagesReport(cutters[0]!.similarity, source.fps, options, true);
  return { report, curves };
}

/** Picks `perRange` evenly spaced frames of each stable range. */
export function framesToSave(report: StagesReport, perRange: number): Map<number, number> {
  const pick = new Map<number, number>(); // frame → stage index
  report.stable.forEach((r, stage) => {
    const len = r.endFrame - r.startFrame + 1;
    const k = Math.min(perRange, len);
    for (let j = 0; j < k; j++) {
      const f = r.startFrame + (k === 1 ? Math.floor(len / 2) : Math.round((j * (len - 1)) / (k - 1)));
      pick.set(f, stage);
    }
  });
  return pick;
}

/**
 * Second pass: writes the chosen frames of each stable range as `<out>/<stage>/<frame>_<ms>.png`
 * (stage = the range's number) for a person to merge or rename into labels.
 */
export async function saveStageFrames(
  path: string,
  report: StagesReport,
  outDir: string,
  options: { perRange?: number; width?: number; fps?: number } = {},
): Promise<string[]> {
  const pick = framesToSave(report, options.perRange ?? 3);
  const source = await FrameSource.open(path, {
    width: options.width ?? 240,
    fps: options.fps ?? report.fps,
    pixelFormat: 'rgb24',
  });
  const written: string[] = [];
  const last = Math.max(-1, ...pick.keys());
  for await (const frame of source.frames()) {
    const stage = pick.get(frame.index);
    if (stage !== undefined) {
      const dir = join(outDir, String(stage));
      await mkdir(dir, { recursive: true });
      const file = join(dir, `${frame.index}_${frame.ms}.png`);
      await writeFile(file, encodePng({ width: source.width, height: source.height, channels: 3, data: frame.data }));
      written.push(file);
    }
    if (frame.index >= last) break;
  }
  return written;
}

/**
 * Records a page with CDP `Page.startScreencast` and turns the frames into a constant-fps video.
 *
 * Each screencast frame carries `metadata.timestamp` (wall clock, seconds). Recording time 0 is
 * the first frame, so the clock offset between the recording and the page's wall clock is known
 * exactly: wall = recordingMs + startWallMs. The frames are laid on a constant-fps timeline with
 * ffmpeg's concat demuxer (each frame lasts until the next one's timestamp), so a frame that stayed
 * on screen for 300 ms becomes 9 identical frames, as a camera would have seen it.
 *
 * Frames are only sent when the page changes; pages in these tests carry the ticker (ticker.ts)
 * so they always change, and a stretch with no frames is a *capture gap* — reported separately,
 * because a freeze there says something about the capture, not about the player.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { runFfmpeg } from './ffmpeg.js';
import { TICKER_MASK } from './ticker.js';
import { captureGapsOf, increasingFrames } from './timeline.js';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface RecorderOptions {
  /** Folder for the frames and the video (created; frames are deleted after encoding). */
  outDir: string;
  name?: string;
  fps?: number;
  quality?: number;
  /** Regions painted black in the video (default: the ticker's corner). */
  mask?: Rect[];
  /** A stretch between consecutive frames longer than this many frame intervals is a capture gap. */
  gapFrames?: number;
}

export interface Recording {
  file: string;
  fps: number;
  /** Wall-clock time (epoch ms) of the first frame = recording ms 0. */
  startWallMs: number;
  /** Each screencast frame's time in recording ms. */
  frameTimesMs: number[];
  /** Stretches (recording ms) with no screencast frame for more than `gapFrames` intervals. */
  captureGaps: Array<{ startMs: number; endMs: number }>;
  /** Length of the video file: last frame's time plus one frame. */
  durationMs: number;
  /** Screencast frames received (the video has about durationMs × fps / 1000 frames). */
  screencastFrames: number;
  mask: Rect[];
}

export interface ScreenRecorder {
  stop(): Promise<Recording>;
}

interface Frame {
  data: Buffer;
  wallMs: number;
}

export async function startScreenRecorder(page: Page, options: RecorderOptions): Promise<ScreenRecorder> {
  const fps = options.fps ?? 30;
  const mask = options.mask ?? [TICKER_MASK];
  const name = options.name ?? 'recording';
  const gapFrames = options.gapFrames ?? 3;
  const frames: Frame[] = [];
  const cdp: CDPSession = await page.context().newCDPSession(page);
  cdp.on('Page.screencastFrame', (f) => {
    // Ack first: the browser sends the next frame only after the previous one is acknowledged.
    cdp.send('Page.screencastFrameAck', { sessionId: f.sessionId }).catch(() => {});
    const wallMs = f.metadata.timestamp !== undefined ? f.metadata.timestamp * 1000 : Date.now();
    frames.push({ data: Buffer.from(f.data, 'base64'), wallMs });
  });
  await cdp.send('Page.startScreencast', {
    format: 'jpeg',
    quality: options.quality ?? 60,
    maxWidth: 640,
    maxHeight: 640,
    everyNthFrame: 1,
  });

  return {
    async stop() {
      await cdp.send('Page.stopScreencast').catch(() => {});
      await cdp.detach().catch(() => {});
      return encode(frames, { ...options, fps, mask, name, gapFrames });
    },
  };
}

async function encode(
  all: Frame[],
  o: RecorderOptions & { fps: number; mask: Rect[]; name: string; gapFrames: number },
): Promise<Recording> {
  // Timestamps can tie or (rarely) step back by a hair: keep the order they were shown in.
  const frames = increasingFrames(all);
  const first = frames[0];
  if (!first) throw new Error('the screencast delivered no frame: did the page render anything?');
  const frameMs = 1000 / o.fps;
  const startWallMs = first.wallMs;
  const frameTimesMs = frames.map((f) => f.wallMs - startWallMs);
  const captureGaps = captureGapsOf(frameTimesMs, o.gapFrames * frameMs);

  await mkdir(o.outDir, { recursive: true });
  const framesDir = join(o.outDir, `${o.name}-frames`);
  await rm(framesDir, { recursive: true, force: true });
  await mkdir(framesDir);
  const lines = ['ffconcat version 1.0'];
  for (let i = 0; i < frames.length; i++) {
    const file = `f${String(i).padStart(6, '0')}.jpg`;
    await writeFile(join(framesDir, file), (frames[i] as Frame).data);
    const next = frames[i + 1];
    const seconds = next ? (next.wallMs - (frames[i] as Frame).wallMs) / 1000 : 1 / o.fps;
    lines.push(`file '${file}'`, `duration ${seconds.toFixed(6)}`);
  }
  // The concat demuxer ignores the last entry's duration unless the file is listed once more.
  lines.push(`file 'f${String(frames.length - 1).padStart(6, '0')}.jpg'`);
  const list = join(framesDir, 'frames.ffconcat');
  await writeFile(list, `${lines.join('\n')}\n`);

  const file = join(o.outDir, `${o.name}.mp4`);
  const boxes = o.mask.map((r) => `drawbox=x=${r.x}:y=${r.y}:w=${r.width}:h=${r.height}:color=black:t=fill`);
  const filters = [...boxes, `fps=${o.fps}`, 'scale=trunc(iw/2)*2:trunc(ih/2)*2', 'format=yuv420p'];
  await runFfmpeg([
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-f',
    'concat',
    '-safe',
    '0',
    '-i',
    list,
    '-vf',
    filters.join(','),
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '18',
    file,
  ]);
  await rm(framesDir, { recursive: true, force: true });
  const last = frameTimesMs[frameTimesMs.length - 1] as number;
  return {
    file,
    fps: o.fps,
    startWallMs: Math.round(startWallMs),
    frameTimesMs,
    captureGaps,
    durationMs: last + frameMs,
    screencastFrames: frames.length,
    mask: o.mask,
  };
}

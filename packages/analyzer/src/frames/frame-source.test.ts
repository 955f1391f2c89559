import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../testing/fixtures.js';
import { generate, run } from '../testing/media.js';
import { FrameSource, frameMs, probeVideo, VideoError } from './frame-source.js';
import { applyRegions, parseRegion, resolveRegion } from './regions.js';

let dir: string;
let cleanup: () => Promise<void>;
let cfr: string;
let vfr: string;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  // 2 s at 30 fps: a white box moving 4 px per frame over black.
  cfr = (
    await generate(
      join(dir, 'cfr.mp4'),
      "color=c=black:s=320x180:r=30:d=2[bg];color=c=white:s=20x20:r=30:d=2[b];[bg][b]overlay=x='4*n':y=40:eval=frame",
    )
  ).path;
  // Variable frame rate: frames 0..29 at 30 fps, then 15 frames at 10 fps (timestamps jump by 100 ms).
  vfr = join(dir, 'vfr.mkv');
  const graph =
    "color=c=black:s=160x90:r=30:d=2.5[bg];color=c=white:s=8x8:r=30:d=2.5[b];[bg][b]overlay=x='2*n':y=10:eval=frame,setpts='if(lt(N,30),N/30,1+(N-30)/10)/TB'";
  const r = await run('ffmpeg', [
    '-y',
    '-f',
    'lavfi',
    '-i',
    graph,
    '-frames:v',
    '45',
    '-fps_mode',
    'vfr',
    '-c:v',
    'libx264',
    '-pix_fmt',
    'yuv420p',
    vfr,
  ]);
  expect(r.code).toBe(0);
});
afterAll(() => cleanup());

async function collect(src: FrameSource) {
  const out: Array<{ index: number; ms: number; data: Uint8Array }> = [];
  for await (const f of src.frames()) out.push(f);
  return out;
}

describe('FrameSource', () => {
  it('probes metadata and streams every frame with exact timestamps (n × 1000 / fps)', async () => {
    const info = await probeVideo(cfr);
    expect(info).toMatchObject({ width: 320, height: 180, fps: 30, codec: 'h264' });
    expect(info.durationMs).toBeGreaterThanOrEqual(1990);
    const src = await FrameSource.open(cfr, { width: 160, pixelFormat: 'gray' });
    expect([src.width, src.height, src.channels]).toEqual([160, 90, 1]);
    const frames = await collect(src);
    expect(frames).toHaveLength(60);
    frames.forEach((f, n) => {
      expect(f.index).toBe(n);
      expect(f.ms).toBe(Math.round((n * 1000) / 30));
      expect(f.data.length).toBe(160 * 90);
    });
    // The box really moves: its brightest column advances 2 px per frame at half size.
    const brightestX = (d: Uint8Array) => {
      for (let x = 0; x < 160; x++) if (d[25 * 160 + x]! > 128) return x;
      return -1;
    };
    expect(brightestX(frames[10]!.data) - brightestX(frames[0]!.data)).toBe(20);
  });

  it('defaults to 480 px wide but never upscales; rgb24 has 3 bytes per pixel; width 0 = native', async () => {
    const def = await FrameSource.open(cfr);
    expect([def.width, def.height, def.channels]).toEqual([320, 180, 3]);
    const native = await FrameSource.open(cfr, { width: 0, pixelFormat: 'gray' });
    expect(native.frameBytes).toBe(320 * 180);
  });

  it('normalises variable frame rate input to a constant fps', async () => {
    const src = await FrameSource.open(vfr, { fps: 30, width: 0, pixelFormat: 'gray' });
    const frames = await collect(src);
    // 1 s at 30 fps + 1.5 s at 10 fps, held to 30 fps = about 75 frames, evenly timed.
    expect(frames.length).toBeGreaterThanOrEqual(73);
    expect(frames.length).toBeLessThanOrEqual(76);
    expect(frames.at(-1)!.ms).toBe(frameMs(frames.length - 1, 30));
    // During the 10 fps part each source frame is held for three output frames.
    const same = (a: Uint8Array, b: Uint8Array) => a.every((v, i) => Math.abs(v - b[i]!) < 20);
    expect(same(frames[40]!.data, frames[41]!.data) || same(frames[41]!.data, frames[42]!.data)).toBe(true);
  });

  it('stops ffmpeg when the consumer stops early', async () => {
    const src = await FrameSource.open(cfr, { pixelFormat: 'gray' });
    let n = 0;
    for await (const _ of src.frames()) if (++n === 5) break;
    expect(n).toBe(5);
  });

  it('applies crop and ignore regions in JS (pixels or proportions)', async () => {
    const src = await FrameSource.open(cfr, {
      width: 0,
      pixelFormat: 'gray',
      crop: parseRegion('0,0.5,0.5,0.5'),
      ignore: [parseRegion('0,0,10,10')],
    });
    expect([src.width, src.height]).toEqual([160, 90]);
    const [f] = await collect(src);
    expect(f!.data.length).toBe(160 * 90);
    expect(f!.data[0]).toBe(0);
    expect(parseRegion('10%,0,50%,10%')).toEqual({ x: 0.1, y: 0, width: 0.5, height: 0.1, unit: 'fraction' });
    expect(resolveRegion(parseRegion('0,0,0.5,0.25'), 200, 100)).toEqual({ x: 0, y: 0, width: 100, height: 25 });
    const frame = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    expect([
      ...applyRegions(frame, 4, 1, { x: 1, y: 1, width: 2, height: 2 }, [{ x: 0, y: 0, width: 1, height: 1 }]),
    ]).toEqual([0, 7, 10, 11]);
    expect(() => parseRegion('1,2,3')).toThrow(/x,y,width,height/);
  });

  it('gives clear errors for a missing file and for a file that is not a video', async () => {
    await expect(probeVideo(join(dir, 'nope.mp4'))).rejects.toThrow(/no such file/);
    const text = join(dir, 'notes.mp4');
    await writeFile(text, 'this is not a video\n'.repeat(50));
    const err = await probeVideo(text).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VideoError);
    expect((err as Error).message).toMatch(/notes\.mp4 is not a readable video/);
    const wav = join(dir, 'tone.wav');
    await run('ffmpeg', ['-y', '-f', 'lavfi', '-i', 'sine=d=0.2', wav]);
    await expect(probeVideo(wav)).rejects.toThrow(/has no video stream \(found: audio\)/);
  });

  it('decodes key frames only, indexed by their frame number', async () => {
    const src = await FrameSource.open(cfr, { keyframesOnly: true, pixelFormat: 'gray', width: 80 });
    const frames = await collect(src);
    expect(frames.map((f) => f.index)).toEqual([0, 10, 20, 30, 40, 50]); // GOP 10
  });
});

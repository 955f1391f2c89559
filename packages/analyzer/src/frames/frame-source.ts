/**
 * FrameSource — the only module that knows fluent-ffmpeg.
 *
 * ffmpeg does decode + constant-fps normalisation + scale + pixel-format conversion in one
 * process and writes raw frames to a pipe; we cut that byte stream into frames. The pipe gives
 * backpressure for free: when the consumer is slow, the stream pauses and ffmpeg blocks.
 */
import { execFile } from 'node:child_process';
import { access } from 'node:fs/promises';
import { PassThrough } from 'node:stream';
import ffmpeg from 'fluent-ffmpeg';
import { applyRegions, type PixelRect, type RegionSpec, resolveRegion } from './regions.js';

export type PixelFormat = 'gray' | 'rgb24';

export interface FrameSourceOptions {
  /** Output width in px; default 480 (or native when smaller); 0 = native. Height follows the aspect ratio unless given. */
  width?: number;
  /** Output height in px; default in proportion to width (rounded to even). */
  height?: number;
  pixelFormat?: PixelFormat;
  /** Constant output fps (variable-frame-rate input is normalised to it); default the probed rate. */
  fps?: number;
  /** Keep only this region of each frame (applied in JS after scaling). */
  crop?: RegionSpec;
  /** Regions blanked to 0 in every frame (status bar, clock) so they never count as change. */
  ignore?: RegionSpec[];
  /** Decode key frames only (timestamps from ffprobe); index = the frame's number at `fps`. */
  keyframesOnly?: boolean;
}

export interface Frame {
  /** Frame number after constant-fps normalisation (SPEC §8). */
  index: number;
  /** index × 1000 / fps, rounded to the nearest ms. */
  ms: number;
  /** Raw pixels, row-major, `channels` bytes per pixel; owned by the consumer. */
  data: Uint8Array;
}

export interface VideoInfo {
  path: string;
  width: number;
  height: number;
  /** The stream's own average rate (the default normalisation rate). */
  fps: number;
  durationMs: number;
  codec: string;
}

export class VideoError extends Error {
  override name = 'VideoError';
}

export function frameMs(index: number, fps: number): number {
  return Math.round((index * 1000) / fps);
}

function parseRate(rate: string | undefined): number {
  if (!rate) return Number.NaN;
  const [n, d] = rate.split('/').map(Number);
  if (n === undefined || !Number.isFinite(n)) return Number.NaN;
  return d ? n / d : n;
}

const missingTool = (tool: string) =>
  new VideoError(
    `${tool} was not found: install ffmpeg (Debian: apt-get install ffmpeg) or set ${tool.toUpperCase()}_PATH`,
  );

/** Reads stream metadata with ffprobe; clear errors for a missing ffprobe, a missing file or a non-video. */
export async function probeVideo(path: string): Promise<VideoInfo> {
  try {
    await access(path);
  } catch {
    throw new VideoError(`${path}: no such file`);
  }
  const data = await new Promise<ffmpeg.FfprobeData>((resolve, reject) => {
    ffmpeg.ffprobe(path, (err: unknown, out) => {
      if (!err) return resolve(out);
      const msg = String((err as Error).message ?? err);
      if (/Cannot find ffprobe/i.test(msg)) return reject(missingTool('ffprobe'));
      const why =
        msg
          .split('\n')
          .filter((l) => l.trim() && !/^ffprobe exited/.test(l))
          .pop() ?? msg;
      reject(new VideoError(`${path} is not a readable video (ffprobe: ${why.trim()})`));
    });
  });
  const stream = data.streams.find((s) => s.codec_type === 'video');
  if (!stream?.width || !stream.height) {
    throw new VideoError(
      `${path} has no video stream (found: ${data.streams.map((s) => s.codec_type).join(', ') || 'nothing'})`,
    );
  }
  let fps = parseRate(stream.avg_frame_rate);
  if (!(fps > 0 && fps <= 240)) fps = parseRate(stream.r_frame_rate);
  if (!(fps > 0 && fps <= 240)) fps = 30;
  const rotation = Math.abs(Number(stream.tags?.rotate ?? rotationFromSideData(stream)) || 0) % 180;
  const [width, height] = rotation === 90 ? [stream.height, stream.width] : [stream.width, stream.height];
  const seconds = Number(stream.duration) || Number(data.format.duration) || 0;
  return { path, width, height, fps, durationMs: Math.round(seconds * 1000), codec: stream.codec_name ?? 'unknown' };
}

function rotationFromSideData(stream: ffmpeg.FfprobeStream): number {
  const list = (stream as unknown as { side_data_list?: Array<{ rotation?: number }> }).side_data_list;
  return list?.find((s) => typeof s.rotation === 'number')?.rotation ?? 0;
}

/** Timestamps (s) of the key frames, via ffprobe. */
function keyframeTimes(path: string): Promise<number[]> {
  const bin = process.env.FFPROBE_PATH || 'ffprobe';
  const args = ['-v', 'error', '-select_streams', 'v:0', '-skip_frame', 'nokey'];
  args.push('-show_entries', 'frame=best_effort_timestamp_time', '-of', 'csv=p=0', path);
  return new Promise((resolve, reject) => {
    execFile(bin, args, { maxBuffer: 64 << 20 }, (err, stdout) => {
      if (err) return reject((err as NodeJS.ErrnoException).code === 'ENOENT' ? missingTool('ffprobe') : err);
      resolve(
        stdout
          .split('\n')
          .map((l) => Number.parseFloat(l))
          .filter((t) => Number.isFinite(t)),
      );
    });
  });
}

export class FrameSource {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 3;
  readonly fps: number;
  /** Estimated number of frames (for progress); the stream is the truth. */
  readonly expectedFrames: number;
  private readonly scaledWidth: number;
  private readonly scaledHeight: number;
  private readonly crop: PixelRect | undefined;
  private readonly ignore: PixelRect[];

  private constructor(
    readonly info: VideoInfo,
    private readonly options: FrameSourceOptions,
  ) {
    const w = options.width ?? Math.min(480, info.width); // never upscale by default
    if (!(w >= 0) || !Number.isInteger(w)) throw new VideoError(`width must be a whole number ≥ 0, got ${w}`);
    const even = (n: number) => Math.max(2, 2 * Math.round(n / 2));
    this.scaledWidth = w === 0 ? info.width : even(w);
    this.scaledHeight = options.height
      ? even(options.height)
      : w === 0
        ? info.height
        : even((info.height * w) / info.width);
    this.channels = (options.pixelFormat ?? 'rgb24') === 'gray' ? 1 : 3;
    this.fps = options.fps ?? info.fps;
    if (!(this.fps > 0)) throw new VideoError(`fps must be positive, got ${this.fps}`);
    this.crop = options.crop ? resolveRegion(options.crop, this.scaledWidth, this.scaledHeight) : undefined;
    this.width = this.crop?.width ?? this.scaledWidth;
    this.height = this.crop?.height ?? this.scaledHeight;
    this.ignore = (options.ignore ?? []).map((r) => {
      const px = resolveRegion(r, this.scaledWidth, this.scaledHeight);
      return this.crop ? { ...px, x: px.x - this.crop.x, y: px.y - this.crop.y } : px;
    });
    this.expectedFrames = Math.max(1, Math.round((info.durationMs / 1000) * this.fps));
  }

  static async open(path: string, options: FrameSourceOptions = {}): Promise<FrameSource> {
    return new FrameSource(await probeVideo(path), options);
  }

  /** A source over an already probed video (saves an ffprobe run). */
  static fromInfo(info: VideoInfo, options: FrameSourceOptions = {}): FrameSource {
    return new FrameSource(info, options);
  }

  get frameBytes(): number {
    return this.width * this.height * this.channels;
  }

  /** The ffmpeg filter chain this source runs (also used by the bench as the decode-only baseline). */
  filterChain(): string {
    const filters: string[] = [];
    // round=up: output frame n shows the last input frame with pts ≤ n / fps — what was on screen
    // at that instant (the default 'near' would show a frame from up to half an interval later).
    if (!this.options.keyframesOnly) filters.push(`fps=fps=${this.fps}:round=up`);
    if (this.scaledWidth !== this.info.width || this.scaledHeight !== this.info.height) {
      filters.push(`scale=${this.scaledWidth}:${this.scaledHeight}:flags=bilinear`);
    }
    filters.push(`format=${this.channels === 1 ? 'gray' : 'rgb24'}`);
    return filters.join(',');
  }

  /** Streams frames in order. Breaking out of the loop stops ffmpeg. */
  async *frames(): AsyncGenerator<Frame> {
    const keyTimes = this.options.keyframesOnly ? await keyframeTimes(this.info.path) : undefined;
    const rawBytes = this.scaledWidth * this.scaledHeight * this.channels;
    // autoDestroy off: fluent-ffmpeg treats the pipe's 'close' as a failure if ffmpeg's exit event
    // comes more than 20 ms later (it does under load); we want the real exit status instead.
    const out = new PassThrough({ highWaterMark: Math.max(rawBytes * 2, 1 << 16), autoDestroy: false });
    const cmd = ffmpeg(this.info.path);
    if (keyTimes) cmd.inputOptions(['-skip_frame', 'nokey']);
    cmd.outputOptions(['-an', '-sn', '-dn', '-vf', this.filterChain(), '-f', 'rawvideo']);
    if (keyTimes) cmd.outputOptions(['-fps_mode', 'passthrough']);
    let failure: Error | undefined;
    let stopping = false;
    const done = new Promise<void>((resolve) => {
      cmd.on('end', () => resolve());
      cmd.on('error', (err: Error, _stdout: string | null, stderr: string | null) => {
        if (!stopping) {
          if (/Cannot find ffmpeg/i.test(err.message)) failure = missingTool('ffmpeg');
          else {
            const tail = String(stderr ?? '')
              .trim()
              .split('\n')
              .slice(-3)
              .join(' | ');
            failure = new VideoError(`ffmpeg failed on ${this.info.path}: ${err.message.split('\n')[0]} ${tail}`);
          }
        }
        out.end();
        resolve();
      });
    });
    cmd.pipe(out, { end: true });

    let finished = false;
    const crop = this.crop;
    const full = crop ? new Uint8Array(rawBytes) : undefined; // reused: only the crop leaves this loop
    let frame = crop ? full! : new Uint8Array(rawBytes);
    let filled = 0;
    let n = 0;
    try {
      for await (const chunk of out as AsyncIterable<Buffer>) {
        let at = 0;
        while (at < chunk.length) {
          const take = Math.min(rawBytes - filled, chunk.length - at);
          frame.set(chunk.subarray(at, at + take), filled);
          filled += take;
          at += take;
          if (filled === rawBytes) {
            const data = crop ? applyRegions(frame, this.scaledWidth, this.channels, crop, this.ignore) : frame;
            if (!crop && this.ignore.length)
              applyRegions(data, this.scaledWidth, this.channels, undefined, this.ignore);
            let index = n;
            if (keyTimes) index = Math.round((keyTimes[n] ?? n / this.info.fps) * this.fps);
            yield { index, ms: frameMs(index, this.fps), data };
            n++;
            filled = 0;
            if (!crop) frame = new Uint8Array(rawBytes);
          }
        }
      }
      await done;
      finished = true;
      if (failure) throw failure;
      if (n === 0) throw new VideoError(`${this.info.path}: ffmpeg produced no frames`);
    } finally {
      if (!finished) {
        stopping = true;
        cmd.kill('SIGKILL');
        out.destroy();
      }
    }
  }
}

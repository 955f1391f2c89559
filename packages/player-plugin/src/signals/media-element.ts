/**
 * Media events, frame callbacks and two timers → recorder and stall inputs.
 *
 * - `events` mode: play/playing/pause/seeking/seeked/ended/ratechange/timeupdate/waiting become
 *   core `MediaEvent`s; the 100 ms stall poll adds a position report in between, so the
 *   position before a seek is extrapolated from a sample at most ~100 ms old.
 * - `ticks` mode: a `tickMs` timer reads only currentTime, paused and playbackRate.
 * - Always: the 100 ms stall poll (playhead, waiting, readyState, last presented frame, network).
 *
 * Everything is time-stamped with `performance.now()`; the session converts to epoch ms.
 */
import type { MediaEvent, MediaEventType, StallSample, TickSample } from '@watchtime/core';
import type { PlaybackTarget } from './target.js';

export interface MediaSink {
  mediaEvent(event: MediaEvent): void;
  tick(sample: TickSample): void;
  poll(sample: StallSample): void;
  durationChanged(durationMs: number | null): void;
  playRequested(wallMs: number): void;
  /** A seek began (`to` is the target) / ended. */
  seekStarted(wallMs: number, toMs: number): void;
  seekEnded(wallMs: number): void;
  paused(wallMs: number, mediaMs: number): void;
  resumed(wallMs: number): void;
  rateChanged(wallMs: number, mediaMs: number, rate: number): void;
  /** A new source is loading: first-frame time restarts from here. */
  loadStarted(wallMs: number): void;
}

export interface NetworkProbe {
  throughputBps(): number | null;
  takeWaiting(): boolean;
}

export interface MediaSignalsOptions {
  mode: 'events' | 'ticks';
  tickMs: number;
  pollMs?: number;
  network?: NetworkProbe | null;
  now?: () => number;
}

const RECORDER_EVENTS: MediaEventType[] = [
  'play',
  'playing',
  'pause',
  'seeking',
  'seeked',
  'ended',
  'ratechange',
  'timeupdate',
  'waiting',
];

export const STALL_POLL_MS = 100;

export class MediaSignals {
  private readonly unlisten: Array<() => void> = [];
  private readonly timers: Array<ReturnType<typeof setInterval>> = [];
  private frameHandle: number | null = null;
  private frameVideo: HTMLVideoElement | null = null;
  /** Wall time of the last presented frame; undefined until the first callback (not measurable yet). */
  private lastFrameWallMs: number | undefined = undefined;
  /** Wall time of the first frame presented since the previous poll (null: none since then). */
  private firstFrameSincePollWallMs: number | null = null;
  private waitingSincePoll = false;
  /** Position at the last pause, until a seek: a paused playhead cannot move, so play resumes here. */
  private pausedAtMs: number | null = null;
  /** A `seeking` has been passed on for the seek in progress. */
  private seekForwarded = false;
  private disposed = false;
  private readonly now: () => number;

  constructor(
    private readonly target: PlaybackTarget,
    private readonly sink: MediaSink,
    private readonly options: MediaSignalsOptions,
  ) {
    this.now = options.now ?? (() => performance.now());
  }

  start(): void {
    const t = this.target;
    const on = (type: string, fn: () => void) => this.unlisten.push(t.listen(type, fn));
    if (this.options.mode === 'events') {
      for (const type of RECORDER_EVENTS) {
        on(type, () => {
          // A timeupdate while seeking already carries the target; the recorder ignores it.
          if (type === 'timeupdate' && t.seeking()) return;
          let mediaMs = t.currentTime() * 1000;
          if (type === 'seeking') this.seekForwarded = true;
          else if (type === 'seeked') this.seekForwarded = false;
          else if (t.seeking() && !this.seekForwarded) {
            // The element is already seeking (currentTime reads the target) but its `seeking`
            // event is still queued behind this one — e.g. a ratechange set just before the
            // seek. Announce the seek first, or the target would be read as a position reached
            // by playing.
            this.seekForwarded = true;
            this.pausedAtMs = null;
            this.sink.mediaEvent({ type: 'seeking', mediaMs, wallMs: this.now(), rate: t.playbackRate() });
          }
          if (type === 'pause') this.pausedAtMs = mediaMs;
          else if (type === 'seeking') this.pausedAtMs = null;
          else if ((type === 'play' || type === 'playing') && this.pausedAtMs !== null) {
            // currentTime read at `play` can differ from the one at `pause` by a frame's rounding;
            // without a seek in between it is the same position (else a 1 ms gap splits the section).
            if (Math.abs(mediaMs - this.pausedAtMs) < 100) mediaMs = this.pausedAtMs;
            if (type === 'playing') this.pausedAtMs = null;
          }
          this.sink.mediaEvent({ type, mediaMs, wallMs: this.now(), rate: t.playbackRate() });
        });
      }
    }
    on('play', () => {
      this.sink.playRequested(this.now());
      this.sink.resumed(this.now());
    });
    on('pause', () => {
      if (!t.ended()) this.sink.paused(this.now(), t.currentTime() * 1000);
    });
    on('waiting', () => {
      this.waitingSincePoll = true;
    });
    on('seeking', () => this.sink.seekStarted(this.now(), t.currentTime() * 1000));
    on('seeked', () => this.sink.seekEnded(this.now()));
    on('ratechange', () => this.sink.rateChanged(this.now(), t.currentTime() * 1000, t.playbackRate()));
    on('loadstart', () => this.sink.loadStarted(this.now()));
    const duration = () => this.sink.durationChanged(durationMsOf(t.duration()));
    on('loadedmetadata', duration);
    on('durationchange', duration);
    duration();
    // An autoplaying element may already have asked to play before we attached.
    if (!t.paused()) this.sink.playRequested(this.now());

    this.watchFrames();
    // A baseline sample now: the first timed poll can then see the playhead move (an autoplay
    // right after attach would otherwise have its startup rounded up by a whole poll).
    this.poll();
    const pollMs = this.options.pollMs ?? STALL_POLL_MS;
    this.timers.push(setInterval(() => this.poll(), pollMs));
    if (this.options.mode === 'ticks') this.timers.push(setInterval(() => this.tick(), this.options.tickMs));
  }

  /** One `ticks` sample: nothing but currentTime, paused and playbackRate. */
  private tick(): void {
    const t = this.target;
    this.sink.tick({ mediaMs: t.currentTime() * 1000, wallMs: this.now(), paused: t.paused(), rate: t.playbackRate() });
  }

  private poll(): void {
    const t = this.target;
    const wallMs = this.now();
    const mediaMs = t.currentTime() * 1000;
    const paused = t.paused();
    const seeking = t.seeking();
    const net = this.options.network;
    const waiting = this.waitingSincePoll || (net?.takeWaiting() ?? false);
    this.waitingSincePoll = false;
    const sample: StallSample = {
      wallMs,
      mediaMs,
      paused,
      seeking,
      ended: t.ended(),
      waiting,
      readyState: t.readyState(),
    };
    if (this.lastFrameWallMs !== undefined) {
      sample.lastFrameWallMs = this.lastFrameWallMs;
      sample.firstFrameSincePollWallMs = this.firstFrameSincePollWallMs;
    }
    this.firstFrameSincePollWallMs = null;
    if (net) sample.throughputBps = net.throughputBps();
    this.sink.poll(sample);
    // In events mode the poll doubles as a position report between timeupdates.
    if (this.options.mode === 'events' && !paused && !seeking)
      this.sink.mediaEvent({ type: 'timeupdate', mediaMs, wallMs, rate: t.playbackRate() });
  }

  private watchFrames(): void {
    const video = this.target.frameSource();
    if (!video || typeof video.requestVideoFrameCallback !== 'function') return;
    this.frameVideo = video;
    let shownMediaTime = video.currentTime;
    const onFrame = (frameNow: DOMHighResTimeStamp, meta?: VideoFrameCallbackMetadata) => {
      if (this.disposed) return;
      this.frameHandle = video.requestVideoFrameCallback(onFrame);
      // Only a frame of another media time is motion: Chromium may present the frame already on
      // screen again when playback starts, which would end startup before anything moved.
      if (meta && meta.mediaTime === shownMediaTime) return;
      if (meta) shownMediaTime = meta.mediaTime;
      // The callback's `now` is on the performance.now() timeline; carry it over to this clock
      // (the same one the poll reads), so startup and stall edges are frame-exact, not per poll.
      const wall = this.now();
      const presented = Number.isFinite(frameNow) ? wall - Math.max(0, performance.now() - frameNow) : wall;
      this.lastFrameWallMs = presented;
      if (this.firstFrameSincePollWallMs === null) this.firstFrameSincePollWallMs = presented;
    };
    this.frameHandle = video.requestVideoFrameCallback(onFrame);
  }

  /** Current playback position and state, for the session and page exit. */
  position(): { mediaMs: number; paused: boolean; rate: number } {
    const t = this.target;
    return { mediaMs: t.currentTime() * 1000, paused: t.paused(), rate: t.playbackRate() };
  }

  dispose(): void {
    this.disposed = true;
    for (const off of this.unlisten.splice(0)) off();
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    if (this.frameVideo && this.frameHandle !== null && typeof this.frameVideo.cancelVideoFrameCallback === 'function')
      this.frameVideo.cancelVideoFrameCallback(this.frameHandle);
    this.frameHandle = null;
  }
}

/** Seconds → ms; null while unknown; Infinity stays Infinity (live). */
export function durationMsOf(seconds: number): number | null {
  if (Number.isNaN(seconds) || seconds <= 0) return null;
  if (!Number.isFinite(seconds)) return Number.POSITIVE_INFINITY;
  return Math.round(seconds * 1000);
}

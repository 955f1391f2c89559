/**
 * EventRecorder — the jump-point method (录点法): a section opens at play and closes at every
 * seek (at the position before the jump), pause and end. A rate change is not a close.
 *
 * Pure: every event carries its own media position and wall-clock time, so the recorder runs
 * the same in a browser, in a test or over a replayed log.
 */
import type { IntervalSet, Section } from '../sections/interval-set.js';
import { RecorderBase, rounded } from './recorder-base.js';

export type MediaEventType =
  | 'play'
  | 'playing'
  | 'pause'
  | 'seeking'
  | 'seeked'
  | 'ended'
  | 'ratechange'
  | 'timeupdate'
  | 'waiting';

export interface MediaEvent {
  type: MediaEventType;
  /** `currentTime` in ms when the event fired (for `seeking`: the seek target). */
  mediaMs: number;
  /** Wall clock in ms (any monotonic origin). */
  wallMs: number;
  /** `playbackRate` when the event fired; defaults to the last one seen. */
  rate?: number;
}

export interface RecorderOptions {
  /** Sections are clamped to `[0, durationMs]` when it is known. */
  durationMs?: number;
  /**
   * How far past the last sample the position before a seek may be extrapolated, in wall ms.
   * `timeupdate` fires every 15–250 ms, so anything longer means playback was not advancing.
   */
  maxExtrapolateMs?: number;
  /** A `timeupdate` further ahead than wall × rate by more than this is an unannounced jump. */
  toleranceMs?: number;
  /** Called with every section the moment it closes (the plugin persists it before sending). */
  onSection?: (section: Section) => void;
}

/** What both recorders expose. */
export interface Recorder {
  /** Closed sections, canonical. */
  readonly closed: IntervalSet;
  /** The section being watched right now, or null. */
  openSection(): Section | null;
  /** Closed ∪ open, canonical wire pairs. */
  sections(): Section[];
  /** Wall-clock time spent playing (repeats and speed included; no pauses or stalls). */
  readonly playedWallMs: number;
  /** Plays per hundredth of the video (needs a duration). */
  playCounts(): number[];
  setDuration(durationMs: number): void;
  /** Closes the open section (page exit, dispose). */
  close(wallMs: number, mediaMs?: number): void;
}

export class EventRecorder extends RecorderBase {
  private playing = false;
  private seeking = false;
  private openStart: number | null = null;
  private last = { mediaMs: 0, wallMs: 0, rate: 1 };
  /** False after `waiting`, until the playhead moves again: no extrapolation through a stall. */
  private advancing = true;
  private readonly maxExtrapolateMs: number;
  private readonly toleranceMs: number;

  constructor(options: RecorderOptions = {}) {
    super(options.durationMs, options.onSection);
    this.maxExtrapolateMs = options.maxExtrapolateMs ?? 500;
    this.toleranceMs = options.toleranceMs ?? 1100;
  }

  handle(event: MediaEvent): void {
    const rate = event.rate ?? this.last.rate;
    const media = this.clampMedia(event.mediaMs);
    switch (event.type) {
      case 'play':
      case 'playing':
        this.playing = true;
        if (!this.seeking && this.openStart === null) this.open(media, event.wallMs, rate);
        else this.sample(media, event.wallMs, rate);
        break;
      case 'timeupdate':
        if (this.seeking) break;
        this.sample(media, event.wallMs, rate);
        break;
      case 'waiting':
        this.sample(media, event.wallMs, rate);
        this.advancing = false;
        break;
      case 'ratechange':
        // Not a close: the content between samples was watched at the old rate.
        this.sample(media, event.wallMs, this.last.rate);
        this.last.rate = rate;
        break;
      case 'pause':
        this.sample(media, event.wallMs, rate);
        this.closeAt(media);
        this.playing = false;
        break;
      case 'ended':
        this.sample(media, event.wallMs, rate);
        this.closeAt(media);
        this.playing = false;
        break;
      case 'seeking': {
        // `seeking` already reports the target: the position before the jump is the last sample
        // extrapolated along the wall clock, bounded so a stall is not mistaken for watching.
        if (!this.seeking && this.openStart !== null) this.closeAt(this.extrapolate(event.wallMs));
        this.seeking = true;
        this.openStart = null;
        this.last = { mediaMs: media, wallMs: event.wallMs, rate };
        break;
      }
      case 'seeked':
        this.seeking = false;
        this.last = { mediaMs: media, wallMs: event.wallMs, rate };
        this.advancing = true;
        if (this.playing) this.openStart = media;
        break;
    }
  }

  private open(media: number, wallMs: number, rate: number): void {
    this.openStart = media;
    this.last = { mediaMs: media, wallMs, rate };
    this.advancing = true;
  }

  /** A position report while playing: extends the open section, or splits it at a silent jump. */
  private sample(media: number, wallMs: number, rate: number): void {
    const prev = this.last;
    const dMedia = media - prev.mediaMs;
    const dWall = wallMs - prev.wallMs;
    if (this.openStart !== null && this.playing) {
      // Only a move backwards or further forwards than playback could go is a jump: less
      // progress than the wall clock allows is buffering, and that content was still watched.
      const jumped = dMedia < 0 || dMedia - dWall * prev.rate > this.toleranceMs;
      if (jumped) {
        this.closeAt(prev.mediaMs);
        this.openStart = media;
      } else if (dMedia > 0) {
        this.playedWallMs += dMedia / prev.rate;
      }
    }
    if (dMedia !== 0) this.advancing = true;
    this.last = { mediaMs: media, wallMs, rate };
  }

  private extrapolate(wallMs: number): number {
    const prev = this.last;
    if (!this.playing || !this.advancing) return prev.mediaMs;
    const dWall = Math.max(0, Math.min(wallMs - prev.wallMs, this.maxExtrapolateMs));
    const at = this.clampMedia(prev.mediaMs + dWall * prev.rate);
    if (at > prev.mediaMs) {
      this.playedWallMs += (at - prev.mediaMs) / prev.rate;
    }
    return at;
  }

  private closeAt(endMedia: number): void {
    const start = this.openStart;
    this.openStart = null;
    if (start !== null) this.record(start, endMedia);
  }

  close(wallMs: number, mediaMs?: number): void {
    if (this.openStart === null) return;
    if (mediaMs !== undefined) this.sample(this.clampMedia(mediaMs), wallMs, this.last.rate);
    this.closeAt(this.last.mediaMs);
    this.playing = false;
  }

  openSection(): Section | null {
    return this.openStart === null ? null : rounded(this.openStart, this.last.mediaMs);
  }
}

/**
 * TickRecorder — the tick method (暴力打点法): every `tickMs` the position is sampled and the
 * pair (prev, cur) becomes a watched section unless it is a jump.
 *
 * The seed's rule `|Δmedia| > 1100 / speed ⇒ discard` throws away all normal playback above
 * 1.1×; SPEC §8 compares the media delta with the measured wall delta × rate instead, so a late
 * timer (a throttled background tab) does not throw away real watching:
 *   discard when Δmedia < 0 or |Δmedia − Δwall × ratePrev| > toleranceMs.
 * Needs nothing but `currentTime`, `paused` and `playbackRate`.
 */
import type { Section } from '../sections/interval-set.js';
import { RecorderBase, rounded } from './recorder-base.js';

export interface TickSample {
  mediaMs: number;
  wallMs: number;
  paused: boolean;
  rate: number;
}

export interface TickRecorderOptions {
  /** Sampling period; the plugin's timer uses it, the recorder only reports it. Default 1000. */
  tickMs?: number;
  /** Default 1100 ms, as the seed. */
  toleranceMs?: number;
  durationMs?: number;
  onSection?: (section: Section) => void;
}

/**
 * The SPEC §8 jump rule, on its own so the plugin, tests and docs share one definition.
 * When one end of the pair is paused, playback ran for only part of the interval, so only the
 * upper bound applies (Δmedia may fall short of Δwall × rate); otherwise the tail before every
 * pause longer than the tolerance would be thrown away.
 */
export function isJump(prev: TickSample, cur: TickSample, toleranceMs: number): boolean {
  const dMedia = cur.mediaMs - prev.mediaMs;
  const expected = (cur.wallMs - prev.wallMs) * prev.rate;
  if (dMedia < 0) return true;
  if (prev.paused || cur.paused) return dMedia - expected > toleranceMs;
  return Math.abs(dMedia - expected) > toleranceMs;
}

export class TickRecorder extends RecorderBase {
  readonly tickMs: number;
  private readonly toleranceMs: number;
  private prev: TickSample | null = null;
  private open: Section | null = null;

  constructor(options: TickRecorderOptions = {}) {
    super(options.durationMs, options.onSection);
    this.tickMs = options.tickMs ?? 1000;
    this.toleranceMs = options.toleranceMs ?? 1100;
  }

  sample(raw: TickSample): void {
    const cur = { ...raw, mediaMs: this.clampMedia(raw.mediaMs) };
    const prev = this.prev;
    this.prev = cur;
    if (!prev) return;
    const bothPaused = prev.paused && cur.paused;
    const dMedia = cur.mediaMs - prev.mediaMs;
    if (bothPaused || dMedia === 0 || isJump(prev, cur, this.toleranceMs)) {
      // A jump or a standstill ends the run; the next accepted pair starts a new one.
      if (bothPaused || dMedia !== 0) this.closeOpen();
      return;
    }
    this.playedWallMs += dMedia / prev.rate;
    if (this.open && this.open[1] === prev.mediaMs) this.open[1] = cur.mediaMs;
    else {
      this.closeOpen();
      this.open = [prev.mediaMs, cur.mediaMs];
    }
  }

  private closeOpen(): void {
    const open = this.open;
    this.open = null;
    if (open) this.record(open[0], open[1]);
  }

  /** Takes a last sample (if given) and closes the open section. */
  close(wallMs: number, mediaMs?: number): void {
    if (mediaMs !== undefined && this.prev)
      this.sample({ mediaMs, wallMs, paused: this.prev.paused, rate: this.prev.rate });
    this.closeOpen();
  }

  openSection(): Section | null {
    return this.open ? rounded(this.open[0], this.open[1]) : null;
  }
}

/**
 * What both recorders share: the closed set (canonical), the per-hundredth play counts, the
 * duration clamp, and how a finished run becomes a section. The two differ only in how they
 * decide where runs start and end.
 */
import { IntervalSet, type Section } from '../sections/interval-set.js';
import type { Recorder } from './event-recorder.js';
import { PlayCounter } from './play-counter.js';

export abstract class RecorderBase implements Recorder {
  readonly closed = new IntervalSet();
  playedWallMs = 0;
  protected durationMs: number | undefined;
  private readonly counter = new PlayCounter();
  private readonly onSection?: (section: Section) => void;

  constructor(durationMs: number | undefined, onSection: ((section: Section) => void) | undefined) {
    this.onSection = onSection;
    if (durationMs) this.setDuration(durationMs);
  }

  setDuration(durationMs: number): void {
    this.durationMs = durationMs;
    this.counter.setDuration(durationMs);
  }

  abstract openSection(): Section | null;
  abstract close(wallMs: number, mediaMs?: number): void;

  sections(): Section[] {
    const open = this.openSection();
    if (!open) return this.closed.toJSON();
    const all = this.closed.clone();
    all.add(open[0], open[1]);
    return all.toJSON();
  }

  playCounts(): number[] {
    return this.counter.counts(this.openSection());
  }

  /** A finished run of playback becomes a section (whole ms; an empty run is nothing). */
  protected record(start: number, end: number): void {
    const run = rounded(start, end);
    if (!run) return;
    this.closed.add(run[0], run[1]);
    this.counter.addRun(run[0], run[1]);
    this.onSection?.(run);
  }

  protected clampMedia(media: number): number {
    const m = Math.max(0, media);
    return this.durationMs !== undefined && Number.isFinite(this.durationMs) ? Math.min(m, this.durationMs) : m;
  }
}

/** `[start, end)` in whole ms, or null when it rounds to nothing. */
export function rounded(start: number, end: number): Section | null {
  const s = Math.round(start);
  const e = Math.round(end);
  return e > s ? [s, e] : null;
}

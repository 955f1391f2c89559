/**
 * A scripted viewing: a virtual player that plays a script (play, pause, seek, rate, stall)
 * and reports what a real `<video>` would — media events at their wall times, periodic
 * `timeupdate`, timer ticks (some of them late) — next to the exact ground truth.
 *
 * Used by the recorder tests, by the README demo and by anyone who wants to see what the
 * recorders make of a viewing without a browser. Deterministic for a given seed.
 */

import type { MediaEvent } from '../recorders/event-recorder.js';
import type { TickSample } from '../recorders/tick-recorder.js';
import type { Section } from '../sections/interval-set.js';

export type ScriptStep =
  | { play: number } // play for this many wall ms (ends early at the end of the video)
  | { pause: number } // pause, then wait this many wall ms
  | { seek: number; latencyMs?: number } // jump to this media ms
  | { rate: number }
  | { stall: number }; // playing, but the playhead stands still for this many wall ms

export interface ViewingOptions {
  durationMs: number;
  /** Media position at the start. */
  startMs?: number;
  startWallMs?: number;
  timeupdateMs?: number;
  tickMs?: number;
  /** Probability that a tick fires late, and by how much at most (throttled tabs). */
  lateTickChance?: number;
  lateTickMaxMs?: number;
  seed?: number;
}

export interface Viewing {
  events: MediaEvent[];
  ticks: TickSample[];
  /** What was really played, exactly (fractional ms). */
  truth: Section[];
  /** Wall time really spent playing (no pauses, stalls, seeks). */
  playedWallMs: number;
  /** Number of section boundaries a recorder has to find (for per-jump error budgets). */
  jumps: number;
  endWallMs: number;
}

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function simulateViewing(script: readonly ScriptStep[], options: ViewingOptions): Viewing {
  const rnd = mulberry32(options.seed ?? 1);
  const duration = options.durationMs;
  const timeupdateMs = options.timeupdateMs ?? 250;
  const tickMs = options.tickMs ?? 1000;
  const lateChance = options.lateTickChance ?? 0;
  const lateMax = options.lateTickMaxMs ?? 0;

  let wall = options.startWallMs ?? 1_000_000;
  let media = options.startMs ?? 0;
  let rate = 1;
  let paused = true;
  let stalled = false;
  let playedWallMs = 0;
  let jumps = 0;
  const truthRuns: Array<[number, number]> = [];
  const events: MediaEvent[] = [];
  const ticks: TickSample[] = [];
  let nextTimeupdate = wall + timeupdateMs;
  const drawTick = (from: number) => from + tickMs + (rnd() < lateChance ? rnd() * lateMax : rnd() * 5);
  let nextTick = wall + rnd() * tickMs;

  const emit = (type: MediaEvent['type'], mediaMs = media) => events.push({ type, mediaMs, wallMs: wall, rate });

  /** Moves the wall clock to `until`, playing if not paused or stalled, firing timers on the way. */
  const advance = (until: number) => {
    while (wall < until) {
      const step = Math.min(until, nextTimeupdate, nextTick);
      const dt = step - wall;
      if (!paused && !stalled && dt > 0) {
        const room = duration - media;
        const dMedia = Math.min(dt * rate, room);
        truthRuns.push([media, media + dMedia]);
        media += dMedia;
        playedWallMs += dMedia / rate;
        if (dMedia < dt * rate) {
          wall += dMedia / rate;
          emit('timeupdate');
          emit('pause');
          emit('ended');
          paused = true;
          continue;
        }
      }
      wall = step;
      if (wall >= nextTimeupdate) {
        if (!paused && !stalled) emit('timeupdate');
        nextTimeupdate = wall + timeupdateMs;
      }
      if (wall >= nextTick) {
        ticks.push({ mediaMs: media, wallMs: wall, paused, rate });
        nextTick = drawTick(wall);
      }
    }
  };

  for (const step of script) {
    if ('play' in step) {
      if (paused) {
        if (media >= duration) continue;
        paused = false;
        emit('play');
        emit('playing');
        if (truthRuns.length > 0) jumps++;
      }
      advance(wall + step.play);
    } else if ('pause' in step) {
      if (!paused) {
        paused = true;
        emit('pause');
        jumps++;
      }
      advance(wall + step.pause);
    } else if ('seek' in step) {
      const to = Math.max(0, Math.min(duration, step.seek));
      emit('seeking', to);
      media = to;
      if (!paused) jumps++;
      // The playhead stands at the target until the seek completes.
      const wasStalled: boolean = stalled;
      stalled = true;
      advance(wall + (step.latencyMs ?? 50));
      stalled = wasStalled;
      emit('seeked');
      if (!paused) emit('playing');
    } else if ('rate' in step) {
      rate = step.rate;
      emit('ratechange');
    } else if ('stall' in step) {
      if (paused) continue;
      emit('waiting');
      stalled = true;
      advance(wall + step.stall);
      stalled = false;
      emit('playing');
    }
  }
  // Fractional runs: merge exactly (not through the integer-ms IntervalSet).
  truthRuns.sort((a, b) => a[0] - b[0]);
  const merged: Section[] = [];
  for (const [s, e] of truthRuns) {
    if (e <= s) continue;
    const last = merged[merged.length - 1];
    if (last && s <= last[1] + 1e-6) last[1] = Math.max(last[1], e);
    else merged.push([s, e]);
  }
  return { events, ticks, truth: merged, playedWallMs, jumps, endWallMs: wall };
}

/**
 * Largest boundary error between a recorded canonical list and the truth, when both have the same
 * shape; Infinity when a section was lost or split (a shape mismatch is never "within bounds").
 */
export function boundaryError(recorded: readonly Section[], truth: readonly Section[]): number {
  if (recorded.length !== truth.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  recorded.forEach(([s, e], i) => {
    const [ts, te] = truth[i] as Section;
    worst = Math.max(worst, Math.abs(s - ts), Math.abs(e - te));
  });
  return worst;
}

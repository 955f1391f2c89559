/**
 * Viewer features that fall out of the exact watched set (issue 11): the first unwatched
 * instant, whether a seek may go ahead, and where the next unwatched part starts.
 */
import type { IntervalSet } from '../sections/interval-set.js';

/** The earliest instant not yet watched, or `durationMs` when everything was. */
export function firstUnwatchedInstant(watched: IntervalSet, durationMs: number): number {
  const gap = watched.gaps(durationMs)[0];
  return gap ? gap[0] : durationMs;
}

/**
 * "No skipping ahead": a seek to `p` is allowed when `p` lies in the watched set or at or
 * before the first unwatched instant; otherwise the player goes back to that instant.
 */
export function isSeekAllowed(watched: IntervalSet, durationMs: number, p: number): boolean {
  return p <= firstUnwatchedInstant(watched, durationMs) || watched.has(p);
}

/** Start of the next unwatched part at or after `fromMs` (wrapping to the first one), or null. */
export function nextUnwatched(watched: IntervalSet, durationMs: number, fromMs: number): number | null {
  const gaps = watched.gaps(durationMs);
  for (const [s, e] of gaps) if (e > fromMs) return Math.max(s, fromMs);
  return gaps[0] ? gaps[0][0] : null;
}

/** "63 % watched; next unwatched part at 4:12" — the strip's accessible label. */
export function watchedLabel(watched: IntervalSet, durationMs: number, fromMs = 0): string {
  const pct = Math.floor(watched.coverage(durationMs) * 100);
  const next = nextUnwatched(watched, durationMs, fromMs);
  return next === null
    ? `${pct} % watched; nothing left unwatched`
    : `${pct} % watched; next unwatched part at ${clock(next)}`;
}

export function clock(ms: number): string {
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

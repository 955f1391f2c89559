/** Pure helpers of the screen recorder's timeline (no I/O), tested against brute-force oracles. */

export interface Gap {
  startMs: number;
  endMs: number;
}

/**
 * Frames in the order they were shown, strictly increasing in time: a timestamp that ties with or
 * steps back from the last kept one is dropped (the screencast very rarely repeats a timestamp).
 */
export function increasingFrames<T extends { wallMs: number }>(frames: readonly T[]): T[] {
  const out: T[] = [];
  for (const f of frames) {
    const last = out[out.length - 1];
    if (!last || f.wallMs > last.wallMs) out.push(f);
  }
  return out;
}

/** Stretches between consecutive frame times longer than `maxGapMs` (times sorted ascending). */
export function captureGapsOf(timesMs: readonly number[], maxGapMs: number): Gap[] {
  const gaps: Gap[] = [];
  for (let i = 1; i < timesMs.length; i++) {
    const a = timesMs[i - 1] as number;
    const b = timesMs[i] as number;
    if (b - a > maxGapMs) gaps.push({ startMs: a, endMs: b });
  }
  return gaps;
}

/**
 * PlayCounter — how many times each hundredth of the video was played in one session.
 *
 * The merged set counts a re-watch once; replays need their own count. Each continuous
 * playback run adds one to every hundredth it overlaps, so watching 0:10–0:20 three times
 * counts three for those hundredths.
 */
export const PLAY_COUNT_BUCKETS = 100;

export class PlayCounter {
  private durationMs: number | undefined;
  private readonly sums = new Array<number>(PLAY_COUNT_BUCKETS).fill(0);
  /** Runs seen before the duration was known, folded in once it is. */
  private pending: Array<[number, number]> = [];

  setDuration(durationMs: number): void {
    if (!(durationMs > 0) || !Number.isFinite(durationMs)) return;
    if (this.durationMs === durationMs) return;
    const runs = this.pending;
    this.pending = [];
    this.durationMs = durationMs;
    for (const [s, e] of runs) this.addRun(s, e);
  }

  addRun(start: number, end: number): void {
    if (this.durationMs === undefined) {
      this.pending.push([start, end]);
      return;
    }
    addBuckets(this.sums, start, end, this.durationMs, 1);
  }

  /** Counts so far, with the run still open counted too. */
  counts(open?: readonly [number, number] | null): number[] {
    const out = this.sums.slice();
    if (open && this.durationMs !== undefined) addBuckets(out, open[0], open[1], this.durationMs, 1);
    return out;
  }
}

/** Adds `by` to every bucket of `out` (of `out.length` equal parts of the duration) that `[start, end)` overlaps. */
export function addBuckets(out: number[], start: number, end: number, durationMs: number, by: number): void {
  const n = out.length;
  if (!(end > start)) return;
  const first = Math.min(n - 1, Math.floor((start * n) / durationMs));
  const last = Math.min(n - 1, Math.floor(((end - 1) * n) / durationMs));
  for (let b = Math.max(0, first); b <= last; b++) out[b] = (out[b] as number) + by;
}

/**
 * Audience retention: for each of N equal buckets of a video, how many viewers' merged sets
 * overlap it. A viewer counts once per bucket however often they re-watched it (SPEC §8).
 *
 * A +1/−1 sweep over bucket ranges: O(total sections + N), no per-ms or per-bucket loops per viewer.
 */
import type { Section } from '../sections/interval-set.js';

export const DEFAULT_RETENTION_BUCKETS = 100;
export const MAX_RETENTION_BUCKETS = 1000;

export interface Retention {
  bucketMs: number;
  viewers: number[];
}

export function bucketMsFor(durationMs: number, buckets: number): number {
  if (!(durationMs > 0)) throw new RangeError(`durationMs ${durationMs} must be positive`);
  if (!Number.isInteger(buckets) || buckets < 1 || buckets > MAX_RETENTION_BUCKETS)
    throw new RangeError(`buckets ${buckets} must be an integer in 1..${MAX_RETENTION_BUCKETS}`);
  return Math.ceil(durationMs / buckets);
}

/**
 * Bucket ranges `[first, last]` (inclusive) a canonical set overlaps, each bucket at most once,
 * clamped to `[0, buckets)`.
 */
export function coveredBucketRanges(
  sections: readonly Section[],
  bucketMs: number,
  buckets: number,
): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let lastCounted = -1;
  for (const [s, e] of sections) {
    if (e <= s) continue;
    let first = Math.floor(s / bucketMs);
    const last = Math.min(buckets - 1, Math.floor((e - 1) / bucketMs));
    if (first <= lastCounted) first = lastCounted + 1;
    if (first > last) continue;
    const prev = out[out.length - 1];
    if (prev && prev[1] === first - 1) prev[1] = last;
    else out.push([first, last]);
    lastCounted = last;
  }
  return out;
}

/** Retention over many viewers' canonical sets. */
export function retention(
  viewerSets: Iterable<readonly Section[]>,
  durationMs: number,
  buckets = DEFAULT_RETENTION_BUCKETS,
): Retention {
  const bucketMs = bucketMsFor(durationMs, buckets);
  const diff = new Int32Array(buckets + 1);
  for (const sections of viewerSets) {
    for (const [first, last] of coveredBucketRanges(sections, bucketMs, buckets)) {
      diff[first] = (diff[first] as number) + 1;
      diff[last + 1] = (diff[last + 1] as number) - 1;
    }
  }
  const viewers = new Array<number>(buckets);
  let run = 0;
  for (let b = 0; b < buckets; b++) {
    run += diff[b] as number;
    viewers[b] = run;
  }
  return { bucketMs, viewers };
}

/**
 * Buckets a merge newly covers for one viewer: covered(after) − covered(before), as inclusive
 * ranges. The server adds one to these inside the merge's own transaction, so the standard
 * retention curves stay current without a full scan.
 */
export function newlyCoveredBuckets(
  before: readonly Section[],
  after: readonly Section[],
  bucketMs: number,
  buckets: number,
): Array<[number, number]> {
  const had = new Uint8Array(buckets);
  for (const [a, b] of coveredBucketRanges(before, bucketMs, buckets)) had.fill(1, a, b + 1);
  const out: Array<[number, number]> = [];
  for (const [a, b] of coveredBucketRanges(after, bucketMs, buckets)) {
    for (let i = a; i <= b; i++) {
      if (had[i]) continue;
      const prev = out[out.length - 1];
      if (prev && prev[1] === i - 1) prev[1] = i;
      else out.push([i, i]);
    }
  }
  return out;
}

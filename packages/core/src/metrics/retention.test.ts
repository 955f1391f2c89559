import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeSections, type Section } from '../sections/interval-set.js';
import { bucketMsFor, coveredBucketRanges, newlyCoveredBuckets, retention } from './retention.js';
import { percentile, summarizeQoe, watchMetrics } from './watch-metrics.js';

/** Oracle: for each bucket, does any section overlap it? Checked pair by pair. */
function coveredOracle(sections: readonly Section[], bucketMs: number, n: number): boolean[] {
  return Array.from({ length: n }, (_, b) => sections.some(([s, e]) => s < (b + 1) * bucketMs && e > b * bucketMs));
}
const expand = (ranges: Array<[number, number]>, n: number) => {
  const out = new Array<boolean>(n).fill(false);
  for (const [a, b] of ranges) for (let i = a; i <= b; i++) out[i] = true;
  return out;
};

const viewerArb = (duration: number) =>
  fc
    .array(
      fc
        .tuple(fc.integer({ min: 0, max: duration - 1 }), fc.integer({ min: 1, max: duration }))
        .filter(([s, e]) => s < e),
      { maxLength: 8 },
    )
    .map((pairs) => mergeSections(pairs));

describe('retention', () => {
  it('counts each viewer once per bucket (oracle, property)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 5000 })
          .chain((duration) =>
            fc.tuple(
              fc.constant(duration),
              fc.integer({ min: 1, max: 60 }),
              fc.array(viewerArb(duration), { maxLength: 12 }),
            ),
          ),
        ([duration, n, viewers]) => {
          const r = retention(viewers, duration, n);
          expect(r.bucketMs).toBe(Math.ceil(duration / n));
          const expected = new Array<number>(n).fill(0);
          for (const v of viewers)
            coveredOracle(v, r.bucketMs, n).forEach((c, b) => {
              if (c) expected[b] = (expected[b] as number) + 1;
            });
          expect(r.viewers).toEqual(expected);
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it('a re-watch of the same bucket counts once', () => {
    const r = retention(
      [
        [
          [0, 10],
          [20, 30],
          [35, 40],
        ],
      ],
      100,
      10,
    );
    expect(r.viewers).toEqual([1, 0, 1, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('newly covered buckets are covered(after) minus covered(before)', () => {
    fc.assert(
      fc.property(viewerArb(2000), viewerArb(2000), fc.integer({ min: 1, max: 100 }), (before, extra, n) => {
        const after = mergeSections([...before, ...extra]);
        const bucketMs = bucketMsFor(2000, n);
        const had = coveredOracle(before, bucketMs, n);
        const has = coveredOracle(after, bucketMs, n);
        const fresh = expand(newlyCoveredBuckets(before, after, bucketMs, n), n);
        expect(fresh).toEqual(has.map((h, i) => h && !had[i]));
        expect(expand(coveredBucketRanges(after, bucketMs, n), n)).toEqual(has);
      }),
      { numRuns: 10_000 },
    );
  });

  it('rejects impossible bucket counts', () => {
    expect(() => bucketMsFor(1000, 0)).toThrow(/buckets 0/);
    expect(() => bucketMsFor(1000, 1001)).toThrow(/1\.\.1000/);
    expect(() => bucketMsFor(0, 10)).toThrow(/durationMs 0/);
  });
});

describe('metrics', () => {
  it('watchedMs and coverage', () => {
    expect(
      watchMetrics(
        [
          [0, 53000],
          [56000, 120000],
        ],
        120000,
      ),
    ).toEqual({ watchedMs: 117000, coverage: 117000 / 120000 });
    expect(watchMetrics([], 1000)).toEqual({ watchedMs: 0, coverage: 0 });
    expect(watchMetrics([[0, 10]], null).coverage).toBe(0);
  });

  it('percentile interpolates like percentile_cont', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1e6 }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (xs, p) => {
          const v = percentile(xs, p) as number;
          const sorted = xs.slice().sort((a, b) => a - b);
          expect(v).toBeGreaterThanOrEqual(sorted[0] as number);
          expect(v).toBeLessThanOrEqual(sorted[sorted.length - 1] as number);
        },
      ),
      { numRuns: 2000 },
    );
    expect(percentile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(percentile([], 0.5)).toBeNull();
  });

  it('QoE summary follows the Mux definitions', () => {
    const q = summarizeQoe([
      { startupMs: 1000, playedWallMs: 57_000, stalls: [{ durationMs: 2000 }] },
      { startupMs: 3000, playedWallMs: 60_000, stalls: [] },
    ]);
    expect(q.watchTimeMs).toBe(1000 + 2000 + 57_000 + 3000 + 60_000);
    expect(q.rebufferRatio).toBeCloseTo(2000 / 123_000, 12);
    expect(q.stallsPerMinute).toBeCloseTo(1 / (123_000 / 60_000), 12);
    expect(q.startupMedianMs).toBe(2000);
  });
});

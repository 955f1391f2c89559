import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntervalSet } from '../sections/interval-set.js';
import { clock, firstUnwatchedInstant, isSeekAllowed, nextUnwatched, watchedLabel } from './skip-guard.js';

const D = 300;
const setArb = fc
  .array(
    fc.tuple(fc.integer({ min: 0, max: D - 1 }), fc.integer({ min: 1, max: D })).filter(([s, e]) => s < e),
    { maxLength: 8 },
  )
  .map((p) => new IntervalSet(p));

describe('skip guard', () => {
  it('agrees with a per-ms oracle', () => {
    fc.assert(
      fc.property(setArb, fc.integer({ min: 0, max: D }), (set, p) => {
        const watched = (t: number) => set.has(t);
        let first = 0;
        while (first < D && watched(first)) first++;
        expect(firstUnwatchedInstant(set, D)).toBe(first);
        expect(isSeekAllowed(set, D, p)).toBe(p <= first || watched(p));
        let next: number | null = null;
        for (let t = p; t < D; t++)
          if (!watched(t)) {
            next = t;
            break;
          }
        if (next === null)
          for (let t = 0; t < D; t++)
            if (!watched(t)) {
              next = t;
              break;
            }
        expect(nextUnwatched(set, D, p)).toBe(next);
      }),
      { numRuns: 10_000 },
    );
  });

  it('labels the strip for people', () => {
    const set = new IntervalSet([[0, 151_200]]);
    expect(watchedLabel(set, 240_000)).toBe('63 % watched; next unwatched part at 2:31');
    expect(watchedLabel(new IntervalSet([[0, 1000]]), 1000)).toBe('100 % watched; nothing left unwatched');
    expect(clock(3_723_000)).toBe('1:02:03');
  });
});

import { IntervalSet, type Section } from '@watchtime/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { notCoveredBy } from './acknowledge.js';

/** Canonical lists from arbitrary pairs, via core's merge. */
const canonical = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 40 })), { maxLength: 12 })
  .map((pairs) => new IntervalSet(pairs.map(([s, l]) => [s, s + l] as Section)).toJSON());

/** Oracle: a section is covered when every ms of it is in the stored set and that set is one run there. */
function oracle(unsent: Section[], stored: Section[]): Section[] {
  return unsent.filter(([s, e]) => !stored.some(([a, b]) => a <= s && b >= e));
}

describe('notCoveredBy', () => {
  it('matches the brute-force oracle', () => {
    fc.assert(
      fc.property(canonical, canonical, (u, s) => {
        expect(notCoveredBy(u, s)).toEqual(oracle(u, s));
      }),
    );
  });

  it('never drops content the stored list lacks (nothing lost)', () => {
    fc.assert(
      fc.property(canonical, canonical, (u, s) => {
        const after = new IntervalSet(s);
        after.addAll(notCoveredBy(u, s));
        for (const [a, b] of u) for (let t = a; t < b; t++) expect(after.has(t)).toBe(true);
      }),
    );
  });

  it('keeps a partly covered section whole', () => {
    expect(notCoveredBy([[0, 10]], [[0, 5]])).toEqual([[0, 10]]);
    expect(
      notCoveredBy(
        [
          [0, 10],
          [20, 30],
        ],
        [[0, 12]],
      ),
    ).toEqual([[20, 30]]);
  });
});

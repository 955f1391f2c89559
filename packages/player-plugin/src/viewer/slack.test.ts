import { IntervalSet, type Section } from '@watchtime/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withoutSlivers } from './slack.js';

/** Oracle on a 1 ms grid: t is covered when watched, or inside a gap shorter than the slack. */
function oracle(sections: Section[], durationMs: number, slack: number): boolean[] {
  const watched = new Array<boolean>(durationMs).fill(false);
  for (const [s, e] of sections) for (let t = s; t < Math.min(e, durationMs); t++) watched[t] = true;
  const out = watched.slice();
  let t = 0;
  while (t < durationMs) {
    if (watched[t]) {
      t++;
      continue;
    }
    let e = t;
    while (e < durationMs && !watched[e]) e++;
    if (e - t < slack) for (let u = t; u < e; u++) out[u] = true;
    t = e;
  }
  return out;
}

describe('withoutSlivers', () => {
  it('fills exactly the gaps shorter than the slack (property, 1 ms grid oracle)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 400 }),
        fc.array(fc.tuple(fc.nat({ max: 399 }), fc.integer({ min: 1, max: 80 })), { maxLength: 8 }),
        fc.integer({ min: 1, max: 60 }),
        (durationMs, raw, slack) => {
          const sections = raw.map(([s, l]): Section => [s, s + l]).filter(([s]) => s < durationMs);
          const set = withoutSlivers(sections, durationMs, slack);
          const want = oracle(sections, durationMs, slack);
          for (let t = 0; t < durationMs; t++) expect(set.has(t)).toBe(want[t]);
        },
      ),
    );
  });
  it('leaves the input set alone', () => {
    const set = new IntervalSet([[3, 100]]);
    expect(withoutSlivers(set, 1000).toJSON()).toEqual([[0, 100]]);
    expect(set.toJSON()).toEqual([[3, 100]]);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeSections, type Section } from '../sections/interval-set.js';
import { parsePlayedSegments, toPlayedSegments } from '../xapi/played-segments.js';
import { completionRuleSchema, evaluateCompletion } from './completion-rule.js';

const D = 500;
const sectionsArb = fc
  .array(
    fc.tuple(fc.integer({ min: 0, max: D - 1 }), fc.integer({ min: 1, max: D })).filter(([s, e]) => s < e),
    { maxLength: 10 },
  )
  .map((p) => mergeSections(p));
const bits = (list: readonly Section[]) => {
  const b = new Uint8Array(D);
  for (const [s, e] of list) b.fill(1, s, Math.min(e, D));
  return b;
};

describe('evaluateCompletion', () => {
  it('equals the bitmap oracle for coverage, required ranges and played time', () => {
    fc.assert(
      fc.property(
        sectionsArb,
        sectionsArb,
        fc.integer({ min: 0, max: 100 }),
        fc.option(fc.integer({ min: 0, max: 2000 }), { nil: undefined }),
        fc.integer({ min: 0, max: 2000 }),
        (watched, required, pct, minPlayed, played) => {
          const minCoverage = pct / 100;
          const v = evaluateCompletion(
            { minCoverage, requiredRanges: required, minPlayedWallMs: minPlayed },
            { sections: watched, durationMs: D, playedWallMs: played },
          );
          const w = bits(watched);
          const r = bits(required);
          const watchedMs = w.reduce((t, x) => t + x, 0);
          const covOk = watchedMs >= Math.ceil(minCoverage * D - 1e-9);
          const reqOk = r.every((x, i) => !x || w[i]);
          const playOk = minPlayed === undefined || played >= minPlayed;
          expect(v.completed).toBe(covOk && reqOk && playOk);
          const missingBits = bits(v.missing);
          expect(Array.from(missingBits)).toEqual(Array.from(r, (x, i) => (x && !w[i] ? 1 : 0)));
          expect(v.coverage).toBeCloseTo(watchedMs / D, 12);
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it('defaults to coverage ≥ 90 % and explains what is unmet', () => {
    const rule = completionRuleSchema.parse({});
    expect(rule.minCoverage).toBe(0.9);
    expect(evaluateCompletion(rule, { sections: [[0, 900]], durationMs: 1000 }).completed).toBe(true);
    const v = evaluateCompletion(rule, { sections: [[0, 899]], durationMs: 1000 });
    expect(v.completed).toBe(false);
    expect(v.unmet[0]).toMatch(/coverage 89\.9 % is below 90\.0 %/);
    expect(completionRuleSchema.safeParse({ minCoverage: 1.5 }).success).toBe(false);
  });
});

describe('xAPI played-segments', () => {
  it('round-trips integer ms exactly', () => {
    fc.assert(
      fc.property(
        fc
          .array(
            fc.tuple(fc.integer({ min: 0, max: 1e7 }), fc.integer({ min: 1, max: 1e7 })).filter(([s, e]) => s < e),
            { maxLength: 20 },
          )
          .map((p) => mergeSections(p)),
        (list) => {
          const text = toPlayedSegments(list);
          if (list.length > 0) expect(text).toMatch(/^\d+\.\d{3}\[\.\]\d+\.\d{3}(\[,\]\d+\.\d{3}\[\.\]\d+\.\d{3})*$/);
          expect(parsePlayedSegments(text)).toEqual(list);
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it('uses the profile form and rejects malformed text with a clear message', () => {
    expect(
      toPlayedSegments([
        [0, 5000],
        [10000, 15000],
      ]),
    ).toBe('0.000[.]5.000[,]10.000[.]15.000');
    expect(parsePlayedSegments('0[.]5[,]10[.]15')).toEqual([
      [0, 5000],
      [10000, 15000],
    ]);
    expect(parsePlayedSegments('3[.]3[,]0[.]5[,]4[.]9')).toEqual([[0, 9000]]);
    expect(() => parsePlayedSegments('0[.]5[,]x[.]9')).toThrow(/segment 1: "x\[\.\]9" is not two non-negative numbers/);
    expect(() => parsePlayedSegments('9[.]5')).toThrow(/segment 0: start 9 s is after end 5 s/);
    expect(() => parsePlayedSegments('5')).toThrow(/segment 0: expected "start\[\.\]end"/);
  });
});

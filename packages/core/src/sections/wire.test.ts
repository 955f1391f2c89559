import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  beaconPayloadSchema,
  describeIssues,
  idSchema,
  LIMITS,
  sectionsPayloadSchema,
  sessionSchema,
  summarizeIssues,
} from './wire.js';

function problems(input: unknown): string {
  const r = sectionsPayloadSchema.safeParse(input);
  expect(r.success).toBe(false);
  return r.success ? '' : summarizeIssues(r.error);
}

describe('sectionsPayloadSchema', () => {
  it('accepts a valid payload', () => {
    const r = sectionsPayloadSchema.parse({
      durationMs: 10_000,
      sections: [
        [0, 5000],
        [7000, 9000],
      ],
    });
    expect(r.sections).toEqual([
      [0, 5000],
      [7000, 9000],
    ]);
  });

  it('says what is wrong and where', () => {
    expect(
      problems({
        durationMs: 10_000,
        sections: [
          [0, 5],
          [9, 3],
        ],
      }),
    ).toMatch(/sections\.1: start 9 is after end 3/);
    expect(problems({ durationMs: 10_000, sections: [[-5, 3]] })).toMatch(/sections\.0: start -5 is negative/);
    expect(problems({ durationMs: 10_000, sections: [[null, 3]] })).toMatch(
      /sections\.0: start null is not a finite number/,
    );
    expect(problems({ durationMs: 10_000, sections: [[0, 3.5]] })).toMatch(/end 3\.5 is not an integer/);
    expect(problems({ durationMs: 10_000, sections: [[0, 20_000]] })).toMatch(
      /sections\.0: end 20000 is after durationMs 10000/,
    );
    expect(problems({ durationMs: -1, sections: [] })).toMatch(/durationMs/);
    expect(problems({ durationMs: 10_000 })).toMatch(/sections/);
    expect(problems({ durationMs: 10_000, sections: [[0, 1]], extra: 1 })).toMatch(/extra/);
    expect(problems({ durationMs: 10_000, sections: [[1, 2, 3]] })).toMatch(/\[start, end\] pair/);
    expect(problems('nope')).toMatch(/\(body\)/);
  });

  it(`caps a payload at ${LIMITS.maxSectionsPerPayload} sections`, () => {
    const many = Array.from({ length: LIMITS.maxSectionsPerPayload + 1 }, (_, i) => [i * 2, i * 2 + 1]);
    expect(problems({ durationMs: 1e7, sections: many })).toMatch(/at most 10000 sections/);
  });

  it('never accepts a payload that breaks the invariants (fuzz)', () => {
    const num = fc.oneof(fc.integer({ min: -10, max: 20_000 }), fc.double(), fc.constant(Number.NaN), fc.string());
    const payload = fc.record({
      durationMs: fc.oneof(fc.integer({ min: -5, max: 20_000 }), fc.double(), fc.string()),
      sections: fc.oneof(
        fc.array(fc.tuple(num, num), { maxLength: 6 }),
        fc.array(fc.anything(), { maxLength: 3 }),
        fc.anything(),
      ),
    });
    fc.assert(
      fc.property(payload, (p) => {
        const r = sectionsPayloadSchema.safeParse(p);
        if (!r.success) {
          expect(describeIssues(r.error).length).toBeGreaterThan(0);
          return;
        }
        const { durationMs, sections } = r.data;
        expect(Number.isInteger(durationMs) && durationMs > 0).toBe(true);
        for (const [s, e] of sections) {
          expect(Number.isInteger(s) && Number.isInteger(e)).toBe(true);
          expect(0 <= s && s < e && e <= durationMs).toBe(true);
        }
      }),
      { numRuns: 10_000 },
    );
  });
});

describe('other schemas', () => {
  it('ids are short and URL-safe', () => {
    expect(idSchema.safeParse('video-1.mp4').success).toBe(true);
    expect(idSchema.safeParse('').success).toBe(false);
    expect(idSchema.safeParse('a/b').success).toBe(false);
    expect(idSchema.safeParse('x'.repeat(129)).success).toBe(false);
  });

  it('beacon payload carries the token', () => {
    expect(
      beaconPayloadSchema.safeParse({ token: 't', videoId: 'v', durationMs: 10, sections: [[0, 10]] }).success,
    ).toBe(true);
    expect(beaconPayloadSchema.safeParse({ videoId: 'v', durationMs: 10, sections: [] }).success).toBe(false);
  });

  it('session documents validate lists and times', () => {
    const ok = sessionSchema.parse({ videoId: 'v', startedAt: 1, playedWallMs: 0 });
    expect(ok.stalls).toEqual([]);
    const bad = sessionSchema.safeParse({
      videoId: 'v',
      startedAt: 10,
      endedAt: 5,
      playedWallMs: 0,
      stalls: [{ atWallMs: 1, atMediaMs: -1, durationMs: 3 }],
    });
    expect(bad.success).toBe(false);
    if (!bad.success) {
      const text = summarizeIssues(bad.error);
      expect(text).toMatch(/stalls\.0\.atMediaMs: atMediaMs must not be negative/);
    }
    const badEnd = sessionSchema.safeParse({ videoId: 'v', startedAt: 10, endedAt: 5, playedWallMs: 0 });
    expect(badEnd.success || summarizeIssues(badEnd.error)).toMatch(/endedAt 5 is before startedAt 10/);
  });
});

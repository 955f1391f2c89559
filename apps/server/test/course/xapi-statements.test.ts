/**
 * Statement building without a store (issue 10): for any set and duration, the viewer statement
 * passes the validation library and the profile checks, and its played-segments parse back to
 * exactly the set (core's parsePlayedSegments as the oracle's reader).
 */
import validateStatement from '@learninglocker/xapi-validation';
import { mergeSections, parsePlayedSegments, type Section, totalMs } from '@watchtime/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkStatement, EXT, sessionStatements, viewerStatement } from '../../src/store/xapi.js';

const library = validateStatement as unknown as (s: unknown) => unknown[];
const id = { base: 'https://lms.example/watchtime' };

describe('xAPI statements (property)', () => {
  it('viewer statements are valid and carry exactly the set', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }).chain((d) =>
          fc.tuple(
            fc.constant(d),
            fc
              .array(
                fc
                  .tuple(fc.integer({ min: 0, max: d - 1 }), fc.integer({ min: 1, max: d }))
                  .map(([s, l]): Section => [s, Math.min(d, s + l)]),
                { maxLength: 20 },
              )
              .map((l) => mergeSections(l)),
            fc.option(fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 })),
            fc.nat(10_000_000),
          ),
        ),
        ([durationMs, sections, completedAt, played]) => {
          const s = viewerStatement(
            id,
            'v:1',
            'learner@x',
            durationMs,
            sections,
            completedAt,
            1_700_000_000_000,
            played,
          );
          expect(library(s)).toEqual([]);
          expect(checkStatement(s)).toEqual([]);
          expect(parsePlayedSegments(s.result.extensions[EXT.playedSegments])).toEqual(sections);
          const progress = s.result.extensions[EXT.progress] as number;
          const coverage = totalMs(sections) / durationMs;
          expect(progress).toBeLessThanOrEqual(coverage + 1e-9);
          expect(coverage - progress).toBeLessThan(0.001 + 1e-9);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('session statements are valid for any pauses and seeks', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(1e7), fc.nat(1e7), fc.nat(1e6)), { maxLength: 5 }),
        fc.array(fc.tuple(fc.nat(1e7), fc.nat(1e7), fc.nat(1e7)), { maxLength: 5 }),
        (pauses, seeks) => {
          const startedAt = 1_700_000_000_000;
          const list = sessionStatements(id, 'v:1', 'learner@x', 10_000_000, {
            sessionId: 's-1',
            doc: {
              startedAt,
              pauses: pauses.map(([t, m, d]) => ({ atWallMs: startedAt + t, atMediaMs: m, durationMs: d })),
              seeks: seeks.map(([t, a, b]) => ({ atWallMs: startedAt + t, fromMs: a, toMs: b })),
            },
          });
          expect(list).toHaveLength(1 + 2 * pauses.length + seeks.length);
          for (const s of list) {
            expect(library(s)).toEqual([]);
            expect(checkStatement(s)).toEqual([]);
          }
          const times = list.map((s) => Date.parse(s.timestamp));
          expect(times).toEqual([...times].sort((a, b) => a - b));
        },
      ),
      { numRuns: 100 },
    );
  });
});

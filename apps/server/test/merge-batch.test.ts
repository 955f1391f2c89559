/**
 * Group commit (MergeQueue → mergeBatch): uploads that arrive together share one statement.
 * Checked against core's oracles: every record is the union of what its viewer sent, every
 * answer contains its own upload, and the kept retention counts equal core retention().
 */
import { mergeSections, retention, type Section } from '@watchtime/core';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/connect.js';
import { MergeQueue } from '../src/store/merge-queue.js';
import { type MergeAnswer, type MergeInput, mergeBatch } from '../src/store/sections.js';
import { openStore, STORES } from './stores.js';

const upload = (videos: number, viewers: number) =>
  fc
    .record({
      video: fc.integer({ min: 0, max: videos - 1 }),
      viewer: fc.integer({ min: 0, max: viewers - 1 }),
      durationMs: fc.constantFrom(5000, 7001, 12_000),
      starts: fc.array(fc.tuple(fc.integer({ min: 0, max: 11_999 }), fc.integer({ min: 1, max: 3000 })), {
        maxLength: 5,
      }),
    })
    .map(({ video, viewer, durationMs, starts }) => ({
      video,
      viewer,
      durationMs,
      sections: mergeSections(
        starts.map(([s, l]): Section => [Math.min(s, durationMs - 1), Math.min(durationMs, s + l)]),
      ),
    }));

async function keptCounts(db: Database, videoId: string) {
  const kept = await db.rows<{ n: number; bucket_ms: unknown; counts: number[] | null }>(
    sql`SELECT h.n, h.bucket_ms, (SELECT array_agg(b.viewers ORDER BY b.bucket) FROM retention_buckets b WHERE b.video_id = h.video_id AND b.n = h.n) AS counts FROM retention_counts h WHERE h.video_id = ${videoId} ORDER BY h.n`,
  );
  return kept.map((k) => ({ n: Number(k.n), bucketMs: Number(k.bucket_ms), viewers: (k.counts ?? []).map(Number) }));
}

describe.each(STORES)('group commit on %s', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openStore(kind);
  });
  afterAll(() => db.close());

  it('waves of concurrent uploads (same viewer twice, durations growing) equal the oracles', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(upload(3, 5), { minLength: 1, maxLength: 12 }), { maxLength: 5 }),
        async (waves) => {
          const prefix = `gc-${kind}-${run++}`;
          const statements: number[] = [];
          const queue = new MergeQueue(
            (inputs) => {
              statements.push(inputs.length);
              return mergeBatch(db, inputs);
            },
            { maxInFlight: kind === 'pglite' ? 1 : 2 },
          );
          const sent = new Map<string, Section[]>();
          const durations = new Map<string, number>();
          for (const wave of waves) {
            const inputs: MergeInput[] = wave.map((u) => ({
              videoId: `${prefix}-v${u.video}`,
              viewerId: `w${u.viewer}`,
              durationMs: u.durationMs,
              sections: u.sections,
            }));
            const answers = await Promise.all(inputs.map((input) => queue.merge(input)));
            for (const input of inputs) {
              const key = `${input.videoId}/${input.viewerId}`;
              sent.set(key, [...(sent.get(key) ?? []), ...input.sections]);
              durations.set(input.videoId, Math.max(durations.get(input.videoId) ?? 0, input.durationMs));
            }
            inputs.forEach((input, i) => {
              const all = mergeSections(sent.get(`${input.videoId}/${input.viewerId}`) ?? []);
              const answer = answers[i] as MergeAnswer;
              // The answer holds this upload, and nothing that was never sent for this record.
              expect(mergeSections([...answer.sections, ...input.sections])).toEqual(answer.sections);
              expect(mergeSections([...answer.sections, ...all])).toEqual(all);
            });
          }
          // A wave's uploads share statements: never more statements than uploads.
          expect(statements.reduce((a, b) => a + b, 0)).toBe(waves.flat().length);
          for (const [videoId, durationMs] of durations) {
            const rows = await db.rows<{ viewer_id: string; sections: string }>(
              sql`SELECT viewer_id, sections::text AS sections FROM sections WHERE video_id = ${videoId} ORDER BY viewer_id`,
            );
            const expected = [...sent]
              .filter(([key, s]) => key.startsWith(`${videoId}/`) && s.length > 0)
              .map(([key, s]) => ({ viewer: key.slice(videoId.length + 1), sections: mergeSections(s) }))
              .sort((a, b) => (a.viewer < b.viewer ? -1 : 1));
            const { fromMultirange } = await import('../src/db/multirange.js');
            expect(rows.map((r) => ({ viewer: r.viewer_id, sections: fromMultirange(r.sections) }))).toEqual(expected);
            const sets = expected.map((e) => e.sections);
            const [video] = await db.rows<{ d: unknown }>(
              sql`SELECT duration_ms AS d FROM videos WHERE video_id = ${videoId}`,
            );
            expect(Number(video?.d)).toBe(durationMs);
            if (sets.length > 0)
              expect(await keptCounts(db, videoId)).toEqual(
                [100, 1000].map((n) => ({ n, ...retention(sets, durationMs, n) })),
              );
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('a first sight racing a merge with a longer duration: the longer one is kept', async () => {
    for (let i = 0; i < 30; i++) {
      const videoId = `race-${kind}-${i}`;
      // Two statements at once: the empty upload inserts the video (5000 ms) while the other's
      // snapshot cannot see it yet.
      const queue = new MergeQueue((inputs) => mergeBatch(db, inputs), { maxInFlight: 2 });
      await Promise.all([
        queue.merge({ videoId, viewerId: 'a', durationMs: 5000, sections: [] }),
        queue.merge({ videoId, viewerId: 'b', durationMs: 7001, sections: [[0, 1]] }),
      ]);
      const [video] = await db.rows<{ d: unknown }>(
        sql`SELECT duration_ms AS d FROM videos WHERE video_id = ${videoId}`,
      );
      expect(Number(video?.d)).toBe(7001);
      expect(await keptCounts(db, videoId)).toEqual(
        [100, 1000].map((n) => ({
          n,
          ...retention([[[0, 1]]], 7001, n),
        })),
      );
    }
  });

  it('200 uploads at once go out in far fewer statements, and the record is their union', async () => {
    const statements: number[] = [];
    const queue = new MergeQueue((inputs) => {
      statements.push(inputs.length);
      return mergeBatch(db, inputs);
    });
    const uploads = fc.sample(upload(1, 40), { numRuns: 200, seed: 7 });
    await Promise.all(
      uploads.map((u) =>
        queue.merge({ videoId: `burst-${kind}`, viewerId: `w${u.viewer}`, durationMs: 12_000, sections: u.sections }),
      ),
    );
    expect(statements.length).toBeLessThan(20);
    expect(Math.max(...statements)).toBeGreaterThan(1);
    const { fromMultirange } = await import('../src/db/multirange.js');
    for (let w = 0; w < 40; w++) {
      const mine = uploads.filter((u) => u.viewer === w).flatMap((u) => u.sections);
      const [row] = await db.rows<{ s: string }>(
        sql`SELECT sections::text AS s FROM sections WHERE video_id = ${`burst-${kind}`} AND viewer_id = ${`w${w}`}`,
      );
      expect(fromMultirange(row?.s)).toEqual(mergeSections(mine));
    }
  });
});

/** A runner's answer that echoes each upload (the queue's own logic under test, no store). */
const echo = (inputs: MergeInput[]): MergeAnswer[] =>
  inputs.map((i) => ({
    sections: i.sections as Section[],
    watchedMs: 0,
    coverage: 0,
    completed: false,
    completedAt: null,
  }));

describe('MergeQueue', () => {
  it('caps a statement by uploads and by sections, and keeps arrival order', async () => {
    const seen: number[][] = [];
    const queue = new MergeQueue(
      async (inputs) => {
        seen.push(inputs.map((i) => Number(i.viewerId)));
        await new Promise((r) => setTimeout(r, 5));
        return echo(inputs);
      },
      { maxUploads: 4, maxSections: 6 },
    );
    const sections: Section[] = [
      [0, 1],
      [2, 3],
    ];
    await Promise.all(
      Array.from({ length: 11 }, (_, i) =>
        queue.merge({ videoId: 'v', viewerId: String(i), durationMs: 10, sections }),
      ),
    );
    // The first goes alone at once; then at most 3 uploads of 2 sections (6) per statement.
    expect(seen[0]).toEqual([0]);
    expect(seen.flat()).toEqual(Array.from({ length: 11 }, (_, i) => i));
    expect(seen.slice(1).map((b) => b.length)).toEqual([3, 3, 3, 1]);
  });

  // A named fake: a store that rejects one upload's statement is a fault we cannot produce for real
  // (every input that reaches the queue has passed validation).
  it('an upload whose statement fails fails alone; the others of its batch are answered', async () => {
    const queue = new MergeQueue(async (inputs) => {
      await new Promise((r) => setTimeout(r, 2));
      if (inputs.some((i) => i.viewerId === 'bad')) throw new Error('fake: this upload cannot be stored');
      return echo(inputs);
    });
    const ids = ['a', 'b', 'bad', 'c', 'd'];
    const results = await Promise.allSettled(
      ids.map((viewerId) => queue.merge({ videoId: 'v', viewerId, durationMs: 10, sections: [[0, 1]] })),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect(String((results[2] as PromiseRejectedResult).reason)).toContain('cannot be stored');
  });
});

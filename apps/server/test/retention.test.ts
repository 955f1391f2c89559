import { mergeSections, retention, type Section } from '@watchtime/core';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/connect.js';
import { analystToken, auth, json, openStore, STORES, testApp, viewerToken } from './stores.js';

const DURATIONS = [4000, 6001, 9999, 10_000];

const op = fc.tuple(fc.integer({ min: 0, max: 7 }), fc.constantFrom(...DURATIONS)).chain(([viewer, durationMs]) =>
  fc
    .array(
      fc
        .tuple(fc.integer({ min: 0, max: durationMs - 1 }), fc.integer({ min: 1, max: 2500 }))
        .map(([s, l]): Section => [s, Math.min(durationMs, s + l)]),
      { maxLength: 6 },
    )
    .map((sections) => ({ viewer, durationMs, sections })),
);

describe.each(STORES)('retention on %s', (kind) => {
  let db: Database;
  let app: ReturnType<typeof testApp>;
  let analyst: string;
  const tokens: string[] = [];
  beforeAll(async () => {
    db = await openStore(kind);
    app = testApp(db, { rateLimit: { burst: 1e9, refillPerSec: 1e9 } });
    analyst = await analystToken();
    for (let v = 0; v < 8; v++) tokens.push(await viewerToken(`v${v}`));
  });
  afterAll(() => db.close());

  it('equals core retention() over the stored sets, and the kept counts equal the full computation', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 1, maxLength: 14 }),
        fc.integer({ min: 1, max: 1000 }),
        async (ops, n) => {
          const video = `ret-${kind}-${run++}`;
          const sent = new Map<number, Section[]>();
          let durationMs = 0;
          for (const o of ops) {
            const res = await app.request(
              `/v1/videos/${video}/viewers/v${o.viewer}/sections`,
              json(tokens[o.viewer] as string, { durationMs: o.durationMs, sections: o.sections }),
            );
            expect(res.status).toBe(200);
            sent.set(o.viewer, [...(sent.get(o.viewer) ?? []), ...o.sections]);
            durationMs = Math.max(durationMs, o.durationMs);
          }
          const sets = [...sent.values()].map((s) => mergeSections(s));
          for (const buckets of [100, 1000, n]) {
            const res = await app.request(`/v1/videos/${video}/retention?buckets=${buckets}`, {
              headers: auth(analyst),
            });
            expect(res.status).toBe(200);
            expect(await res.json()).toEqual(retention(sets, durationMs, buckets));
          }
          // The incrementally kept rows are current and exact (not merely bypassed by the fallback).
          const kept = await db.rows<{ n: number; bucket_ms: unknown; counts: number[] }>(
            sql`SELECT h.n, h.bucket_ms, (SELECT array_agg(b.viewers ORDER BY b.bucket) FROM retention_buckets b WHERE b.video_id = h.video_id AND b.n = h.n) AS counts FROM retention_counts h WHERE h.video_id = ${video} ORDER BY h.n`,
          );
          expect(
            kept.map((k) => ({ n: Number(k.n), bucketMs: Number(k.bucket_ms), viewers: k.counts.map(Number) })),
          ).toEqual([100, 1000].map((b) => ({ n: b, ...retention(sets, durationMs, b) })));
        },
      ),
      { numRuns: 20 },
    );
  });

  it('rejects a bad bucket count with 400 and an unknown video with 404', async () => {
    for (const q of ['0', '1001', '2.5', 'many']) {
      const res = await app.request(`/v1/videos/ret-${kind}-0/retention?buckets=${q}`, { headers: auth(analyst) });
      expect(res.status).toBe(400);
      expect((await res.json()).issues[0].path).toBe('buckets');
    }
    expect((await app.request('/v1/videos/unknown/retention', { headers: auth(analyst) })).status).toBe(404);
  });
});

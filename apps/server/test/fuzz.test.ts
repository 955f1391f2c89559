import { sectionsPayloadSchema } from '@watchtime/core';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/connect.js';
import { auth, json, openStore, STORES, testApp, viewerToken } from './stores.js';

/** Everything the store holds, as text: equal snapshots mean nothing was written. */
async function snapshot(db: Database): Promise<string> {
  const parts = await Promise.all([
    db.rows(sql`SELECT video_id, viewer_id, sections::text, updated_at::text FROM sections ORDER BY 1, 2`),
    db.rows(sql`SELECT video_id, duration_ms, updated_at::text FROM videos ORDER BY 1`),
    db.rows(sql`SELECT video_id, n, bucket_ms FROM retention_counts ORDER BY 1, 2`),
    db.rows(sql`SELECT video_id, n, bucket, viewers FROM retention_buckets ORDER BY 1, 2, 3`),
    db.rows(sql`SELECT session_id, doc::text FROM playback_sessions ORDER BY 1`),
  ]);
  return JSON.stringify(parts);
}

const nasty = fc.oneof(
  fc.constant(Number.NaN),
  fc.constant(-1),
  fc.constant(1.5),
  fc.constant(1e20),
  fc.constant('100'),
  fc.constant(null),
  fc.constant({}),
  fc.constant([]),
);

/** Payloads that are wrong in one of many ways (checked against the schema to be sure). */
const malformed = fc
  .oneof(
    fc.jsonValue(),
    fc.record({ durationMs: fc.oneof(nasty, fc.integer({ min: 1, max: 10_000 })), sections: fc.jsonValue() }),
    fc.record({
      durationMs: fc.integer({ min: 1, max: 10_000 }),
      sections: fc.array(
        fc.tuple(
          fc.oneof(nasty, fc.integer({ min: -5, max: 20_000 })),
          fc.oneof(nasty, fc.integer({ min: -5, max: 20_000 })),
        ),
      ),
    }),
    fc.record({
      durationMs: fc.integer({ min: 1, max: 10_000 }),
      sections: fc.constant([[0, 10]]),
      extra: fc.jsonValue(),
    }),
    fc.record({ sections: fc.constant([[0, 10]]) }),
  )
  .filter((v) => !sectionsPayloadSchema.safeParse(v).success)
  .map((v) => JSON.stringify(v));

const rawBody = fc.oneof(
  malformed,
  fc.string().filter((s) => {
    try {
      return !sectionsPayloadSchema.safeParse(JSON.parse(s)).success;
    } catch {
      return true;
    }
  }),
  fc.constant(''),
  fc.constant('{"durationMs": 1000, "sections": [[0, 10]'),
);

describe.each(STORES)('hostile input on %s', (kind) => {
  let db: Database;
  let app: ReturnType<typeof testApp>;
  let token: string;
  beforeAll(async () => {
    db = await openStore(kind);
    app = testApp(db, { rateLimit: { burst: 1e9, refillPerSec: 1e9 } });
    token = await viewerToken('target');
    await app.request(
      '/v1/videos/v/viewers/target/sections',
      json(token, { durationMs: 10_000, sections: [[0, 100]] }),
    );
  });
  afterAll(() => db.close());

  it('1,200 malformed requests: all 4xx, store unchanged, server alive', async () => {
    const before = await snapshot(db);
    const request = fc.oneof(
      { weight: 6, arbitrary: rawBody.map((body) => ({ path: '/v1/videos/v/viewers/target/sections', body, token })) },
      { weight: 1, arbitrary: rawBody.map((body) => ({ path: '/v1/beacon', body, token: '' })) },
      {
        weight: 1,
        arbitrary: fc.string({ minLength: 1 }).map((id) => ({
          path: `/v1/videos/${encodeURIComponent(`${id}\u0000`)}/viewers/target/sections`,
          body: '{"durationMs":1000,"sections":[[0,5]]}',
          token,
        })),
      },
      {
        weight: 1,
        arbitrary: fc.string().map((t) => ({
          path: '/v1/videos/v/viewers/target/sections',
          body: '{"durationMs":1000,"sections":[[0,5]]}',
          token: `x${t}`,
        })),
      },
      { weight: 1, arbitrary: rawBody.map((body) => ({ path: '/v1/sessions/s1', body, token })) },
    );
    const cases = fc.sample(request, { numRuns: 1200, seed: 7 });
    const statuses = new Map<number, number>();
    for (const c of cases) {
      const headers: Record<string, string> = c.token ? auth(c.token) : {};
      const res = await app.request(c.path, {
        method: c.path === '/v1/beacon' ? 'POST' : 'PUT',
        headers,
        body: c.body,
      });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status < 400 || res.status >= 500) throw new Error(`${res.status} for ${c.path} ${c.body.slice(0, 200)}`);
      const answer = await res.json();
      expect(typeof answer.error).toBe('string');
    }
    expect(statuses.get(400)).toBeGreaterThan(900);
    expect(await snapshot(db)).toBe(before);
    const alive = await app.request(
      '/v1/videos/v/viewers/target/sections',
      json(token, { durationMs: 10_000, sections: [[100, 200]] }),
    );
    expect(await alive.json()).toEqual({
      sections: [[0, 200]],
      watchedMs: 200,
      coverage: 0.02,
      completed: false,
      completedAt: null,
    });
  });
});

import { mergeSections, type Section, totalMs } from '@watchtime/core';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/connect.js';
import { auth, json, openStore, STORES, testApp, viewerToken } from './stores.js';

const pairs = (max = 60_000) =>
  fc.array(
    fc
      .tuple(fc.integer({ min: 0, max: max - 1 }), fc.integer({ min: 1, max: 5000 }))
      .map(([s, l]): Section => [s, Math.min(max, s + l)]),
    { maxLength: 30 },
  );

describe.each(STORES)('sections on %s', (kind) => {
  let db: Database;
  let app: ReturnType<typeof testApp>;
  let token: string;
  beforeAll(async () => {
    db = await openStore(kind);
    app = testApp(db);
    token = await viewerToken('alice');
  });
  afterAll(() => db.close());

  const url = (video: string, viewer = 'alice') => `/v1/videos/${video}/viewers/${viewer}/sections`;

  it('stores sections in 16 hash partitions by video id (SPEC §8)', async () => {
    const [row] = await db.rows<{ parts: unknown; strategy: string }>(sql`
      SELECT (SELECT count(*) FROM pg_inherits WHERE inhparent = 'sections'::regclass) AS parts,
             (SELECT partstrat::text FROM pg_partitioned_table WHERE partrelid = 'sections'::regclass) AS strategy`);
    expect(Number(row?.parts)).toBe(16);
    expect(row?.strategy).toBe('h');
  });

  it('answers an empty record for a video nobody watched', async () => {
    const res = await app.request(url('nothing'), { headers: auth(token) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ sections: [], watchedMs: 0, coverage: 0 });
  });

  it('merges into the canonical whole and answers it with watchedMs and coverage', async () => {
    let res = await app.request(
      url('v1'),
      json(token, {
        durationMs: 10_000,
        sections: [
          [0, 1000],
          [3000, 4000],
        ],
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      sections: [
        [0, 1000],
        [3000, 4000],
      ],
      watchedMs: 2000,
      coverage: 0.2,
      completed: false,
      completedAt: null,
    });
    res = await app.request(
      url('v1'),
      json(token, {
        durationMs: 10_000,
        sections: [
          [1000, 3000],
          [9000, 10_000],
        ],
      }),
    );
    expect(await res.json()).toEqual({
      sections: [
        [0, 4000],
        [9000, 10_000],
      ],
      watchedMs: 5000,
      coverage: 0.5,
      completed: false,
      completedAt: null,
    });
    res = await app.request(url('v1'), { headers: auth(token) });
    expect(await res.json()).toEqual({
      sections: [
        [0, 4000],
        [9000, 10_000],
      ],
      watchedMs: 5000,
      coverage: 0.5,
    });
  });

  it('equals core mergeSections over any sequence of uploads (property)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(pairs(), { minLength: 1, maxLength: 5 }), async (uploads) => {
        const video = `prop-${n++}`;
        let last: { sections: Section[]; watchedMs: number } | undefined;
        for (const sections of uploads) {
          const res = await app.request(url(video), json(token, { durationMs: 60_000, sections }));
          expect(res.status).toBe(200);
          last = await res.json();
        }
        const expected = mergeSections(uploads.flat());
        expect(last?.sections).toEqual(expected);
        expect(last?.watchedMs).toBe(totalMs(expected));
      }),
      { numRuns: 25 },
    );
  });

  it('keeps the largest duration reported for a video', async () => {
    await app.request(url('grow'), json(token, { durationMs: 4000, sections: [[0, 2000]] }));
    let res = await app.request(url('grow'), json(token, { durationMs: 8000, sections: [] }));
    expect((await res.json()).coverage).toBe(0.25);
    res = await app.request(url('grow'), json(token, { durationMs: 2000, sections: [[0, 1000]] }));
    expect(await res.json()).toEqual({
      sections: [[0, 2000]],
      watchedMs: 2000,
      coverage: 0.25,
      completed: false,
      completedAt: null,
    });
  });

  it('rejects what it cannot store with 400 and says why; nothing is stored', async () => {
    const bad = [
      { durationMs: 1000, sections: [[0, 2000]] },
      { durationMs: 1000, sections: [[500, 100]] },
      { durationMs: 1000 },
      { durationMs: -1, sections: [] },
      { durationMs: 1000, sections: [[0, 10]], extra: 1 },
    ];
    for (const body of bad) {
      const res = await app.request(url('rejected'), json(token, body));
      expect(res.status).toBe(400);
      const answer = await res.json();
      expect(answer.error).toMatch(/invalid sections payload/);
      expect(answer.issues.length).toBeGreaterThan(0);
    }
    const notJson = await app.request(url('rejected'), { method: 'PUT', headers: auth(token), body: '{nope' });
    expect(notJson.status).toBe(400);
    expect((await notJson.json()).error).toMatch(/not valid JSON/);
    const badId = await app.request(url('bad%20id'), json(token, { durationMs: 1000, sections: [] }));
    expect(badId.status).toBe(400);
    const res = await app.request(url('rejected'), { headers: auth(token) });
    expect(await res.json()).toEqual({ sections: [], watchedMs: 0, coverage: 0 });
  });

  it('401 without, with a bad or an expired token; 403 for another viewer', async () => {
    const body = { durationMs: 1000, sections: [[0, 10]] };
    expect((await app.request(url('auth'), { method: 'PUT', body: JSON.stringify(body) })).status).toBe(401);
    expect((await app.request(url('auth'), json('not-a-jwt', body))).status).toBe(401);
    expect((await app.request(url('auth'), json(`${token}x`, body))).status).toBe(401);
    const expired = await viewerToken('alice', -10);
    const res = await app.request(url('auth'), json(expired, body));
    expect(res.status).toBe(401);
    expect((await res.json()).error).toMatch(/expired/);
    const forged = await (await import('../src/auth/tokens.js')).mintToken(
      { sub: 'alice' },
      'another-secret-0123456789',
    );
    expect((await app.request(url('auth'), json(forged, body))).status).toBe(401);
    const other = await app.request(url('auth', 'bob'), json(token, body));
    expect(other.status).toBe(403);
    expect((await app.request(url('auth', 'bob'), { headers: auth(token) })).status).toBe(403);
    const bob = await viewerToken('bob');
    expect(await (await app.request(url('auth', 'bob'), { headers: auth(bob) })).json()).toEqual({
      sections: [],
      watchedMs: 0,
      coverage: 0,
    });
  });

  it('accepts the beacon (text/plain, token in body) through the same merge', async () => {
    const res = await app.request('/v1/beacon', {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
      body: JSON.stringify({
        token,
        videoId: 'beacon',
        durationMs: 5000,
        sections: [
          [0, 1000],
          [1000, 2500],
        ],
      }),
    });
    expect(res.status).toBe(204);
    const got = await app.request(url('beacon'), { headers: auth(token) });
    expect(await got.json()).toEqual({ sections: [[0, 2500]], watchedMs: 2500, coverage: 0.5 });
    const badToken = await app.request('/v1/beacon', {
      method: 'POST',
      body: JSON.stringify({ token: 'x', videoId: 'beacon', durationMs: 5000, sections: [[3000, 4000]] }),
    });
    expect(badToken.status).toBe(401);
    const again = await app.request(url('beacon'), { headers: auth(token) });
    expect((await again.json()).sections).toEqual([[0, 2500]]);
  });

  it('413 beyond the body limit, nothing stored', async () => {
    const sections: Section[] = [];
    for (let i = 0; i < 9000; i++) sections.push([i * 200, i * 200 + 100]);
    const big = JSON.stringify({ durationMs: 9_000_000, sections, pad: 'x'.repeat(1024 * 1024) });
    const res = await app.request(url('big'), { method: 'PUT', headers: auth(token), body: big });
    expect(res.status).toBe(413);
    expect((await (await app.request(url('big'), { headers: auth(token) })).json()).sections).toEqual([]);
  });

  it('429 with Retry-After once a token spends its burst', async () => {
    const limited = testApp(db, { rateLimit: { burst: 3, refillPerSec: 0.01 } });
    const t = await viewerToken('carol');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await limited.request(
        url('rl', 'carol'),
        json(t, { durationMs: 1000, sections: [[i * 100, i * 100 + 50]] }),
      );
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get('Retry-After'))).toBeGreaterThan(0);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    // The rejected writes were not stored; another token is not affected.
    const other = await viewerToken('carol', 7200);
    const res = await limited.request(url('rl', 'carol'), { headers: auth(other) });
    expect((await res.json()).sections).toEqual([
      [0, 50],
      [100, 150],
      [200, 250],
    ]);
  });
});

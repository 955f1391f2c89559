/**
 * Exports (issue 10) on both stores: viewers.csv/json row count and every value equal an oracle
 * computed from what the test uploaded (core's merge and metrics); retention exports equal the
 * retention endpoint; keyset pagination gives the same rows whatever the batch size.
 */
import { evaluateCompletion, mergeSections, percentile, type Section, watchMetrics } from '@watchtime/core';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/connect.js';
import { exportStream, type ViewerExportRow, viewerRows } from '../../src/store/exports.js';
import { analystToken, auth, json, openStore, STORES, testApp, viewerToken } from '../stores.js';

const DURATION = 30_000;
const VIDEO = 'lesson-7';

interface Plan {
  viewerId: string;
  uploads: Section[][];
  sessions: Array<{ playedWallMs: number; startupMs: number | null; stalls: number[] }>;
}

const section = fc
  .tuple(fc.integer({ min: 0, max: DURATION - 1 }), fc.integer({ min: 1, max: 15_000 }))
  .map(([s, l]): Section => [s, Math.min(DURATION, s + l)]);
const planArb = (i: number) =>
  fc.record({
    viewerId: fc.constant(`v${String(i).padStart(3, '0')}${i % 3 === 0 ? '@x.org' : ''}`),
    uploads: fc.array(
      fc.array(section, { minLength: 1, maxLength: 3 }).map((l) => mergeSections(l)),
      { minLength: 1, maxLength: 3 },
    ),
    sessions: fc.array(
      fc.record({
        playedWallMs: fc.nat(40_000),
        startupMs: fc.option(fc.nat(3000)),
        stalls: fc.array(fc.integer({ min: 1, max: 2000 }), { maxLength: 3 }),
      }),
      { maxLength: 3 },
    ),
  });

function parseCsv(text: string): string[][] {
  expect(text.endsWith('\r\n')).toBe(true);
  // Test ids never hold commas or quotes: a plain split is the oracle's reader.
  return text
    .slice(0, -2)
    .split('\r\n')
    .map((l) => l.split(','));
}

describe.each(STORES)('exports on %s', (kind) => {
  let db: Database;
  let app: ReturnType<typeof testApp>;
  let analyst: string;
  let expected: ViewerExportRow[];
  beforeAll(async () => {
    db = await openStore(kind);
    app = testApp(db);
    analyst = await analystToken();
    await app.request(`/v1/videos/${VIDEO}/completion-rule`, json(analyst, { minCoverage: 0.6 }));
    const plans = fc.sample(fc.tuple(...Array.from({ length: 37 }, (_, i) => planArb(i))), {
      numRuns: 1,
      seed: 10,
    })[0] as Plan[];
    expected = [];
    for (const plan of plans) {
      const token = await viewerToken(plan.viewerId);
      for (const [k, s] of plan.sessions.entries()) {
        const doc = {
          videoId: VIDEO,
          startedAt: 1_700_000_000_000 + k,
          playedWallMs: s.playedWallMs,
          startupMs: s.startupMs,
          stalls: s.stalls.map((d, j) => ({ atWallMs: 1_700_000_000_100 + j, atMediaMs: j * 10, durationMs: d })),
        };
        const res = await app.request(`/v1/sessions/${plan.viewerId}-s${k}`, json(token, doc));
        expect(res.status).toBe(200);
      }
      let union: Section[] = [];
      let completedAt: number | null = null;
      for (const up of plan.uploads) {
        union = mergeSections([...union, ...up]);
        const res = await app.request(
          `/v1/videos/${VIDEO}/viewers/${plan.viewerId}/sections`,
          json(token, { durationMs: DURATION, sections: up }),
        );
        const body = (await res.json()) as { completedAt: number | null };
        completedAt = body.completedAt;
      }
      const played = plan.sessions.reduce((t, s) => t + s.playedWallMs, 0);
      const oracleDone = evaluateCompletion({ minCoverage: 0.6 }, { sections: union, durationMs: DURATION }).completed;
      expect(completedAt !== null).toBe(oracleDone);
      const startups = plan.sessions.flatMap((s) => (s.startupMs === null ? [] : [s.startupMs]));
      const median = percentile(startups, 0.5);
      expected.push({
        viewerId: plan.viewerId,
        ...watchMetrics(union, DURATION),
        completed: oracleDone,
        completedAt,
        playedWallMs: played,
        startupMs: median === null ? null : Math.round(median),
        stalls: plan.sessions.reduce((t, s) => t + s.stalls.length, 0),
        stallMs: plan.sessions.reduce((t, s) => t + s.stalls.reduce((a, b) => a + b, 0), 0),
        sessions: plan.sessions.length,
      });
    }
    expected.sort((a, b) => (a.viewerId < b.viewerId ? -1 : 1));
  });
  afterAll(() => db.close());

  it('viewers.json equals the oracle, row for row', async () => {
    const res = await app.request(`/v1/videos/${VIDEO}/export/viewers.json`, { headers: auth(analyst) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${VIDEO}-viewers.json"`);
    expect(await res.json()).toEqual(expected);
  });

  it('viewers.csv has one line per viewer with the oracle’s values', async () => {
    const res = await app.request(`/v1/videos/${VIDEO}/export/viewers.csv`, { headers: auth(analyst) });
    expect(res.status).toBe(200);
    const [header, ...lines] = parseCsv(await res.text());
    expect(header).toEqual([
      'viewerId',
      'watchedMs',
      'coverage',
      'completed',
      'completedAt',
      'playedWallMs',
      'startupMs',
      'stalls',
      'stallMs',
      'sessions',
    ]);
    expect(lines).toHaveLength(expected.length);
    const cell = (v: unknown) => (v === null ? '' : String(v));
    expect(lines).toEqual(
      expected.map((e) => [
        e.viewerId,
        cell(e.watchedMs),
        cell(e.coverage),
        cell(e.completed),
        cell(e.completedAt),
        cell(e.playedWallMs),
        cell(e.startupMs),
        cell(e.stalls),
        cell(e.stallMs),
        cell(e.sessions),
      ]),
    );
  });

  it('keyset pages give the same rows whatever the batch size', async () => {
    for (const batch of [1, 7, 36, 37, 1000]) {
      const pages: ViewerExportRow[][] = [];
      for await (const page of viewerRows(db, VIDEO, DURATION, batch)) {
        expect(page.length).toBeLessThanOrEqual(batch);
        pages.push(page);
      }
      expect(pages.flat()).toEqual(expected);
      expect(pages.length).toBe(Math.ceil(expected.length / batch));
    }
  });

  it('retention.csv and .json equal the retention endpoint', async () => {
    for (const buckets of [100, 7]) {
      const r = await app.request(`/v1/videos/${VIDEO}/retention?buckets=${buckets}`, { headers: auth(analyst) });
      const { bucketMs, viewers } = (await r.json()) as { bucketMs: number; viewers: number[] };
      const js = await app.request(`/v1/videos/${VIDEO}/export/retention.json?buckets=${buckets}`, {
        headers: auth(analyst),
      });
      const rows = (await js.json()) as Array<{ bucket: number; startMs: number; endMs: number; viewers: number }>;
      expect(rows.map((x) => x.viewers)).toEqual(viewers);
      expect(rows.map((x) => x.startMs)).toEqual(viewers.map((_, b) => b * bucketMs));
      const csv = await app.request(`/v1/videos/${VIDEO}/export/retention.csv?buckets=${buckets}`, {
        headers: auth(analyst),
      });
      const [header, ...lines] = parseCsv(await csv.text());
      expect(header).toEqual(['bucket', 'startMs', 'endMs', 'viewers']);
      expect(lines).toEqual(rows.map((x) => [x.bucket, x.startMs, x.endMs, x.viewers].map(String)));
    }
  });

  it('streams: a page is read from the store only when the client takes the one before', async () => {
    let pulled = 0;
    let closed = false;
    async function* pages() {
      try {
        for (let i = 0; i < 1000; i++) {
          pulled++;
          yield [{ a: i, b: `x${i}` }];
        }
      } finally {
        closed = true;
      }
    }
    const reader = exportStream(pages(), 'csv', ['a', 'b'] as const).getReader();
    const decoder = new TextDecoder();
    expect(decoder.decode((await reader.read()).value)).toBe('a,b\r\n');
    expect(decoder.decode((await reader.read()).value)).toBe('0,x0\r\n');
    expect(decoder.decode((await reader.read()).value)).toBe('1,x1\r\n');
    // ReadableStream pulls at most one chunk ahead (high-water mark 1).
    expect(pulled).toBeLessThanOrEqual(3);
    await reader.cancel();
    expect(closed).toBe(true);
  });

  it('exports thousands of viewers across many keyset pages through the route', async () => {
    const n = 2345;
    await db.rows(sql`INSERT INTO videos (video_id, duration_ms) VALUES ('big', 10000)`);
    await db.rows(sql`
      INSERT INTO sections (video_id, viewer_id, sections, last_added)
      SELECT 'big', 'w' || lpad(i::text, 5, '0'), int8multirange(int8range(0, i)), '{}'::int8multirange
      FROM generate_series(1, ${n}) AS i`);
    const res = await app.request('/v1/videos/big/export/viewers.csv', { headers: auth(analyst) });
    const [, ...lines] = parseCsv(await res.text());
    expect(lines).toHaveLength(n);
    lines.forEach((l, k) => {
      const i = k + 1;
      expect(l.slice(0, 4)).toEqual([
        `w${String(i).padStart(5, '0')}`,
        String(i),
        String(Math.min(1, i / 10_000)),
        'false',
      ]);
    });
  });

  it('answers 404 for an unknown video, 400 for an unknown file, 403 for viewers', async () => {
    let res = await app.request('/v1/videos/nope/export/viewers.csv', { headers: auth(analyst) });
    expect(res.status).toBe(404);
    res = await app.request(`/v1/videos/${VIDEO}/export/viewers.xml`, { headers: auth(analyst) });
    expect(res.status).toBe(400);
    res = await app.request(`/v1/videos/${VIDEO}/export/viewers.csv`, { headers: auth(await viewerToken('v001')) });
    expect(res.status).toBe(403);
  });
});

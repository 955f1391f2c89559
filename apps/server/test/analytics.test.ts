import { mergeSections, percentile, type Section, type SessionDoc, summarizeQoe, watchMetrics } from '@watchtime/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/connect.js';
import { analystToken, auth, json, openStore, STORES, testApp, viewerToken } from './stores.js';

const DURATION = 20_000;

/** Deterministic viewers and sessions with a known oracle. */
function fixture() {
  const viewers: Array<{ id: string; uploads: Section[][] }> = [];
  for (let v = 0; v < 12; v++) {
    const uploads: Section[][] = [];
    for (let u = 0; u < 3; u++) {
      const start = (v * 1300 + u * 4100) % (DURATION - 3000);
      uploads.push([[start, start + 1000 + ((v * 700 + u * 300) % 2000)]]);
    }
    viewers.push({ id: `viewer-${String(v).padStart(2, '0')}`, uploads });
  }
  const sessions: Array<{ id: string; viewer: string; doc: SessionDoc }> = [];
  for (let s = 0; s < 7; s++) {
    sessions.push({
      id: `sess-${s}`,
      viewer: `viewer-${String(s).padStart(2, '0')}`,
      doc: {
        videoId: 'movie',
        startedAt: 1_700_000_000_000 + s * 1000,
        startupMs: s === 3 ? null : 200 + s * 97,
        playedWallMs: 5000 + s * 1111,
        stalls: Array.from({ length: s % 3 }, (_, i) => ({
          atWallMs: 1_700_000_001_000 + i,
          atMediaMs: 1000 * i,
          durationMs: 150 + 40 * i + s,
        })),
        seeks: Array.from({ length: (s % 2) + 1 }, (_, i) => ({
          atWallMs: 1_700_000_002_000,
          fromMs: 0,
          toMs: 5000,
          latencyMs: 30 + s * 11 + i * 7,
        })),
        pauses: [],
        rateChanges: [],
        userAgent: 'test',
      },
    });
  }
  return { viewers, sessions };
}

describe.each(STORES)('analytics on %s', (kind) => {
  let db: Database;
  let app: ReturnType<typeof testApp>;
  let analyst: string;
  const { viewers, sessions } = fixture();

  beforeAll(async () => {
    db = await openStore(kind);
    app = testApp(db);
    analyst = await analystToken();
    for (const v of viewers) {
      const t = await viewerToken(v.id);
      for (const sections of v.uploads) {
        const res = await app.request(
          `/v1/videos/movie/viewers/${v.id}/sections`,
          json(t, { durationMs: DURATION, sections }),
        );
        expect(res.status).toBe(200);
      }
    }
    for (const s of sessions) {
      const res = await app.request(`/v1/sessions/${s.id}`, json(await viewerToken(s.viewer), s.doc));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ sessionId: s.id, ok: true });
    }
  });
  afterAll(() => db.close());

  it('summary equals the core oracle', async () => {
    const res = await app.request('/v1/videos/movie/summary', { headers: auth(analyst) });
    expect(res.status).toBe(200);
    const s = await res.json();
    const metrics = viewers.map((v) => watchMetrics(mergeSections(v.uploads.flat()), DURATION));
    const coverages = metrics.map((m) => m.coverage);
    const qoe = summarizeQoe(sessions.map((x) => x.doc));
    const hist = new Array(10).fill(0);
    for (const c of coverages) hist[Math.min(9, Math.floor(c * 10))]++;
    expect(s.videoId).toBe('movie');
    expect(s.durationMs).toBe(DURATION);
    expect(s.viewers).toBe(viewers.length);
    expect(s.meanCoverage).toBeCloseTo(coverages.reduce((a, b) => a + b, 0) / coverages.length, 9);
    expect(s.medianCoverage).toBeCloseTo(percentile(coverages, 0.5) as number, 9);
    expect(s.totalWatchedMs).toBe(metrics.reduce((a, m) => a + m.watchedMs, 0));
    expect(s.coverageHistogram).toEqual(hist);
    expect(s.sessions).toBe(sessions.length);
    expect(s.playedWallMs).toBe(sessions.reduce((a, x) => a + x.doc.playedWallMs, 0));
    expect(s.startupMedianMs).toBeCloseTo(qoe.startupMedianMs as number, 6);
    expect(s.startupP95Ms).toBeCloseTo(qoe.startupP95Ms as number, 6);
    expect(s.stallCount).toBe(qoe.stallCount);
    expect(s.stallMs).toBe(qoe.stallMs);
    expect(s.rebufferRatio).toBeCloseTo(qoe.rebufferRatio, 12);
    expect(s.stallsPerMinute).toBeCloseTo(qoe.stallsPerMinute, 12);
    const latencies = sessions.flatMap((x) => x.doc.seeks.map((k) => k.latencyMs));
    expect(s.seekLatencyMedianMs).toBeCloseTo(percentile(latencies, 0.5) as number, 9);
  });

  it('lists videos with their aggregates, and takes metadata', async () => {
    const t = await viewerToken('solo');
    await app.request('/v1/videos/short/viewers/solo/sections', json(t, { durationMs: 1000, sections: [[0, 500]] }));
    let res = await app.request('/v1/videos', { headers: auth(analyst) });
    expect(res.status).toBe(200);
    let list = (await res.json()).videos;
    expect(list.map((v: { videoId: string }) => v.videoId)).toEqual(['movie', 'short']);
    const short = list[1];
    expect(short).toMatchObject({
      videoId: 'short',
      title: null,
      durationMs: 1000,
      viewers: 1,
      meanCoverage: 0.5,
      medianCoverage: 0.5,
      totalWatchedMs: 500,
      sessions: 0,
      startupMedianMs: null,
      rebufferRatio: 0,
    });
    expect(short.updatedAt).toBeGreaterThanOrEqual(short.firstSeenAt);
    expect(Math.abs(short.firstSeenAt - Date.now())).toBeLessThan(600_000);

    res = await app.request(
      '/v1/videos/short',
      json(analyst, { title: 'Short film', posterUrl: 'https://example.com/p.jpg' }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      videoId: 'short',
      title: 'Short film',
      posterUrl: 'https://example.com/p.jpg',
      durationMs: 1000,
    });
    res = await app.request('/v1/videos/fresh', json(analyst, { title: 'No duration' }));
    expect(res.status).toBe(400);
    res = await app.request('/v1/videos/fresh', json(analyst, { title: 'Fresh', durationMs: 3000 }));
    expect(res.status).toBe(200);
    res = await app.request('/v1/videos/fresh', json(analyst, { title: 5 }));
    expect(res.status).toBe(400);
    list = (await (await app.request('/v1/videos', { headers: auth(analyst) })).json()).videos;
    expect(list.find((v: { videoId: string }) => v.videoId === 'fresh')).toMatchObject({
      title: 'Fresh',
      viewers: 0,
      durationMs: 3000,
    });
    // A viewer may not edit or read analytics.
    expect((await app.request('/v1/videos/short', json(t, { title: 'x' }))).status).toBe(403);
    expect((await app.request('/v1/videos', { headers: auth(t) })).status).toBe(403);
    expect((await app.request('/v1/videos')).status).toBe(401);
  });

  it('drills down per viewer, ordered by viewerId, paginated', async () => {
    const res = await app.request('/v1/videos/movie/viewers?limit=5&offset=3', { headers: auth(analyst) });
    expect(res.status).toBe(200);
    const page = await res.json();
    expect(page.total).toBe(viewers.length);
    expect(page.viewers.map((v: { viewerId: string }) => v.viewerId)).toEqual(viewers.slice(3, 8).map((v) => v.id));
    const first = page.viewers[0];
    const expected = mergeSections((viewers[3] as (typeof viewers)[number]).uploads.flat());
    expect(first.sections).toEqual(expected);
    expect(first).toMatchObject(watchMetrics(expected, DURATION));
    expect((await app.request('/v1/videos/movie/viewers?limit=0', { headers: auth(analyst) })).status).toBe(400);
  });

  it('sessions: idempotent replace by the creator only, listed newest first', async () => {
    const owner = await viewerToken('viewer-00');
    const doc = { ...(sessions[0] as (typeof sessions)[number]).doc, playedWallMs: 9999 };
    expect((await app.request('/v1/sessions/sess-0', json(owner, doc))).status).toBe(200);
    expect((await app.request('/v1/sessions/sess-0', json(owner, doc))).status).toBe(200);
    const intruder = await viewerToken('mallory');
    const res = await app.request('/v1/sessions/sess-0', json(intruder, { ...doc, playedWallMs: 1 }));
    expect(res.status).toBe(403);
    const got = await (await app.request('/v1/sessions/sess-0', { headers: auth(analyst) })).json();
    expect(got).toMatchObject({ sessionId: 'sess-0', viewerId: 'viewer-00', playedWallMs: 9999, videoId: 'movie' });
    expect((await app.request('/v1/sessions/sess-0', { headers: auth(intruder) })).status).toBe(403);
    expect((await app.request('/v1/sessions/sess-0', { headers: auth(owner) })).status).toBe(200);
    expect((await app.request('/v1/sessions/nope', { headers: auth(analyst) })).status).toBe(404);
    const bad = await app.request('/v1/sessions/sess-x', json(owner, { ...doc, endedAt: 1 }));
    expect(bad.status).toBe(400);
    expect((await bad.json()).issues[0].path).toBe('endedAt');
    expect((await app.request('/v1/sessions/sess-x', { headers: auth(analyst) })).status).toBe(404);
    const list = await (await app.request('/v1/videos/movie/sessions?limit=3', { headers: auth(analyst) })).json();
    expect(list.total).toBe(sessions.length);
    expect(list.sessions.map((s: { sessionId: string }) => s.sessionId)).toEqual(['sess-6', 'sess-5', 'sess-4']);
    // Restore the fixture for the other tests' oracle.
    await app.request('/v1/sessions/sess-0', json(owner, (sessions[0] as (typeof sessions)[number]).doc));
  });

  it('recordings: validated analyzer JSON in, listed and read back; the newest correlation of a session', async () => {
    const freeze = {
      fps: 30,
      frames: 90,
      frozen: [{ startFrame: 10, endFrame: 20, startMs: 333.3, endMs: 700 }],
      identicalFrameRatio: 0.12,
      stutterCount: 1,
      stutterMs: 366.7,
      stutterSeconds: [0],
    };
    const payload = { sessionId: 'sess-1', name: 'phone.mp4', fps: 30, frames: 90, freeze };
    let res = await app.request('/v1/recordings', json(analyst, payload, 'POST'));
    expect(res.status).toBe(201);
    const { id } = await res.json();
    res = await app.request(`/v1/recordings/${id}`, { headers: auth(analyst) });
    expect(await res.json()).toMatchObject({ id, name: 'phone.mp4', sessionId: 'sess-1', fps: 30, frames: 90, freeze });
    res = await app.request('/v1/recordings', { headers: auth(analyst) });
    expect((await res.json()).recordings).toEqual([
      expect.objectContaining({
        id,
        name: 'phone.mp4',
        sessionId: 'sess-1',
        fps: 30,
        frames: 90,
        frozenCount: 1,
        stutterMs: 366.7,
      }),
    ]);
    res = await app.request('/v1/recordings', json(analyst, { name: 'x', fps: 30, frames: 1 }, 'POST'));
    expect(res.status).toBe(400);
    expect((await app.request('/v1/recordings', json(await viewerToken('v'), payload, 'POST'))).status).toBe(403);
    res = await app.request('/v1/sessions/sess-1/correlation', { headers: auth(analyst) });
    expect(res.status).toBe(404);
    expect((await res.json()).error).toMatch(/no correlation yet/);
    // A recording carrying a correlation (as `watchtime-analyze correlate` posts it) answers it;
    // the newest one wins.
    const correlation = (offsetMs: number) => ({
      offsetMs,
      anchors: 2,
      residualMs: 12,
      stalls: [{ stall: { atWallMs: 5, durationMs: 400 }, frozen: null, startErrorMs: null, durationErrorMs: null }],
      hiddenStutter: [{ startMs: 100, endMs: 900 }],
      explained: [],
      startup: { reportedMs: 200, perceivedMs: 150 },
    });
    res = await app.request('/v1/recordings', json(analyst, { ...payload, correlation: correlation(1000) }, 'POST'));
    expect(res.status).toBe(201);
    await new Promise((r) => setTimeout(r, 5)); // distinct created_at
    res = await app.request('/v1/recordings', json(analyst, { ...payload, correlation: correlation(2000) }, 'POST'));
    const newest = (await res.json()).id;
    res = await app.request('/v1/sessions/sess-1/correlation', { headers: auth(analyst) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ sessionId: 'sess-1', recordingId: newest, ...correlation(2000) });
    expect(
      (await app.request('/v1/sessions/sess-1/correlation', { headers: auth(await viewerToken('v')) })).status,
    ).toBe(403);
  });

  it('login opens a database session cookie any replica accepts; logout ends it', async () => {
    expect((await app.request('/v1/me')).status).toBe(401);
    let res = await app.request('/v1/login', { method: 'POST', body: JSON.stringify({ password: 'wrong' }) });
    expect(res.status).toBe(401);
    res = await app.request('/v1/login', { method: 'POST', body: JSON.stringify({ password: 'open sesame' }) });
    expect(res.status).toBe(204);
    const setCookie = res.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/wt_session=/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    const cookie = setCookie.split(';')[0] as string;
    const replica = testApp(db);
    res = await replica.request('/v1/me', { headers: { Cookie: cookie } });
    expect(await res.json()).toEqual({ role: 'analyst' });
    expect((await replica.request('/v1/videos/movie/summary', { headers: { Cookie: cookie } })).status).toBe(200);
    res = await app.request('/v1/logout', { method: 'POST', headers: { Cookie: cookie } });
    expect(res.status).toBe(204);
    expect((await replica.request('/v1/me', { headers: { Cookie: cookie } })).status).toBe(401);
    expect((await app.request('/v1/me', { headers: { Cookie: 'wt_session=forged' } })).status).toBe(401);
  });
});

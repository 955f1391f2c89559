import { mergeSections, retention, sessionSchema } from '@watchtime/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/connect.js';
import { DEMO_VIDEOS, seedDemo, seedDemoIfEmpty } from '../src/seed.js';
import { analystToken, auth, openStore, testApp } from './stores.js';

describe('demo seed (PGlite)', () => {
  let db: Database;
  beforeAll(async () => {
    db = await openStore('pglite');
  });
  afterAll(() => db.close());

  it('writes videos, viewers and valid sessions through the merge path, once', async () => {
    const records = await seedDemo(db, { viewers: 16, seed: 5 });
    expect(records).toBeGreaterThan(10);
    expect(await seedDemoIfEmpty(db)).toBe(0);
    const app = testApp(db);
    const analyst = await analystToken();
    const list = (await (await app.request('/v1/videos', { headers: auth(analyst) })).json()).videos;
    expect(list.map((v: { title: string }) => v.title).sort()).toEqual(DEMO_VIDEOS.map((v) => v.title).sort());
    const total = list.reduce((a: number, v: { viewers: number }) => a + v.viewers, 0);
    expect(total).toBe(records);
    for (const video of DEMO_VIDEOS) {
      const page = await (
        await app.request(`/v1/videos/${video.videoId}/viewers?limit=1000`, { headers: auth(analyst) })
      ).json();
      for (const v of page.viewers) expect(mergeSections(v.sections)).toEqual(v.sections);
      const ret = await (await app.request(`/v1/videos/${video.videoId}/retention`, { headers: auth(analyst) })).json();
      expect(ret).toEqual(
        retention(
          page.viewers.map((v: { sections: Array<[number, number]> }) => v.sections),
          video.durationMs,
          100,
        ),
      );
      const sessions = await (
        await app.request(`/v1/videos/${video.videoId}/sessions`, { headers: auth(analyst) })
      ).json();
      expect(sessions.total).toBe(page.total);
      for (const s of sessions.sessions) {
        const { sessionId, viewerId, ...doc } = s;
        expect(sessionSchema.safeParse(doc).success).toBe(true);
      }
    }
    const summary = await (await app.request('/v1/videos/big-buck-bunny/summary', { headers: auth(analyst) })).json();
    expect(summary.stallCount).toBeGreaterThan(0);
    expect(summary.seekLatencyMedianMs).toBeGreaterThan(0);
  });
});

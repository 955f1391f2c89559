import { mergeSections, retention, type Section } from '@watchtime/core';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/connect.js';
import { analystToken, auth, json, openStore, STORES, testApp, viewerToken } from './stores.js';

const sectionsArb = (durationMs: number) =>
  fc.array(
    fc
      .tuple(fc.integer({ min: 0, max: durationMs - 1 }), fc.integer({ min: 1, max: 3000 }))
      .map(([s, l]): Section => [s, Math.min(durationMs, s + l)]),
    { minLength: 1, maxLength: 8 },
  );

describe.each(STORES)('concurrent devices on %s', (kind) => {
  let db: Database;
  let app: ReturnType<typeof testApp>;
  beforeAll(async () => {
    db = await openStore(kind);
    app = testApp(db, { rateLimit: { burst: 1e9, refillPerSec: 1e9 } });
  });
  afterAll(() => db.close());

  it('120 concurrent writers to one record: the stored list is the union of everything sent', async () => {
    const token = await viewerToken('busy');
    const uploads = fc.sample(sectionsArb(600_000), { numRuns: 120, seed: 42 });
    const answers = await Promise.all(
      uploads.map(async (sections) => {
        const res = await app.request(
          '/v1/videos/hot/viewers/busy/sections',
          json(token, { durationMs: 600_000, sections }),
        );
        expect(res.status).toBe(200);
        return (await res.json()) as { sections: Section[] };
      }),
    );
    const union = mergeSections(uploads.flat());
    const stored = await (await app.request('/v1/videos/hot/viewers/busy/sections', { headers: auth(token) })).json();
    expect(stored.sections).toEqual(union);
    // Every answer already contains what its own request sent.
    answers.forEach((a, i) => {
      expect(mergeSections([...a.sections, ...(uploads[i] as Section[])])).toEqual(a.sections);
    });
  });

  it('many viewers at once while the duration grows: retention counts stay exact', async () => {
    const viewers = 40;
    const tokens = await Promise.all(Array.from({ length: viewers }, (_, v) => viewerToken(`cv${v}`)));
    const durations = [7000, 7001, 9000, 12_345];
    const plan = Array.from({ length: 160 }, (_, i) => {
      const durationMs = durations[Math.floor(((i * 7) / 160) * 4) % 4] as number;
      return {
        viewer: (i * 13) % viewers,
        durationMs,
        sections: fc.sample(sectionsArb(durationMs), { numRuns: 1, seed: i })[0] as Section[],
      };
    });
    await Promise.all(
      plan.map(async (p) => {
        const res = await app.request(
          `/v1/videos/crowd/viewers/cv${p.viewer}/sections`,
          json(tokens[p.viewer] as string, { durationMs: p.durationMs, sections: p.sections }),
        );
        expect(res.status).toBe(200);
      }),
    );
    const sets = new Map<number, Section[]>();
    for (const p of plan) sets.set(p.viewer, [...(sets.get(p.viewer) ?? []), ...p.sections]);
    const merged = [...sets.values()].map((s) => mergeSections(s));
    const kept = await db.rows<{ n: number; bucket_ms: unknown; counts: number[] }>(
      sql`SELECT h.n, h.bucket_ms, (SELECT array_agg(b.viewers ORDER BY b.bucket) FROM retention_buckets b WHERE b.video_id = h.video_id AND b.n = h.n) AS counts FROM retention_counts h WHERE h.video_id = 'crowd' ORDER BY h.n`,
    );
    expect(kept.map((k) => ({ bucketMs: Number(k.bucket_ms), viewers: k.counts.map(Number) }))).toEqual([
      retention(merged, 12_345, 100),
      retention(merged, 12_345, 1000),
    ]);
    const analyst = await analystToken();
    const res = await app.request('/v1/videos/crowd/retention?buckets=100', { headers: auth(analyst) });
    expect(await res.json()).toEqual(retention(merged, 12_345, 100));
  });

  it('two viewers racing to create one session: exactly one owns it, the other gets 403', async () => {
    const doc = { videoId: 'hot', startedAt: 1_700_000_000_000, playedWallMs: 1000, startupMs: 300 };
    const racers = await Promise.all(Array.from({ length: 12 }, (_, i) => viewerToken(`racer-${i}`)));
    const statuses = await Promise.all(
      racers.map(async (t) => (await app.request('/v1/sessions/contested', json(t, doc))).status),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 403)).toHaveLength(11);
    const winner = `racer-${statuses.indexOf(200)}`;
    const stored = await (await app.request('/v1/sessions/contested', { headers: auth(await analystToken()) })).json();
    expect(stored.viewerId).toBe(winner);
  });
});

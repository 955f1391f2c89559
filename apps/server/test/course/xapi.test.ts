/**
 * xAPI (issue 10) on both stores: statements built from stored sessions and sets pass the
 * validation library and our Video Profile checks; export → import into a fresh store gives the
 * same sets; forwarding with @xapi/xapi reaches a loopback LRS that validates every statement.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import validateStatement from '@learninglocker/xapi-validation';
import { mergeSections, parsePlayedSegments, type Section } from '@watchtime/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/connect.js';
import { checkStatement, EXT, type Statement, VERBS } from '../../src/store/xapi.js';
import { analystToken, auth, json, openStore, STORES, testApp, viewerToken } from '../stores.js';

const libraryProblems = validateStatement as unknown as (s: unknown) => unknown[];
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);

const section = (d: number) =>
  fc
    .tuple(fc.integer({ min: 0, max: d - 1 }), fc.integer({ min: 1, max: 9000 }))
    .map(([s, l]): Section => [s, Math.min(d, s + l)]);

interface Truth {
  videoId: string;
  viewerId: string;
  durationMs: number;
  sections: Section[];
}

async function exportAll(app: ReturnType<typeof testApp>, analyst: string, query = ''): Promise<Statement[]> {
  const res = await app.request(`/v1/xapi/statements${query}`, { headers: auth(analyst) });
  expect(res.status).toBe(200);
  return (await res.json()) as Statement[];
}

describe.each(STORES)('xAPI on %s', (kind) => {
  let db: Database;
  let app: ReturnType<typeof testApp>;
  let analyst: string;
  const truth: Truth[] = [];
  beforeAll(async () => {
    db = await openStore(kind);
    app = testApp(db);
    analyst = await analystToken();
    await app.request('/v1/videos/lesson-1/completion-rule', json(analyst, { minCoverage: 0.5 }));
    const plan = fc.sample(
      fc.array(
        fc.record({
          video: fc.constantFrom(['lesson-1', 12_345], ['lesson-2', 20_001]),
          uploads: fc.array(fc.array(section(12_345), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 3 }),
          day: fc.integer({ min: 0, max: 9 }),
          pauses: fc.array(fc.tuple(fc.integer({ min: 1, max: 60_000 }), fc.nat(12_345), fc.nat(5000)), {
            maxLength: 3,
          }),
          seeks: fc.array(fc.tuple(fc.integer({ min: 1, max: 60_000 }), fc.nat(12_345), fc.nat(12_345)), {
            maxLength: 3,
          }),
        }),
        { minLength: 12, maxLength: 12 },
      ),
      { numRuns: 1, seed: 7 },
    )[0] as Array<{
      video: [string, number];
      uploads: Section[][];
      day: number;
      pauses: Array<[number, number, number]>;
      seeks: Array<[number, number, number]>;
    }>;
    for (const [i, p] of plan.entries()) {
      const [videoId, durationMs] = p.video;
      const viewerId = `learner-${i}`;
      const token = await viewerToken(viewerId);
      const startedAt = T0 + p.day * DAY;
      const session = {
        videoId,
        startedAt,
        durationMs,
        playedWallMs: 5000 + i,
        pauses: p.pauses.map(([dt, at, d]) => ({ atWallMs: startedAt + dt, atMediaMs: at, durationMs: d })),
        seeks: p.seeks.map(([dt, from, to]) => ({ atWallMs: startedAt + dt, fromMs: from, toMs: to, latencyMs: 10 })),
        userAgent: 'test-agent/1.0',
      };
      expect((await app.request(`/v1/sessions/s-${i}`, json(token, session))).status).toBe(200);
      let union: Section[] = [];
      for (const up of p.uploads) {
        const sections = mergeSections(up);
        union = mergeSections([...union, ...sections]);
        const res = await app.request(
          `/v1/videos/${videoId}/viewers/${viewerId}/sections`,
          json(token, { durationMs, sections }),
        );
        expect(res.status).toBe(200);
      }
      truth.push({ videoId, viewerId, durationMs, sections: union });
    }
  });
  afterAll(() => db.close());

  it('every exported statement passes the validation library and the Video Profile checks', async () => {
    const all = await exportAll(app, analyst);
    expect(all.length).toBeGreaterThan(truth.length);
    for (const s of all) {
      expect(libraryProblems(s)).toEqual([]);
      expect(checkStatement(s)).toEqual([]);
    }
    const verbs = new Set(all.map((s) => s.verb.id));
    for (const v of ['initialized', 'played', 'paused', 'seeked', 'completed'] as const)
      expect(verbs).toContain(VERBS[v]);
    expect(new Set(all.map((s) => s.id)).size).toBe(all.length);
    // One set statement per viewer, its played-segments exactly the stored set, three decimals.
    const sets = all.filter((s) => s.result?.extensions?.[EXT.playedSegments] !== undefined);
    expect(sets).toHaveLength(truth.length);
    for (const t of truth) {
      const s = sets.find((x) => x.actor.account.name === t.viewerId) as Statement;
      const text = s.result.extensions[EXT.playedSegments] as string;
      expect(text).toMatch(/^\d+\.\d{3}\[\.\]\d+\.\d{3}/);
      expect(parsePlayedSegments(text)).toEqual(t.sections);
      const coverage = t.sections.reduce((a, [x, y]) => a + y - x, 0) / t.durationMs;
      expect(s.result.extensions[EXT.progress]).toBe(Math.floor(coverage * 1000 + 1e-9) / 1000);
      expect(s.verb.id).toBe(t.videoId === 'lesson-1' && coverage >= 0.5 ? VERBS.completed : VERBS.paused);
    }
  });

  it('our checks catch what the profile forbids', async () => {
    const [good] = (await exportAll(app, analyst)).filter((s) => s.verb.id === VERBS.completed) as Statement[];
    expect(good).toBeDefined();
    const broken = (f: (s: Statement) => void) => {
      const s = structuredClone(good) as Statement;
      f(s);
      return checkStatement(s);
    };
    expect(broken((s) => delete s.result.extensions[EXT.playedSegments])).toEqual([
      expect.stringMatching(/played-segments/),
    ]);
    expect(broken((s) => (s.result.extensions[EXT.progress] = 1.5))).toEqual([expect.stringMatching(/progress/)]);
    expect(broken((s) => (s.result.extensions[EXT.playedSegments] = '1.5[.]2'))).toEqual([
      expect.stringMatching(/three decimals/),
    ]);
    expect(broken((s) => (s.context.contextActivities.category = []))).toEqual([expect.stringMatching(/category/)]);
    expect(broken((s) => (s.verb.id = 'not an iri')).length).toBeGreaterThan(0);
  });

  it('filters by video and by date range', async () => {
    const one = await exportAll(app, analyst, '?videoId=lesson-2');
    expect(one.length).toBeGreaterThan(0);
    expect(one.every((s) => s.object.id.endsWith('/videos/lesson-2'))).toBe(true);
    const since = new Date(T0 + 3 * DAY).toISOString();
    const until = T0 + 6 * DAY;
    const ranged = await exportAll(app, analyst, `?since=${since}&until=${until}`);
    const inits = ranged.filter((s) => s.verb.id === VERBS.initialized);
    for (const s of inits) {
      const t = Date.parse(s.timestamp);
      expect(t >= T0 + 3 * DAY && t < until).toBe(true);
    }
    const all = await exportAll(app, analyst);
    const expectedInits = all.filter((s) => {
      const t = Date.parse(s.timestamp);
      return s.verb.id === VERBS.initialized && t >= T0 + 3 * DAY && t < until;
    });
    expect(inits.map((s) => s.id).sort()).toEqual(expectedInits.map((s) => s.id).sort());
    const bad = await app.request('/v1/xapi/statements?since=yesterday', { headers: auth(analyst) });
    expect(bad.status).toBe(400);
  });

  it('round-trips: export → import into a fresh store → the same sets', async () => {
    const exported = await exportAll(app, analyst);
    const fresh = await openStore(kind);
    try {
      const other = testApp(fresh);
      const res = await other.request('/v1/xapi/statements', json(analyst, exported, 'POST'));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ statements: exported.length, merged: truth.length });
      for (const t of truth) {
        const got = await other.request(`/v1/videos/${t.videoId}/viewers/${t.viewerId}/sections`, {
          headers: auth(analyst),
        });
        expect(((await got.json()) as { sections: Section[] }).sections).toEqual(t.sections);
      }
      // Importing again changes nothing (the merge is idempotent).
      await other.request('/v1/xapi/statements', json(analyst, exported, 'POST'));
      const again = (await (
        await other.request('/v1/xapi/statements', { headers: auth(analyst) })
      ).json()) as Statement[];
      const sets = (list: Statement[]) =>
        list
          .filter((s) => s.result?.extensions?.[EXT.playedSegments] !== undefined)
          .map((s) => `${s.object.id} ${s.actor.account.name} ${s.result.extensions[EXT.playedSegments]}`)
          .sort();
      expect(sets(again)).toEqual(sets(exported));
    } finally {
      await fresh.close();
    }
  });

  it('rejects an invalid import whole: 400 naming the statement, nothing stored', async () => {
    const [good] = (await exportAll(app, analyst, '?videoId=lesson-2')).filter(
      (s) => s.result?.extensions?.[EXT.playedSegments] !== undefined,
    ) as Statement[];
    const fresh = await openStore(kind);
    try {
      const other = testApp(fresh);
      const bad = structuredClone(good) as Statement;
      bad.result.extensions[EXT.playedSegments] = '5.000[.]1.000';
      const res = await other.request('/v1/xapi/statements', json(analyst, [good, bad], 'POST'));
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/statement 1/);
      const list = await other.request('/v1/videos', { headers: auth(analyst) });
      expect(await list.json()).toMatchObject({ videos: [] });
    } finally {
      await fresh.close();
    }
  });

  it('forwards to a configured LRS with @xapi/xapi; the loopback LRS validates every statement', async () => {
    const received: Statement[] = [];
    const problems: unknown[] = [];
    const auths = new Set<string | undefined>();
    const lrs: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        auths.add(req.headers.authorization);
        if (req.method !== 'POST' || req.url !== '/xapi/statements' || !req.headers['x-experience-api-version']) {
          res.writeHead(400).end('bad request');
          return;
        }
        const list = JSON.parse(body) as Statement[];
        for (const s of list) problems.push(...libraryProblems(s), ...checkStatement(s));
        received.push(...list);
        res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(list.map((s) => s.id)));
      });
    });
    await new Promise<void>((r) => lrs.listen(0, '127.0.0.1', r));
    const { port } = lrs.address() as AddressInfo;
    process.env.WATCHTIME_LRS_URL = `http://127.0.0.1:${port}/xapi/`;
    process.env.WATCHTIME_LRS_USERNAME = 'key';
    process.env.WATCHTIME_LRS_PASSWORD = 'secret';
    try {
      const res = await app.request('/v1/xapi/forward', json(analyst, { videoId: 'lesson-1' }, 'POST'));
      expect(res.status).toBe(200);
      const exported = await exportAll(app, analyst, '?videoId=lesson-1');
      expect(await res.json()).toMatchObject({ sent: exported.length });
      expect(problems).toEqual([]);
      expect(received.map((s) => s.id)).toEqual(exported.map((s) => s.id));
      expect([...auths]).toEqual([`Basic ${Buffer.from('key:secret').toString('base64')}`]);
    } finally {
      delete process.env.WATCHTIME_LRS_URL;
      delete process.env.WATCHTIME_LRS_USERNAME;
      delete process.env.WATCHTIME_LRS_PASSWORD;
      await new Promise((r) => lrs.close(r));
    }
    const none = await app.request('/v1/xapi/forward', json(analyst, {}, 'POST'));
    expect(none.status).toBe(409);
  });
});

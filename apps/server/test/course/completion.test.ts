/**
 * Completion (issue 10) against the real server on both stores: the verdict comes from the
 * merged set, never from a client flag, and is stable under re-sent and re-ordered uploads.
 * Oracle: core's `evaluateCompletion` on the union of everything uploaded so far.
 */
import { type CompletionRule, evaluateCompletion, mergeSections, type Section } from '@watchtime/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/connect.js';
import { analystToken, auth, json, openStore, STORES, testApp, viewerToken } from '../stores.js';

const DURATION = 20_000;

const section = fc
  .tuple(fc.integer({ min: 0, max: DURATION - 1 }), fc.integer({ min: 1, max: 6000 }))
  .map(([s, l]): Section => [s, Math.min(DURATION, s + l)]);
const upload = fc.array(section, { minLength: 1, maxLength: 4 }).map((list) => mergeSections(list));
const rule = fc.record(
  {
    minCoverage: fc.constantFrom(0, 0.3, 0.5, 0.7, 0.9, 1),
    requiredRanges: fc.array(section, { maxLength: 2 }).map((l) => mergeSections(l)),
  },
  { requiredKeys: ['minCoverage'] },
);
/** Uploads, each possibly sent twice, in a shuffled order. */
const scenario = fc
  .tuple(fc.array(upload, { minLength: 1, maxLength: 6 }), fc.array(fc.nat(5), { maxLength: 3 }))
  .chain(([uploads, dupes]) => {
    const all = [...uploads, ...dupes.filter((i) => i < uploads.length).map((i) => uploads[i] as Section[])];
    return fc.shuffledSubarray(all, { minLength: all.length, maxLength: all.length });
  });

describe.each(STORES)('completion on %s', (kind) => {
  let db: Database;
  let app: ReturnType<typeof testApp>;
  let analyst: string;
  beforeAll(async () => {
    db = await openStore(kind);
    app = testApp(db);
    analyst = await analystToken();
  });
  afterAll(() => db.close());

  const put = async (videoId: string, viewerId: string, sections: Section[], extra: object = {}) => {
    const res = await app.request(
      `/v1/videos/${videoId}/viewers/${viewerId}/sections`,
      json(await viewerToken(viewerId), { durationMs: DURATION, sections, ...extra }),
    );
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  it('rules: per video, site default, built-in default; bad rules are 400; viewers get 403', async () => {
    let res = await app.request('/v1/videos/r1/completion-rule', { headers: auth(analyst) });
    expect(await res.json()).toEqual({ videoId: 'r1', rule: { minCoverage: 0.9 }, source: 'builtin' });
    res = await app.request('/v1/completion-rule', json(analyst, { minCoverage: 0.5 }));
    expect(res.status).toBe(200);
    res = await app.request('/v1/videos/r1/completion-rule', { headers: auth(analyst) });
    expect(await res.json()).toEqual({ videoId: 'r1', rule: { minCoverage: 0.5 }, source: 'site' });
    res = await app.request(
      '/v1/videos/r1/completion-rule',
      json(analyst, { minCoverage: 0.8, requiredRanges: [[1000, 2000]], minPlayedWallMs: 500 }),
    );
    expect(res.status).toBe(200);
    res = await app.request('/v1/videos/r1/completion-rule', { headers: auth(analyst) });
    expect(await res.json()).toEqual({
      videoId: 'r1',
      rule: { minCoverage: 0.8, requiredRanges: [[1000, 2000]], minPlayedWallMs: 500 },
      source: 'video',
    });
    res = await app.request('/v1/videos/r1/completion-rule', json(analyst, { minCoverage: 1.5 }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/minCoverage/);
    res = await app.request('/v1/completion-rule', json(await viewerToken('v'), { minCoverage: 0.1 }));
    expect(res.status).toBe(403);
    // Back to the built-in default for the other tests.
    await app.request('/v1/completion-rule', json(analyst, { minCoverage: 0.9 }));
  });

  it('never takes completion from a client flag', async () => {
    const { status, body } = await put('flag', 'cheater', [[0, 100]], { completed: true });
    expect(status).toBe(400);
    expect(String(body.error)).toMatch(/completed/);
    const ok = await put('flag', 'cheater', [[0, 100]]);
    expect(ok.body).toMatchObject({ completed: false, completedAt: null });
  });

  it('minimum played wall time counts the viewer’s stored sessions', async () => {
    await app.request('/v1/videos/wall/completion-rule', json(analyst, { minCoverage: 0.5, minPlayedWallMs: 8000 }));
    const viewer = 'walker';
    let r = await put('wall', viewer, [[0, 12_000]]);
    expect(r.body.completed).toBe(false);
    const session = { videoId: 'wall', startedAt: 1_700_000_000_000, playedWallMs: 9000 };
    const before = Date.now();
    const res = await app.request('/v1/sessions/wall-s1', json(await viewerToken(viewer), session));
    const after = Date.now();
    expect(res.status).toBe(200);
    // The session alone completes the viewer: its played time is what was missing.
    r = await put('wall', viewer, []);
    expect(r.body.completed).toBe(true);
    const at = r.body.completedAt as number;
    expect(at).toBeGreaterThanOrEqual(before - 1);
    expect(at).toBeLessThanOrEqual(after + 1);
    r = await put('wall', viewer, [[12_000, 12_500]]);
    expect(r.body).toMatchObject({ completed: true, completedAt: at });
  });

  it('flips exactly when the oracle does, at the first upload after which it holds, and never un-sets', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(rule, scenario, async (r: CompletionRule, uploads) => {
        run++;
        const videoId = `p${run}`;
        const viewerId = `viewer${run}`;
        const res = await app.request(`/v1/videos/${videoId}/completion-rule`, json(analyst, r));
        expect(res.status).toBe(200);
        let union: Section[] = [];
        let first: number | null = null;
        let completedAt: number | null = null;
        for (const [i, up] of uploads.entries()) {
          union = mergeSections([...union, ...up]);
          const oracle = evaluateCompletion(r, { sections: union, durationMs: DURATION }).completed;
          if (oracle && first === null) first = i;
          const before = Date.now();
          const { status, body } = await put(videoId, viewerId, up);
          const after = Date.now();
          expect(status).toBe(200);
          expect(body.sections).toEqual(union);
          expect(body.completed).toBe(first !== null);
          if (first === i) {
            completedAt = body.completedAt as number;
            expect(completedAt).toBeGreaterThanOrEqual(before - 1);
            expect(completedAt).toBeLessThanOrEqual(after + 1);
          }
          expect(body.completedAt).toBe(completedAt);
        }
      }),
      { numRuns: 40 },
    );
  });
});

/**
 * `GET /v1/videos/:videoId/heat` on both stores: the summed per-hundredth play counts of the
 * stored session documents, normalised to the maximum, against a brute-force oracle; empty below
 * 20 distinct viewers.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../src/db/connect.js';
import { auth, json, openStore, STORES, testApp, viewerToken } from './stores.js';

const VIEWERS = 24;

interface Doc {
  viewer: number;
  session: string;
  playCounts: number[] | null;
}

const sessionDoc = (videoId: string, playCounts: number[] | null) => ({
  videoId,
  startedAt: 1_700_000_000_000,
  durationMs: 60_000,
  startupMs: 100,
  firstFrameMs: 120,
  playedWallMs: 1000,
  stalls: [],
  seeks: [],
  pauses: [],
  rateChanges: [],
  ...(playCounts ? { playCounts } : {}),
  userAgent: 'heat-test',
});

/** Oracle: the last document per session wins (PUT replaces); sum per bucket over contributors. */
function oracle(docs: Doc[]): { buckets: number[]; viewers: number } {
  const latest = new Map<string, Doc>();
  for (const d of docs) latest.set(d.session, d);
  const sums = new Array<number>(100).fill(0);
  const viewers = new Set<number>();
  for (const d of latest.values()) {
    if (!d.playCounts?.some((c) => c > 0)) continue;
    viewers.add(d.viewer);
    for (const [i, c] of d.playCounts.entries()) sums[i] = (sums[i] as number) + c;
  }
  if (viewers.size < 20) return { buckets: [], viewers: viewers.size };
  const max = Math.max(...sums);
  return { buckets: sums.map((s) => (max > 0 ? s / max : 0)), viewers: viewers.size };
}

const counts = fc.oneof(
  { arbitrary: fc.constant(null), weight: 1 },
  { arbitrary: fc.array(fc.nat({ max: 5 }), { minLength: 100, maxLength: 100 }), weight: 4 },
  // sparse: mostly zeros, a few replays (and now and then nothing played at all)
  {
    arbitrary: fc.array(
      fc.integer({ min: 0, max: 9 }).map((x) => (x > 7 ? x - 6 : 0)),
      { minLength: 100, maxLength: 100 },
    ),
    weight: 4,
  },
  { arbitrary: fc.constant(new Array<number>(100).fill(0)), weight: 1 },
);

describe.each(STORES)('heat on %s', (kind) => {
  let db: Database;
  let app: ReturnType<typeof testApp>;
  const tokens: string[] = [];
  beforeAll(async () => {
    db = await openStore(kind);
    app = testApp(db, { rateLimit: { burst: 1e9, refillPerSec: 1e9 } });
    for (let v = 0; v < VIEWERS; v++) tokens.push(await viewerToken(`hv${v}`));
  });
  afterAll(() => db.close());

  const put = async (videoId: string, d: Doc) => {
    const res = await app.request(
      `/v1/sessions/${d.session}`,
      json(tokens[d.viewer] as string, sessionDoc(videoId, d.playCounts)),
    );
    expect(res.status).toBe(200);
  };
  const heat = async (videoId: string, token = tokens[0] as string) => {
    const res = await app.request(`/v1/videos/${videoId}/heat`, { headers: auth(token) });
    expect(res.status).toBe(200);
    return (await res.json()) as { buckets: number[]; viewers: number };
  };

  it('needs a token and a valid video id', async () => {
    expect((await app.request('/v1/videos/x/heat')).status).toBe(401);
    const bad = await app.request('/v1/videos/bad%20id/heat', { headers: auth(tokens[0] as string) });
    expect(bad.status).toBe(400);
  });

  it('is empty below 20 viewers and the normalised sums from 20 on (19 → 20 viewers)', async () => {
    const video = `heat-edge-${kind}`;
    const pc = (v: number) =>
      Array.from({ length: 100 }, (_, i) => (i >= 40 && i < 50 ? 2 : i % (v + 2) === 0 ? 1 : 0));
    const docs: Doc[] = [];
    for (let v = 0; v < 19; v++) docs.push({ viewer: v, session: `${video}-s${v}`, playCounts: pc(v) });
    // Two sessions of one viewer still count as one viewer.
    docs.push({ viewer: 0, session: `${video}-s0b`, playCounts: pc(0) });
    for (const d of docs) await put(video, d);
    expect(await heat(video)).toEqual({ buckets: [], viewers: 19 });
    const twentieth: Doc = { viewer: 19, session: `${video}-s19`, playCounts: pc(19) };
    docs.push(twentieth);
    await put(video, twentieth);
    const answer = await heat(video);
    expect(answer.viewers).toBe(20);
    expect(answer.buckets).toHaveLength(100);
    expect(Math.max(...answer.buckets)).toBe(1);
    const want = oracle(docs);
    for (const [i, b] of answer.buckets.entries()) expect(b).toBeCloseTo(want.buckets[i] as number, 12);
    // The replayed part (hundredths 40–49) is the peak.
    expect(answer.buckets.slice(40, 50).every((b) => b === 1)).toBe(true);
  });

  it('equals the oracle for any set of session documents (property)', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        // One document for each of the first n viewers, then more sessions (or replacements) of any.
        fc.array(counts, { minLength: 15, maxLength: VIEWERS }),
        fc.array(fc.record({ viewer: fc.nat({ max: VIEWERS - 1 }), slot: fc.nat({ max: 1 }), playCounts: counts }), {
          maxLength: 8,
        }),
        async (first, more) => {
          const video = `heat-p-${kind}-${run++}`;
          const ops = [...first.map((playCounts, viewer) => ({ viewer, slot: 0, playCounts })), ...more];
          const docs: Doc[] = ops.map((o) => ({
            viewer: o.viewer,
            session: `${video}-v${o.viewer}-${o.slot}`,
            playCounts: o.playCounts,
          }));
          for (const d of docs) await put(video, d);
          const answer = await heat(video);
          const want = oracle(docs);
          expect(answer.viewers).toBe(want.viewers);
          expect(answer.buckets.length).toBe(want.buckets.length);
          for (const [i, b] of answer.buckets.entries()) expect(b).toBeCloseTo(want.buckets[i] as number, 12);
        },
      ),
      { numRuns: kind === 'pglite' ? 25 : 15 },
    );
  });
});

/**
 * Webhooks (issue 10) on both stores, through the server's job queue (in-process on PGlite,
 * pg-boss on PostgreSQL): a real loopback receiver answers 503 for its first requests ("down for
 * a while") and then recovers; every event arrives at least once with a valid signature, none is
 * lost, and each event is one delivery however often its fact is re-reported. The retry delays
 * are shortened to 1 s doubling for the test (the default schedule spans over 8 hours).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { type Database, openDatabase } from '../../src/db/connect.js';
import { createInProcessQueue, createQueue, type JobQueue } from '../../src/jobs/queue.js';
import { retrySchedule } from '../../src/webhooks/deliver.js';
import { analystToken, auth, emptyPostgresUrl, json, SECRET, STORES, type StoreKind, viewerToken } from '../stores.js';

const HOOK_SECRET = 'whsec_0123456789abcdef';

async function openWithUrl(kind: StoreKind): Promise<{ db: Database; url?: string }> {
  if (kind === 'pglite') return { db: await openDatabase({ memory: true }) };
  const url = await emptyPostgresUrl();
  return { db: await openDatabase({ databaseUrl: url }), url };
}

/** The receiver of the README, verbatim in spirit: HMAC over "<timestamp>.<body>", 5-minute window. */
function verify(secret: string, headers: Record<string, string | string[] | undefined>, body: string): boolean {
  const ts = Number(headers['watchtime-timestamp']);
  const sig = String(headers['watchtime-signature'] ?? '');
  if (!Number.isInteger(ts) || Math.abs(Date.now() / 1000 - ts) > 300) return false;
  const want = `v1=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`;
  return sig.length === want.length && timingSafeEqual(Buffer.from(sig), Buffer.from(want));
}

interface Received {
  delivery: string;
  valid: boolean;
  body: { id: string; type: string; data: Record<string, unknown> };
}

describe.each(STORES)('webhooks on %s', (kind) => {
  let db: Database;
  let queue: JobQueue;
  let app: ReturnType<typeof createApp>;
  let analyst: string;
  let receiver: Server;
  let receiverUrl: string;
  const received: Received[] = [];
  let failFirst = 0;
  let requests = 0;

  beforeAll(async () => {
    process.env.WATCHTIME_WEBHOOK_RETRY_DELAY_SEC = '1';
    process.env.WATCHTIME_WEBHOOK_RETRY_LIMIT = '12';
    const store = await openWithUrl(kind);
    db = store.db;
    queue = store.url
      ? await createQueue(db, { databaseUrl: store.url, pollingIntervalSeconds: 0.5, maintenanceIntervalSeconds: 5 })
      : createInProcessQueue();
    app = createApp({ db, queue, config: { jwtSecret: SECRET, analystPassword: 'open sesame' } });
    analyst = await analystToken();
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        requests++;
        if (requests <= failFirst) {
          res.writeHead(503).end('down for maintenance');
          return;
        }
        received.push({
          delivery: String(req.headers['watchtime-delivery']),
          valid: verify(HOOK_SECRET, req.headers, body),
          body: JSON.parse(body),
        });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  });
  afterAll(async () => {
    await queue.stop();
    await db.close();
    await new Promise((r) => receiver.close(r));
    delete process.env.WATCHTIME_WEBHOOK_RETRY_DELAY_SEC;
    delete process.env.WATCHTIME_WEBHOOK_RETRY_LIMIT;
  });

  it('the default retry schedule spans more than an hour', () => {
    const { retryLimit, retryDelaySec } = retrySchedule({});
    // Exponential backoff: the n-th retry waits at least delay × 2^(n−1) (pg-boss adds jitter on top).
    let total = 0;
    for (let n = 1; n <= retryLimit; n++) total += retryDelaySec * 2 ** (n - 1);
    expect(total).toBeGreaterThan(3600);
  });

  it('registration: validation, list without secrets, 403 for viewers', async () => {
    let res = await app.request(
      '/v1/webhooks',
      json(analyst, { url: 'http://example.com/x', secret: HOOK_SECRET, events: ['completion'] }, 'POST'),
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/https/);
    res = await app.request(
      '/v1/webhooks',
      json(analyst, { url: receiverUrl, secret: 'short', events: ['completion'] }, 'POST'),
    );
    expect(res.status).toBe(400);
    res = await app.request(
      '/v1/webhooks',
      json(analyst, { url: receiverUrl, secret: HOOK_SECRET, events: ['nope'] }, 'POST'),
    );
    expect(res.status).toBe(400);
    res = await app.request(
      '/v1/webhooks',
      json(await viewerToken('v'), { url: receiverUrl, secret: HOOK_SECRET, events: ['completion'] }, 'POST'),
    );
    expect(res.status).toBe(403);
    res = await app.request(
      '/v1/webhooks',
      json(analyst, { url: 'https://example.org/gone', secret: HOOK_SECRET, events: ['completion'] }, 'POST'),
    );
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    expect((await app.request(`/v1/webhooks/${id}`, { method: 'DELETE', headers: auth(analyst) })).status).toBe(204);
    expect((await app.request(`/v1/webhooks/${id}`, { method: 'DELETE', headers: auth(analyst) })).status).toBe(404);
  });

  it('delivers every completion and session end at least once, signed, while the receiver fails for a while', async () => {
    const res = await app.request(
      '/v1/webhooks',
      json(analyst, { url: receiverUrl, secret: HOOK_SECRET, events: ['completion', 'session.ended'] }, 'POST'),
    );
    expect(res.status).toBe(201);
    const hook = (await res.json()) as { id: string; url: string; events: string[] };
    const list = (await (await app.request('/v1/webhooks', { headers: auth(analyst) })).json()) as {
      webhooks: object[];
    };
    expect(JSON.stringify(list)).not.toContain(HOOK_SECRET);
    await app.request('/v1/videos/course-1/completion-rule', json(analyst, { minCoverage: 0.5 }));
    failFirst = 7; // the receiver is "down" for its first 7 requests
    const put = async (viewer: string, sections: Array<[number, number]>) => {
      const r = await app.request(
        `/v1/videos/course-1/viewers/${viewer}/sections`,
        json(await viewerToken(viewer), { durationMs: 10_000, sections }),
      );
      return (await r.json()) as { completed: boolean };
    };
    const completers = ['ann', 'bob', 'cy'];
    for (const v of completers) {
      expect((await put(v, [[0, 3000]])).completed).toBe(false);
      expect((await put(v, [[3000, 6000]])).completed).toBe(true);
      // Re-sent and further uploads after completion: no second completion event.
      expect((await put(v, [[3000, 6000]])).completed).toBe(true);
      expect((await put(v, [[6000, 7000]])).completed).toBe(true);
    }
    expect((await put('dee', [[0, 1000]])).completed).toBe(false);
    const sessions = ['s-1', 's-2'];
    for (const s of sessions) {
      const token = await viewerToken('ann');
      const doc = { videoId: 'course-1', startedAt: 1_700_000_000_000, playedWallMs: 4000 };
      expect((await app.request(`/v1/sessions/${s}`, json(token, doc))).status).toBe(200);
      for (let i = 0; i < 2; i++)
        expect(
          (await app.request(`/v1/sessions/${s}`, json(token, { ...doc, endedAt: 1_700_000_060_000 }))).status,
        ).toBe(200);
    }
    // Wait (generously) until every event has arrived; the assertions below say what arrived.
    const expected = completers.length + sessions.length;
    for (let i = 0; i < 600 && new Set(received.map((r) => r.delivery)).size < expected; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(requests).toBeGreaterThan(failFirst);
    expect(received.every((r) => r.valid)).toBe(true);
    expect(received.every((r) => r.delivery === r.body.id)).toBe(true);
    const unique = new Map(received.map((r) => [r.delivery, r.body]));
    expect(unique.size).toBe(expected);
    const events = [...unique.values()];
    expect(
      events
        .filter((e) => e.type === 'completion')
        .map((e) => e.data.viewerId)
        .sort(),
    ).toEqual(completers);
    for (const e of events.filter((e) => e.type === 'completion')) {
      expect(e.data.videoId).toBe('course-1');
      expect(typeof e.data.completedAt).toBe('number');
    }
    expect(
      events
        .filter((e) => e.type === 'session.ended')
        .map((e) => e.data.sessionId)
        .sort(),
    ).toEqual(sessions);
    // Delivery state is visible: all delivered, and the 503s show as extra attempts.
    let deliveries: Array<{ state: string; attempts: number; lastStatus: number }> = [];
    for (let i = 0; i < 100; i++) {
      const d = await app.request(`/v1/webhooks/${hook.id}/deliveries`, { headers: auth(analyst) });
      deliveries = ((await d.json()) as { deliveries: typeof deliveries }).deliveries;
      if (deliveries.every((x) => x.state === 'delivered')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(deliveries).toHaveLength(expected);
    expect(deliveries.every((x) => x.state === 'delivered' && x.lastStatus === 204)).toBe(true);
    expect(deliveries.reduce((t, x) => t + x.attempts, 0)).toBe(requests);
    expect(deliveries.some((x) => x.attempts > 1)).toBe(true);
  });
});

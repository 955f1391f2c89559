/**
 * SyncClient over real loopback HTTP (the contract stub from the browser tests) with the
 * memory store: splitting, failover on 5xx and refused connections, 401 → token refresh,
 * retry after an outage, and "stored before sent".
 */
import { IntervalSet, type Section } from '@watchtime/core';
import { afterEach, describe, expect, it } from 'vitest';
import { ContractStub } from '../../test/browser/support/contract-stub.js';
import { type LocalStore, MemoryStore } from '../store/local-store.js';
import { SyncClient, type SyncError } from './sync-client.js';
import { TokenSource } from './tokens.js';

const stubs: ContractStub[] = [];
const clients: SyncClient[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.dispose();
  for (const s of stubs.splice(0)) await s.stop();
});

async function stub(): Promise<ContractStub> {
  const s = new ContractStub();
  s.tokens.set('tok-v1', 'v1');
  await s.start();
  stubs.push(s);
  return s;
}

let seq = 0;
function client(endpoints: string[], extra: Partial<ConstructorParameters<typeof SyncClient>[0]> = {}) {
  const errors: SyncError[] = [];
  const c = new SyncClient({
    endpoints,
    videoId: `vid-${++seq}`,
    viewerId: 'v1',
    sessionId: `s-${seq}`,
    tokens: new TokenSource('tok-v1', undefined),
    store: new MemoryStore(),
    flushIntervalMs: 60_000,
    snapshot: () => ({ durationMs: 3_600_000, open: null, session: null }),
    onError: (e) => errors.push(e),
    random: () => 0.5,
    ...extra,
  });
  clients.push(c);
  return { c, errors };
}

/** n disjoint sections of 10 ms with 10 ms gaps. */
const many = (n: number): Section[] => Array.from({ length: n }, (_, i) => [i * 20, i * 20 + 10] as Section);

describe('SyncClient', () => {
  it('splits 25 000 sections into payloads of at most 10 000 and ends with the whole list stored', async () => {
    const s = await stub();
    const { c } = client([s.url]);
    await c.start();
    const list = many(25_000);
    await c.record(list, 3_600_000);
    expect(await c.flush()).toBe(true);
    const puts = s.requests.filter((r) => r.method === 'PUT' && r.status === 200);
    expect(puts.map((r) => r.sections)).toEqual([10_000, 10_000, 5_000]);
    expect(s.sectionsOf(`vid-${seq}`, 'v1')).toEqual(list);
    expect(c.unsentSections()).toEqual([]);
  });

  it('moves to the next endpoint on a refused connection and on a 5xx', async () => {
    const down = await stub();
    const failing = await stub();
    const good = await stub();
    const deadUrl = down.url;
    await down.stop();
    failing.failStatus = 503;
    const { c, errors } = client([deadUrl, failing.url, good.url]);
    await c.start();
    await c.record([[0, 5000]], 3_600_000);
    expect(await c.flush()).toBe(true);
    expect(good.sectionsOf(`vid-${seq}`, 'v1')).toEqual([[0, 5000]]);
    expect(failing.requests.some((r) => r.status === 503)).toBe(true);
    expect(errors).toEqual([]);
    // The working endpoint is remembered: the next flush goes straight there.
    const before = failing.requests.length;
    await c.record([[6000, 7000]], 3_600_000);
    expect(await c.flush()).toBe(true);
    expect(failing.requests.length).toBe(before);
    expect(good.sectionsOf(`vid-${seq}`, 'v1')).toEqual([
      [0, 5000],
      [6000, 7000],
    ]);
  });

  it('asks getToken() again after a 401 and retries once', async () => {
    const s = await stub();
    const handed: string[] = [];
    const tokens = ['expired', 'tok-v1'];
    const { c } = client([s.url], {
      tokens: new TokenSource(undefined, async () => {
        const t = tokens.shift() ?? 'tok-v1';
        handed.push(t);
        return t;
      }),
    });
    await c.start();
    await c.record([[100, 900]], 3_600_000);
    expect(await c.flush()).toBe(true);
    expect(handed.slice(0, 2)).toEqual(['expired', 'tok-v1']);
    expect(s.requests.some((r) => r.status === 401 && r.auth)).toBe(true);
    expect(s.sectionsOf(`vid-${seq}`, 'v1')).toEqual([[100, 900]]);
  });

  it('keeps everything unsent through an outage and delivers it when the server is back', async () => {
    const s = await stub();
    const { c, errors } = client([s.url]);
    await c.start();
    await s.stop();
    await c.record([[0, 1000]], 3_600_000);
    expect(await c.flush()).toBe(false);
    await c.record([[2000, 3000]], 3_600_000);
    expect(await c.flush()).toBe(false);
    expect(errors.length).toBeGreaterThanOrEqual(2);
    expect(errors[0]?.message).toMatch(/unreachable/);
    expect(c.unsentSections()).toEqual([
      [0, 1000],
      [2000, 3000],
    ]);
    await s.start(); // same port
    expect(await c.flush()).toBe(true);
    expect(s.sectionsOf(`vid-${seq}`, 'v1')).toEqual([
      [0, 1000],
      [2000, 3000],
    ]);
    expect(c.unsentSections()).toEqual([]);
  });

  it('retries on its own with backoff after a failure, without another flush() call', async () => {
    const s = await stub();
    const { c } = client([s.url], { random: () => 0 }); // jitter at its lowest: first retry after 500 ms
    await c.start();
    await s.stop();
    await c.record([[0, 4000]], 3_600_000);
    expect(await c.flush()).toBe(false);
    await s.start();
    for (let i = 0; i < 40 && s.sectionsOf(`vid-${seq}`, 'v1').length === 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(s.sectionsOf(`vid-${seq}`, 'v1')).toEqual([[0, 4000]]);
  });

  it('treats a server that never answers as unreachable and moves on', async () => {
    const { createServer } = await import('node:http');
    const silent = createServer(() => {}); // accepts, never answers
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      const good = await stub();
      const { c } = client([`http://127.0.0.1:${port}`, good.url], { requestTimeoutMs: 300 });
      await c.start();
      await c.record([[0, 100]], 3_600_000);
      expect(await c.flush()).toBe(true);
      expect(good.sectionsOf(`vid-${seq}`, 'v1')).toEqual([[0, 100]]);
    } finally {
      silent.closeAllConnections();
      await new Promise((r) => silent.close(r));
    }
  });

  it('starts from the server list ∪ the local unsent list, and folds the answer in', async () => {
    const s = await stub();
    const store = new MemoryStore();
    const videoId = `vid-start-${++seq}`;
    await store.addUnsent(videoId, 'v1', [[5000, 6000]], 3_600_000);
    const first = client([s.url], { store, videoId });
    // Another device already stored [0, 2000] on the server.
    const other = client([s.url], { videoId });
    await other.c.start();
    await other.c.record([[0, 2000]], 3_600_000);
    await other.c.flush();
    expect(await first.c.start()).toEqual([
      [0, 2000],
      [5000, 6000],
    ]);
    expect(await first.c.flush()).toBe(true);
    expect(s.sectionsOf(videoId, 'v1')).toEqual([
      [0, 2000],
      [5000, 6000],
    ]);
    expect((await store.load(videoId, 'v1'))?.unsent).toEqual([]);
  });

  it('sends only what the store has already written', async () => {
    const s = await stub();
    const order: string[] = [];
    const inner = new MemoryStore();
    const slowStore: LocalStore = {
      kind: 'memory',
      load: (a, b) => inner.load(a, b),
      async addUnsent(a, b, sections, d) {
        await new Promise((r) => setTimeout(r, 50));
        await inner.addUnsent(a, b, sections, d);
        order.push(`stored ${JSON.stringify(sections)}`);
      },
      acknowledge: (a, b, answer) => inner.acknowledge(a, b, answer),
      saveSession: (x) => inner.saveSession(x),
      pendingSessions: (v) => inner.pendingSessions(v),
      deleteSession: (id, at) => inner.deleteSession(id, at),
      close() {},
    };
    const { c } = client([s.url], {
      store: slowStore,
      fetch: (input, init) => {
        if (init?.method === 'PUT') order.push(`sent ${JSON.parse(String(init.body)).sections.length}`);
        return fetch(input, init);
      },
    });
    await c.start();
    void c.record([[0, 10]], 3_600_000);
    void c.record([[20, 30]], 3_600_000);
    expect(await c.flush()).toBe(true);
    expect(order).toEqual(['stored [[0,10]]', 'stored [[20,30]]', 'sent 2']);
  });

  it('sends nothing while the duration is unknown', async () => {
    const s = await stub();
    const { c } = client([s.url], { snapshot: () => ({ durationMs: null, open: null, session: null }) });
    await c.start();
    await c.record([[0, 1000]], null);
    expect(await c.flush()).toBe(true);
    expect(s.requests.filter((r) => r.method === 'PUT')).toEqual([]);
    expect(c.unsentSections()).toEqual([[0, 1000]]);
  });

  it('clamps to the duration before sending', async () => {
    const s = await stub();
    const { c } = client([s.url], { snapshot: () => ({ durationMs: 1500, open: null, session: null }) });
    await c.start();
    await c.record([[1000, 2000]], 1500);
    expect(await c.flush()).toBe(true);
    expect(new IntervalSet(s.sectionsOf(`vid-${seq}`, 'v1')).toJSON()).toEqual([[1000, 1500]]);
  });
});

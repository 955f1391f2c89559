// biome-ignore-all lint/suspicious/noExplicitAny: the in-page harness (plain JS) and the page globals are untyped
/**
 * Offline-safe sync in real Chromium.
 * - The real server (`@watchtime/server` startServer, PGlite in a temp dir) goes away in the
 *   middle of a session, the tab is reloaded while it is away, the viewer goes on watching, the
 *   server comes back on the same port → its list equals the ground truth: zero sections lost.
 * - A reload while playing with the server up: the keepalive PUT carries the open section.
 * - CORS preflight refused: the keepalive PUT fails and the beacon (token in a text/plain body)
 *   delivers instead.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintToken, type RunningServer, startServer } from '@watchtime/server';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type Browser, sleep } from './support/browser.js';
import { compareBoundaries, truthSections } from './support/compare.js';
import { ContractStub } from './support/contract-stub.js';
import type { MediaServer } from './support/media-server.js';
import { withMediaAndBrowser } from './support/scene.js';

let browser: Browser;
let media: MediaServer;
const SECRET = 'test-secret-for-player-plugin-tests-0123456789';

withMediaAndBrowser((scene) => {
  ({ media, browser } = scene);
});

type Runs = Array<[number, number]>;
const H = (page: Page, fn: (h: any, arg: any) => unknown, arg?: unknown) =>
  page.evaluate(([f, a]) => new Function('H', 'a', `return (${f})(H, a)`)((window as any).H, a), [
    fn.toString(),
    arg,
  ] as const);

async function openPlayer(page: Page, scenario: string, options: Record<string, unknown>): Promise<void> {
  await page.goto(`${media.url}/page.html`);
  await H(page, (h, src) => h.load({ src }), `/media/${scenario}/clip.mp4`);
  await H(page, (h, o) => h.attach('wt', o), options);
  await H(page, (h) => h.handles.wt.ready);
}

async function serverSections(url: string, videoId: string, viewerId: string, token: string): Promise<Runs> {
  const res = await fetch(`${url}/v1/videos/${videoId}/viewers/${viewerId}/sections`, {
    headers: { authorization: `Bearer ${token}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { sections: Runs }).sections;
}

describe.concurrent('sync', () => {
  it('real server away + tab reloaded mid-session → nothing lost once it is back', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'watchtime-server-'));
    const config = { jwtSecret: SECRET, corsOrigins: [media.url] };
    let server: RunningServer | null = await startServer({ port: 0, dataDir, config });
    const port = server.port;
    const url = server.url;
    const page = await browser.newPage();
    try {
      const token = await mintToken({ sub: 'viewer-off' }, SECRET);
      const analyst = await mintToken({ sub: 'analyst', role: 'analyst' }, SECRET);
      const deadUrl = 'http://127.0.0.1:9'; // discard port: connection refused → failover to the next endpoint
      const options = {
        videoId: 'offline-1',
        viewerId: 'viewer-off',
        token,
        endpoint: [deadUrl, url],
        flushIntervalMs: 1000,
        sessionId: 'session-offline-1',
      };
      await openPlayer(page, 'offline', options);
      expect(await H(page, (h) => h.handles.wt.storage)).toBe('indexeddb');
      const runs1 = (await H(page, (h, s) => h.run(s), [
        { play: 1 },
        { wait: 1500 },
        { seekBy: 3000 },
        { wait: 1000 },
      ])) as Runs;
      expect(await H(page, (h) => h.handles.wt.flush())).toBe(true);
      expect((await serverSections(url, 'offline-1', 'viewer-off', token)).length).toBeGreaterThan(0);

      await server.close(); // the server goes away: connections refused
      server = null;
      const runs2 = (await H(page, (h, s) => h.run(s), [
        { wait: 800 },
        { seek: 12000 },
        { wait: 1200 },
        { pause: 1 },
      ])) as Runs;
      const truthBefore = [...runs1, ...runs2];
      expect(await H(page, (h) => h.handles.wt.flush())).toBe(false);
      const errors = (await H(page, (h) =>
        h.events.wt.filter((e: any) => e.type === 'syncerror').map((e: any) => e.detail.message),
      )) as string[];
      expect(errors.some((m) => /unreachable/.test(m))).toBe(true);

      await page.reload(); // while the server is away
      await H(page, (h, src) => h.load({ src }), '/media/offline/clip.mp4');
      await H(page, (h, o) => h.attach('wt', o), { ...options, sessionId: 'session-offline-2' });
      await H(page, (h) => h.handles.wt.ready);
      // The starting state offline is the local unsent list: "you watched N%" survives the reload.
      const restored = (await H(page, (h) => h.handles.wt.sections())) as Runs;
      const offlineStart = compareBoundaries(restored, truthBefore, 50);
      expect(offlineStart.sameCount).toBe(true);
      expect(offlineStart.maxError).toBeLessThanOrEqual(50);

      const runs3 = (await H(page, (h, s) => h.run(s), [
        { seek: 16000 },
        { play: 1 },
        { wait: 1000 },
        { pause: 1 },
      ])) as Runs;
      server = await startServer({ port, dataDir, config }); // back, same port, same data
      expect(await H(page, (h) => h.handles.wt.flush())).toBe(true);

      const truth = [...truthBefore, ...runs3];
      const stored = await serverSections(url, 'offline-1', 'viewer-off', token);
      const report = compareBoundaries(stored, truth, 50);
      console.log(
        `[offline] truth ${JSON.stringify(report.truth)}\n  server ${JSON.stringify(stored)} max error ${report.maxError} ms`,
      );
      expect(report.sameCount).toBe(true);
      expect(report.maxError).toBeLessThanOrEqual(50);
      expect(await H(page, (h) => h.handles.wt.metrics().unsentSections)).toBe(0);
      // The last `sync` event carries the server's merged whole, folded into the handle's state.
      const lastSync = (await H(page, (h) => h.events.wt.filter((e: any) => e.type === 'sync').pop()?.detail)) as {
        sections: Runs;
      };
      expect(lastSync.sections).toEqual(stored);
      expect(await H(page, (h) => h.handles.wt.sections())).toEqual(stored);

      // Both page views' session documents reached the server — the first one's last state was
      // saved locally while the server was away and delivered by the second page view.
      const sessionDoc = async (id: string) => {
        const res = await fetch(`${url}/v1/sessions/${id}`, { headers: { authorization: `Bearer ${analyst}` } });
        expect(res.status, `session ${id}`).toBe(200);
        return (await res.json()) as { videoId: string; seeks: Array<{ toMs: number }>; playedWallMs: number };
      };
      const first = await sessionDoc('session-offline-1');
      expect(first.videoId).toBe('offline-1');
      expect(first.seeks.map((s) => s.toMs)).toContain(12000); // made while the server was away
      expect(first.playedWallMs).toBeGreaterThan(2500);
      const second = await sessionDoc('session-offline-2');
      expect(second.seeks.map((s) => s.toMs)).toContain(16000);
      expect(truthSections(truth).length).toBeGreaterThanOrEqual(3);
    } finally {
      await page.close();
      await server?.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('reload while playing: the keepalive PUT delivers the open section', async () => {
    const stub = new ContractStub();
    stub.tokens.set('tok-keepalive', 'viewer-ka');
    await stub.start();
    const page = await browser.newPage();
    try {
      await openPlayer(page, 'keepalive', {
        videoId: 'keepalive-1',
        viewerId: 'viewer-ka',
        token: 'tok-keepalive',
        endpoint: stub.url,
        flushIntervalMs: 600_000, // no periodic flush: only page exit can send
      });
      await H(page, (h, s) => h.run(s), [{ play: 1 }, { wait: 2000 }]);
      const before = (await page.evaluate(
        () => (document.getElementById('v') as HTMLVideoElement).currentTime * 1000,
      )) as number;
      await page.reload();
      for (let i = 0; i < 50 && stub.sectionsOf('keepalive-1', 'viewer-ka').length === 0; i++) await sleep(100);
      const stored = stub.sectionsOf('keepalive-1', 'viewer-ka');
      console.log(`[keepalive] position before reload ${Math.round(before)} ms, server ${JSON.stringify(stored)}`);
      expect(stored.length).toBe(1);
      expect(stored[0]?.[0]).toBeLessThanOrEqual(50);
      expect(stored[0]?.[1]).toBeGreaterThanOrEqual(before - 50);
      const put = stub.requests.find((r) => r.method === 'PUT' && r.path.includes('/sections'));
      expect(put?.auth).toBe(true);
    } finally {
      await page.close();
      await stub.stop();
    }
  });

  it('preflight refused: the beacon delivers with the token in a text/plain body', async () => {
    const stub = new ContractStub();
    stub.tokens.set('tok-beacon', 'viewer-b');
    await stub.start();
    const page = await browser.newPage();
    try {
      await openPlayer(page, 'beacon', {
        videoId: 'beacon-1',
        viewerId: 'viewer-b',
        token: 'tok-beacon',
        endpoint: stub.url,
        flushIntervalMs: 600_000,
      });
      const runs = (await H(page, (h, s) => h.run(s), [{ play: 1 }, { wait: 1500 }, { pause: 1 }])) as Runs;
      stub.refusePreflight = true;
      // FAKE (named): headless Chromium cannot hide a page, so the visibility change is simulated.
      await page.evaluate(() => {
        Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
        document.dispatchEvent(new Event('visibilitychange'));
      });
      for (let i = 0; i < 50 && stub.sectionsOf('beacon-1', 'viewer-b').length === 0; i++) await sleep(100);
      const report = compareBoundaries(stub.sectionsOf('beacon-1', 'viewer-b'), runs, 50);
      expect(stub.requests.some((r) => r.method === 'OPTIONS' && r.status === 403)).toBe(true);
      expect(stub.requests.some((r) => r.method === 'POST' && r.path === '/v1/beacon' && r.status === 204)).toBe(true);
      expect(report.sameCount).toBe(true);
      expect(report.maxError).toBeLessThanOrEqual(50);
    } finally {
      await page.close();
      await stub.stop();
    }
  });
});

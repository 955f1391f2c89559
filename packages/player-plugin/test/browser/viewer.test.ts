// biome-ignore-all lint/suspicious/noExplicitAny: the in-page harness (plain JS) and the page globals are untyped
/**
 * Viewer-facing features (issue 11) in real Chromium, through the script-tag bundle:
 * - `resume`: a reload starts where the previous page view left off (local store), a fresh
 *   device where the server's sections end, and nothing moves near the end;
 * - video.js `watchedBar`: the drawn ranges are exactly `sections()`, live and after a pause,
 *   with the accessible label and the "next unwatched part" button;
 * - `preventSkipAhead`: every way of seeking ahead (keyboard ArrowRight/End on the seek bar, a
 *   click on the progress bar, `currentTime` writes to the player and to the element, after a
 *   rate change) is undone with `skipblocked`; seeking back is not;
 * - video.js `heatStrip`: drawn from the real server's `GET /v1/videos/:id/heat`, hidden below
 *   20 viewers.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mintToken, type RunningServer, startServer } from '@watchtime/server';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type Browser, launchBrowser, sleep } from './support/browser.js';
import { MediaServer } from './support/media-server.js';

type Any = any;
type Runs = Array<[number, number]>;

let browser: Browser;
let media: MediaServer;
let server: RunningServer;
let dataDir: string;
const SECRET = 'test-secret-for-player-plugin-viewer-0123456789';
const DURATION_MS = 20_000;

beforeAll(async () => {
  media = new MediaServer(inject('mediaDir'));
  await media.start();
  dataDir = await mkdtemp(join(tmpdir(), 'watchtime-viewer-server-'));
  server = await startServer({ port: 0, dataDir, config: { jwtSecret: SECRET, corsOrigins: [media.url] } });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await media?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

async function withPage<T>(fn: (page: Page) => Promise<T>): Promise<T> {
  const page = await browser.newPage();
  try {
    return await fn(page);
  } finally {
    await page.close();
  }
}

const ev = <T = Any>(page: Page, fn: string, arg?: unknown): Promise<T> =>
  page.evaluate(([f, a]) => new Function('a', `return (${f})(a)`)(a), [fn, arg] as const) as Promise<T>;

/** Bare <video> + script tag: load the clip, attach, wait for the starting state. */
async function openBare(page: Page, scenario: string, options: Record<string, unknown>): Promise<void> {
  await page.goto(`${media.url}/page.html`);
  await ev(page, '(src) => H.load({ src })', `/media/${scenario}/clip.mp4`);
  await ev(
    page,
    `(o) => {
      window.resumedEvents = [];
      H.attach('wt', o);
      H.handles.wt.addEventListener('resumed', (e) => window.resumedEvents.push(e.detail));
      return H.handles.wt.ready;
    }`,
    options,
  );
}

/** video.js player from the page's video.js + the bundle's auto-registered plugin. */
async function openVideojs(page: Page, scenario: string, options: Record<string, unknown>): Promise<void> {
  await page.goto(`${media.url}/page.html?libs=videojs`);
  await ev(
    page,
    `async ({ src, o }) => {
      const player = videojs('v', { muted: true, preload: 'auto', controls: true, inactivityTimeout: 0, width: 640, height: 360 });
      window.player = player;
      player.src({ src, type: 'video/mp4' });
      await new Promise((r) => player.one('loadedmetadata', r));
      const wt = player.watchTime(o);
      window.blocked = [];
      window.playerBlocked = [];
      wt.handle.addEventListener('skipblocked', (e) => window.blocked.push(e.detail));
      player.on('skipblocked', (e) => window.playerBlocked.push(e.detail));
      await wt.handle.ready;
    }`,
    { src: `/media/${scenario}/clip.mp4`, o: options },
  );
}

const tokenFor = (sub: string) => mintToken({ sub }, SECRET);

describe.concurrent('viewer features', () => {
  it('resume: a reload starts at the last position; a new device at the server’s watched end; not near the end', () =>
    withPage(async (page) => {
      const options = { videoId: 'resume-1', resume: true };
      await openBare(page, 'resume', options);
      // Nothing saved yet: nothing to resume.
      expect(await ev(page, '() => window.resumedEvents')).toEqual([]);
      const truth = (await ev(page, '(s) => H.run(s)', [
        { play: 1 },
        { wait: 1200 },
        { seek: 7000 },
        { wait: 1000 },
        { pause: 1 },
      ])) as Runs;
      const leftAt = (truth.at(-1) as [number, number])[1];
      await sleep(200);

      await page.reload();
      await ev(page, '(src) => H.load({ src })', '/media/resume/clip.mp4');
      await ev(
        page,
        `(o) => {
          window.resumedEvents = [];
          H.attach('wt', o);
          H.handles.wt.addEventListener('resumed', (e) => window.resumedEvents.push(e.detail));
          return H.handles.wt.ready;
        }`,
        options,
      );
      await page.waitForFunction(() => (window as Any).resumedEvents.length > 0, null, { timeout: 10_000 });
      await page.waitForFunction(() => !document.querySelector('video')?.seeking, null, { timeout: 10_000 });
      const resumed = await ev<{ event: Any; at: number }>(
        page,
        '() => ({ event: window.resumedEvents[0], at: document.querySelector("video").currentTime * 1000 })',
      );
      console.log(`[resume] left at ${Math.round(leftAt)} ms, resumed at ${Math.round(resumed.at)} ms`, resumed.event);
      expect(resumed.event.from).toBe('local');
      expect(Math.abs(resumed.event.atMs - leftAt)).toBeLessThanOrEqual(50);
      expect(Math.abs(resumed.at - leftAt)).toBeLessThanOrEqual(50);

      // Left within 5 s of the end → the next load starts from the beginning.
      await ev(page, '(s) => H.run(s)', [{ seek: 16_500 }]);
      await sleep(100);
      await page.reload();
      await openBare(page, 'resume', options);
      await sleep(500);
      expect(await ev(page, '() => window.resumedEvents')).toEqual([]);
      expect(await ev<number>(page, '() => document.querySelector("video").currentTime')).toBe(0);

      // Another device (no local position): the server's sections say where the viewer got to.
      const token = await tokenFor('viewer-resume');
      const put = await fetch(`${server.url}/v1/videos/resume-2/viewers/viewer-resume/sections`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ durationMs: DURATION_MS, sections: [[0, 6000]] }),
      });
      expect(put.status).toBe(200);
      await openBare(page, 'resume', {
        videoId: 'resume-2',
        viewerId: 'viewer-resume',
        token,
        endpoint: server.url,
        resume: true,
      });
      await page.waitForFunction(() => (window as Any).resumedEvents.length > 0, null, { timeout: 10_000 });
      const fromServer = await ev(page, '() => window.resumedEvents[0]');
      expect(fromServer).toEqual({ atMs: 6000, from: 'server' });
      await page.waitForFunction(() => !document.querySelector('video')?.seeking, null, { timeout: 10_000 });
      expect(await ev<number>(page, '() => document.querySelector("video").currentTime * 1000')).toBeCloseTo(6000, -1);
    }));

  it('video.js watchedBar draws exactly sections(); preventSkipAhead blocks every way ahead, not back', () =>
    withPage(async (page) => {
      await openVideojs(page, 'guard', {
        videoId: 'guard-1',
        storage: 'memory',
        watchedBar: true,
        preventSkipAhead: true,
      });
      const strip = () =>
        ev<{ drawn: Runs; ranges: Runs; sections: Runs; label: string }>(
          page,
          `() => {
            const el = document.querySelector('.vjs-watchtime-watched');
            return {
              drawn: JSON.parse(el.dataset.sections),
              ranges: [...el.querySelectorAll('.vjs-watchtime-watched-range')].map((r) => [Number(r.dataset.startMs), Number(r.dataset.endMs)]),
              sections: player.watchTime().sections(),
              label: el.getAttribute('aria-label'),
            };
          }`,
        );
      const state = () =>
        ev<{ t: number; blocked: Any[]; playerBlocked: Any[]; sections: Runs }>(
          page,
          `() => ({ t: player.currentTime() * 1000, blocked: window.blocked.slice(), playerBlocked: window.playerBlocked.slice(), sections: player.watchTime().sections() })`,
        );
      const settle = async () => {
        await sleep(150);
        await page.waitForFunction(() => !(window as Any).player.seeking(), null, { timeout: 10_000 });
        await sleep(150);
      };
      // Play 2.5 s; the strip grows while playing.
      await ev(page, '() => player.play()');
      await page.waitForFunction(() => (window as Any).player.currentTime() >= 2.5, null, { timeout: 15_000 });
      const live = await strip();
      expect(live.ranges.length).toBe(1);
      expect((live.ranges[0] as [number, number])[1]).toBeGreaterThan(1500);
      await ev(page, '() => player.pause()');
      await settle();
      const paused = await strip();
      expect(paused.ranges).toEqual(paused.sections);
      expect(paused.drawn).toEqual(paused.sections);
      expect(paused.label).toMatch(/^\d+ % watched; next unwatched part at 0:0\d$/);
      const frontier = (paused.sections.at(-1) as [number, number])[1];

      let blocks = 0;
      const expectBlocked = async (how: string, act: () => Promise<unknown>, playing = false) => {
        const before = await state();
        await act();
        await settle();
        const s = await state();
        const fu = (s.sections[0] as [number, number])[1];
        const last = s.blocked.at(-1);
        console.log(`[guard] ${how}: now ${Math.round(s.t)} ms, sections ${JSON.stringify(s.sections)}`, last);
        blocks++;
        expect(s.blocked.length, how).toBe(blocks);
        expect(s.playerBlocked, how).toEqual(s.blocked);
        expect(last.requestedMs, how).toBeGreaterThan(last.returnedToMs + 1000);
        // It went back to the first unwatched instant as it was at the seek: where the playhead was.
        expect(last.returnedToMs, how).toBeGreaterThanOrEqual((before.sections[0] as [number, number])[1] - 1);
        if (playing) expect(s.t - last.returnedToMs, how).toBeLessThan(2000);
        else {
          expect(last.returnedToMs, how).toBe(fu);
          expect(Math.abs(s.t - fu), how).toBeLessThanOrEqual(50);
        }
        // Nothing near the blocked target got recorded: the watched set still ends at the playhead.
        const maxEnd = Math.max(...s.sections.map((x) => x[1]));
        expect(maxEnd, how).toBeLessThanOrEqual(s.t + 50);
        expect(maxEnd, how).toBeLessThan(last.requestedMs - 1000);
      };
      const expectAllowed = async (how: string, act: () => Promise<unknown>, toMs: number) => {
        await act();
        await settle();
        const s = await state();
        expect(s.blocked.length, how).toBe(blocks);
        expect(Math.abs(s.t - toMs), how).toBeLessThanOrEqual(100);
      };

      await page.focus('.vjs-progress-holder');
      await expectBlocked('keyboard ArrowRight', () => page.keyboard.press('ArrowRight'));
      await page.focus('.vjs-progress-holder');
      await expectBlocked('keyboard End', () => page.keyboard.press('End'));
      const bar = await page.locator('.vjs-progress-holder').boundingBox();
      if (!bar) throw new Error('no progress bar on the page');
      await expectBlocked('progress-bar click at 80 %', () =>
        page.mouse.click(bar.x + bar.width * 0.8, bar.y + bar.height / 2),
      );
      await expectBlocked('player.currentTime(15)', () => ev(page, '() => player.currentTime(15)'));
      await expectBlocked('video.currentTime = 12', () =>
        ev(page, '() => { document.querySelector("video").currentTime = 12; }'),
      );

      // Back is allowed: a click at 5 % of the bar and a currentTime write inside the watched part.
      await expectAllowed(
        'progress-bar click back at 5 %',
        () => page.mouse.click(bar.x + bar.width * 0.05, bar.y + bar.height / 2),
        DURATION_MS * 0.05,
      );
      await expectAllowed('currentTime back', () => ev(page, '() => player.currentTime(0.5)'), 500);
      await page.focus('.vjs-progress-holder');
      await expectAllowed('keyboard Home', () => page.keyboard.press('Home'), 0);
      // The "next unwatched part" button goes to the first unwatched instant, which is allowed.
      await expectAllowed('next-unwatched button', () => page.click('.vjs-watchtime-next-unwatched'), frontier);

      // At 2× the frontier moves twice as fast; skipping ahead is still blocked.
      await ev(page, '() => { player.playbackRate(2); return player.play(); }');
      await sleep(1200);
      await expectBlocked('currentTime write at 2×', () => ev(page, '() => player.currentTime(18)'), true);
      await ev(page, '() => player.pause()');
      await settle();
      const end = await strip();
      expect(end.ranges).toEqual(end.sections);
      expect(Math.max(...end.sections.map((x) => x[1]))).toBeGreaterThan(frontier + 1000);
      // The session document carries the play counts the heat strip is built from.
      const counts = await ev<number[]>(page, '() => player.watchTime().session().playCounts');
      expect(counts).toHaveLength(100);
      expect(counts[1]).toBeGreaterThanOrEqual(1);
      expect(counts[99]).toBe(0);
    }));

  it('bare <video> + script tag: preventSkipAhead undoes a currentTime write ahead, fires skipblocked, lets back through', () =>
    withPage(async (page) => {
      await openBare(page, 'guard-bare', { videoId: 'guard-bare', storage: 'memory', preventSkipAhead: true });
      await ev(
        page,
        `() => {
        window.blocked = [];
        H.handles.wt.addEventListener('skipblocked', (e) => window.blocked.push(e.detail));
      }`,
      );
      await ev(page, '(s) => H.run(s)', [{ play: 1 }, { wait: 1500 }, { pause: 1 }]);
      const watched = await ev<Runs>(page, '() => H.handles.wt.sections()');
      const frontier = (watched.at(-1) as [number, number])[1];
      const seekTo = async (ms: number) => {
        await ev(page, `() => { document.querySelector('video').currentTime = ${ms / 1000}; }`);
        await sleep(150);
        await page.waitForFunction(() => !document.querySelector('video')?.seeking, null, { timeout: 10_000 });
        return ev<{ t: number; blocked: Any[] }>(
          page,
          '() => ({ t: document.querySelector("video").currentTime * 1000, blocked: window.blocked })',
        );
      };
      const ahead = await seekTo(12_000);
      expect(ahead.blocked).toEqual([{ requestedMs: 12_000, returnedToMs: frontier }]);
      expect(Math.abs(ahead.t - frontier)).toBeLessThanOrEqual(1);
      const back = await seekTo(500);
      expect(back.blocked.length).toBe(1);
      expect(back.t).toBe(500);
      // Exactly at the first unwatched instant is allowed too.
      const edge = await seekTo(frontier);
      expect(edge.blocked.length).toBe(1);
      expect(Math.abs(edge.t - frontier)).toBeLessThanOrEqual(1);
      expect(await ev<Runs>(page, '() => H.handles.wt.sections()')).toEqual(watched);
    }));

  it('video.js heatStrip draws GET /heat from the real server; hidden below 20 viewers', () =>
    withPage(async (page) => {
      const put = async (videoId: string, viewer: string, playCounts: number[]) => {
        const token = await tokenFor(viewer);
        const res = await fetch(`${server.url}/v1/sessions/${videoId}-${viewer}`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify({
            videoId,
            startedAt: Date.now(),
            durationMs: DURATION_MS,
            startupMs: 100,
            firstFrameMs: 100,
            playedWallMs: 1000,
            stalls: [],
            seeks: [],
            pauses: [],
            rateChanges: [],
            playCounts,
            userAgent: 'viewer.test',
          }),
        });
        expect(res.status).toBe(200);
      };
      // 20 viewers for heat-20 (hundredths 30–39 replayed by many), 19 for heat-19.
      const counts = (v: number) =>
        Array.from({ length: 100 }, (_, i) => (i < 50 ? 1 : 0) + (i >= 30 && i < 40 && v % 2 === 0 ? 2 : 0));
      for (let v = 0; v < 20; v++) await put('heat-20', `hv${v}`, counts(v));
      for (let v = 0; v < 19; v++) await put('heat-19', `hv${v}`, counts(v));
      const token = await tokenFor('heat-watcher');
      const want = (await (
        await fetch(`${server.url}/v1/videos/heat-20/heat`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as { buckets: number[]; viewers: number };
      expect(want.viewers).toBe(20);
      expect(want.buckets).toHaveLength(100);

      const heatOf = async (videoId: string) => {
        await openVideojs(page, 'heat', {
          videoId,
          viewerId: 'heat-watcher',
          token,
          endpoint: server.url,
          storage: 'memory',
          watchedBar: true,
          heatStrip: true,
        });
        await page.waitForFunction(
          () => document.querySelector<HTMLElement>('.vjs-watchtime-heat')?.dataset.state,
          null,
          {
            timeout: 10_000,
          },
        );
        return ev<{
          state: string;
          hidden: boolean;
          buckets: number[];
          viewers: number;
          bars: number[];
          heights: string[];
        }>(
          page,
          `() => {
            const el = document.querySelector('.vjs-watchtime-heat');
            const bars = [...el.querySelectorAll('.vjs-watchtime-heat-bar')];
            return {
              state: el.dataset.state, hidden: el.hidden, buckets: JSON.parse(el.dataset.buckets), viewers: Number(el.dataset.viewers),
              bars: bars.map((b) => Number(b.dataset.value)), heights: bars.map((b) => b.style.height),
            };
          }`,
        );
      };
      const shown = await heatOf('heat-20');
      expect(shown.state).toBe('ready');
      expect(shown.hidden).toBe(false);
      expect(shown.buckets).toEqual(want.buckets);
      expect(shown.bars).toEqual(want.buckets);
      expect(shown.heights[35]).toBe('100%');
      expect(shown.heights[80]).toBe('0%');
      if (process.env.WATCHTIME_STRIPS_SCREENSHOT) {
        // README picture (not part of the assertions): both strips over a short viewing.
        await ev(page, '() => player.play()');
        await sleep(2500);
        await ev(page, '() => { player.pause(); player.currentTime(9); }');
        await sleep(400);
        await ev(page, '() => player.play()');
        await sleep(1500);
        await ev(page, '() => player.pause()');
        await sleep(400);
        const box = await page.locator('.video-js').boundingBox();
        if (box)
          await page.screenshot({
            path: process.env.WATCHTIME_STRIPS_SCREENSHOT,
            clip: { x: box.x, y: box.y + box.height - 90, width: box.width, height: 90 },
          });
      }
      const hidden = await heatOf('heat-19');
      expect(hidden).toMatchObject({ state: 'ready', hidden: true, buckets: [], viewers: 19, bars: [] });
    }));
});

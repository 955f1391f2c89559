// biome-ignore-all lint/suspicious/noExplicitAny: the in-page harness (plain JS) and the page globals are untyped
/**
 * The three ways in: the script-tag bundle with video.js (auto-registered `watchTime` plugin),
 * the ESM build loaded straight from dist/ by the browser, and a live stream (no sections, no
 * stall detection, nothing sent). Plus: dispose leaves no listener, timer or frame callback.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type Browser, sleep } from './support/browser.js';
import { compareBoundaries } from './support/compare.js';
import { ContractStub } from './support/contract-stub.js';
import type { MediaServer } from './support/media-server.js';
import { withMediaAndBrowser } from './support/scene.js';

let browser: Browser;
let media: MediaServer;

withMediaAndBrowser((scene) => {
  ({ media, browser } = scene);
});

type Runs = Array<[number, number]>;
type Any = any;

const viewing = [
  { play: 1 },
  { wait: 1200 },
  { seekBy: 3000 },
  { wait: 1000 },
  { pause: 1 },
  { wait: 300 },
  { seek: 500 },
  { play: 1 },
  { wait: 800 },
  { pause: 1 },
];

async function withPage<T>(fn: (page: Page) => Promise<T>): Promise<T> {
  const page = await browser.newPage();
  try {
    return await fn(page);
  } finally {
    await page.close();
  }
}

describe.concurrent('players', () => {
  it('video.js 8: the bundle registers `watchTime`; player.watchTime() records the viewing; player.dispose() disposes it', () =>
    withPage(async (page) => {
      await page.goto(`${media.url}/page.html?libs=videojs`);
      const registered = await page.evaluate(() => typeof (window as Any).videojs.getPlugin('watchTime'));
      expect(registered).toBe('function');
      await page.evaluate(async () => {
        const w = window as Any;
        const player = w.videojs('v', { muted: true, preload: 'auto' });
        w.player = player;
        player.src({ src: '/media/vjs/clip.mp4', type: 'video/mp4' });
        await new Promise((r) => player.one('loadedmetadata', r));
        const wt = player.watchTime({ videoId: 'vjs-1', storage: 'memory' });
        w.vjsEvents = [];
        wt.on('progress', () => w.vjsEvents.push('progress'));
      });
      const runs = (await page.evaluate((s) => (window as Any).H.run(s), viewing)) as Runs;
      const result = (await page.evaluate(() => {
        const wt = (window as Any).player.watchTime();
        return {
          sections: wt.sections(),
          metrics: wt.metrics(),
          progress: (window as Any).vjsEvents.length,
          state: wt.state,
        };
      })) as { sections: Runs; metrics: Any; progress: number; state: { watchedMs: number; coverage: number } };
      const report = compareBoundaries(result.sections, runs, 50);
      console.log(
        `[video.js] truth ${JSON.stringify(report.truth)} recorded ${JSON.stringify(report.recorded)} max error ${report.maxError} ms`,
      );
      expect(report.sameCount).toBe(true);
      expect(report.maxError).toBeLessThanOrEqual(50);
      expect(result.progress).toBeGreaterThan(0);
      // video.js plugin state follows the coverage (setState).
      expect(result.state.watchedMs).toBeGreaterThan(1500);
      expect(result.state.coverage).toBeCloseTo(result.state.watchedMs / 20_000, 5);
      expect(result.metrics.seeks.length).toBe(2);
      expect(result.metrics.startupMs).not.toBeNull();
      // Disposing the player disposes the plugin: its handle stops recording.
      const after = (await page.evaluate(async () => {
        const w = window as Any;
        const handle = w.player.watchTime().handle;
        w.player.dispose();
        await handle.dispose();
        return { disposed: w.player.isDisposed(), sections: handle.sections() };
      })) as { disposed: boolean; sections: Runs };
      expect(after.disposed).toBe(true);
      expect(after.sections).toEqual(result.sections);
    }));

  it('ESM build from dist/ (import map, no bundler) records like the bundle', () =>
    withPage(async (page) => {
      await page.goto(`${media.url}/esm.html`);
      await page.waitForFunction(() => Boolean((window as Any).ESM));
      await page.evaluate((src) => (window as Any).H.load({ src }), '/media/esm/clip.mp4');
      await page.evaluate(() =>
        (window as Any).H.attach('wt', { videoId: 'esm-1', storage: 'memory', completeAt: 0.05 }, 'esm'),
      );
      const runs = (await page.evaluate((s) => (window as Any).H.run(s), viewing)) as Runs;
      const sections = (await page.evaluate(() => (window as Any).H.handles.wt.sections())) as Runs;
      const report = compareBoundaries(sections, runs, 50);
      expect(report.sameCount).toBe(true);
      expect(report.maxError).toBeLessThanOrEqual(50);
      // unwatched() is the complement within [0, duration).
      const left = (await page.evaluate(() => (window as Any).H.handles.wt.unwatched())) as Runs;
      const duration = 20_000;
      let cursor = 0;
      const complement: Runs = [];
      for (const [a, b] of sections) {
        if (a > cursor) complement.push([cursor, a]);
        cursor = b;
      }
      if (cursor < duration) complement.push([cursor, duration]);
      expect(left).toEqual(complement);
      // 2 s of a 20 s clip is past completeAt 0.05: `completed` fired, once.
      const completed = (await page.evaluate(() =>
        (window as Any).H.events.wt.filter((e: Any) => e.type === 'completed'),
      )) as Any[];
      expect(completed.length).toBe(1);
      expect(completed[0].detail.coverage).toBeGreaterThanOrEqual(0.05);
    }));

  it('dispose removes every listener, timer and frame callback it added, and flushes', () =>
    withPage(async (page) => {
      const stub = new ContractStub();
      stub.tokens.set('tok-d', 'viewer-d');
      await stub.start();
      try {
        await page.goto(`${media.url}/page.html`);
        await page.evaluate((src) => (window as Any).H.load({ src }), '/media/dispose/clip.mp4');
        const baseline = await page.evaluate(() => (window as Any).H.counts());
        await page.evaluate((url) => {
          const H = (window as Any).H;
          const common = { viewerId: 'viewer-d', token: 'tok-d', endpoint: url, flushIntervalMs: 600_000 };
          H.attach('events', { ...common, videoId: 'dispose-e' });
          H.attach('ticks', { ...common, videoId: 'dispose-t', mode: 'ticks', tickMs: 100 });
        }, stub.url);
        await page.evaluate(() => Promise.all(Object.values((window as Any).H.handles).map((h: Any) => h.ready)));
        const attached = await page.evaluate(() => (window as Any).H.counts());
        expect(attached.listeners).toBeGreaterThan(baseline.listeners);
        expect(attached.intervals).toBeGreaterThan(baseline.intervals);
        await page.evaluate(() => (window as Any).H.run([{ play: 1 }, { wait: 1200 }]));
        const counts = (await page.evaluate(async () => {
          const H = (window as Any).H;
          await Promise.all(Object.values(H.handles).map((h: Any) => h.dispose()));
          // Remove the harness's own event recorders too, so only the plugin's remain to count.
          return H.counts();
        })) as Any;
        // The harness keeps one listener per handle event type; handles are EventTargets of their own.
        const harnessListeners = 2 * 5;
        expect(counts.intervals).toBe(baseline.intervals);
        expect(counts.timeouts).toBe(baseline.timeouts);
        expect(counts.frames).toBe(baseline.frames);
        expect(counts.listeners).toBe(baseline.listeners + harnessListeners);
        // dispose flushed what was watched (the open section, closed at dispose).
        expect(stub.sectionsOf('dispose-e', 'viewer-d').length).toBe(1);
        expect(stub.sectionsOf('dispose-t', 'viewer-d').length).toBe(1);
        // Nothing runs any more: more playback changes nothing.
        const frozen = (await page.evaluate(async () => {
          const H = (window as Any).H;
          const before = H.handles.events.sections();
          await new Promise((r) => setTimeout(r, 600));
          return { before, after: H.handles.events.sections() };
        })) as { before: Runs; after: Runs };
        expect(frozen.after).toEqual(frozen.before);
      } finally {
        await stub.stop();
      }
    }));

  it.each([
    ['infinite duration', { liveDurationInfinity: true }],
    ['finite, growing duration', {}],
  ])('live stream (%s): no sections, no stalls, nothing sent', (label, hlsConfig) =>
    withPage(async (page) => {
      const stub = new ContractStub();
      stub.tokens.set('tok-live', 'viewer-l');
      await stub.start();
      try {
        await page.goto(`${media.url}/page.html?libs=hls`);
        const duration = await page.evaluate(
          ([src, cfg]) => (window as Any).H.load({ kind: 'hls', src, hlsConfig: cfg }),
          [`/media/live-${label.length}/hls/live.m3u8`, hlsConfig] as const,
        );
        // Either the element says Infinity, or only hls.js knows the playlist is live.
        if ('liveDurationInfinity' in hlsConfig) expect(duration).toBe(Number.POSITIVE_INFINITY);
        else expect(Number.isFinite(duration)).toBe(true);
        await page.evaluate(
          ([url, id]) => {
            (window as Any).H.attach('wt', {
              videoId: id,
              viewerId: 'viewer-l',
              token: 'tok-live',
              endpoint: url,
              flushIntervalMs: 300,
              useHls: true,
            });
          },
          [stub.url, `live-${label.length}`] as const,
        );
        await page.evaluate(() => (window as Any).H.run([{ play: 1 }, { wait: 1500 }]));
        const state = (await page.evaluate(async () => {
          const h = (window as Any).H.handles.wt;
          await h.flush();
          return { sections: h.sections(), metrics: h.metrics(), t: document.querySelector('video')?.currentTime };
        })) as { sections: Runs; metrics: Any; t: number };
        await sleep(400);
        expect(state.t).toBeGreaterThan(0);
        expect(state.metrics.live).toBe(true);
        expect(state.sections).toEqual([]);
        expect(state.metrics.stallCount).toBe(0);
        expect(stub.requests.filter((r) => r.method === 'PUT' || r.method === 'POST')).toEqual([]);
      } finally {
        await stub.stop();
      }
    }),
  );
});

// biome-ignore-all lint/suspicious/noExplicitAny: the in-page harness (plain JS) and the page globals are untyped
/**
 * Frame-exact startup: the plugin's `startupMs` (play request → first moving frame, through its
 * frame bookkeeping, the 100 ms poll and the core StallDetector) against the test's own
 * observers of the same play() call: its own `requestVideoFrameCallback` (the first frame with a
 * later media time) and a 4 ms `currentTime` sampler (logged). A poll-rounded startup is off by
 * up to a poll period (100 ms; all three loads within 25 ms by chance: ~1/64).
 */
import { describe, expect, it } from 'vitest';
import type { Browser } from './support/browser.js';
import type { MediaServer } from './support/media-server.js';
import { withMediaAndBrowser } from './support/scene.js';

let browser: Browser;
let media: MediaServer;

withMediaAndBrowser((scene) => {
  ({ media, browser } = scene);
});

describe('startup', () => {
  it('startupMs matches the first new frame the page itself sees (3 loads, ≤25 ms)', async () => {
    const page = await browser.newPage();
    try {
      const errors: number[] = [];
      for (let i = 0; i < 3; i++) {
        await page.goto(`${media.url}/page.html`);
        await page.evaluate((src) => (window as any).H.load({ src }), `/media/startup-${i}/clip.mp4`);
        await page.evaluate(() => (window as any).H.attach('wt', { videoId: 'startup', storage: 'memory' }));
        const observed = (await page.evaluate(() => {
          const v = document.querySelector('video') as HTMLVideoElement;
          const start = v.currentTime;
          const playAt = performance.now();
          const playhead = new Promise<number>((resolve) => {
            const timer = setInterval(() => {
              if (v.currentTime !== start) {
                clearInterval(timer);
                resolve(performance.now() - playAt);
              }
            }, 4);
          });
          const frame = new Promise<number>((resolve) => {
            const onFrame = (now: number, meta: { mediaTime: number }) => {
              if (meta.mediaTime > start) resolve(now - playAt);
              else v.requestVideoFrameCallback(onFrame);
            };
            v.requestVideoFrameCallback(onFrame);
          });
          void v.play();
          return Promise.all([frame, playhead]).then(([f, p]) => ({ frame: f, playhead: p }));
        })) as { frame: number; playhead: number };
        await page.waitForFunction(() => (window as any).H.handles.wt.metrics().startupMs !== null, null, {
          timeout: 10_000,
        });
        const startupMs = (await page.evaluate(() => (window as any).H.handles.wt.metrics().startupMs)) as number;
        console.log(
          `[startup ${i}] plugin ${startupMs} ms, first new frame ${observed.frame.toFixed(1)} ms, playhead moved ${observed.playhead.toFixed(1)} ms`,
        );
        errors.push(Math.abs(startupMs - observed.frame));
      }
      expect(Math.max(...errors)).toBeLessThanOrEqual(25);
    } finally {
      await page.close();
    }
  });
});

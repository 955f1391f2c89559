// biome-ignore-all lint/suspicious/noExplicitAny: the in-page harness (plain JS) and the page globals are untyped
/**
 * Scripted viewings in real Chromium (seeks both ways, pauses, 0.5×/1×/2×, a repeated part),
 * both recording modes attached to the same <video>, compared boundary by boundary with the
 * ground truth the harness read from currentTime at each action.
 * Budgets (issue 3): events ≤ 50 ms per jump; ticks with tickMs 100 ≤ 250 ms per jump.
 */
import { describe, expect, it } from 'vitest';
import type { Browser } from './support/browser.js';
import { compareBoundaries } from './support/compare.js';
import type { MediaServer } from './support/media-server.js';
import { withMediaAndBrowser } from './support/scene.js';

let browser: Browser;
let media: MediaServer;

withMediaAndBrowser((scene) => {
  ({ media, browser } = scene);
});

type Step = Record<string, number>;

/** Forward seek, pause, backward seek into watched content (a repeat), forward seek again. */
const scriptAt = (rate: number): Step[] => [
  { rate },
  { play: 1 },
  { wait: 1500 },
  { seekBy: 4000 },
  { wait: 1500 },
  { pause: 1 },
  { wait: 400 },
  { play: 1 },
  { wait: 1200 },
  { seek: 1000 },
  { wait: 1000 },
  { seek: 15000 },
  { wait: 1000 },
  { pause: 1 },
];

/** Rate changes inside a section (not a close), and seeks at each rate. */
const mixed: Step[] = [
  { play: 1 },
  { wait: 1000 },
  { rate: 2 },
  { wait: 1000 },
  { seekBy: 3000 },
  { wait: 800 },
  { rate: 0.5 },
  { wait: 1000 },
  { seek: 2500 },
  { wait: 1000 },
  { rate: 1 },
  { seekBy: 6000 },
  { wait: 600 },
  { pause: 1 },
];

const scenarios: Array<[string, Step[]]> = [
  ['0.5x', scriptAt(0.5)],

  ['1x', scriptAt(1)],
  ['2x', scriptAt(2)],
  ['mixed', mixed],
];

describe.concurrent('scripted viewing vs ground truth', () => {
  for (const [name, script] of scenarios) {
    it(`${name}: events ≤50 ms and ticks (100 ms) ≤250 ms per jump`, async () => {
      const page = await browser.newPage();
      try {
        await page.goto(`${media.url}/page.html`);
        await page.evaluate((src) => (window as any).H.load({ src }), `/media/rec-${name}/clip.mp4`);
        await page.evaluate((n) => {
          const H = (window as any).H;
          H.attach('events', { videoId: `rec-events-${n}`, storage: 'memory' });
          H.attach('ticks', { videoId: `rec-ticks-${n}`, storage: 'memory', mode: 'ticks', tickMs: 100 });
        }, name);
        const runs = (await page.evaluate((s) => (window as any).H.run(s), script)) as Array<[number, number]>;
        const recorded = (await page.evaluate(() => {
          const H = (window as any).H;
          return { events: H.handles.events.sections(), ticks: H.handles.ticks.sections() };
        })) as { events: Array<[number, number]>; ticks: Array<[number, number]> };
        const ev = compareBoundaries(recorded.events, runs, 50);
        const tk = compareBoundaries(recorded.ticks, runs, 250);
        console.log(
          `[recording ${name}] truth ${JSON.stringify(ev.truth)}\n  events ${JSON.stringify(ev.recorded)} max error ${ev.maxError} ms\n  ticks  ${JSON.stringify(tk.recorded)} max error ${tk.maxError} ms`,
        );
        expect(ev.truth.length).toBeGreaterThanOrEqual(2);
        expect(ev.sameCount, 'events mode: same number of sections as the truth').toBe(true);
        expect(ev.maxError).toBeLessThanOrEqual(50);
        expect(tk.sameCount, 'ticks mode: same number of sections as the truth').toBe(true);
        expect(tk.maxError).toBeLessThanOrEqual(250);
      } finally {
        await page.close();
      }
    });
  }
});

// biome-ignore-all lint/suspicious/noExplicitAny: the in-page harness (plain JS) and the page globals are untyped
/**
 * Stalls from real network trouble: the loopback server holds chosen HLS segments back for a
 * known time; hls.js (small buffer) runs dry and playback really stops. Ground truth is an
 * independent in-page observer sampling the playhead every 10 ms. Recall and precision of the
 * detected stalls over the injected set must be ≥ 95 %, duration error ≤ 200 ms.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Browser } from './support/browser.js';
import type { MediaServer, SegmentFault } from './support/media-server.js';
import { withMediaAndBrowser } from './support/scene.js';

const delayed = (ms: Record<string, number>): Record<string, SegmentFault> =>
  Object.fromEntries(Object.entries(ms).map(([file, delayMs]) => [file, { delayMs }]));

let browser: Browser;
let media: MediaServer;

withMediaAndBrowser((scene) => {
  ({ media, browser } = scene);
});

interface Detected {
  atWallMs: number;
  atMediaMs: number;
  durationMs: number;
}
interface Observed {
  startAt: number;
  endAt: number;
  atMediaMs: number;
}

const HLS_CONFIG = { maxBufferLength: 1, maxMaxBufferLength: 2, backBufferLength: 0 };
const PLAY_UNTIL_MS = 17_500;

async function playWithDelays(page: Page, scenario: string, mode: 'events' | 'ticks') {
  await page.goto(`${media.url}/page.html?libs=hls`);
  await page.evaluate(([src, cfg]) => (window as any).H.load({ kind: 'hls', src, hlsConfig: cfg }), [
    `/media/${scenario}/hls/index.m3u8`,
    HLS_CONFIG,
  ] as const);
  await page.evaluate((m) => {
    const H = (window as any).H;
    H.attach('wt', { videoId: `stall-${m}`, storage: 'memory', mode: m, useHls: true });
    H.observeStalls();
  }, mode);
  await page.evaluate(() => (window as any).H.play());
  await page.waitForFunction(
    (until) => (document.getElementById('v') as HTMLVideoElement).currentTime * 1000 >= until,
    PLAY_UNTIL_MS,
    { timeout: 60_000, polling: 100 },
  );
  await page.evaluate(() => (window as any).H.pause());
  return (await page.evaluate(() => {
    const H = (window as any).H;
    return {
      detected: H.handles.wt.metrics().stalls,
      observed: H.observedStalls,
      events: H.events.wt.filter((e: any) => e.type === 'stall'),
    };
  })) as { detected: Detected[]; observed: Observed[]; events: Array<{ detail: { phase: string } }> };
}

const overlaps = (d: Detected, o: Observed) => d.atWallMs < o.endAt && o.startAt < d.atWallMs + d.durationMs;

describe('stall detection from delayed HLS segments', () => {
  it('finds the injected stalls (recall, precision ≥95 %, duration error ≤200 ms)', async () => {
    // Two viewings in parallel, four injected delays each, of different known lengths.
    // Three viewings in parallel: two with delayed segments (known lengths), one where segments
    // FAIL (503 after a wait) and hls.js has to retry them.
    const plans: Array<[string, 'events' | 'ticks', Record<string, SegmentFault>]> = [
      ['stall-a', 'events', delayed({ 'seg003.ts': 3000, 'seg007.ts': 2500, 'seg011.ts': 3500, 'seg015.ts': 2800 })],
      ['stall-b', 'ticks', delayed({ 'seg004.ts': 2600, 'seg008.ts': 3200, 'seg012.ts': 2400, 'seg016.ts': 3000 })],
      [
        'stall-c',
        'events',
        {
          'seg005.ts': { status: 503, times: 1, delayMs: 1800 },
          'seg010.ts': { status: 503, times: 1, delayMs: 2200 },
          'seg014.ts': { status: 503, times: 1, delayMs: 2000 },
        },
      ],
    ];
    for (const [scenario, , faults] of plans) media.setFaults(scenario, faults);
    const pages = await Promise.all(plans.map(() => browser.newPage()));
    try {
      const results = await Promise.all(
        plans.map(([scenario, mode], i) => playWithDelays(pages[i] as Page, scenario, mode)),
      );
      let injected = 0;
      let found = 0;
      let detectedTotal = 0;
      let detectedTrue = 0;
      const durationErrors: number[] = [];
      results.forEach(({ detected, observed, events }, i) => {
        const [scenario, , delays] = plans[i] as (typeof plans)[number];
        // The injected set: per faulty segment, from its first request to the end of the one
        // that finally delivered it, as the server saw them.
        const windows = Object.keys(delays).flatMap((file) => {
          const hits = media.log.filter((r) => r.scenario === scenario && r.file === file);
          if (hits.length === 0) return [];
          return [
            {
              file,
              startedAt: Math.min(...hits.map((h) => h.startedAt)),
              endedAt: Math.max(...hits.map((h) => h.endedAt)),
              tries: hits.length,
            },
          ];
        });
        console.log(
          `[stalls ${scenario}] faulty segments ${windows.map((w) => `${w.file} ${w.endedAt - w.startedAt} ms/${w.tries} req`).join(', ')}\n` +
            `  observed ${JSON.stringify(observed.map((o) => [o.atMediaMs, Math.round(o.endAt - o.startAt)]))}\n` +
            `  detected ${JSON.stringify(detected.map((d) => [d.atMediaMs, d.durationMs]))}`,
        );
        const t0 = windows[0]?.startedAt ?? 0;
        expect(windows.length).toBe(Object.keys(delays).length);
        // Each injected delay must have produced a stall the observer saw (else the setup is wrong).
        const caused = windows.map((w) => observed.find((o) => o.startAt < w.endedAt + 500 && o.endAt > w.startedAt));
        expect(
          caused.every(Boolean),
          `${scenario}: every injected delay stopped playback; windows ${JSON.stringify(windows.map((w) => [w.startedAt - t0, w.endedAt - t0]))} observed ${JSON.stringify(observed.map((o) => [Math.round(o.startAt - t0), Math.round(o.endAt - t0)]))}`,
        ).toBe(true);
        for (const o of caused as Observed[]) {
          injected++;
          const d = detected.find((x) => overlaps(x, o));
          if (d) {
            found++;
            durationErrors.push(Math.abs(d.durationMs - (o.endAt - o.startAt)));
          }
        }
        for (const d of detected) {
          detectedTotal++;
          if (windows.some((w) => d.atWallMs < w.endedAt + 500 && d.atWallMs + d.durationMs > w.startedAt))
            detectedTrue++;
        }
        expect(events.filter((e) => e.detail.phase === 'start').length).toBe(detected.length);
      });
      const recall = found / injected;
      const precision = detectedTotal === 0 ? 0 : detectedTrue / detectedTotal;
      console.log(
        `[stalls] injected ${injected}, recall ${(recall * 100).toFixed(1)} %, precision ${(precision * 100).toFixed(1)} %, duration errors ${JSON.stringify(durationErrors.map(Math.round))} ms`,
      );
      expect(injected).toBe(11);
      expect(recall).toBeGreaterThanOrEqual(0.95);
      expect(precision).toBeGreaterThanOrEqual(0.95);
      expect(Math.max(...durationErrors)).toBeLessThanOrEqual(200);
    } finally {
      await Promise.all(pages.map((p) => p.close()));
    }
  });
});

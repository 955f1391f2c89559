/**
 * The course-site panel of the video page (issue 10) in real Chromium against the real server:
 * the rule form saves through the API and shows what is stored; the export links download the
 * streamed files, whose rows equal what the test uploaded.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, login, openTab, settled, type Tab } from './support/browser.js';
import { call, type RunningServer, startTestServer } from './support/server.js';

let server: RunningServer;
let browser: Browser;
let tab: Tab;
let page: Page;
const VIDEO = 'lesson-7';
const viewers: Record<string, Array<[number, number]>> = {
  ann: [[0, 50_000]],
  bob: [
    [0, 10_000],
    [30_000, 40_000],
  ],
  cy: [[55_000, 60_000]],
};

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  for (const [viewer, sections] of Object.entries(viewers))
    await call(server.url, 'PUT', `/v1/videos/${VIDEO}/viewers/${viewer}/sections`, await server.viewerToken(viewer), {
      durationMs: 60_000,
      sections,
    });
  tab = await openTab(browser);
  page = tab.page;
  await login(page, server.url, server.password, `/videos/${VIDEO}`);
  await settled(page);
});

afterAll(async () => {
  await tab?.context.close();
  await browser?.close();
  await server?.close();
});

describe('course panel', () => {
  it('shows the built-in rule, saves a new one through the API, and rejects a malformed range', async () => {
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-testid=rule-status]')?.dataset.source);
    expect(await page.getAttribute('[data-testid=rule-status]', 'data-source')).toBe('builtin');
    expect(await page.inputValue('[data-testid=rule-coverage]')).toBe('90');
    await page.fill('[data-testid=rule-ranges]', '0:10-oops');
    await page.click('[data-testid=rule-save]');
    await page.waitForFunction(() =>
      /not a range/.test(document.querySelector('[data-testid=rule-status]')?.textContent ?? ''),
    );
    await page.fill('[data-testid=rule-coverage]', '75');
    await page.fill('[data-testid=rule-ranges]', '0:10-0:20, 0:40-0:45');
    await page.fill('[data-testid=rule-played]', '1.5');
    await page.click('[data-testid=rule-save]');
    await page.waitForFunction(
      () => document.querySelector<HTMLElement>('[data-testid=rule-status]')?.dataset.source === 'video',
    );
    const stored = await call<{ rule: unknown; source: string }>(
      server.url,
      'GET',
      `/v1/videos/${VIDEO}/completion-rule`,
      server.analystToken,
    );
    expect(stored).toEqual({
      videoId: VIDEO,
      source: 'video',
      rule: {
        minCoverage: 0.75,
        requiredRanges: [
          [10_000, 20_000],
          [40_000, 45_000],
        ],
        minPlayedWallMs: 90_000,
      },
    });
    expect(tab.errors).toEqual([]);
  });

  it('export links download the streamed files with the login cookie', async () => {
    for (const file of ['viewers.csv', 'viewers.json', 'retention.csv']) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.click(`[data-testid="export-${file}"]`),
      ]);
      expect(download.suggestedFilename()).toBe(`${VIDEO}-${file.replace('.', '-').replace(/-(csv|json)$/, '.$1')}`);
      const path = await download.path();
      const text = (await import('node:fs')).readFileSync(path, 'utf8');
      if (file === 'viewers.csv') {
        const lines = text.trim().split('\r\n');
        expect(lines[0]?.startsWith('viewerId,watchedMs,coverage,completed')).toBe(true);
        expect(lines.slice(1).map((l) => l.split(',').slice(0, 2))).toEqual(
          Object.entries(viewers).map(([v, s]) => [v, String(s.reduce((t, [a, b]) => t + b - a, 0))]),
        );
      } else if (file === 'viewers.json') {
        expect((JSON.parse(text) as Array<{ viewerId: string }>).map((r) => r.viewerId)).toEqual(Object.keys(viewers));
      } else {
        expect(text.trim().split('\r\n')).toHaveLength(101);
      }
    }
  });
});

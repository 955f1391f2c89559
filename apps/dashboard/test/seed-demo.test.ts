/**
 * The demo seeder writes a realistic, populated dashboard through the public API: every demo
 * video listed with viewers, sessions carrying stalls and seeks, viewers with several sections
 * (seeks) and more played time than distinct content (re-watches), and the video page renders it.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error — a plain .mjs script without type declarations
import { DEMO_VIDEOS, seedDemo, seedDemoIfEmpty } from '../scripts/seed-demo.mjs';
import { launchBrowser, login, openTab, visit } from './support/browser.js';
import { call, type RunningServer, startTestServer } from './support/server.js';

interface Row {
  videoId: string;
  viewers: number;
  sessions: number;
  totalWatchedMs: number;
  playedWallMs: number;
}

let server: RunningServer;
let browser: Browser;
let result: { videos: number; viewers: number; recordingId: string | null };

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  // The npm-start path: an empty server gets the demo.
  result = await seedDemoIfEmpty({ url: server.url, secret: server.secret, scale: 0.1 });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('seed-demo', () => {
  it('fills every demo video with viewers, sessions, stalls, seeks and re-watches', async () => {
    const { videos } = await call<{ videos: Row[] }>(server.url, 'GET', '/v1/videos', server.analystToken);
    const ids = (DEMO_VIDEOS as Array<{ videoId: string }>).map((v) => v.videoId);
    expect(videos.map((v) => v.videoId).sort()).toEqual([...ids].sort());
    expect(videos.reduce((t, v) => t + v.viewers, 0)).toBe(result.viewers);
    for (const v of videos) {
      expect(v.viewers).toBeGreaterThan(0);
      expect(v.sessions).toBe(v.viewers);
    }
    const summaries = await Promise.all(
      ids.map((id) => call<{ stallCount: number }>(server.url, 'GET', `/v1/videos/${id}/summary`, server.analystToken)),
    );
    expect(summaries.some((s) => s.stallCount > 0)).toBe(true);

    const { sessions } = await call<{ sessions: Array<{ seeks: unknown[]; stalls: unknown[] }> }>(
      server.url,
      'GET',
      `/v1/videos/${ids[0]}/sessions?limit=100`,
      server.analystToken,
    );
    expect(sessions.some((s) => s.seeks.length > 0)).toBe(true);
    const { viewers } = await call<{ viewers: Array<{ sections: unknown[] }> }>(
      server.url,
      'GET',
      `/v1/videos/${ids[0]}/viewers?limit=1000`,
      server.analystToken,
    );
    expect(viewers.some((v) => v.sections.length > 1)).toBe(true);
    expect(result.recordingId).not.toBeNull();
  });

  it('re-running it changes nothing (uploads are unions, sessions idempotent)', async () => {
    const before = await call(server.url, 'GET', '/v1/videos', server.analystToken);
    await seedDemo({ url: server.url, analystToken: server.analystToken, viewerToken: server.viewerToken, scale: 0.1 });
    const after = await call<{ videos: Array<Record<string, unknown>> }>(
      server.url,
      'GET',
      '/v1/videos',
      server.analystToken,
    );
    // Counts and totals exactly; averages to the last few ulps (summation order may differ).
    const pick = (x: { videos: Array<Record<string, unknown>> }) =>
      x.videos
        .map((v) => ({
          videoId: v.videoId,
          viewers: v.viewers,
          sessions: v.sessions,
          totalWatchedMs: v.totalWatchedMs,
          playedWallMs: v.playedWallMs,
          meanCoverage: Math.round((v.meanCoverage as number) * 1e9),
        }))
        .sort((a, b) => String(a.videoId).localeCompare(String(b.videoId)));
    expect(pick(after)).toEqual(pick(before as typeof after));
  });

  it('seedDemoIfEmpty (for npm start) leaves a server with videos alone', async () => {
    const before = await call(server.url, 'GET', '/v1/videos', server.analystToken);
    expect(await seedDemoIfEmpty({ url: server.url, secret: server.secret, scale: 0.1 })).toBeNull();
    expect(await call(server.url, 'GET', '/v1/videos', server.analystToken)).toEqual(before);
  });

  it('the dashboard shows the seeded demo', async () => {
    const { page, errors } = await openTab(browser, 'laptop');
    await login(page, server.url, server.password);
    await visit(page, server.url, '/');
    expect(await page.locator('[data-testid=video-table] tbody tr[data-video-id]').count()).toBe(DEMO_VIDEOS.length);
    await visit(page, server.url, `/videos/${DEMO_VIDEOS[0].videoId}`);
    const peak = await page.$$eval('[data-testid=retention-table] tbody tr', (rows) =>
      Math.max(...rows.map((r) => Number((r as HTMLElement).dataset.viewers))),
    );
    expect(peak).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await page.context().close();
  });
});

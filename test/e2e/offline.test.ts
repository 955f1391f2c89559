/**
 * Offline safety (SPEC §2): the server goes away mid-playback, the tab is reloaded while it is
 * away, the server comes back on the same data dir and port — and the stored sections are exactly
 * what the viewer watched: zero sections lost.
 *
 * The script (ground truth): play 0 → 2.5 s, seek to 8 s, play to 10 s, STOP THE SERVER, play to
 * 11.5 s, seek to 15 s, play to 16.5 s, pause, RELOAD THE TAB, attach again (no play), RESTART THE
 * SERVER, let the plugin sync.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser } from './harness/browser.js';
import { testMedia } from './harness/media.js';
import { type MediaServer, startMediaServer } from './harness/media-server.js';
import { playerPage } from './harness/pages.js';
import { pageDo } from './harness/player.js';
import { loadParts } from './harness/requirements.js';
import { startWatchtime, type WatchtimeFixture } from './harness/watchtime-server.js';

const parts = await loadParts({ analyzer: false });
/** Where a position read by the test may differ from the plugin's own boundary (one poll + a frame). */
const BOUNDARY_TOLERANCE_MS = 250;

describe('offline: server down, tab reloaded, server back', () => {
  let mediaServer: MediaServer;
  let wt: WatchtimeFixture;
  let work: string;

  beforeAll(async () => {
    const media = await testMedia();
    work = await mkdtemp(join(tmpdir(), 'watchtime-e2e-offline-'));
    mediaServer = await startMediaServer({ mediaDir: media.dir });
    wt = await startWatchtime(parts.server!, { dataDir: join(work, 'data'), corsOrigins: [mediaServer.url] });
  });
  afterAll(async () => {
    await wt?.stop();
    await mediaServer?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('stores exactly the sections watched, none lost', async () => {
    const viewerId = 'viewer-offline';
    const token = await wt.viewerToken(viewerId);
    mediaServer.setPage(
      '/offline.html',
      playerPage({
        src: '/media/hls/index.m3u8',
        watchTime: { videoId: 'e2e-offline', viewerId, token, endpoint: wt.server.url, flushIntervalMs: 1000 },
        bufferGoalSeconds: 2,
      }),
    );
    const browser = await launchBrowser();
    try {
      const { page } = browser;
      await page.goto(`${mediaServer.url}/offline.html`);
      await pageDo.start(page);
      await pageDo.reach(page, 2500);
      const a = await pageDo.seek(page, 8000);
      await pageDo.reach(page, 10_000);
      // Synced so far: the first section at least is on the server.
      expect(await pageDo.flushUntilSynced(page), (await pageDo.syncErrors(page)).join('\n')).toBe(true);
      const before = await wt.api<{ sections: Array<[number, number]> }>(
        'GET',
        `/v1/videos/e2e-offline/viewers/${viewerId}/sections`,
        undefined,
        token,
      );
      expect(before.body.sections.length).toBeGreaterThanOrEqual(1);

      await wt.stop();
      await pageDo.reach(page, 11_500);
      const b = await pageDo.seek(page, 15_000);
      await pageDo.reach(page, 16_500);
      const c = await pageDo.pause(page);
      const truth: Array<[number, number]> = [
        [0, a],
        [8000, b],
        [15_000, c],
      ];
      await page.waitForTimeout(300);
      const local = await pageDo.sections(page);
      expect(await pageDo.flush(page), 'the server is down: the upload must fail').toBe(false);

      await page.reload();
      await pageDo.attach(page);
      await page.waitForTimeout(500);
      await wt.restart();
      // The plugin retries with backoff; a flush makes it try now.
      const synced = await pageDo.flushUntilSynced(page);
      const errors = (await pageDo.syncErrors(page)).join('\n');
      expect(
        synced,
        `no successful upload after the restart; sync errors:\n${errors}\n${browser.console.join('\n')}`,
      ).toBe(true);
      const stored = await wt.api<{ sections: Array<[number, number]>; watchedMs: number }>(
        'GET',
        `/v1/videos/e2e-offline/viewers/${viewerId}/sections`,
        undefined,
        token,
      );
      expect(stored.status).toBe(200);
      console.info(
        `offline: truth ${JSON.stringify(truth)}; before reload (plugin) ${JSON.stringify(local)}; stored ${JSON.stringify(stored.body.sections)}`,
      );
      // Exactly what the plugin had recorded before the reload, nothing lost, nothing added…
      expect(stored.body.sections).toEqual(local);
      // …and that is what the script played.
      expect(stored.body.sections).toHaveLength(truth.length);
      stored.body.sections.forEach(([s, e], i) => {
        const [ts, te] = truth[i]!;
        expect(Math.abs(s - ts), `section ${i} start`).toBeLessThanOrEqual(BOUNDARY_TOLERANCE_MS);
        expect(Math.abs(e - te), `section ${i} end`).toBeLessThanOrEqual(BOUNDARY_TOLERANCE_MS);
      });
    } finally {
      await browser.close();
    }
  });
});

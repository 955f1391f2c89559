/**
 * The dashboard in real Chromium against the real server, holding random data written through
 * the public API. Every number checked here is read from the page (data tables / data-*
 * attributes) and compared with core's oracle for the data the test generated.
 */
import { retention } from '@watchtime/core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  launchBrowser,
  login,
  openTab,
  screenshot,
  settled,
  type Tab,
  type ViewportName,
  visit,
} from './support/browser.js';
import { type Dataset, generate, oracle, recordingFor, upload, type VideoData } from './support/dataset.js';
import { call, type RunningServer, startTestServer } from './support/server.js';

const SEED = Number(process.env.DASHBOARD_SEED ?? 20261124);

let server: RunningServer;
let browser: Browser;
let data: Dataset;
let recordingId: string;
const tabs: Tab[] = [];

async function tab(viewport: ViewportName = 'laptop'): Promise<Page> {
  const t = await openTab(browser, viewport);
  tabs.push(t);
  return t.page;
}

async function analystTab(viewport: ViewportName = 'laptop', hashPath = '/'): Promise<Page> {
  const page = await tab(viewport);
  await login(page, server.url, server.password, hashPath);
  await settled(page);
  return page;
}

const keynote = () => data.videos[0] as VideoData;
const onboarding = () => data.videos[1] as VideoData;

beforeAll(async () => {
  [server, browser] = await Promise.all([startTestServer(), launchBrowser()]);
  data = generate(SEED);
  await upload(server, data);
  const firstSession = keynote().sessions[0]!;
  ({ id: recordingId } = await call<{ id: string }>(
    server.url,
    'POST',
    '/v1/recordings',
    server.analystToken,
    recordingFor(firstSession.sessionId),
  ));
});

afterAll(async () => {
  for (const t of tabs) expect(t.errors, 'uncaught errors in the page').toEqual([]);
  await browser?.close();
  await server?.close();
});

describe(`dashboard against a populated server (seed ${SEED})`, () => {
  it('requires login: a visit without a session shows the login page, a wrong password says so, the right one opens the list', async () => {
    const page = await tab();
    await page.goto(`${server.url}/#/`);
    await page.waitForSelector('[data-testid=login-form]');
    expect(await page.locator('[data-testid=video-table]').count()).toBe(0);

    await page.fill('[data-testid=password]', `${server.password}-wrong`);
    await page.click('[data-testid=login-submit]');
    const error = page.locator('[data-testid=login-error]');
    await error.waitFor({ state: 'visible' });
    expect(await error.textContent()).toMatch(/not right/i);
    expect(await page.evaluate(() => document.body.dataset.route)).toBe('login');

    await page.fill('[data-testid=password]', server.password);
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=video-table]');
    const ids = await page.$$eval('[data-testid=video-table] tbody tr[data-video-id]', (rows) =>
      rows.map((r) => (r as HTMLElement).dataset.videoId),
    );
    expect(ids.sort()).toEqual([...data.videos.map((v) => v.videoId), data.unwatched.videoId].sort());
  });

  it('returns to the page asked for after login, and back to login after logout', async () => {
    const page = await tab();
    const target = `/videos/${keynote().videoId}`;
    await page.goto(`${server.url}/#${target}`);
    await page.waitForSelector('[data-testid=login-form]');
    await page.fill('[data-testid=password]', server.password);
    await page.click('[data-testid=login-submit]');
    await page.waitForSelector('[data-testid=retention-table]', { state: 'attached' });
    expect(new URL(page.url()).hash).toBe(`#${target}`);

    await page.click('[data-testid=logout]');
    await page.waitForSelector('[data-testid=login-form]');
    await page.goto(`${server.url}/#/recordings`);
    await page.reload();
    await page.waitForSelector('[data-testid=login-form]');
  });

  it('video list: viewer counts, average coverage and total watched equal the oracle; sorting and search work', async () => {
    const page = await analystTab();
    for (const video of data.videos) {
      const o = oracle(video);
      const row = page.locator(`tr[data-video-id="${video.videoId}"]`);
      expect(Number(await row.getAttribute('data-viewers'))).toBe(o.viewers);
      expect(Number(await row.getAttribute('data-mean-coverage'))).toBeCloseTo(o.meanCoverage, 9);
      expect(Number(await row.getAttribute('data-total-watched-ms'))).toBe(o.totalWatchedMs);
      expect((await row.locator('[data-col=viewers]').textContent())?.replace(/,/g, '')).toBe(String(o.viewers));
      expect(await row.locator('[data-col=meanCoverage]').textContent()).toBe(`${(o.meanCoverage * 100).toFixed(1)} %`);
    }
    const unwatched = page.locator(`tr[data-video-id="${data.unwatched.videoId}"]`);
    expect(Number(await unwatched.getAttribute('data-viewers'))).toBe(0);

    const order = () =>
      page.$$eval('[data-testid=video-table] tbody tr[data-video-id]', (rows) =>
        rows.map((r) => Number((r as HTMLElement).dataset.viewers)),
      );
    const byViewersDesc = await order();
    expect(byViewersDesc).toEqual([...byViewersDesc].sort((a, b) => b - a));
    await page.click('button[data-sort=viewers]');
    const byViewersAsc = await order();
    expect(byViewersAsc).toEqual([...byViewersDesc].reverse());

    await page.fill('[data-testid=video-search]', 'keynote');
    const shown = await page.$$eval('[data-testid=video-table] tbody tr[data-video-id]', (rows) =>
      rows.map((r) => (r as HTMLElement).dataset.videoId),
    );
    expect(shown).toEqual([keynote().videoId]);
  });

  it('video list on a phone: cards instead of a header row, sorting through the select', async () => {
    const page = await analystTab('phone');
    expect(await page.locator('[data-testid=video-table] thead').isVisible()).toBe(false);
    await page.selectOption('[data-testid=video-sort]', 'viewers:asc');
    const viewers = await page.$$eval('[data-testid=video-table] tbody tr[data-video-id]', (rows) =>
      rows.map((r) => Number((r as HTMLElement).dataset.viewers)),
    );
    expect(viewers).toEqual([...viewers].sort((a, b) => a - b));
    expect(viewers).toHaveLength(data.videos.length + 1);
  });

  it('retention on the video page equals core retention() over the stored sets (re-watches once per viewer)', async () => {
    for (const video of data.videos) {
      const page = await analystTab('laptop', `/videos/${video.videoId}`);
      const o = oracle(video);
      const table = page.locator('[data-testid=retention-table]');
      expect(Number(await table.getAttribute('data-bucket-ms'))).toBe(o.retention.bucketMs);
      const shown = await page.$$eval('[data-testid=retention-table] tbody tr', (rows) =>
        rows.map((r) => Number((r as HTMLElement).dataset.viewers)),
      );
      expect(shown).toEqual(o.retention.viewers);
      // The canvas chart is there too (drawn by uPlot).
      await page.waitForSelector('[data-testid=retention-chart] canvas');
    }
    // The finer resolution the server computes in full (N = 1000) matches too.
    const video = keynote();
    const page = await analystTab('laptop', `/videos/${video.videoId}`);
    await page.selectOption('[data-testid=retention-buckets]', '1000');
    await page.waitForFunction(
      () => document.querySelectorAll('[data-testid=retention-table] tbody tr').length === 1000,
    );
    const fine = await page.$$eval('[data-testid=retention-table] tbody tr', (rows) =>
      rows.map((r) => Number((r as HTMLElement).dataset.viewers)),
    );
    expect(fine).toEqual(
      retention(
        video.viewers.map((v) => v.merged),
        video.durationMs,
        1000,
      ).viewers,
    );
  });

  it('video page: overview, coverage histogram and QoE panel show the summary, consistent with the data', async () => {
    const video = keynote();
    const o = oracle(video);
    const page = await analystTab('laptop', `/videos/${video.videoId}`);
    const stat = async (testid: string, key: string) =>
      page.locator(`[data-testid=${testid}] [data-stat=${key}]`).getAttribute('data-value');
    expect(Number(await stat('overview-stats', 'viewers'))).toBe(o.viewers);
    expect(Number(await stat('overview-stats', 'totalWatchedMs'))).toBe(o.totalWatchedMs);
    expect(Number(await stat('overview-stats', 'meanCoverage'))).toBeCloseTo(o.meanCoverage, 9);
    expect(Number(await stat('overview-stats', 'sessions'))).toBe(video.sessions.length);
    expect(Number(await stat('qoe-stats', 'stallCount'))).toBe(o.qoe.stallCount);
    expect(Number(await stat('qoe-stats', 'startupMedianMs'))).toBeCloseTo(o.qoe.startupMedianMs as number, 6);

    const histogram = await page.$$eval('[data-testid=coverage-table] tbody tr', (rows) =>
      rows.map((r) => Number((r as HTMLElement).dataset.count)),
    );
    expect(histogram).toHaveLength(10);
    expect(histogram.reduce((a, b) => a + b, 0)).toBe(o.viewers);

    const summary = await call<Record<string, number>>(
      server.url,
      'GET',
      `/v1/videos/${video.videoId}/summary`,
      server.analystToken,
    );
    for (const key of ['startupP95Ms', 'stallsPerMinute', 'rebufferRatio', 'seekLatencyMedianMs'] as const) {
      const shown = await stat('qoe-stats', key);
      if (summary[key] === null) expect(shown).toBe('');
      else expect(Number(shown)).toBeCloseTo(summary[key] as number, 9);
    }
    expect(histogram).toEqual(summary.coverageHistogram);
  });

  it('drill-down: every viewer’s bars equal that viewer’s stored sections, across pages', async () => {
    const video = keynote();
    const page = await analystTab('laptop', `/videos/${video.videoId}`);
    const expected = new Map(video.viewers.map((v) => [v.viewerId, v.merged]));
    const seen = new Map<string, Array<[number, number]>>();
    for (let guard = 0; guard < 20; guard++) {
      await page.waitForSelector('[data-testid=viewer-list]');
      const rows = await page.$$eval('[data-testid=viewer-list] .viewer-row', (lis) =>
        lis.map((li) => ({
          viewerId: (li as HTMLElement).dataset.viewerId as string,
          bars: [...li.querySelectorAll<HTMLElement>('.bar')].map(
            (b) => [Number(b.dataset.startMs), Number(b.dataset.endMs)] as [number, number],
          ),
        })),
      );
      for (const r of rows) seen.set(r.viewerId, r.bars);
      const next = page.locator('[data-testid=viewers-next]');
      if ((await next.count()) === 0 || (await next.isDisabled())) break;
      const first = rows[0]?.viewerId;
      await next.click();
      await page.waitForFunction(
        (id) => document.querySelector<HTMLElement>('[data-testid=viewer-list] .viewer-row')?.dataset.viewerId !== id,
        first,
      );
    }
    expect([...seen.keys()]).toEqual([...expected.keys()].sort());
    for (const [viewerId, merged] of expected) expect(seen.get(viewerId), viewerId).toEqual(merged);
  });

  it('recordings: list, timeline with frozen ranges and stage bands, stage timings, and the correlation placeholder', async () => {
    const page = await analystTab('laptop', '/recordings');
    const sent = recordingFor(keynote().sessions[0]!.sessionId);
    const row = page.locator(`tr[data-recording-id="${recordingId}"]`);
    expect(Number(await row.getAttribute('data-frozen-count'))).toBe(sent.freeze.frozen.length);
    await row.locator('a').first().click();
    await page.waitForSelector('[data-testid=frozen-track]');
    await settled(page);
    const frozen = await page.$$eval('[data-testid=frozen-track] .bar', (bars) =>
      bars.map((b) => [Number((b as HTMLElement).dataset.startMs), Number((b as HTMLElement).dataset.endMs)]),
    );
    expect(frozen).toEqual(sent.freeze.frozen.map((r) => [r.startMs, r.endMs]));
    const stages = await page.$$eval('[data-testid=stage-table] tbody tr', (rows) =>
      rows.map((r) => ({
        start: Number((r as HTMLElement).dataset.startMs),
        fromPrevious: (r as HTMLElement).dataset.fromPreviousMs,
      })),
    );
    expect(stages.map((s) => s.start)).toEqual(sent.stages.stable.map((r) => r.startMs));
    expect(stages.slice(1).map((s) => Number(s.fromPrevious))).toEqual(
      sent.stages.stable.slice(1).map((r, i) => r.startMs - sent.stages.stable[i]!.startMs),
    );
    // Thumbnails carried in the stored JSON: the data: URL one is drawn, the remote one never.
    await page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>('[data-testid=thumbnails-panel] img')].every((i) => i.complete),
    );
    const thumbs = await page.$$eval('[data-testid=thumbnails-panel] img', (imgs) =>
      imgs.map((i) => ({ src: (i as HTMLImageElement).src.slice(0, 15), width: (i as HTMLImageElement).naturalWidth })),
    );
    expect(thumbs).toEqual([{ src: 'data:image/png;', width: 1 }]);
    // The correlation endpoint answers 404 until the correlation exists: the page says so plainly.
    const correlation = page.locator('[data-testid=correlation-panel]');
    await page.waitForSelector('[data-testid=correlation-panel][data-state]');
    expect(await correlation.getAttribute('data-state')).toBe('none');
    expect(await correlation.textContent()).toContain('No correlation for this session yet');
  });

  it('session page: the telemetry as stored, stalls on the track, and no correlation yet', async () => {
    const session = keynote().sessions.find((x) => x.doc.stalls.length > 0) ?? keynote().sessions[0]!;
    const page = await analystTab('laptop', `/sessions/${session.sessionId}`);
    await page.waitForSelector('[data-testid=correlation-panel][data-state]');
    const stat = (key: string) =>
      page.locator(`[data-testid=session-stats] [data-stat=${key}]`).getAttribute('data-value');
    expect(Number(await stat('startupMs'))).toBe(session.doc.startupMs);
    expect(Number(await stat('playedWallMs'))).toBe(session.doc.playedWallMs);
    expect(Number(await stat('stallCount'))).toBe(session.doc.stalls.length);
    expect(Number(await stat('seekCount'))).toBe(session.doc.seeks.length);
    const stalls = await page.$$eval('[data-testid=session-track] .bar.frozen', (bars) =>
      bars.map((b) => Number((b as HTMLElement).dataset.endMs) - Number((b as HTMLElement).dataset.startMs)),
    );
    expect(stalls).toEqual(session.doc.stalls.map((x) => x.durationMs));
    expect(await page.locator('[data-testid=correlation-panel]').getAttribute('data-state')).toBe('none');
    const counts = await page.$$eval('[data-testid=play-counts] span', (spans) =>
      spans.map((x) => Number((x as HTMLElement).dataset.count)),
    );
    expect(counts).toEqual(session.doc.playCounts);
  });

  it('session page: a stored correlation shows stalls seen and not seen, hidden stutter and both startups', async () => {
    const session = keynote().sessions.find((x) => x.doc.stalls.length > 0) ?? keynote().sessions[0]!;
    // The shape `watchtime-analyze correlate` posts with the recording it analysed.
    const stalls = session.doc.stalls.map((stall, i) => ({
      stall,
      frozen: i === 0 ? { startMs: 4000, endMs: 4000 + stall.durationMs + 33 } : null,
      startErrorMs: i === 0 ? 20 : null,
      durationErrorMs: i === 0 ? 33 : null,
    }));
    const correlation = {
      offsetMs: 1_700_000_000_000,
      anchors: 3,
      residualMs: 40,
      stalls,
      hiddenStutter: [{ startMs: 9000, endMs: 10_500 }],
      explained: [],
      startup: { reportedMs: 240, perceivedMs: 180 },
    };
    await call(server.url, 'POST', '/v1/recordings', server.analystToken, {
      ...recordingFor(session.sessionId),
      correlation,
    });
    const page = await analystTab('laptop', `/sessions/${session.sessionId}`);
    await page.waitForSelector('[data-testid=correlation-panel][data-state=ready]');
    const stat = (key: string) =>
      page.locator(`[data-testid=correlation-stats] [data-stat=${key}]`).getAttribute('data-value');
    expect(Number(await stat('reportedStartupMs'))).toBe(240);
    expect(Number(await stat('perceivedStartupMs'))).toBe(180);
    expect(Number(await stat('matchedStalls'))).toBe(stalls.filter((x) => x.frozen).length);
    expect(Number(await stat('hiddenStutter'))).toBe(1);
    expect(Number(await stat('offsetMs'))).toBe(correlation.offsetMs);
    const rows = await page.$$eval('[data-testid=correlation-stalls] tbody tr', (trs) =>
      trs.map((r) => (r as HTMLElement).dataset.matched),
    );
    expect(rows).toEqual(stalls.map((x) => (x.frozen ? 'true' : 'false')));
    expect(await page.locator('[data-testid=correlation-panel]').textContent()).toContain('Hidden stutter at');
  });

  it('an unwatched video shows an understandable empty state; an unknown route says there is no such page', async () => {
    const page = await analystTab('laptop', `/videos/${data.unwatched.videoId}`);
    await page.waitForSelector('[data-testid=empty]');
    expect(await page.locator('[data-testid=empty]').first().textContent()).toMatch(/Nobody has watched/);
    // A video the server does not know: its answer (404) is shown as a readable error.
    await visit(page, server.url, '/videos/no-such-video');
    expect(await page.locator('[data-testid=error]').textContent()).toContain('no-such-video');
    await visit(page, server.url, '/no/such/page');
    expect(await page.locator('[data-testid=empty]').textContent()).toMatch(/no such page/i);
  });

  it('writes a screenshot of every page at laptop and phone width', async () => {
    const session = keynote().sessions[0]!;
    const pages: Array<[string, string]> = [
      ['videos', '/'],
      ['video', `/videos/${keynote().videoId}`],
      ['video-small', `/videos/${onboarding().videoId}`],
      ['recordings', '/recordings'],
      ['recording', `/recordings/${recordingId}`],
      ['session', `/sessions/${session.sessionId}`],
    ];
    for (const viewport of ['laptop', 'phone'] as const) {
      const login = await tab(viewport);
      await login.goto(`${server.url}/#/`);
      await login.waitForSelector('[data-testid=login-form]');
      await screenshot(login, 'login', viewport);
      const page = await analystTab(viewport);
      for (const [name, hashPath] of pages) {
        await visit(page, server.url, hashPath);
        // Nothing may stick out sideways at this width (tables scroll inside their own box).
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${name} at ${viewport} is wider than the screen`).toBeLessThanOrEqual(0);
        const file = await screenshot(page, name, viewport);
        expect(file).toMatch(/\.png$/);
      }
    }
  });
});

describe('dashboard against an empty server', () => {
  let empty: RunningServer;
  beforeAll(async () => {
    empty = await startTestServer();
  });
  afterAll(async () => {
    await empty?.close();
  });

  it('says there are no videos and no recordings yet, in words', async () => {
    for (const viewport of ['laptop', 'phone'] as const) {
      const page = await tab(viewport);
      await login(page, empty.url, empty.password);
      await settled(page);
      const state = page.locator('[data-testid=empty]');
      expect(await state.textContent()).toMatch(/No videos yet/);
      await screenshot(page, 'videos-empty', viewport);
      await visit(page, empty.url, '/recordings');
      expect(await page.locator('[data-testid=empty]').textContent()).toMatch(/No recording analyses yet/);
      await screenshot(page, 'recordings-empty', viewport);
    }
  });
});

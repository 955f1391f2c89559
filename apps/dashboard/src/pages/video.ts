/**
 * One video: retention, coverage distribution, watch time, QoE, per-viewer drill-down and its
 * recent sessions. Each panel loads on its own.
 */
import { api } from '../api.js';
import { coverageHistogram } from '../charts/histogram.js';
import { retentionView } from '../charts/retention.js';
import { ruler, track } from '../charts/tracks.js';
import * as f from '../format.js';
import type { Page } from '../router.js';
import type { VideoSummary } from '../types.js';
import { h } from '../ui/dom.js';
import { empty, failure, isRedirect, loading, panelLoad } from '../ui/states.js';
import { panel, stats } from '../ui/stats.js';
import { coursePanel } from './course.js';

const VIEWERS_PAGE = 25;
const SESSIONS_PAGE = 10;

export const videoPage: Page = async ({ root, params, signal }) => {
  const videoId = params.videoId ?? '';
  const head = h(
    'div',
    { class: 'page-head' },
    h('a', { href: '#/', class: 'back' }, '← Videos'),
    h('h1', { 'data-testid': 'video-title' }, videoId),
  );
  const body = h('div', { class: 'video-page' }, loading('the video summary'));
  root.append(head, body);

  let summary: VideoSummary;
  try {
    summary = await api.summary(videoId, { signal });
  } catch (error) {
    if (isRedirect(error)) return;
    body.replaceChildren(
      failure(error, () => void videoPage({ root: clearRoot(root), params, signal, query: new URLSearchParams() })),
    );
    return;
  }
  if (summary.title) {
    head.querySelector('h1')!.textContent = summary.title;
    head.append(h('div', { class: 'muted small' }, videoId));
  }
  const durationMs = summary.durationMs ?? 0;
  head.append(
    h(
      'div',
      { class: 'muted small', 'data-testid': 'video-duration', 'data-value': f.raw(summary.durationMs) },
      `Duration ${summary.durationMs ? f.clock(summary.durationMs) : 'unknown'}`,
    ),
  );

  if (summary.viewers === 0 && summary.sessions === 0) {
    body.replaceChildren(
      empty(
        'Nobody has watched this video yet.',
        'Its charts fill in as soon as a player sends watched sections or session telemetry.',
      ),
    );
    return;
  }

  const retentionBody = h('div');
  const buckets = h(
    'select',
    { 'data-testid': 'retention-buckets' },
    h('option', { value: '100' }, '100 buckets'),
    h('option', { value: '1000' }, '1000 buckets'),
  );
  // Each render of the curve gets its own scope, so a re-render drops the previous chart.
  let chartScope: AbortController | null = null;
  const loadRetention = () => {
    chartScope?.abort();
    const scope = new AbortController();
    chartScope = scope;
    signal.addEventListener('abort', () => scope.abort(), { once: true });
    return panelLoad(
      retentionBody,
      'the retention curve',
      () => api.retention(videoId, Number(buckets.value), { signal }),
      (r) => retentionView(r, summary.viewers, scope.signal),
    );
  };
  buckets.addEventListener('change', () => void loadRetention());
  const viewersBody = h('div');
  const sessionsBody = h('div');
  body.replaceChildren(
    overview(summary),
    panel(
      'Audience retention',
      'retention-panel',
      durationMs > 0 ? h('div', { class: 'panel-tools' }, h('label', {}, 'Resolution ', buckets)) : null,
      retentionBody,
    ),
    h(
      'div',
      { class: 'two-col' },
      panel('Coverage distribution', 'coverage-panel', coverageHistogram(summary.coverageHistogram ?? [])),
      qoePanel(summary),
    ),
    coursePanel(videoId, signal),
    panel('Viewers', 'viewers-panel', viewersBody),
    panel('Recent sessions', 'sessions-panel', sessionsBody),
  );

  const loads: Array<Promise<void>> = [];
  if (durationMs > 0) loads.push(loadRetention());
  else retentionBody.append(empty('The video has no known duration yet, so there is no timeline to draw.'));
  loads.push(viewerDrilldown(viewersBody, videoId, durationMs, 0, signal));
  loads.push(sessionList(sessionsBody, videoId, 0, signal));
  await Promise.all(loads);
};

function clearRoot(root: HTMLElement): HTMLElement {
  root.replaceChildren();
  return root;
}

function overview(s: VideoSummary): HTMLElement {
  // Played wall time over distinct content: above 1 means re-watching, below 1 speed-watching.
  const ratio = s.totalWatchedMs > 0 && s.playedWallMs > 0 ? s.playedWallMs / s.totalWatchedMs : null;
  return panel(
    'Watching',
    'overview-panel',
    stats(
      [
        { key: 'viewers', label: 'Viewers', text: f.count(s.viewers), value: s.viewers },
        { key: 'meanCoverage', label: 'Average coverage', text: f.percent(s.meanCoverage), value: s.meanCoverage },
        { key: 'medianCoverage', label: 'Median coverage', text: f.percent(s.medianCoverage), value: s.medianCoverage },
        {
          key: 'totalWatchedMs',
          label: 'Total watched',
          text: f.duration(s.totalWatchedMs),
          value: s.totalWatchedMs,
          hint: 'distinct content seen, re-watches once',
        },
        {
          key: 'playedWallMs',
          label: 'Played wall time',
          text: f.duration(s.playedWallMs),
          value: s.playedWallMs,
          hint: ratio === null ? 'time spent playing' : `time spent playing: ${f.decimal(ratio)} × total watched`,
        },
        { key: 'sessions', label: 'Sessions', text: f.count(s.sessions), value: s.sessions },
      ],
      'overview-stats',
    ),
  );
}

function qoePanel(s: VideoSummary): HTMLElement {
  const noSessions = s.sessions === 0;
  return panel(
    'Playback quality',
    'qoe-panel',
    noSessions
      ? h('p', { class: 'muted small' }, 'No session telemetry yet: these fill in when players report sessions.')
      : null,
    stats(
      [
        {
          key: 'startupMedianMs',
          label: 'Startup median',
          text: f.duration(s.startupMedianMs),
          value: s.startupMedianMs,
        },
        { key: 'startupP95Ms', label: 'Startup p95', text: f.duration(s.startupP95Ms), value: s.startupP95Ms },
        {
          key: 'stallCount',
          label: 'Stalls',
          text: f.count(s.stallCount),
          value: s.stallCount,
          hint: `${f.duration(s.stallMs)} in total`,
        },
        {
          key: 'stallsPerMinute',
          label: 'Stall frequency',
          text: s.stallsPerMinute === null ? f.dash : `${f.decimal(s.stallsPerMinute)} / min`,
          value: s.stallsPerMinute,
          hint: 'per minute of watch time',
        },
        {
          key: 'rebufferRatio',
          label: 'Rebuffer ratio',
          text: f.percent(s.rebufferRatio, 2),
          value: s.rebufferRatio,
          hint: 'stall time / watch time',
        },
        {
          key: 'seekLatencyMedianMs',
          label: 'Seek latency',
          text: f.duration(s.seekLatencyMedianMs),
          value: s.seekLatencyMedianMs,
          hint: 'median',
        },
      ],
      'qoe-stats',
    ),
  );
}

function pager(
  total: number,
  offset: number,
  size: number,
  go: (offset: number) => void,
  what: string,
): HTMLElement | null {
  if (total <= size) return null;
  const last = Math.min(total, offset + size);
  return h(
    'div',
    { class: 'pager' },
    h(
      'button',
      { type: 'button', disabled: offset === 0, onclick: () => go(Math.max(0, offset - size)) },
      '← Previous',
    ),
    h('span', { class: 'muted' }, `${offset + 1}–${last} of ${f.count(total)} ${what}`),
    h(
      'button',
      { type: 'button', disabled: last >= total, onclick: () => go(offset + size), 'data-testid': `${what}-next` },
      'Next →',
    ),
  );
}

function viewerDrilldown(
  target: HTMLElement,
  videoId: string,
  durationMs: number,
  offset: number,
  signal: AbortSignal,
): Promise<void> {
  return panelLoad(
    target,
    'viewers',
    () => api.viewers(videoId, VIEWERS_PAGE, offset, { signal }),
    (page) => {
      if (page.total === 0) return empty('No viewer has sent watched sections for this video yet.');
      const scale =
        durationMs > 0 ? durationMs : Math.max(1, ...page.viewers.flatMap((v) => v.sections.map((s) => s[1])));
      return [
        h(
          'p',
          { class: 'muted small' },
          'Each bar is a stretch of the video the viewer watched (merged across devices and re-watches).',
        ),
        h(
          'ol',
          { class: 'viewer-list', 'data-testid': 'viewer-list', start: offset + 1 },
          ...page.viewers.map((v) =>
            h(
              'li',
              {
                class: 'viewer-row',
                'data-viewer-id': v.viewerId,
                'data-watched-ms': v.watchedMs,
                'data-coverage': v.coverage,
              },
              h(
                'div',
                { class: 'viewer-meta' },
                h('span', { class: 'viewer-id' }, v.viewerId),
                h('span', { class: 'muted small' }, `${f.duration(v.watchedMs)} · ${f.percent(v.coverage, 0)}`),
              ),
              track(
                v.sections.map(([s, e]) => ({ startMs: s, endMs: e, kind: 'watched' })),
                scale,
                { 'data-testid': 'viewer-track' },
              ),
            ),
          ),
        ),
        ruler(scale),
        pager(
          page.total,
          offset,
          VIEWERS_PAGE,
          (o) => void viewerDrilldown(target, videoId, durationMs, o, signal),
          'viewers',
        ) ?? h('span'),
      ];
    },
  );
}

function sessionList(target: HTMLElement, videoId: string, offset: number, signal: AbortSignal): Promise<void> {
  return panelLoad(
    target,
    'sessions',
    () => api.sessions(videoId, SESSIONS_PAGE, offset, { signal }),
    (page) => {
      if (page.total === 0) return empty('No session telemetry for this video yet.');
      const table = h(
        'table',
        { class: 'data', 'data-testid': 'session-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, 'Session'),
            h('th', {}, 'Viewer'),
            h('th', {}, 'Started'),
            h('th', { class: 'num' }, 'Startup'),
            h('th', { class: 'num' }, 'Stalls'),
            h('th', { class: 'num' }, 'Played'),
          ),
        ),
        h(
          'tbody',
          {},
          ...page.sessions.map((s) =>
            h(
              'tr',
              { 'data-session-id': s.sessionId },
              h(
                'td',
                { 'data-label': 'Session' },
                h('a', { href: `#/sessions/${encodeURIComponent(s.sessionId)}` }, s.sessionId),
              ),
              h('td', { 'data-label': 'Viewer' }, s.viewerId),
              h('td', { 'data-label': 'Started' }, f.date(s.startedAt)),
              h('td', { class: 'num', 'data-label': 'Startup' }, f.duration(s.startupMs)),
              h('td', { class: 'num', 'data-label': 'Stalls' }, f.count(s.stalls?.length ?? 0)),
              h('td', { class: 'num', 'data-label': 'Played' }, f.duration(s.playedWallMs)),
            ),
          ),
        ),
      );
      return [
        h('div', { class: 'table-scroll' }, table),
        pager(page.total, offset, SESSIONS_PAGE, (o) => void sessionList(target, videoId, o, signal), 'sessions') ??
          h('span'),
      ];
    },
  );
}

/** One playback session: its telemetry and, when a recording was joined with it, the correlation. */
import { api } from '../api.js';
import { track } from '../charts/tracks.js';
import * as f from '../format.js';
import type { Page } from '../router.js';
import type { SessionRecord } from '../types.js';
import { h } from '../ui/dom.js';
import { panelLoad } from '../ui/states.js';
import { panel, stats } from '../ui/stats.js';
import { correlationPanel } from './correlation.js';

export const sessionPage: Page = async ({ root, params, signal }) => {
  const sessionId = params.sessionId ?? '';
  const body = h('div');
  root.append(h('div', { class: 'page-head' }, h('h1', {}, `Session ${sessionId}`)), body);
  await panelLoad(
    body,
    'the session',
    () => api.session(sessionId, { signal }),
    (s) => [sessionDetails(s), correlationPanel(sessionId, signal)],
  );
};

function sessionDetails(s: SessionRecord): Node {
  const stallMs = (s.stalls ?? []).reduce((t, x) => t + x.durationMs, 0);
  const wall = (s.endedAt ?? s.startedAt + (s.startupMs ?? 0) + stallMs + s.playedWallMs) - s.startedAt;
  const rel = (at: number) => at - s.startedAt;
  return panel(
    'Telemetry',
    'session-panel',
    h(
      'p',
      { class: 'muted small' },
      'Video ',
      h('a', { href: `#/videos/${encodeURIComponent(s.videoId)}` }, s.videoId),
      ` · viewer ${s.viewerId} · started ${f.date(s.startedAt)}`,
      s.userAgent ? ` · ${s.userAgent}` : '',
    ),
    stats(
      [
        { key: 'startupMs', label: 'Startup', text: f.duration(s.startupMs), value: s.startupMs },
        { key: 'firstFrameMs', label: 'First frame', text: f.duration(s.firstFrameMs), value: s.firstFrameMs },
        { key: 'playedWallMs', label: 'Played', text: f.duration(s.playedWallMs), value: s.playedWallMs },
        {
          key: 'stallCount',
          label: 'Stalls',
          text: f.count(s.stalls?.length ?? 0),
          value: s.stalls?.length ?? 0,
          hint: `${f.duration(stallMs)} in total`,
        },
        { key: 'seekCount', label: 'Seeks', text: f.count(s.seeks?.length ?? 0), value: s.seeks?.length ?? 0 },
      ],
      'session-stats',
    ),
    h('h3', {}, 'Stalls and pauses along the session (wall clock)'),
    track(
      [
        ...(s.pauses ?? []).map((p) => ({
          startMs: rel(p.atWallMs),
          endMs: rel(p.atWallMs) + p.durationMs,
          kind: 'paused',
          title: `pause ${f.duration(p.durationMs)}`,
        })),
        ...(s.stalls ?? []).map((p) => ({
          startMs: rel(p.atWallMs),
          endMs: rel(p.atWallMs) + p.durationMs,
          kind: 'frozen',
          title: `stall ${f.duration(p.durationMs)} at ${f.clock(p.atMediaMs)}`,
        })),
      ],
      Math.max(1, wall),
      { 'data-testid': 'session-track' },
    ),
    playCountStrip(s.playCounts),
  );
}

/** How often each hundredth of the video was played in this session (darker = more often). */
function playCountStrip(counts: readonly number[] | undefined): Node | null {
  if (!counts || counts.length === 0 || counts.every((c) => c === 0)) return null;
  const max = Math.max(...counts);
  return h(
    'div',
    {},
    h('h3', {}, 'Played per hundredth of the video (darker = replayed)'),
    h(
      'div',
      { class: 'strip', 'data-testid': 'play-counts' },
      ...counts.map((c, i) =>
        h('span', {
          style: `opacity:${c === 0 ? 0.08 : 0.25 + (0.75 * c) / max}`,
          title: `${i}–${i + 1} %: played ${c}×`,
          'data-index': i,
          'data-count': c,
        }),
      ),
    ),
  );
}

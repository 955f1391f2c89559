/** Analyzer results stored on the server: one row per recording. */
import { api } from '../api.js';
import * as f from '../format.js';
import type { Page } from '../router.js';
import type { RecordingRow } from '../types.js';
import { h } from '../ui/dom.js';
import { empty, panelLoad } from '../ui/states.js';

/** Uploaded videos are analysed by a job: queued → active (with progress) → completed or failed. */
function jobState(r: RecordingRow): string {
  const state = r.state ?? 'completed';
  if (state === 'active') return `analysing ${Math.round((r.progress ?? 0) * 100)} %`;
  return state === 'completed' ? 'done' : state;
}

export const recordingsPage: Page = async ({ root, signal }) => {
  const body = h('div');
  root.append(h('div', { class: 'page-head' }, h('h1', {}, 'Recordings')), body);
  await panelLoad(
    body,
    'recordings',
    () => api.recordings({ signal }),
    ({ recordings }) => {
      if (recordings.length === 0)
        return empty(
          'No recording analyses yet.',
          'Analyse a screen recording with ',
          h('code', {}, 'npx watchtime-analyze freeze video.mp4 --json'),
          ' and POST the result to ',
          h('code', {}, '/v1/recordings'),
          '.',
        );
      return h(
        'div',
        { class: 'table-scroll' },
        h(
          'table',
          { class: 'data', 'data-testid': 'recording-table' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', {}, 'Recording'),
              h('th', {}, 'Session'),
              h('th', { class: 'num' }, 'Length'),
              h('th', { class: 'num' }, 'Frozen ranges'),
              h('th', { class: 'num' }, 'Stutter'),
              h('th', {}, 'Analysed'),
              h('th', {}, 'State'),
            ),
          ),
          h(
            'tbody',
            {},
            ...recordings.map((r) =>
              h(
                'tr',
                {
                  'data-recording-id': r.id,
                  'data-frozen-count': r.frozenCount,
                  'data-stutter-ms': r.stutterMs,
                  'data-state': r.state ?? 'completed',
                },
                h(
                  'td',
                  { 'data-label': 'Recording' },
                  h('a', { href: `#/recordings/${encodeURIComponent(r.id)}` }, r.name || r.id),
                ),
                h(
                  'td',
                  { 'data-label': 'Session' },
                  r.sessionId ? h('a', { href: `#/sessions/${encodeURIComponent(r.sessionId)}` }, r.sessionId) : f.dash,
                ),
                h(
                  'td',
                  { class: 'num', 'data-label': 'Length' },
                  f.duration(r.fps > 0 ? (r.frames * 1000) / r.fps : null),
                ),
                h('td', { class: 'num', 'data-label': 'Frozen ranges' }, f.count(r.frozenCount)),
                h('td', { class: 'num', 'data-label': 'Stutter' }, f.duration(r.stutterMs)),
                h('td', { 'data-label': 'Analysed' }, f.date(r.createdAt)),
                h('td', { 'data-label': 'State' }, jobState(r)),
              ),
            ),
          ),
        ),
      );
    },
  );
};

/**
 * One recording analysis: a timeline with frozen ranges and stage bands, the stage timings, the
 * freeze report, thumbnails when the stored JSON carries them, and the correlation with its session.
 */
import { api } from '../api.js';
import { ruler, track } from '../charts/tracks.js';
import * as f from '../format.js';
import type { Page } from '../router.js';
import type { FrameRange, Recording } from '../types.js';
import { h } from '../ui/dom.js';
import { empty, panelLoad } from '../ui/states.js';
import { panel, stats } from '../ui/stats.js';
import { correlationPanel } from './correlation.js';

export const recordingPage: Page = async ({ root, params, signal }) => {
  const id = params.id ?? '';
  const title = h('h1', {}, `Recording ${id}`);
  const body = h('div');
  root.append(
    h('div', { class: 'page-head' }, h('a', { href: '#/recordings', class: 'back' }, '← Recordings'), title),
    body,
  );
  await panelLoad(
    body,
    'the recording',
    () => api.recording(id, { signal }),
    (r) => {
      title.textContent = r.name || `Recording ${id}`;
      return [
        freezePanel(r),
        timelinePanel(r),
        stagesPanel(r),
        thumbnailsPanel(r),
        r.sessionId ? correlationPanel(r.sessionId, signal) : null,
      ].filter((n): n is HTMLElement => n !== null);
    },
  );
};

const lengthMs = (r: Recording) => (r.fps > 0 ? (r.frames * 1000) / r.fps : 0);

function freezePanel(r: Recording): HTMLElement {
  const fr = r.freeze;
  return panel(
    'Freeze and stutter',
    'freeze-panel',
    r.sessionId
      ? h(
          'p',
          { class: 'muted small' },
          'Recording of session ',
          h('a', { href: `#/sessions/${encodeURIComponent(r.sessionId)}` }, r.sessionId),
        )
      : null,
    stats(
      [
        {
          key: 'lengthMs',
          label: 'Length',
          text: `${f.duration(lengthMs(r))} · ${f.count(r.frames)} frames @ ${f.decimal(r.fps, 1)} fps`,
          value: lengthMs(r),
        },
        { key: 'frozenCount', label: 'Frozen ranges', text: f.count(fr.frozen.length), value: fr.frozen.length },
        {
          key: 'identicalFrameRatio',
          label: 'Identical frames',
          text: f.percent(fr.identicalFrameRatio),
          value: fr.identicalFrameRatio,
        },
        { key: 'stutterCount', label: 'Stutters', text: f.count(fr.stutterCount), value: fr.stutterCount },
        { key: 'stutterMs', label: 'Stutter time', text: f.duration(fr.stutterMs), value: fr.stutterMs },
      ],
      'freeze-stats',
    ),
    fr.stutterSeconds.length > 0
      ? h(
          'p',
          { class: 'small' },
          'Seconds with stutter: ',
          fr.stutterSeconds.slice(0, 60).join(', '),
          fr.stutterSeconds.length > 60 ? ' …' : '',
        )
      : null,
  );
}

function timelinePanel(r: Recording): HTMLElement {
  const total = lengthMs(r);
  const stable = r.stages?.stable ?? [];
  const unstable = r.stages?.unstable ?? [];
  return panel(
    'Timeline',
    'timeline-panel',
    h('div', { class: 'lane-label' }, 'Frozen'),
    track(
      r.freeze.frozen.map((x) => ({
        startMs: x.startMs,
        endMs: x.endMs,
        kind: 'frozen',
        title: `frozen ${f.duration(x.endMs - x.startMs)} (frames ${x.startFrame}–${x.endFrame})`,
        data: { 'start-frame': x.startFrame, 'end-frame': x.endFrame },
      })),
      total,
      { 'data-testid': 'frozen-track' },
    ),
    ...(r.stages
      ? [
          h('div', { class: 'lane-label' }, 'Stages'),
          track(
            [
              ...unstable.map((x) => ({
                startMs: x.startMs,
                endMs: x.endMs,
                kind: 'unstable',
                title: `changing ${f.duration(x.endMs - x.startMs)}`,
              })),
              ...stable.map((x, i) => ({
                startMs: x.startMs,
                endMs: x.endMs,
                kind: `stage stage-${i % 6}`,
                label: `S${i + 1}`,
                title: `stage S${i + 1}: ${f.duration(x.startMs)}–${f.duration(x.endMs)}`,
                data: { stage: i + 1 },
              })),
            ],
            total,
            { 'data-testid': 'stage-track' },
          ),
        ]
      : [h('p', { class: 'muted small' }, 'No stage analysis stored for this recording.')]),
    ruler(total, (ms) => f.duration(ms)),
  );
}

function stagesPanel(r: Recording): HTMLElement | null {
  const stable: FrameRange[] = r.stages?.stable ?? [];
  if (!r.stages) return null;
  if (stable.length === 0)
    return panel('Stage timings', 'stages-panel', empty('The stage cutter found no stable stage.'));
  return panel(
    'Stage timings',
    'stages-panel',
    h(
      'p',
      { class: 'muted small' },
      'A stage timing is the time from one stage’s first frame to the next one’s (e.g. tap → first screen).',
    ),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        { class: 'data compact', 'data-testid': 'stage-table' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, 'Stage'),
            h('th', { class: 'num' }, 'Starts'),
            h('th', { class: 'num' }, 'Stable for'),
            h('th', { class: 'num' }, 'Frames'),
            h('th', { class: 'num' }, 'From previous stage'),
          ),
        ),
        h(
          'tbody',
          {},
          ...stable.map((x, i) => {
            const prev = stable[i - 1];
            return h(
              'tr',
              {
                'data-stage': i + 1,
                'data-start-ms': x.startMs,
                'data-end-ms': x.endMs,
                'data-from-previous-ms': prev ? x.startMs - prev.startMs : '',
              },
              h('td', {}, h('span', { class: `swatch stage-${i % 6}` }), `S${i + 1}`),
              h('td', { class: 'num' }, f.duration(x.startMs)),
              h('td', { class: 'num' }, f.duration(x.endMs - x.startMs)),
              h('td', { class: 'num' }, `${x.startFrame}–${x.endFrame}`),
              h('td', { class: 'num' }, prev ? f.duration(x.startMs - prev.startMs) : f.dash),
            );
          }),
        ),
      ),
    ),
  );
}

interface Thumb {
  src: string;
  ms: number | null;
  label: string;
}

/** Thumbnails only from the stored JSON itself (data: URLs or same-origin paths), never fetched elsewhere. */
function thumbnails(r: Recording): Thumb[] {
  const lists = [
    r.thumbnails,
    r.stages && (r.stages as Record<string, unknown>).thumbnails,
    (r.freeze as Record<string, unknown>).thumbnails,
  ];
  const out: Thumb[] = [];
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const item of list as Array<Record<string, unknown>>) {
      const src = [item.src, item.dataUrl, item.url, item.data].find((v): v is string => typeof v === 'string');
      if (!src || !(src.startsWith('data:image/') || (src.startsWith('/') && !src.startsWith('//')))) continue;
      const ms =
        typeof item.ms === 'number'
          ? item.ms
          : typeof item.timeMs === 'number'
            ? item.timeMs
            : typeof item.frame === 'number' && r.fps > 0
              ? (item.frame * 1000) / r.fps
              : null;
      out.push({ src, ms, label: typeof item.label === 'string' ? item.label : ms === null ? '' : f.duration(ms) });
    }
  }
  return out;
}

function thumbnailsPanel(r: Recording): HTMLElement | null {
  const thumbs = thumbnails(r);
  if (thumbs.length === 0) return null;
  return panel(
    'Frames',
    'thumbnails-panel',
    h(
      'div',
      { class: 'thumbs' },
      ...thumbs.map((t) => h('figure', {}, h('img', { src: t.src, alt: t.label }), h('figcaption', {}, t.label))),
    ),
  );
}

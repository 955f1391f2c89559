/** The audience-retention curve and, behind it, one table row per bucket. */
import * as f from '../format.js';
import type { RetentionAnswer } from '../types.js';
import { h } from '../ui/dom.js';
import { stepChart } from './line-chart.js';

/** Ticks on whole seconds and minutes, never "0:50, 1:40". */
const MEDIA_TICKS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400].map((s) => s * 1000);

export function retentionView(r: RetentionAnswer, viewersTotal: number, signal: AbortSignal): Node {
  const chart = h('div', { class: 'chart', 'data-testid': 'retention-chart', 'aria-hidden': 'true' });
  const peak = r.viewers.reduce((m, v) => Math.max(m, v), 0);
  const rows = r.viewers.map((viewers, b) =>
    h(
      'tr',
      {
        'data-bucket': b,
        'data-start-ms': b * r.bucketMs,
        'data-end-ms': (b + 1) * r.bucketMs,
        'data-viewers': viewers,
      },
      h('td', { class: 'num' }, b),
      h('td', {}, `${f.clock(b * r.bucketMs)}–${f.clock((b + 1) * r.bucketMs)}`),
      h('td', { class: 'num' }, f.count(viewers)),
      h('td', { class: 'num' }, viewersTotal > 0 ? f.percent(viewers / viewersTotal) : f.dash),
    ),
  );
  const table = h(
    'table',
    { class: 'data compact', 'data-testid': 'retention-table', 'data-bucket-ms': r.bucketMs },
    h('caption', {}, `Viewers per bucket of ${f.duration(r.bucketMs)} (a re-watch counts once per viewer)`),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { class: 'num' }, 'Bucket'),
        h('th', {}, 'Media time'),
        h('th', { class: 'num' }, 'Viewers'),
        h('th', { class: 'num' }, 'Share'),
      ),
    ),
    h('tbody', {}, ...rows),
  );
  const details = h('details', { class: 'data-details' }, h('summary', {}, 'Show the numbers'), table);
  // The chart needs its container laid out to know its width.
  requestAnimationFrame(() => {
    if (signal.aborted) return;
    stepChart(chart, {
      // One point per bucket start, plus the end of the last bucket so its step is drawn too.
      x: [...r.viewers.map((_, b) => b * r.bucketMs), r.viewers.length * r.bucketMs],
      y: [...r.viewers, r.viewers[r.viewers.length - 1] ?? 0],
      xLabel: 'Media time',
      yLabel: 'Viewers',
      xFormat: (ms) => f.clock(ms),
      xIncrs: MEDIA_TICKS,
      signal,
    });
  });
  return h(
    'div',
    {},
    h(
      'p',
      { class: 'muted small' },
      `Peak ${f.count(peak)} of ${f.count(viewersTotal)} viewers; ${r.viewers.length} buckets of ${f.duration(r.bucketMs)}.`,
    ),
    chart,
    details,
  );
}

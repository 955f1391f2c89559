/** Coverage distribution: ten deciles as plain bars (no canvas needed for ten numbers). */
import * as f from '../format.js';
import { h } from '../ui/dom.js';

export function coverageHistogram(counts: readonly number[]): Node {
  const max = Math.max(1, ...counts);
  const total = counts.reduce((a, b) => a + b, 0);
  const label = (i: number) => (i === 9 ? '90–100 %' : `${i * 10}–${i * 10 + 10} %`);
  const bars = h(
    'div',
    { class: 'histogram', 'data-testid': 'coverage-chart', 'aria-hidden': 'true' },
    ...counts.map((c, i) =>
      h(
        'div',
        { class: 'hist-col', title: `${label(i)}: ${c} viewers` },
        h('div', { class: 'hist-count' }, c > 0 ? f.count(c) : ''),
        h('div', { class: 'hist-bar', style: `height:${(c / max) * 100}%`, 'data-decile': i, 'data-count': c }),
        h('div', { class: 'hist-label' }, i === 9 ? '90+' : `${i * 10}`),
      ),
    ),
  );
  const table = h(
    'table',
    { class: 'data compact', 'data-testid': 'coverage-table' },
    h(
      'thead',
      {},
      h('tr', {}, h('th', {}, 'Coverage'), h('th', { class: 'num' }, 'Viewers'), h('th', { class: 'num' }, 'Share')),
    ),
    h(
      'tbody',
      {},
      ...counts.map((c, i) =>
        h(
          'tr',
          { 'data-decile': i, 'data-count': c },
          h('td', {}, label(i)),
          h('td', { class: 'num' }, f.count(c)),
          h('td', { class: 'num' }, total > 0 ? f.percent(c / total) : f.dash),
        ),
      ),
    ),
  );
  return h(
    'div',
    {},
    bars,
    h('p', { class: 'muted small axis-note' }, 'Share of the video each viewer watched (%)'),
    h('details', { class: 'data-details' }, h('summary', {}, 'Show the numbers'), table),
  );
}

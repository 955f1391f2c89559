/** Labelled figures (KPI cards, QoE panel), each with its raw value in data-value. */
import { h } from './dom.js';

export interface Stat {
  key: string;
  label: string;
  text: string;
  value: number | null | undefined;
  hint?: string;
}

export function stats(items: Stat[], testid: string): HTMLElement {
  return h(
    'dl',
    { class: 'stats', 'data-testid': testid },
    ...items.map((s) =>
      h(
        'div',
        {
          class: 'stat',
          'data-stat': s.key,
          'data-value': s.value === null || s.value === undefined || !Number.isFinite(s.value) ? '' : s.value,
        },
        h('dt', {}, s.label),
        h('dd', {}, s.text),
        s.hint ? h('div', { class: 'muted small' }, s.hint) : null,
      ),
    ),
  );
}

export function panel(title: string, testid: string, ...children: Array<Node | null>): HTMLElement {
  return h('section', { class: 'panel', 'data-testid': testid }, h('h2', {}, title), ...children);
}

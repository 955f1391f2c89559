/**
 * Ranges drawn as bars along a timeline: a viewer's watched sections, or a recording's frozen
 * ranges and stage bands. Positions are percentages, so the same markup fits any width.
 */
import * as f from '../format.js';
import { h } from '../ui/dom.js';

export interface TrackRange {
  startMs: number;
  endMs: number;
  kind?: string;
  label?: string;
  title?: string;
  data?: Record<string, string | number>;
}

export function track(ranges: readonly TrackRange[], totalMs: number, attrs: Record<string, string> = {}): HTMLElement {
  const scale = totalMs > 0 ? totalMs : Math.max(1, ...ranges.map((r) => r.endMs));
  const pct = (ms: number) => `${Math.max(0, Math.min(100, (ms / scale) * 100)).toFixed(3)}%`;
  return h(
    'div',
    { class: 'track', ...attrs },
    ...ranges.map((r) => {
      const data: Record<string, string | number> = {};
      for (const [k, v] of Object.entries(r.data ?? {})) data[`data-${k}`] = v;
      return h(
        'div',
        {
          class: `bar ${r.kind ?? ''}`,
          style: `left:${pct(r.startMs)};width:max(2px, calc(${pct(r.endMs)} - ${pct(r.startMs)}))`,
          title: r.title ?? `${f.clock(r.startMs)}–${f.clock(r.endMs)}`,
          'data-start-ms': r.startMs,
          'data-end-ms': r.endMs,
          ...data,
        },
        r.label ?? '',
      );
    }),
  );
}

/** Tick labels under a track: 0, ¼, ½, ¾, end. */
export function ruler(totalMs: number, format: (ms: number) => string = f.clock): HTMLElement {
  return h(
    'div',
    { class: 'ruler', 'aria-hidden': 'true' },
    ...[0, 0.25, 0.5, 0.75, 1].map((q) => h('span', { style: `left:${q * 100}%` }, format(q * totalMs))),
  );
}

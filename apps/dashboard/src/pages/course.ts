/**
 * Course-site tools on the video page (issue 10): the completion rule (coverage, required
 * ranges, minimum played time) and the streamed exports. Downloads are plain links: the
 * session cookie rides along, and the browser streams the file to disk.
 */
import { ApiError, request } from '../api.js';
import * as f from '../format.js';
import { h } from '../ui/dom.js';
import { panel } from '../ui/stats.js';

interface Rule {
  minCoverage: number;
  requiredRanges?: Array<[number, number]>;
  minPlayedWallMs?: number;
}
interface RuleAnswer {
  rule: Rule;
  source: 'video' | 'site' | 'builtin';
}

const enc = encodeURIComponent;

/** "1:30-2:45, 10:00-12:00" ↔ [[90000,165000],[600000,720000]]. */
export function parseRanges(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(\d+(?::\d{1,2}){0,2})\s*[-–]\s*(\d+(?::\d{1,2}){0,2})$/.exec(part);
    if (!m) throw new Error(`"${part}" is not a range like 1:30-2:45`);
    const ms = (t: string) => t.split(':').reduce((a, x) => a * 60 + Number(x), 0) * 1000;
    const range: [number, number] = [ms(m[1] as string), ms(m[2] as string)];
    if (range[0] >= range[1]) throw new Error(`"${part}": the start must be before the end`);
    out.push(range);
  }
  return out.sort((a, b) => a[0] - b[0]);
}

export const formatRanges = (ranges: Array<[number, number]> = []) =>
  ranges.map(([s, e]) => `${f.clock(s)}-${f.clock(e)}`).join(', ');

export function coursePanel(videoId: string, signal: AbortSignal): HTMLElement {
  const coverage = h('input', { type: 'number', min: '0', max: '100', step: '1', 'data-testid': 'rule-coverage' });
  const ranges = h('input', { type: 'text', placeholder: '1:30-2:45, 10:00-12:00', 'data-testid': 'rule-ranges' });
  const played = h('input', { type: 'number', min: '0', step: '0.5', 'data-testid': 'rule-played' });
  const status = h('span', { class: 'muted small', 'data-testid': 'rule-status' });
  const save = h('button', { type: 'submit', 'data-testid': 'rule-save' }, 'Save rule');
  const show = (a: RuleAnswer) => {
    coverage.value = String(Math.round(a.rule.minCoverage * 1000) / 10);
    ranges.value = formatRanges(a.rule.requiredRanges);
    played.value = a.rule.minPlayedWallMs ? String(a.rule.minPlayedWallMs / 60_000) : '';
    status.textContent =
      a.source === 'video' ? 'Rule for this video' : a.source === 'site' ? 'Site-wide default' : 'Built-in default';
    status.dataset.source = a.source;
  };
  const form = h(
    'form',
    { class: 'rule-form', 'data-testid': 'rule-form' },
    h('label', {}, 'Coverage at least (%) ', coverage),
    h('label', {}, 'Required parts ', ranges),
    h('label', {}, 'Played at least (min) ', played),
    save,
    status,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      let rule: Rule;
      try {
        const list = parseRanges(ranges.value);
        rule = { minCoverage: Number(coverage.value) / 100 };
        if (list.length > 0) rule.requiredRanges = list;
        if (played.value.trim() !== '') rule.minPlayedWallMs = Math.round(Number(played.value) * 60_000);
      } catch (error) {
        status.textContent = (error as Error).message;
        return;
      }
      save.disabled = true;
      try {
        show(await request<RuleAnswer>(`/v1/videos/${enc(videoId)}/completion-rule`, { method: 'PUT', body: rule }));
        status.textContent = 'Saved — applies from the next upload of each viewer';
      } catch (error) {
        status.textContent = error instanceof ApiError ? error.message : String(error);
      } finally {
        save.disabled = false;
      }
    })();
  });
  request<RuleAnswer>(`/v1/videos/${enc(videoId)}/completion-rule`, { signal })
    .then(show)
    .catch((error) => {
      if (!signal.aborted) status.textContent = error instanceof ApiError ? error.message : String(error);
    });

  const link = (file: string, label: string) =>
    h(
      'a',
      {
        class: 'button',
        href: `/v1/videos/${enc(videoId)}/export/${file}`,
        download: '',
        'data-testid': `export-${file}`,
      },
      label,
    );
  const exports = h(
    'div',
    { class: 'export-links', 'data-testid': 'exports' },
    'Export ',
    link('viewers.csv', 'Viewers CSV'),
    ' ',
    link('viewers.json', 'Viewers JSON'),
    ' ',
    link('retention.csv', 'Retention CSV'),
    ' ',
    link('retention.json', 'Retention JSON'),
    ' ',
    h(
      'a',
      {
        class: 'button',
        href: `/v1/xapi/statements?videoId=${enc(videoId)}`,
        download: '',
        'data-testid': 'export-xapi',
      },
      'xAPI statements',
    ),
  );
  return panel('Completion and exports', 'course-panel', form, exports);
}

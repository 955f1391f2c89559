/** The video list: one row per video, sortable by any column, searchable by id or title. */
import { api } from '../api.js';
import * as f from '../format.js';
import type { Page } from '../router.js';
import type { VideoRow } from '../types.js';
import { h } from '../ui/dom.js';
import { empty, panelLoad } from '../ui/states.js';

interface Column {
  key: string;
  label: string;
  value: (v: VideoRow) => number | string | null;
  show: (v: VideoRow) => string;
  numeric: boolean;
}

const columns: Column[] = [
  {
    key: 'video',
    label: 'Video',
    value: (v) => (v.title || v.videoId).toLowerCase(),
    show: (v) => v.title || v.videoId,
    numeric: false,
  },
  { key: 'viewers', label: 'Viewers', value: (v) => v.viewers, show: (v) => f.count(v.viewers), numeric: true },
  {
    key: 'meanCoverage',
    label: 'Avg coverage',
    value: (v) => v.meanCoverage,
    show: (v) => f.percent(v.meanCoverage),
    numeric: true,
  },
  {
    key: 'totalWatchedMs',
    label: 'Total watched',
    value: (v) => v.totalWatchedMs,
    show: (v) => f.duration(v.totalWatchedMs),
    numeric: true,
  },
  {
    key: 'startupMedianMs',
    label: 'Startup median',
    value: (v) => v.startupMedianMs,
    show: (v) => f.duration(v.startupMedianMs),
    numeric: true,
  },
  {
    key: 'rebufferRatio',
    label: 'Rebuffer ratio',
    value: (v) => v.rebufferRatio,
    show: (v) => f.percent(v.rebufferRatio, 2),
    numeric: true,
  },
];

function compare(a: number | string | null, b: number | string | null): number {
  // Unknown values sort last whatever the direction, so a column of blanks never hides data.
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1;
  if (b === null || b === undefined) return -1;
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
}

export const videosPage: Page = async ({ root, query, signal }) => {
  const body = h('div', { class: 'panel-body' });
  root.append(h('div', { class: 'page-head' }, h('h1', {}, 'Videos')), body);

  await panelLoad(
    body,
    'videos',
    () => api.videos({ signal }),
    ({ videos }) => {
      if (videos.length === 0)
        return empty(
          'No videos yet.',
          'Videos appear here once a player with the watchtime plugin sends watched sections, or an analyst registers one with ',
          h('code', {}, 'PUT /v1/videos/{videoId}'),
          '.',
        );
      return videoTable(videos, query);
    },
  );
};

function videoTable(videos: VideoRow[], query: URLSearchParams): Node {
  let sortKey = query.get('sort') ?? 'viewers';
  let descending = query.get('dir') !== 'asc';
  let search = query.get('q') ?? '';
  // Records keep updatedAt (SPEC §8), so the list can show only videos watched lately.
  const since = h(
    'select',
    { class: 'since-select', 'aria-label': 'Show videos updated', 'data-testid': 'video-since' },
    h('option', { value: '0' }, 'Any time'),
    h('option', { value: String(24 * 3600_000) }, 'Updated in the last 24 h'),
    h('option', { value: String(7 * 24 * 3600_000) }, 'Last 7 days'),
    h('option', { value: String(30 * 24 * 3600_000) }, 'Last 30 days'),
  );
  since.addEventListener('change', () => render());
  const updatedMs = (v: VideoRow) => (v.updatedAt === null ? Number.NaN : new Date(v.updatedAt).getTime());

  const input = h('input', {
    type: 'search',
    placeholder: 'Search by title or id',
    'aria-label': 'Search videos',
    'data-testid': 'video-search',
    value: search,
  });
  const count = h('span', { class: 'muted', 'data-testid': 'video-count' });
  const tbody = h('tbody');
  const headRow = h('tr');
  const table = h('table', { class: 'data', 'data-testid': 'video-table' }, h('thead', {}, headRow), tbody);

  const renderHead = () => {
    headRow.replaceChildren(
      ...columns.map((c) => {
        const sorted = c.key === sortKey;
        return h(
          'th',
          {
            class: c.numeric ? 'num' : '',
            scope: 'col',
            'aria-sort': sorted ? (descending ? 'descending' : 'ascending') : 'none',
          },
          h(
            'button',
            {
              type: 'button',
              class: 'sort',
              'data-sort': c.key,
              onclick: () => {
                if (sortKey === c.key) descending = !descending;
                else {
                  sortKey = c.key;
                  descending = c.numeric;
                }
                render();
              },
            },
            c.label,
            sorted ? (descending ? ' ▼' : ' ▲') : '',
          ),
        );
      }),
    );
  };

  const render = () => {
    renderHead();
    sortSelect.value = `${sortKey}:${descending ? 'desc' : 'asc'}`;
    const needle = search.trim().toLowerCase();
    const window = Number(since.value);
    const column = columns.find((c) => c.key === sortKey) ?? columns[1]!;
    const shown = videos
      .filter(
        (v) => !needle || v.videoId.toLowerCase().includes(needle) || (v.title ?? '').toLowerCase().includes(needle),
      )
      .filter((v) => !window || updatedMs(v) >= Date.now() - window)
      .sort((a, b) => {
        const av = column.value(a);
        const bv = column.value(b);
        if (av === null || bv === null) return compare(av, bv);
        return descending ? compare(bv, av) : compare(av, bv);
      });
    count.textContent =
      shown.length < videos.length ? `${shown.length} of ${videos.length} videos` : `${videos.length} videos`;
    tbody.replaceChildren(
      ...shown.map((v) =>
        h(
          'tr',
          {
            'data-video-id': v.videoId,
            'data-viewers': v.viewers,
            'data-mean-coverage': f.raw(v.meanCoverage),
            'data-total-watched-ms': f.raw(v.totalWatchedMs),
            'data-startup-median-ms': f.raw(v.startupMedianMs),
            'data-rebuffer-ratio': f.raw(v.rebufferRatio),
          },
          ...columns.map((c) =>
            c.key === 'video'
              ? h(
                  'td',
                  { 'data-label': c.label },
                  h('a', { href: `#/videos/${encodeURIComponent(v.videoId)}` }, c.show(v)),
                  v.title ? h('div', { class: 'muted small' }, v.videoId) : null,
                )
              : h('td', { class: 'num', 'data-label': c.label, 'data-col': c.key }, c.show(v)),
          ),
        ),
      ),
    );
    if (shown.length === 0)
      tbody.append(
        h(
          'tr',
          {},
          h(
            'td',
            { colspan: columns.length, class: 'muted' },
            `No video matches${needle ? ` “${search}”` : ''}${window ? ' in that period' : ''}.`,
          ),
        ),
      );
  };

  // Phones show cards without a header row: sorting moves into a select.
  const sortSelect = h(
    'select',
    { class: 'sort-select', 'aria-label': 'Sort videos by', 'data-testid': 'video-sort' },
    ...columns.flatMap((c) => [
      h('option', { value: `${c.key}:desc` }, `${c.label} ${c.numeric ? '(high → low)' : '(Z → A)'}`),
      h('option', { value: `${c.key}:asc` }, `${c.label} ${c.numeric ? '(low → high)' : '(A → Z)'}`),
    ]),
  );
  sortSelect.addEventListener('change', () => {
    const [key = 'viewers', dir] = sortSelect.value.split(':');
    sortKey = key;
    descending = dir === 'desc';
    render();
  });

  input.addEventListener('input', () => {
    search = input.value;
    render();
  });
  render();
  return h(
    'div',
    {},
    h('div', { class: 'toolbar' }, input, since, sortSelect, count),
    h('div', { class: 'table-scroll' }, table),
  );
}

/**
 * The correlation view (SPEC §5): player-reported stalls matched to frozen ranges in a screen
 * recording, the freezes the player never reported, and perceived vs reported startup.
 * The analyzer's `Correlation` shape is read defensively: the server may wrap it or add fields.
 */
import { api } from '../api.js';
import * as f from '../format.js';
import { h } from '../ui/dom.js';
import { empty, failure, isRedirect, loading } from '../ui/states.js';
import { panel, stats } from '../ui/stats.js';

interface Range {
  startMs: number;
  endMs: number;
}
interface CorrelationView {
  offsetMs?: number | null;
  anchors?: number;
  residualMs?: number | null;
  stalls?: Array<{
    stall: { atWallMs: number; durationMs: number };
    frozen: Range | null;
    startErrorMs: number | null;
    durationErrorMs: number | null;
  }>;
  hiddenStutter?: Range[];
  startup?: { reportedMs: number | null; perceivedMs: number | null };
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function correlationPanel(sessionId: string, signal: AbortSignal): HTMLElement {
  const body = h('div', {}, loading('the correlation'));
  const out = panel('Telemetry vs screen recording', 'correlation-panel', body);
  api
    .correlation(sessionId, { signal })
    .then((answer) => {
      const c = ((answer as { correlation?: unknown }).correlation ?? answer) as CorrelationView;
      body.replaceChildren(render(c, answer));
      out.dataset.state = 'ready';
    })
    .catch((error) => {
      if (isRedirect(error)) return;
      if (error?.notFound) {
        body.replaceChildren(
          empty(
            'No correlation for this session yet.',
            'It appears once a screen recording of this playback has been analysed and joined with the session (',
            h('code', {}, 'watchtime-analyze correlate'),
            ').',
          ),
        );
        out.dataset.state = 'none';
        return;
      }
      body.replaceChildren(failure(error));
      out.dataset.state = 'error';
    });
  return out;
}

function render(c: CorrelationView, rawAnswer: unknown): Node {
  const stalls = Array.isArray(c.stalls) ? c.stalls : [];
  const hidden = Array.isArray(c.hiddenStutter) ? c.hiddenStutter : [];
  const matched = stalls.filter((s) => s.frozen).length;
  return h(
    'div',
    {},
    stats(
      [
        {
          key: 'reportedStartupMs',
          label: 'Reported startup',
          text: f.duration(num(c.startup?.reportedMs)),
          value: num(c.startup?.reportedMs),
        },
        {
          key: 'perceivedStartupMs',
          label: 'Perceived startup',
          text: f.duration(num(c.startup?.perceivedMs)),
          value: num(c.startup?.perceivedMs),
          hint: 'tap → first moving frame',
        },
        {
          key: 'matchedStalls',
          label: 'Stalls seen on screen',
          text: `${matched} of ${stalls.length}`,
          value: matched,
        },
        {
          key: 'hiddenStutter',
          label: 'Hidden stutter',
          text: f.count(hidden.length),
          value: hidden.length,
          hint: 'freezes the player never reported',
        },
        {
          key: 'offsetMs',
          label: 'Clock offset',
          text: num(c.offsetMs) === null ? 'not aligned' : `${f.count(num(c.offsetMs))} ms`,
          value: num(c.offsetMs),
          hint: `${c.anchors ?? 0} anchors`,
        },
      ],
      'correlation-stats',
    ),
    stalls.length > 0
      ? h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { class: 'data compact', 'data-testid': 'correlation-stalls' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', {}, 'Reported stall'),
                h('th', { class: 'num' }, 'Length'),
                h('th', {}, 'Frozen on screen'),
                h('th', { class: 'num' }, 'Length error'),
              ),
            ),
            h(
              'tbody',
              {},
              ...stalls.map((s) =>
                h(
                  'tr',
                  { 'data-matched': s.frozen ? 'true' : 'false' },
                  h('td', {}, f.date(s.stall.atWallMs)),
                  h('td', { class: 'num' }, f.duration(s.stall.durationMs)),
                  h(
                    'td',
                    {},
                    s.frozen
                      ? `${f.duration(s.frozen.startMs)} – ${f.duration(s.frozen.endMs)} into the recording`
                      : 'not seen',
                  ),
                  h('td', { class: 'num' }, f.duration(s.durationErrorMs)),
                ),
              ),
            ),
          ),
        )
      : null,
    hidden.length > 0
      ? h(
          'p',
          {},
          'Hidden stutter at ',
          hidden.map((r) => `${f.duration(r.startMs)}–${f.duration(r.endMs)}`).join(', '),
          ' into the recording.',
        )
      : null,
    h(
      'details',
      { class: 'data-details' },
      h('summary', {}, 'Raw correlation'),
      h('pre', {}, JSON.stringify(rawAnswer, null, 2)),
    ),
  );
}

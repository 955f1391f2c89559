/**
 * video.js components over the exact watched set (issue 11):
 *
 * - `WatchtimeWatchedStrip` (`watchedBar: true`): the viewer's own merged sections drawn along the
 *   seek bar, redrawn while they watch, labelled with core `watchedLabel` ("63 % watched; next
 *   unwatched part at 4:12"). Each drawn range carries `data-start-ms`/`data-end-ms`, the strip
 *   `data-sections` (the list it drew), so a page or test can read exactly what is shown.
 * - `WatchtimeNextUnwatched`: a control-bar button, "jump to the next unwatched part".
 * - `WatchtimeHeatStrip` (`heatStrip: true`): `GET /v1/videos/{id}/heat` drawn as 100 bars just
 *   above the seek bar ("most replayed"); hidden while the server shows nothing (< 20 viewers).
 *
 * video.js is not imported: components are built from the page's own copy (`getComponent`).
 */
import { IntervalSet, nextUnwatched, type Section, watchedLabel } from '@watchtime/core';
import type { WatchTimeHandle } from '../attach.js';
import { withoutSlivers } from '../viewer/slack.js';

/** What these components need from a video.js Player. */
export interface StripPlayer {
  currentTime(): number;
  currentTime(seconds: number): void;
  getChild(name: string): StripComponent | undefined;
}

interface StripComponent {
  el(): HTMLElement;
  getChild(name: string): StripComponent | undefined;
  addChild(child: unknown, options?: unknown, index?: number): StripComponent;
  on(target: unknown, type: string, fn: () => void): void;
  on(type: string, fn: () => void): void;
  dispose(): void;
  player(): StripPlayer;
  controlText(text: string): void;
}

export interface ComponentsVideoJs {
  getComponent(name: string): unknown;
  registerComponent(name: string, component: unknown): unknown;
}

type ComponentClass = new (player: unknown, options?: Record<string, unknown>) => StripComponent;

export const WATCHED_STRIP = 'WatchtimeWatchedStrip';
export const NEXT_UNWATCHED = 'WatchtimeNextUnwatched';
export const HEAT_STRIP = 'WatchtimeHeatStrip';

export interface HeatSource {
  /** Base URL of the watchtime server. */
  endpoint: string;
  videoId: string;
  token: () => Promise<string | undefined>;
}

const css = (el: HTMLElement, style: Partial<CSSStyleDeclaration>) => Object.assign(el.style, style);
const pct = (ms: number, durationMs: number) => `${((ms / durationMs) * 100).toFixed(4)}%`;

/** Registers the three components on this copy of video.js (idempotent). */
export function registerStripComponents(videojs: ComponentsVideoJs): void {
  if (videojs.getComponent(WATCHED_STRIP)) return;
  const Component = videojs.getComponent('Component') as ComponentClass;
  const Button = videojs.getComponent('Button') as ComponentClass;

  class WatchedStrip extends Component {
    private handle: WatchTimeHandle | null = null;
    private drawn = '';

    constructor(player: unknown, options: Record<string, unknown> = {}) {
      super(player, options);
      this.handle = (options.handle as WatchTimeHandle | undefined) ?? null;
      const redraw = () => this.draw();
      this.handle?.addEventListener('progress', redraw);
      this.handle?.addEventListener('sync', redraw);
      this.on(this.player(), 'timeupdate', redraw);
      this.on(this.player(), 'seeked', redraw);
      this.on(this.player(), 'durationchange', redraw);
      this.on('dispose', () => {
        this.handle?.removeEventListener('progress', redraw);
        this.handle?.removeEventListener('sync', redraw);
        this.handle = null;
      });
      this.draw();
    }

    createEl(): HTMLElement {
      const el = document.createElement('div');
      el.className = 'vjs-watchtime-watched';
      el.setAttribute('role', 'img');
      el.setAttribute('aria-label', 'watched parts');
      // A band just under the seek bar (the play progress covers the bar itself); clicks go
      // through to the seek bar.
      css(el, { position: 'absolute', left: '0', right: '0', top: '100%', height: '4px', pointerEvents: 'none' });
      return el;
    }

    /** Redraws only when the list or the label changed. */
    draw(): void {
      const h = this.handle;
      const el = this.el();
      if (!h || !el) return;
      const durationMs = h.metrics().durationMs;
      const sections: Section[] = durationMs ? h.sections() : [];
      const set = durationMs ? withoutSlivers(sections, durationMs) : new IntervalSet();
      const label = durationMs ? watchedLabel(set, durationMs, this.player().currentTime() * 1000) : 'watched parts';
      const key = `${durationMs}|${JSON.stringify(sections)}|${label}`;
      if (key === this.drawn) return;
      this.drawn = key;
      el.setAttribute('aria-label', label);
      el.title = label;
      el.dataset.sections = JSON.stringify(sections);
      el.dataset.durationMs = String(durationMs ?? '');
      el.replaceChildren(
        ...(durationMs
          ? sections.map(([s, e]) => {
              const r = document.createElement('div');
              r.className = 'vjs-watchtime-watched-range';
              r.dataset.startMs = String(s);
              r.dataset.endMs = String(e);
              css(r, {
                position: 'absolute',
                top: '0',
                height: '100%',
                left: pct(s, durationMs),
                width: pct(e - s, durationMs),
                background: '#ffc400',
              });
              return r;
            })
          : []),
      );
    }
  }

  class NextUnwatched extends Button {
    private handle: WatchTimeHandle | null;
    constructor(player: unknown, options: Record<string, unknown> = {}) {
      super(player, options);
      this.handle = (options.handle as WatchTimeHandle | undefined) ?? null;
      this.controlText('Jump to the next unwatched part');
      const icon = this.el().querySelector('.vjs-icon-placeholder');
      if (icon) icon.textContent = '⤼';
      this.on('dispose', () => {
        this.handle = null;
      });
    }
    buildCSSClass(): string {
      return 'vjs-watchtime-next-unwatched vjs-control vjs-button';
    }
    handleClick(): void {
      const h = this.handle;
      const durationMs = h?.metrics().durationMs;
      if (!h || !durationMs) return;
      const at = nextUnwatched(
        withoutSlivers(h.sections(), durationMs),
        durationMs,
        this.player().currentTime() * 1000,
      );
      if (at !== null) this.player().currentTime(at / 1000);
    }
  }

  class HeatStrip extends Component {
    private readonly source: HeatSource | null;
    constructor(player: unknown, options: Record<string, unknown> = {}) {
      super(player, options);
      this.source = (options.source as HeatSource | undefined) ?? null;
      void this.refresh();
    }
    createEl(): HTMLElement {
      const el = document.createElement('div');
      el.className = 'vjs-watchtime-heat';
      el.setAttribute('role', 'img');
      el.setAttribute('aria-label', 'most replayed parts');
      el.hidden = true;
      // Just above the seek bar, as tall as a thumb of text.
      css(el, {
        position: 'absolute',
        left: '0',
        right: '0',
        bottom: '100%',
        height: '2.4em',
        display: 'flex',
        alignItems: 'flex-end',
        pointerEvents: 'none',
      });
      return el;
    }
    /** Fetches the heat again and redraws; resolves with the buckets drawn. */
    async refresh(): Promise<number[]> {
      const el = this.el();
      const src = this.source;
      if (!src) return [];
      try {
        const token = await src.token();
        const res = await fetch(`${src.endpoint}/v1/videos/${encodeURIComponent(src.videoId)}/heat`, {
          headers: token ? { authorization: `Bearer ${token}` } : {},
        });
        if (!res.ok) throw new Error(`heat: HTTP ${res.status}`);
        const body = (await res.json()) as { buckets: number[]; viewers: number };
        const buckets = Array.isArray(body.buckets) ? body.buckets : [];
        el.dataset.buckets = JSON.stringify(buckets);
        el.dataset.viewers = String(body.viewers);
        el.hidden = buckets.length === 0;
        el.replaceChildren(
          ...buckets.map((b, i) => {
            const bar = document.createElement('div');
            bar.className = 'vjs-watchtime-heat-bar';
            bar.dataset.bucket = String(i);
            bar.dataset.value = String(b);
            css(bar, {
              flex: '1 1 0',
              height: `${Math.max(0, Math.min(1, b)) * 100}%`,
              background: 'rgba(255, 90, 60, 0.8)',
            });
            return bar;
          }),
        );
        el.dataset.state = 'ready';
        return buckets;
      } catch (e) {
        el.dataset.state = 'error';
        el.dataset.error = e instanceof Error ? e.message : String(e);
        el.hidden = true;
        return [];
      }
    }
  }

  videojs.registerComponent(WATCHED_STRIP, WatchedStrip);
  videojs.registerComponent(NEXT_UNWATCHED, NextUnwatched);
  videojs.registerComponent(HEAT_STRIP, HeatStrip);
}

/** Adds the strips the options ask for to a player's seek bar and control bar; returns them. */
export function addStrips(
  player: StripPlayer,
  handle: WatchTimeHandle,
  wanted: { watchedBar: boolean; heatStrip: HeatSource | null },
): StripComponent[] {
  const controlBar = player.getChild('ControlBar') ?? player.getChild('controlBar');
  const seekBar = controlBar?.getChild('ProgressControl')?.getChild('SeekBar');
  if (!controlBar || !seekBar) return [];
  const added: StripComponent[] = [];
  if (wanted.watchedBar) {
    added.push(seekBar.addChild(WATCHED_STRIP, { handle }));
    added.push(controlBar.addChild(NEXT_UNWATCHED, { handle }));
  }
  if (wanted.heatStrip) added.push(seekBar.addChild(HEAT_STRIP, { source: wanted.heatStrip }));
  return added;
}

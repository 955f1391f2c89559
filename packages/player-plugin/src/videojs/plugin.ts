/**
 * The video.js 8 advanced plugin `watchTime`:
 *
 *   registerWatchTimePlugin(videojs);           // once (the script-tag bundle does it itself)
 *   const wt = player.watchTime({ videoId: 'intro', ... });
 *   wt.on('stall', ...); wt.sections(); wt.metrics(); await wt.flush();
 *
 * It listens to the *player* (`this.on(player, …)`, removed by video.js when the plugin is
 * disposed) and reads the player's getters, so it follows source changes and techs. video.js
 * is not imported: the page's own copy is passed in, so there is never a second video.js.
 */
import type { Section, SessionDoc } from '@watchtime/core';
import { attachToTarget, type WatchTimeHandle, type WatchTimeMetrics } from '../attach.js';
import type { WatchTimeOptions } from '../options.js';
import type { PlaybackTarget } from '../signals/target.js';
import {
  addStrips,
  type ComponentsVideoJs,
  type HeatSource,
  registerStripComponents,
  type StripPlayer,
} from './strips.js';

/** The plugin's options: the handle's, plus the video.js components to add. */
export interface WatchTimePluginOptions extends WatchTimeOptions {
  /** Draw the viewer's watched parts on the seek bar, with a "next unwatched part" button. */
  watchedBar?: boolean;
  /** Draw the "most replayed" strip (`GET /v1/videos/{id}/heat`) above the seek bar; needs `endpoint`. */
  heatStrip?: boolean;
}

/** The parts of a video.js Player the plugin reads. */
export interface VideoJsPlayerLike {
  currentTime(): number;
  currentTime(seconds: number): void;
  paused(): boolean;
  playbackRate(): number;
  duration(): number;
  readyState(): number;
  seeking(): boolean;
  ended(): boolean;
  tech(safety?: unknown): { el(): Element } | undefined;
  on(type: string, fn: () => void): void;
  trigger(event: { type: string; detail?: unknown }): void;
  getChild(name: string): unknown;
}

/** The parts of the `videojs` function the plugin uses. */
export interface VideoJsLike {
  getPlugin(name: string): unknown;
  registerPlugin(name: string, plugin: unknown): unknown;
  getComponent?(name: string): unknown;
  registerComponent?(name: string, component: unknown): unknown;
}

/** What video.js's base `Plugin` class gives its subclasses. */
interface PluginBase {
  on(target: unknown, type: string, fn: () => void): void;
  off(target: unknown, type: string, fn: () => void): void;
  trigger(event: { type: string; detail?: unknown }): void;
  setState(state: Record<string, unknown>): void;
  dispose(): void;
}
type PluginClass = new (player: VideoJsPlayerLike, options?: unknown) => PluginBase;

export const PLUGIN_NAME = 'watchTime';

export interface WatchTimePluginInstance {
  readonly handle: WatchTimeHandle;
  sections(): Section[];
  unwatched(): Section[];
  metrics(): WatchTimeMetrics;
  session(): SessionDoc;
  flush(): Promise<boolean>;
  dispose(): void;
}

/** Registers `watchTime` on this copy of video.js (idempotent); returns the plugin class. */
export function registerWatchTimePlugin(videojs: VideoJsLike): unknown {
  const existing = videojs.getPlugin(PLUGIN_NAME);
  if (existing) return existing;
  const Plugin = videojs.getPlugin('plugin') as PluginClass;
  const components = typeof videojs.getComponent === 'function' && typeof videojs.registerComponent === 'function';
  if (components) registerStripComponents(videojs as ComponentsVideoJs);

  class WatchTime extends Plugin implements WatchTimePluginInstance {
    static VERSION = '0.1.0';
    static defaultState = { watchedMs: 0, coverage: 0 };
    readonly handle: WatchTimeHandle;

    constructor(player: VideoJsPlayerLike, options: WatchTimePluginOptions) {
      super(player, options);
      const plugin: PluginBase = this;
      const target: PlaybackTarget = {
        currentTime: () => player.currentTime() ?? 0,
        paused: () => player.paused(),
        playbackRate: () => player.playbackRate() ?? 1,
        duration: () => {
          const d = player.duration();
          return typeof d === 'number' && d > 0 ? d : Number.NaN;
        },
        readyState: () => player.readyState() ?? 0,
        seeking: () => Boolean(player.seeking()),
        ended: () => Boolean(player.ended()),
        listen(type, fn) {
          plugin.on(player, type, fn);
          return () => plugin.off(player, type, fn);
        },
        frameSource: () => {
          const el = player.tech({ IWillNotUseThisInPlugins: true })?.el();
          return el && el.tagName === 'VIDEO' ? (el as HTMLVideoElement) : null;
        },
        seek: (seconds) => player.currentTime(seconds),
      };
      const { watchedBar, heatStrip, ...handleOptions } = options ?? ({} as WatchTimePluginOptions);
      this.handle = attachToTarget(target, handleOptions);
      // Re-dispatch handle events on the plugin, so `player.watchTime().on('stall', …)` works.
      // The plugin's video.js state mirrors the coverage: `wt.state.coverage`, `statechanged`.
      this.handle.addEventListener('progress', (e) => this.setState({ ...(e as CustomEvent).detail }));
      for (const type of ['sync', 'syncerror', 'progress', 'completed', 'stall', 'skipblocked', 'resumed']) {
        this.handle.addEventListener(type, (e) => this.trigger({ type, detail: (e as CustomEvent).detail }));
      }
      // The player hears a blocked skip too (`player.on('skipblocked', …)`), like its own events.
      this.handle.addEventListener('skipblocked', (e) =>
        player.trigger({ type: 'skipblocked', detail: (e as CustomEvent).detail }),
      );
      if (components && (watchedBar || heatStrip)) {
        const endpoint = typeof options.endpoint === 'string' ? options.endpoint : options.endpoint?.[0];
        const heat: HeatSource | null =
          heatStrip && endpoint
            ? {
                endpoint: endpoint.replace(/\/+$/, ''),
                videoId: options.videoId,
                token: async () => options.token ?? (options.getToken ? await options.getToken() : undefined),
              }
            : null;
        this.strips = addStrips(player as unknown as StripPlayer, this.handle, {
          watchedBar: watchedBar === true,
          heatStrip: heat,
        });
      }
    }

    /** The strip components added for `watchedBar` / `heatStrip` (disposed with the plugin). */
    strips: Array<{ dispose(): void }> = [];

    sections(): Section[] {
      return this.handle.sections();
    }
    unwatched(): Section[] {
      return this.handle.unwatched();
    }
    metrics(): WatchTimeMetrics {
      return this.handle.metrics();
    }
    session(): SessionDoc {
      return this.handle.session();
    }
    flush(): Promise<boolean> {
      return this.handle.flush();
    }
    override dispose(): void {
      for (const c of this.strips.splice(0)) c.dispose();
      void this.handle.dispose();
      super.dispose();
    }
  }

  videojs.registerPlugin(PLUGIN_NAME, WatchTime);
  return WatchTime;
}

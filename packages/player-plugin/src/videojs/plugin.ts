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

/** The parts of a video.js Player the plugin reads. */
export interface VideoJsPlayerLike {
  currentTime(): number;
  paused(): boolean;
  playbackRate(): number;
  duration(): number;
  readyState(): number;
  seeking(): boolean;
  ended(): boolean;
  tech(safety?: unknown): { el(): Element } | undefined;
  on(type: string, fn: () => void): void;
}

/** The parts of the `videojs` function the plugin uses. */
export interface VideoJsLike {
  getPlugin(name: string): unknown;
  registerPlugin(name: string, plugin: unknown): unknown;
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

  class WatchTime extends Plugin implements WatchTimePluginInstance {
    static VERSION = '0.1.0';
    static defaultState = { watchedMs: 0, coverage: 0 };
    readonly handle: WatchTimeHandle;

    constructor(player: VideoJsPlayerLike, options: WatchTimeOptions) {
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
      };
      this.handle = attachToTarget(target, options);
      // Re-dispatch handle events on the plugin, so `player.watchTime().on('stall', …)` works.
      // The plugin's video.js state mirrors the coverage: `wt.state.coverage`, `statechanged`.
      this.handle.addEventListener('progress', (e) => this.setState({ ...(e as CustomEvent).detail }));
      for (const type of ['sync', 'syncerror', 'progress', 'completed', 'stall']) {
        this.handle.addEventListener(type, (e) => this.trigger({ type, detail: (e as CustomEvent).detail }));
      }
    }

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
      void this.handle.dispose();
      super.dispose();
    }
  }

  videojs.registerPlugin(PLUGIN_NAME, WatchTime);
  return WatchTime;
}

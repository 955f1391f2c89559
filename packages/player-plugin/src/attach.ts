/**
 * attachWatchTime(video, options) → handle. Wires one player to one recorder, the stall
 * detector, the local store and the sync client (ARCHITECTURE "the sync path"):
 *
 *   media events / ticks → core recorder → closed section → local store (durable) → sync PUT
 *   100 ms poll + frame callbacks + hls.js stats → core StallDetector → stalls, startup
 */
import {
  EventRecorder,
  firstUnwatchedInstant,
  IntervalSet,
  isSeekAllowed,
  type MediaEvent,
  type Recorder,
  type Section,
  type SectionsAnswer,
  type Seek,
  type SessionDoc,
  StallDetector,
  type StallSample,
  TickRecorder,
  type TickSample,
} from '@watchtime/core';
import { type ResolvedOptions, resolveOptions, type WatchTimeOptions } from './options.js';
import { buildSessionDoc, SessionLog } from './session/session-log.js';
import { HlsSignals } from './signals/hls.js';
import { MediaSignals, type MediaSink } from './signals/media-element.js';
import { type PlaybackTarget, videoElementTarget } from './signals/target.js';
import { type LocalStore, openLocalStore } from './store/local-store.js';
import { SyncClient, type SyncError } from './sync/sync-client.js';
import { TokenSource } from './sync/tokens.js';
import { PositionStore } from './viewer/position-store.js';
import { withoutSlivers } from './viewer/slack.js';

export interface StallReport {
  atWallMs: number;
  atMediaMs: number;
  durationMs: number;
}

export interface WatchTimeMetrics {
  durationMs: number | null;
  live: boolean;
  /** Length of the merged set (server ∪ local ∪ open section). */
  watchedMs: number;
  coverage: number;
  /** Wall time spent playing in this session (repeats and speed included). */
  playedWallMs: number;
  /** Play request → first frame with a moving playhead. */
  startupMs: number | null;
  /** Load (attach or new source) → first moving frame. */
  firstFrameMs: number | null;
  /** Stalls after the first frame, epoch ms; the one in progress counted up to now. */
  stalls: StallReport[];
  stallCount: number;
  stallMs: number;
  /** stallMs / (startup + stalls + playing). */
  rebufferRatio: number;
  seeks: Seek[];
  /** Median seek latency (seeking → seeked), null before the first seek. */
  seekLatencyMs: number | null;
  /** Sections recorded here that the server has not acknowledged yet. */
  unsentSections: number;
}

/** The `detail` of each handle event. */
export interface WatchTimeEventDetails {
  sync: SectionsAnswer;
  syncerror: { error: unknown; message: string; status: number | null };
  progress: { watchedMs: number; coverage: number };
  completed: { watchedMs: number; coverage: number };
  stall:
    | { phase: 'start'; atWallMs: number; atMediaMs: number }
    | { phase: 'end'; atWallMs: number; atMediaMs: number; durationMs: number };
  /** `preventSkipAhead`: a seek to `requestedMs` was undone; the playhead went back to `returnedToMs`. */
  skipblocked: { requestedMs: number; returnedToMs: number };
  /** `resume`: playback was moved to where the previous session left off. */
  resumed: { atMs: number; from: 'local' | 'server' };
}

export type WatchTimeEventMap = { [K in keyof WatchTimeEventDetails]: CustomEvent<WatchTimeEventDetails[K]> };

export interface WatchTimeHandle extends EventTarget {
  addEventListener<K extends keyof WatchTimeEventMap>(
    type: K,
    listener: (event: WatchTimeEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | AddEventListenerOptions,
  ): void;
  removeEventListener<K extends keyof WatchTimeEventMap>(
    type: K,
    listener: (event: WatchTimeEventMap[K]) => void,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(
    type: string,
    listener: EventListenerOrEventListenerObject | null,
    options?: boolean | EventListenerOptions,
  ): void;
  readonly videoId: string;
  readonly sessionId: string;
  readonly mode: 'events' | 'ticks';
  /** Resolves once the starting state (server ∪ local unsent) is loaded. */
  readonly ready: Promise<void>;
  /** `indexeddb` or `memory` once ready. */
  readonly storage: 'indexeddb' | 'memory' | null;
  /** Canonical wire pairs: starting state ∪ recorded ∪ the open section, clamped to the duration. */
  sections(): Section[];
  /** Canonical gaps: what has not been watched yet (empty while the duration is unknown). */
  unwatched(): Section[];
  metrics(): WatchTimeMetrics;
  /** The session telemetry document as it would be sent now. */
  session(): SessionDoc;
  /** Stores and uploads now; resolves true on success (true at once when recording locally). */
  flush(): Promise<boolean>;
  /** Closes the open section, flushes, removes every listener and timer. */
  dispose(): Promise<void>;
}

/** Options for wiring a non-<video> player (the video.js plugin). */
export interface TargetHooks {
  /** Window used for pagehide/visibilitychange; default `globalThis`. */
  window?: Window;
}

export function attachWatchTime(video: HTMLVideoElement, options: WatchTimeOptions): WatchTimeHandle {
  if (!video || typeof (video as { addEventListener?: unknown }).addEventListener !== 'function')
    throw new TypeError('watchtime: attachWatchTime needs a <video> (or <audio>) element as its first argument');
  return new WatchTimeSession(videoElementTarget(video), options);
}

/** Same as attachWatchTime, over any player that fits `PlaybackTarget`. */
export function attachToTarget(
  target: PlaybackTarget,
  options: WatchTimeOptions,
  hooks: TargetHooks = {},
): WatchTimeHandle {
  return new WatchTimeSession(target, options, hooks);
}

const CHECKPOINT_MS = 1000;
const PROGRESS_MS = 1000;
/** `resume` does not jump to a position this close to the end (the viewer had finished). */
export const RESUME_END_MARGIN_MS = 5000;

class WatchTimeSession extends EventTarget implements WatchTimeHandle, MediaSink {
  readonly videoId: string;
  readonly sessionId: string;
  readonly mode: 'events' | 'ticks';
  readonly ready: Promise<void>;
  private readonly o: ResolvedOptions;
  private readonly recorder: Recorder;
  private readonly events: EventRecorder | null;
  private readonly ticks: TickRecorder | null;
  private readonly detector: StallDetector;
  private readonly signals: MediaSignals;
  private readonly hls: HlsSignals | null;
  private readonly log: SessionLog;
  private readonly tokens: TokenSource;
  private store: LocalStore | null = null;
  private sync: SyncClient | null = null;
  private durationMs: number | null = null;
  private live = false;
  private readonly startedAtPerf: number;
  private loadAtPerf: number;
  private firstFrameMs: number | null = null;
  /** Sections closed before the store opened. */
  private early: Section[] = [];
  private last = { mediaMs: 0, wallMs: 0, rate: 1, playing: false };
  private lastCheckpoint = 0;
  private lastProgress = 0;
  private completed = false;
  private disposed: Promise<void> | null = null;
  private ended = false;
  private readonly removeExitListeners: () => void;
  private readonly positions: PositionStore;
  private isReady = false;
  private resumeDone: boolean;
  /** The resume seek's target: the skip guard lets exactly this one through. */
  private resumeTargetMs: number | null = null;
  private removeGuard: () => void = () => {};

  constructor(
    private readonly target: PlaybackTarget,
    options: WatchTimeOptions,
    hooks: TargetHooks = {},
  ) {
    super();
    this.o = resolveOptions(options);
    this.videoId = this.o.videoId;
    this.sessionId = this.o.sessionId;
    this.mode = this.o.mode;
    this.startedAtPerf = performance.now();
    this.loadAtPerf = this.startedAtPerf;
    this.log = new SessionLog((p) => this.toEpoch(p));
    this.tokens = new TokenSource(this.o.token, this.o.getToken);
    const onSection = (s: Section) => this.onSection(s);
    if (this.o.mode === 'ticks') {
      this.ticks = new TickRecorder({ tickMs: this.o.tickMs, toleranceMs: this.o.toleranceMs, onSection });
      this.events = null;
      this.recorder = this.ticks;
    } else {
      this.events = new EventRecorder({ toleranceMs: this.o.toleranceMs, onSection });
      this.ticks = null;
      this.recorder = this.events;
    }
    this.detector = new StallDetector({
      ...(this.o.weights ? { weights: this.o.weights } : {}),
      threshold: this.o.threshold,
    });
    // hls.js knows a live playlist even when the element reports a finite, growing duration.
    this.hls = this.o.hls
      ? new HlsSignals(this.o.hls, undefined, (live) => {
          if (live) this.goLive();
        })
      : null;
    this.signals = new MediaSignals(target, this, { mode: this.o.mode, tickMs: this.o.tickMs, network: this.hls });
    this.removeExitListeners = this.listenForExit(hooks.window);
    this.positions = new PositionStore(this.o.videoId, this.o.viewerId, this.o.storage);
    this.resumeDone = !this.o.resume;
    this.signals.start();
    // After the signals: the recorder has closed the section before the jump when this runs.
    if (this.o.preventSkipAhead) this.removeGuard = target.listen('seeking', () => this.guardSeek());
    this.ready = this.open();
    // A failed open is reported as syncerror; `ready` itself never rejects.
  }

  get storage(): 'indexeddb' | 'memory' | null {
    return this.store?.kind ?? null;
  }

  private toEpoch(perfMs: number): number {
    return Math.round(performance.timeOrigin + perfMs);
  }

  private async open(): Promise<void> {
    try {
      const store = await openLocalStore(this.o.storage);
      this.store = store;
      const sync = new SyncClient({
        endpoints: this.o.endpoints,
        videoId: this.o.videoId,
        viewerId: this.o.viewerId ?? 'local',
        sessionId: this.o.sessionId,
        tokens: this.tokens,
        store,
        flushIntervalMs: this.o.flushIntervalMs,
        snapshot: () => ({
          durationMs: this.durationMs,
          open: this.live ? null : this.recorder.openSection(),
          session: this.live ? null : this.session(),
        }),
        onSync: (answer) => this.emit('sync', answer),
        onError: (error) => this.emit('syncerror', { error, message: error.message, status: error.status }),
      });
      this.sync = sync;
      await sync.start();
      const early = this.early;
      this.early = [];
      if (early.length > 0) await sync.record(early, this.durationMs);
      sync.startTimer();
      this.emitProgress();
    } catch (e) {
      this.emit('syncerror', { error: e, message: e instanceof Error ? e.message : String(e), status: null });
    }
    this.isReady = true;
    this.maybeResume();
  }

  /**
   * `resume`: once the starting state and the duration are known, go to the last position saved
   * on this device; without one, to the first unwatched instant of the starting state (the
   * server's list ∪ local) — unless that is within 5 s of the end or the viewer already seeked.
   */
  private maybeResume(): void {
    if (this.resumeDone || !this.isReady || this.live || this.durationMs === null || this.disposed) return;
    this.resumeDone = true;
    const d = this.durationMs;
    const saved = this.positions.load();
    let at: number | null = saved ? Math.min(saved.mediaMs, d) : null;
    let from: 'local' | 'server' = 'local';
    if (at === null) {
      const first = firstUnwatchedInstant(this.merged(), d);
      at = first > 0 ? first : null;
      from = 'server';
    }
    if (at === null || at <= 0 || d - at <= RESUME_END_MARGIN_MS || this.log.seeks.length > 0 || this.target.seeking())
      return;
    if (!this.target.seek) return;
    this.resumeTargetMs = at;
    this.target.seek(at / 1000);
    this.emit('resumed', { atMs: at, from });
  }

  /** `preventSkipAhead`: a seek outside the watched set and past its first unwatched instant goes back. */
  private guardSeek(): void {
    if (this.live || this.durationMs === null || !this.target.seek) return;
    const p = this.target.currentTime() * 1000;
    if (this.resumeTargetMs !== null && Math.abs(p - this.resumeTargetMs) < 1) {
      this.resumeTargetMs = null;
      return;
    }
    const watched = withoutSlivers(this.merged(), this.durationMs);
    if (isSeekAllowed(watched, this.durationMs, p)) return;
    const back = firstUnwatchedInstant(watched, this.durationMs);
    this.target.seek(back / 1000);
    this.emit('skipblocked', { requestedMs: Math.round(p), returnedToMs: back });
  }

  private savePosition(): void {
    if (this.live || this.durationMs === null || !this.resumeDone) return;
    // While seeking, currentTime is the target; a blocked skip's target is not a position.
    if (this.target.seeking()) return;
    this.positions.save(this.target.currentTime() * 1000, this.durationMs);
  }

  // ── MediaSink ────────────────────────────────────────────────────────────────────────────

  mediaEvent(event: MediaEvent): void {
    if (this.live || !this.events) return;
    this.events.handle(event);
    if (event.type === 'timeupdate' || event.type === 'playing')
      this.remember(event.mediaMs, event.wallMs, event.rate ?? 1, true);
    if (event.type === 'pause' || event.type === 'ended') this.last.playing = false;
  }

  tick(sample: TickSample): void {
    if (this.live || !this.ticks) return;
    this.ticks.sample(sample);
  }

  poll(sample: StallSample): void {
    if (!sample.seeking) this.remember(sample.mediaMs, sample.wallMs, this.target.playbackRate(), !sample.paused);
    if (this.live) return;
    const { events } = this.detector.poll(sample);
    for (const ev of events) {
      if (ev.type === 'firstframe') {
        this.firstFrameMs = Math.max(0, ev.wallMs - this.loadAtPerf);
      } else if (ev.type === 'stallstart') {
        this.emit('stall', { phase: 'start', atWallMs: this.toEpoch(ev.atWallMs), atMediaMs: ev.atMediaMs });
      } else if (ev.type === 'stallend') {
        this.emit('stall', { phase: 'end', ...this.stallReport(ev.stall) });
      }
    }
    if (!sample.paused && !sample.seeking) {
      if (sample.wallMs - this.lastCheckpoint >= CHECKPOINT_MS) this.checkpoint(sample.wallMs);
      if (sample.wallMs - this.lastProgress >= PROGRESS_MS) this.emitProgress();
    }
  }

  durationChanged(durationMs: number | null): void {
    if (durationMs === null) return;
    if (!Number.isFinite(durationMs)) {
      this.goLive();
      return;
    }
    if (this.hls?.live) return;
    this.live = false;
    if (this.durationMs !== null && durationMs < this.durationMs) return; // keep the largest seen, as the server does
    this.durationMs = durationMs;
    this.recorder.setDuration(durationMs);
    this.maybeResume();
  }

  /** Live: no sections, no stall detection (seed 002), nothing sent. */
  private goLive(): void {
    if (this.live) return;
    this.live = true;
    this.durationMs = null;
  }

  playRequested(wallMs: number): void {
    if (!this.live) this.detector.playRequested(wallMs);
  }

  seekStarted(wallMs: number, toMs: number): void {
    const l = this.last;
    const from = l.playing ? l.mediaMs + Math.max(0, Math.min(wallMs - l.wallMs, 500)) * l.rate : l.mediaMs;
    this.log.seekStarted(wallMs, from, toMs);
  }

  seekEnded(wallMs: number): void {
    this.log.seekEnded(wallMs);
    this.savePosition();
  }

  paused(wallMs: number, mediaMs: number): void {
    this.log.paused(wallMs, mediaMs);
    this.savePosition();
  }

  resumed(wallMs: number): void {
    this.log.resumed(wallMs);
  }

  rateChanged(wallMs: number, mediaMs: number, rate: number): void {
    this.log.rateChanged(wallMs, mediaMs, rate);
  }

  loadStarted(wallMs: number): void {
    if (this.detector.firstFrameWallMs === null) this.loadAtPerf = Math.min(this.loadAtPerf, wallMs);
  }

  // ── internals ───────────────────────────────────────────────────────────────────────────

  private remember(mediaMs: number, wallMs: number, rate: number, playing: boolean): void {
    this.last = { mediaMs, wallMs, rate, playing };
  }

  private onSection(section: Section): void {
    if (this.live) return;
    const s = this.clampSection(section);
    if (!s) return;
    if (this.sync) void this.sync.record([s], this.durationMs);
    else this.early.push(s);
    this.emitProgress();
  }

  /** The open section written as if closed: a crash loses at most one checkpoint interval. */
  private checkpoint(wallMs: number): void {
    this.lastCheckpoint = wallMs;
    this.savePosition();
    const open = this.recorder.openSection();
    const s = open && this.clampSection(open);
    if (s && this.sync) void this.sync.record([s], this.durationMs);
  }

  private clampSection(section: Section): Section | null {
    const end = this.durationMs === null ? section[1] : Math.min(section[1], this.durationMs);
    const start = Math.max(0, section[0]);
    return end > start ? [start, end] : null;
  }

  private emit(type: string, detail: unknown): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  private emitProgress(): void {
    this.lastProgress = performance.now();
    const { watchedMs, coverage } = this.coverageNow();
    this.emit('progress', { watchedMs, coverage });
    if (!this.completed && this.durationMs !== null && coverage >= this.o.completeAt) {
      this.completed = true;
      this.emit('completed', { watchedMs, coverage });
    }
  }

  private merged(): IntervalSet {
    if (this.live) return new IntervalSet();
    const set = this.sync ? this.sync.state.clone() : new IntervalSet();
    set.addAll(this.recorder.sections());
    for (const s of this.early) set.add(s[0], s[1]);
    return this.durationMs === null ? set : set.clamp(0, this.durationMs);
  }

  private coverageNow(): { watchedMs: number; coverage: number } {
    const set = this.merged();
    const watchedMs = set.totalMs;
    return { watchedMs, coverage: this.durationMs ? Math.min(1, watchedMs / this.durationMs) : 0 };
  }

  private stallReport(s: { atWallMs: number; atMediaMs: number; durationMs: number }): StallReport {
    return {
      atWallMs: this.toEpoch(s.atWallMs),
      atMediaMs: Math.round(s.atMediaMs),
      durationMs: Math.round(s.durationMs),
    };
  }

  private listenForExit(win: Window | undefined): () => void {
    const w = win ?? (typeof window !== 'undefined' ? window : undefined);
    const doc = w?.document;
    if (!w) return () => {};
    const onExit = () => {
      this.exit();
      // A held Web Lock keeps a page out of the back/forward cache; the session is saved now.
      this.sync?.releaseSession();
    };
    const onShow = (e: Event) => {
      if ((e as PageTransitionEvent).persisted) void this.sync?.resumeSession();
    };
    const onVisibility = () => {
      if (doc?.visibilityState === 'hidden') this.exit();
    };
    w.addEventListener('pagehide', onExit);
    w.addEventListener('pageshow', onShow);
    doc?.addEventListener('visibilitychange', onVisibility);
    return () => {
      w.removeEventListener('pagehide', onExit);
      w.removeEventListener('pageshow', onShow);
      doc?.removeEventListener('visibilitychange', onVisibility);
    };
  }

  /** Page exit: checkpoint the open section locally, then keepalive/beacon. */
  private exit(): void {
    if (this.live) return;
    const now = performance.now();
    // One fresh position first, so the open section reaches the moment of leaving.
    const pos = this.signals.position();
    if (!pos.paused && !this.target.seeking()) {
      if (this.events) this.events.handle({ type: 'timeupdate', mediaMs: pos.mediaMs, wallMs: now, rate: pos.rate });
      else this.ticks?.sample({ mediaMs: pos.mediaMs, wallMs: now, paused: false, rate: pos.rate });
    }
    this.checkpoint(now);
    this.sync?.exit();
  }

  // ── handle API ──────────────────────────────────────────────────────────────────────────

  sections(): Section[] {
    return this.merged().toJSON();
  }

  unwatched(): Section[] {
    if (this.durationMs === null) return [];
    return this.merged().gaps(this.durationMs);
  }

  metrics(): WatchTimeMetrics {
    const now = performance.now();
    const { watchedMs, coverage } = this.coverageNow();
    const stalls = this.detector.stalls.map((s) => this.stallReport(s));
    const open = this.detector.openStall;
    if (open) stalls.push(this.stallReport({ ...open, durationMs: Math.max(0, now - open.atWallMs) }));
    const stallMs = stalls.reduce((t, s) => t + s.durationMs, 0);
    const startupMs = this.detector.startupMs;
    const playedWallMs = Math.round(this.recorder.playedWallMs);
    const watchTime = (startupMs ?? 0) + stallMs + playedWallMs;
    const seeks = this.log.seeks.slice();
    const latencies = seeks.map((s) => s.latencyMs).sort((a, b) => a - b);
    return {
      durationMs: this.live ? null : this.durationMs,
      live: this.live,
      watchedMs,
      coverage,
      playedWallMs,
      startupMs: startupMs === null ? null : Math.round(startupMs),
      firstFrameMs: this.firstFrameMs === null ? null : Math.round(this.firstFrameMs),
      stalls,
      stallCount: stalls.length,
      stallMs,
      rebufferRatio: watchTime > 0 ? stallMs / watchTime : 0,
      seeks,
      seekLatencyMs: latencies.length ? (latencies[(latencies.length - 1) >> 1] as number) : null,
      unsentSections: this.sync?.unsentSections().length ?? this.early.length,
    };
  }

  session(): SessionDoc {
    const now = performance.now();
    const open = this.detector.openStall;
    const stalls = open
      ? [...this.detector.stalls, { ...open, durationMs: Math.max(0, now - open.atWallMs) }]
      : this.detector.stalls;
    return buildSessionDoc(this.log, (p) => this.toEpoch(p), {
      videoId: this.o.videoId,
      startedAtPerf: this.startedAtPerf,
      nowPerf: now,
      ended: this.ended,
      durationMs: this.durationMs,
      startupMs: this.detector.startupMs,
      firstFrameMs: this.firstFrameMs,
      playedWallMs: this.recorder.playedWallMs,
      stalls,
      playCounts: this.durationMs !== null ? this.recorder.playCounts() : null,
      userAgent: typeof navigator !== 'undefined' ? navigator.userAgent : undefined,
    });
  }

  async flush(): Promise<boolean> {
    await this.ready;
    if (!this.sync) return false;
    this.checkpoint(performance.now());
    return this.sync.flush();
  }

  dispose(): Promise<void> {
    if (this.disposed) return this.disposed;
    const now = performance.now();
    // Close the open section at the current position before the listeners go.
    if (!this.live) {
      const pos = this.signals.position();
      this.recorder.close(now, pos.paused ? undefined : pos.mediaMs);
      this.detector.finish(now);
      this.log.resumed(now);
    }
    this.ended = true;
    this.savePosition();
    this.removeGuard();
    this.signals.dispose();
    this.hls?.dispose();
    this.removeExitListeners();
    this.disposed = (async () => {
      await this.ready;
      const sync = this.sync;
      if (sync) {
        sync.dispose();
        await sync.whenStored();
        if (sync.online) await sync.flush();
        sync.releaseSession();
      }
      this.store?.close();
    })();
    return this.disposed;
  }
}

export type { SectionsAnswer, SyncError };

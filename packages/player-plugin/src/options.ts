/**
 * Options of `attachWatchTime` and the video.js plugin, checked once at attach so a mistake is a
 * clear error at the call site rather than silent data loss later.
 */
import type { StallWeights } from '@watchtime/core';
import type { HlsLike } from './signals/hls.js';

export type RecordingMode = 'events' | 'ticks';
export type StorageKind = 'indexeddb' | 'memory';

export interface WatchTimeOptions {
  /** The video's id on the server (letters, digits, `. _ : @ -`). */
  videoId: string;
  /** The viewer's id (the token's `sub`); needed to sync, optional when recording locally. */
  viewerId?: string;
  /** Viewer JWT. */
  token?: string;
  /** Token provider, called at start and again after a 401. */
  getToken?: () => string | Promise<string>;
  /** Base URL of the watchtime server, or several tried in order. Absent: record locally only. */
  endpoint?: string | readonly string[];
  /** `events` (jump points, default) or `ticks` (timer samples of currentTime/paused/playbackRate). */
  mode?: RecordingMode;
  /** Tick period of `ticks` mode, ms. Default 1000. */
  tickMs?: number;
  /** Jump tolerance, ms. Default 1100. */
  toleranceMs?: number;
  /** Stall signal weights (playhead, image, network, audio); defaults 40/20/20/20. */
  weights?: Partial<StallWeights>;
  /** Stall probability threshold, 0–1. Default 0.8. */
  threshold?: number;
  /** Where unsent sections wait. Default `indexeddb` (memory when IndexedDB is unavailable). */
  storage?: StorageKind;
  /** Periodic upload period, ms. Default 30 000. */
  flushIntervalMs?: number;
  /** Session id for `PUT /v1/sessions/{id}`; generated when absent. */
  sessionId?: string;
  /** An hls.js instance playing into this element: its fragment stats feed the stall model. */
  hls?: HlsLike;
  /** Coverage (0–1) at which `completed` fires once. Default 0.9. */
  completeAt?: number;
  /** Start at the last position of the previous session (unless within 5 s of the end). Default false. */
  resume?: boolean;
  /** Seeks past the first unwatched instant (outside the watched set) go back to it. Default false. */
  preventSkipAhead?: boolean;
}

export interface ResolvedOptions {
  videoId: string;
  viewerId: string | undefined;
  token: string | undefined;
  getToken: (() => string | Promise<string>) | undefined;
  endpoints: string[];
  mode: RecordingMode;
  tickMs: number;
  toleranceMs: number;
  weights: Partial<StallWeights> | undefined;
  threshold: number;
  storage: StorageKind;
  flushIntervalMs: number;
  sessionId: string;
  hls: HlsLike | undefined;
  completeAt: number;
  resume: boolean;
  preventSkipAhead: boolean;
}

export class WatchTimeOptionsError extends Error {
  override name = 'WatchTimeOptionsError';
}

const ID = /^[A-Za-z0-9._:@-]{1,128}$/;

function positive(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
    throw new WatchTimeOptionsError(`watchtime: ${name} must be a positive number of ms, got ${String(value)}`);
  return value;
}

export function resolveOptions(options: WatchTimeOptions | undefined): ResolvedOptions {
  if (!options || typeof options !== 'object')
    throw new WatchTimeOptionsError('watchtime: options are required ({videoId, …})');
  const o = options;
  if (typeof o.videoId !== 'string' || !ID.test(o.videoId))
    throw new WatchTimeOptionsError(
      `watchtime: videoId must be 1–128 characters of letters, digits and . _ : @ -, got ${JSON.stringify(o.videoId)}`,
    );
  if (o.viewerId !== undefined && (typeof o.viewerId !== 'string' || !ID.test(o.viewerId)))
    throw new WatchTimeOptionsError(`watchtime: viewerId must be 1–128 characters of letters, digits and . _ : @ -`);
  const endpoints = (
    o.endpoint === undefined ? [] : typeof o.endpoint === 'string' ? [o.endpoint] : [...o.endpoint]
  ).map((e, i) => {
    if (typeof e !== 'string' || !/^https?:\/\/|^\//.test(e))
      throw new WatchTimeOptionsError(
        `watchtime: endpoint ${i} must be an http(s) URL or a path, got ${JSON.stringify(e)}`,
      );
    return e.replace(/\/+$/, '');
  });
  if (endpoints.length > 0) {
    if (!o.viewerId) throw new WatchTimeOptionsError('watchtime: viewerId is required when an endpoint is set');
    if (!o.token && !o.getToken)
      throw new WatchTimeOptionsError('watchtime: token or getToken() is required when an endpoint is set');
  }
  const mode = o.mode ?? 'events';
  if (mode !== 'events' && mode !== 'ticks')
    throw new WatchTimeOptionsError(`watchtime: mode must be 'events' or 'ticks', got ${JSON.stringify(mode)}`);
  const storage = o.storage ?? 'indexeddb';
  if (storage !== 'indexeddb' && storage !== 'memory')
    throw new WatchTimeOptionsError(
      `watchtime: storage must be 'indexeddb' or 'memory', got ${JSON.stringify(storage)}`,
    );
  const threshold = o.threshold ?? 0.8;
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold <= 1))
    throw new WatchTimeOptionsError(`watchtime: threshold must be in (0, 1], got ${String(threshold)}`);
  const completeAt = o.completeAt ?? 0.9;
  if (typeof completeAt !== 'number' || !(completeAt > 0 && completeAt <= 1))
    throw new WatchTimeOptionsError(`watchtime: completeAt must be in (0, 1], got ${String(completeAt)}`);
  if (o.sessionId !== undefined && (typeof o.sessionId !== 'string' || !ID.test(o.sessionId)))
    throw new WatchTimeOptionsError('watchtime: sessionId must be 1–128 characters of letters, digits and . _ : @ -');
  const resume = flag('resume', o.resume);
  const preventSkipAhead = flag('preventSkipAhead', o.preventSkipAhead);
  return {
    videoId: o.videoId,
    viewerId: o.viewerId,
    token: o.token,
    getToken: o.getToken,
    endpoints,
    mode,
    tickMs: positive('tickMs', o.tickMs, 1000),
    toleranceMs: positive('toleranceMs', o.toleranceMs, 1100),
    weights: o.weights,
    threshold,
    storage,
    flushIntervalMs: positive('flushIntervalMs', o.flushIntervalMs, 30_000),
    sessionId: o.sessionId ?? newSessionId(),
    hls: o.hls,
    completeAt,
    resume,
    preventSkipAhead,
  };
}

function flag(name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean')
    throw new WatchTimeOptionsError(`watchtime: ${name} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

function newSessionId(): string {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  return `s-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
}

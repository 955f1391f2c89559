/**
 * Offline-safe sync (SPEC §2, §8).
 *
 * - Start: the server's list ∪ the local unsent list ∪ the last list the server returned
 *   becomes the starting state; an unreachable server only means starting from local.
 * - `record`: every closed section goes to the local store first; `flush` snapshots the unsent
 *   list, waits for the store to have written all of it, and only then sends it.
 * - Flush every `flushIntervalMs`; after a failure retry with jittered exponential backoff.
 * - `endpoint` may be several base URLs: on a network failure or 5xx the next one is tried.
 * - Lists over 10 000 sections go in several payloads. Each answer (the server's merged whole)
 *   is folded into the state, and what it now holds leaves the unsent list.
 * - Page exit: `fetch(PUT, keepalive)` with the Authorization header; on failure, or when that
 *   cannot be used, `sendBeacon(POST /v1/beacon)` with the token inside a text/plain body.
 * Union is idempotent, so retries and duplicates never need de-duplication.
 */
import { IntervalSet, type Section, type SectionsAnswer, type SessionDoc } from '@watchtime/core';
import { notCoveredBy } from '../store/acknowledge.js';
import type { LocalStore, StoredSession } from '../store/local-store.js';
import { backoffDelay } from './backoff.js';
import { chunkSections, MAX_SECTIONS_PER_PAYLOAD } from './chunks.js';
import type { TokenSource } from './tokens.js';

export class SyncError extends Error {
  override name = 'SyncError';
  constructor(
    message: string,
    readonly status: number | null,
    readonly endpoint: string | null,
  ) {
    super(message);
  }
}

export interface SyncSnapshot {
  /** Media duration in ms; nothing is sent while it is unknown or infinite. */
  durationMs: number | null;
  /** The section still open (sent at page exit only; it is checkpointed into the store). */
  open: Section | null;
  session: SessionDoc | null;
}

export interface SyncClientOptions {
  endpoints: string[];
  videoId: string;
  viewerId: string;
  sessionId: string;
  tokens: TokenSource;
  store: LocalStore;
  flushIntervalMs: number;
  snapshot: () => SyncSnapshot;
  onSync?: (answer: SectionsAnswer) => void;
  onError?: (error: SyncError) => void;
  random?: () => number;
  fetch?: typeof fetch;
  /** Default 10 s. */
  requestTimeoutMs?: number;
}

/** Per request; then the next endpoint is tried. */
const REQUEST_TIMEOUT_MS = 10_000;

/** keepalive requests share a 64 KiB budget per page; stay under it. */
const KEEPALIVE_MAX_BYTES = 60_000;

export class SyncClient {
  /** Server's list ∪ everything recorded here: what the viewer has seen, across devices. */
  readonly state = new IntervalSet();
  /** In-memory mirror of the store's unsent list. */
  private unsent = new IntervalSet();
  private writes: Promise<void> = Promise.resolve();
  private endpointIndex = 0;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight: Promise<boolean> | null = null;
  private lastSessionJson = '';
  /** Session documents of earlier page views that never reached the server. */
  private orphans: StoredSession[] = [];
  private releaseLock: (() => void) | null = null;
  private lastStamp = 0;
  private disposed = false;
  private readonly fetchFn: typeof fetch;

  constructor(private readonly o: SyncClientOptions) {
    this.fetchFn = o.fetch ?? ((input, init) => fetch(input, init));
  }

  get online(): boolean {
    return this.o.endpoints.length > 0;
  }

  /** Sections recorded here that the server has not acknowledged yet. */
  unsentSections(): Section[] {
    return this.unsent.toJSON();
  }

  /** Loads local then server state; resolves with the starting state (never rejects). */
  async start(): Promise<Section[]> {
    const { videoId, viewerId, store } = this.o;
    try {
      const rec = await store.load(videoId, viewerId);
      if (rec) {
        this.unsent.addAll(rec.unsent);
        this.state.addAll(rec.known);
        this.state.addAll(rec.unsent);
      }
    } catch (e) {
      this.o.onError?.(new SyncError(`watchtime: reading local state failed: ${errorText(e)}`, null, null));
    }
    if (this.online) {
      await this.holdSessionLock();
      try {
        this.orphans = await this.findOrphans();
      } catch (e) {
        this.o.onError?.(new SyncError(`watchtime: reading saved sessions failed: ${errorText(e)}`, null, null));
      }
      try {
        const answer = (await this.request('GET', this.sectionsPath())) as SectionsAnswer;
        this.fold(answer);
      } catch (e) {
        this.o.onError?.(asSyncError(e));
      }
    }
    return this.state.toJSON();
  }

  /** A closed section (or the open one, as a checkpoint): durable first, sent later. */
  record(sections: readonly Section[], durationMs: number | null): Promise<void> {
    if (sections.length === 0) return this.writes;
    for (const s of sections) {
      this.unsent.add(s[0], s[1]);
      this.state.add(s[0], s[1]);
    }
    const { videoId, viewerId, store } = this.o;
    const copy = sections.map((s) => [s[0], s[1]] as Section);
    this.writes = this.writes
      .then(() => store.addUnsent(videoId, viewerId, copy, durationMs))
      .catch((e) => this.o.onError?.(new SyncError(`watchtime: saving locally failed: ${errorText(e)}`, null, null)));
    return this.writes;
  }

  /** Resolves once everything recorded so far is in the store. */
  whenStored(): Promise<void> {
    return this.writes;
  }

  /** Starts the periodic flush. */
  startTimer(): void {
    if (this.online) this.schedule(this.o.flushIntervalMs);
  }

  private schedule(delayMs: number): void {
    if (this.disposed) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, delayMs);
  }

  /** Uploads unsent sections and the session document; true on success. One flush at a time. */
  flush(): Promise<boolean> {
    if (!this.online) return this.writes.then(() => true);
    if (this.inFlight) {
      return this.inFlight.then(() => this.flush());
    }
    const run = this.flushOnce().then(
      () => {
        this.failures = 0;
        this.schedule(this.o.flushIntervalMs);
        return true;
      },
      (e) => {
        this.failures++;
        const err = asSyncError(e);
        this.o.onError?.(err);
        const retryAfter = err instanceof RetryAfterError ? err.retryAfterMs : 0;
        this.schedule(
          Math.max(
            retryAfter,
            backoffDelay(this.failures, { random: this.o.random, capMs: Math.max(60_000, this.o.flushIntervalMs) }),
          ),
        );
        return false;
      },
    );
    this.inFlight = run.finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private async flushOnce(): Promise<void> {
    const snap = this.o.snapshot();
    const durationMs = snap.durationMs;
    if (durationMs === null || !Number.isFinite(durationMs)) return; // SPEC §8: nothing before a finite duration
    // Snapshot first, then wait for the store: every section in the snapshot is durable before it is sent.
    const pending = this.unsent.clamp(0, durationMs).toJSON();
    // The session document too is saved before anything is sent: if this flush fails and the
    // page dies, the next page view delivers it.
    const sessionJson = snap.session ? JSON.stringify(snap.session) : null;
    const saved = snap.session && sessionJson !== this.lastSessionJson ? this.saveSession(snap.session) : null;
    await saved?.written;
    await this.writes;
    for (const chunk of chunkSections(pending, MAX_SECTIONS_PER_PAYLOAD)) await this.putSections(chunk, durationMs);
    while (this.orphans.length > 0) {
      const orphan = this.orphans[0] as StoredSession;
      await this.request('PUT', `/v1/sessions/${encodeURIComponent(orphan.sessionId)}`, JSON.stringify(orphan.doc));
      this.orphans.shift();
      await this.o.store.deleteSession(orphan.sessionId, orphan.updatedAt).catch(() => undefined);
    }
    if (saved && sessionJson !== null) {
      await this.request('PUT', `/v1/sessions/${encodeURIComponent(this.o.sessionId)}`, sessionJson);
      this.lastSessionJson = sessionJson;
      await this.o.store.deleteSession(this.o.sessionId, saved.updatedAt).catch(() => undefined);
    }
  }

  private saveSession(doc: SessionDoc): { updatedAt: number; written: Promise<void> } {
    const updatedAt = Math.max(Date.now(), this.lastStamp + 1);
    this.lastStamp = updatedAt;
    const written = this.o.store
      .saveSession({ sessionId: this.o.sessionId, viewerId: this.o.viewerId, doc, updatedAt })
      .catch((e) =>
        this.o.onError?.(new SyncError(`watchtime: saving the session locally failed: ${errorText(e)}`, null, null)),
      );
    return { updatedAt, written };
  }

  /**
   * Each live page view holds a Web Lock named after its session; a saved session whose lock is
   * free belongs to a page that is gone, so it is ours to deliver. Without Web Locks, a saved
   * session untouched for 2 minutes counts as orphaned.
   */
  private async holdSessionLock(): Promise<void> {
    const locks = webLocks();
    if (!locks) return;
    await new Promise<void>((held) => {
      locks
        .request(lockName(this.o.sessionId), { ifAvailable: true }, (lock) => {
          held();
          if (!lock) return undefined; // another handle uses this session id: it owns the lock
          return new Promise<void>((release) => {
            this.releaseLock = release;
          });
        })
        .catch(() => held());
    });
  }

  private async findOrphans(): Promise<StoredSession[]> {
    const saved = (await this.o.store.pendingSessions(this.o.viewerId)).filter((s) => s.sessionId !== this.o.sessionId);
    const locks = webLocks();
    const out: StoredSession[] = [];
    for (const s of saved) {
      const free = locks
        ? await locks.request(lockName(s.sessionId), { ifAvailable: true }, async (lock) => lock !== null)
        : Date.now() - s.updatedAt > 120_000;
      if (free) out.push(s);
    }
    return out;
  }

  private async putSections(chunk: Section[], durationMs: number): Promise<void> {
    let answer: SectionsAnswer;
    try {
      answer = (await this.request(
        'PUT',
        this.sectionsPath(),
        JSON.stringify({ durationMs, sections: chunk }),
      )) as SectionsAnswer;
    } catch (e) {
      // 413: the body was too large for this server's limit; halve and try again.
      if (e instanceof SyncError && e.status === 413 && chunk.length > 1) {
        const half = Math.ceil(chunk.length / 2);
        await this.putSections(chunk.slice(0, half), durationMs);
        await this.putSections(chunk.slice(half), durationMs);
        return;
      }
      throw e;
    }
    this.fold(answer);
    const { videoId, viewerId, store } = this.o;
    this.unsent = new IntervalSet(notCoveredBy(this.unsent.toJSON(), answer.sections));
    try {
      await store.acknowledge(videoId, viewerId, answer.sections);
    } catch (e) {
      // The server has it; a stale local copy is only re-sent later, harmlessly.
      this.o.onError?.(new SyncError(`watchtime: updating local state failed: ${errorText(e)}`, null, null));
    }
    this.o.onSync?.(answer);
  }

  private fold(answer: SectionsAnswer): void {
    this.state.addAll(answer.sections);
  }

  private sectionsPath(): string {
    return `/v1/videos/${encodeURIComponent(this.o.videoId)}/viewers/${encodeURIComponent(this.o.viewerId)}/sections`;
  }

  /** One request with endpoint failover; 401 asks the token provider once more. */
  /** Sections routes answer a checked `SectionsAnswer`; the sessions route answers whatever it does. */
  private async request(method: 'GET' | 'PUT', path: string, body?: string): Promise<unknown> {
    let token = await this.o.tokens.get().catch((e) => {
      throw new SyncError(`watchtime: no viewer token: ${errorText(e)}`, 401, null);
    });
    let refreshed = false;
    const n = this.o.endpoints.length;
    let lastError: SyncError | null = null;
    for (let attempt = 0; attempt < n; attempt++) {
      const index = (this.endpointIndex + attempt) % n;
      const base = this.o.endpoints[index] as string;
      let res: Response;
      try {
        res = await this.fetchFn(base + path, {
          method,
          // A server that accepts the connection but never answers is as good as unreachable.
          ...(typeof AbortSignal !== 'undefined' && 'timeout' in AbortSignal
            ? { signal: AbortSignal.timeout(this.o.requestTimeoutMs ?? REQUEST_TIMEOUT_MS) }
            : {}),
          headers: {
            authorization: `Bearer ${token}`,
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(body !== undefined ? { body } : {}),
        });
      } catch (e) {
        lastError = new SyncError(`watchtime: ${base} unreachable: ${errorText(e)}`, null, base);
        continue; // network failure: next endpoint
      }
      if (res.status >= 500) {
        lastError = await errorFrom(res, base);
        continue; // server trouble: next endpoint
      }
      this.endpointIndex = index;
      if (res.status === 401 && !refreshed && this.o.tokens) {
        refreshed = true;
        token = await this.o.tokens.refresh().catch(() => token);
        attempt--; // same endpoint, new token
        continue;
      }
      if (res.status === 429) {
        const err = await errorFrom(res, base);
        throw new RetryAfterError(err.message, retryAfterMs(res));
      }
      if (!res.ok) throw await errorFrom(res, base);
      if (res.status === 204) return null;
      const json = await res.json().catch(() => null);
      if (method === 'GET' || path.endsWith('/sections')) return checkAnswer(json, base);
      return json;
    }
    // Every endpoint failed: start from the next one next time.
    this.endpointIndex = (this.endpointIndex + 1) % n;
    throw lastError ?? new SyncError('watchtime: no endpoint', null, null);
  }

  /**
   * Page exit: no time to wait for the store or a token provider. Sends unsent ∪ open with a
   * keepalive PUT (headers allowed), falling back to a beacon (token in the body).
   */
  exit(): void {
    if (!this.online || this.disposed) return;
    const snap = this.o.snapshot();
    const durationMs = snap.durationMs;
    if (durationMs === null || !Number.isFinite(durationMs)) return;
    const all = this.unsent.clone();
    if (snap.open) all.add(snap.open[0], snap.open[1]);
    const sections = all.clamp(0, durationMs).toJSON();
    const token = this.o.tokens.cached;
    if (!token) return; // nothing can authenticate it; the store keeps it for next time
    const base = this.o.endpoints[this.endpointIndex] as string;
    const beacon = (part: Section[]) => {
      const nav = globalThis.navigator as Navigator | undefined;
      if (!nav || typeof nav.sendBeacon !== 'function') return false;
      const payload = JSON.stringify({ token, videoId: this.o.videoId, durationMs, sections: part });
      return nav.sendBeacon(`${base}/v1/beacon`, payload); // a string goes as text/plain: no preflight
    };
    for (const part of chunkSections(sections, MAX_SECTIONS_PER_PAYLOAD)) {
      const body = JSON.stringify({ durationMs, sections: part });
      if (body.length > KEEPALIVE_MAX_BYTES) {
        beacon(part);
        continue;
      }
      try {
        this.fetchFn(base + this.sectionsPath(), {
          method: 'PUT',
          keepalive: true,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body,
        }).then(
          (res) => {
            if (!res.ok) beacon(part);
          },
          () => beacon(part),
        );
      } catch {
        beacon(part);
      }
    }
    if (snap.session) {
      const json = JSON.stringify(snap.session);
      if (json !== this.lastSessionJson) void this.saveSession(snap.session).written;
      if (json.length <= KEEPALIVE_MAX_BYTES && json !== this.lastSessionJson) {
        try {
          this.fetchFn(`${base}/v1/sessions/${encodeURIComponent(this.o.sessionId)}`, {
            method: 'PUT',
            keepalive: true,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: json,
          }).catch(() => undefined);
        } catch {
          // best effort: the next page view sends a fresh document anyway
        }
      }
    }
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Lets go of the session's Web Lock (after the final flush, or when the page is hidden away). */
  releaseSession(): void {
    this.releaseLock?.();
    this.releaseLock = null;
  }

  /** The page came back from the back/forward cache: this session is live again. */
  async resumeSession(): Promise<void> {
    if (this.disposed || !this.online || this.releaseLock) return;
    await this.holdSessionLock();
  }
}

interface WebLocks {
  request<T>(name: string, callback: (lock: unknown) => Promise<T> | T): Promise<T>;
  request<T>(name: string, options: { ifAvailable: boolean }, callback: (lock: unknown) => Promise<T> | T): Promise<T>;
}

function webLocks(): WebLocks | null {
  const nav = (globalThis as { navigator?: { locks?: WebLocks } }).navigator;
  return nav?.locks && typeof nav.locks.request === 'function' ? nav.locks : null;
}

const lockName = (sessionId: string) => `watchtime-session:${sessionId}`;

class RetryAfterError extends SyncError {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message, 429, null);
  }
}

function retryAfterMs(res: Response): number {
  const v = res.headers.get('retry-after');
  const s = v === null ? Number.NaN : Number(v);
  return Number.isFinite(s) && s >= 0 ? Math.min(s * 1000, 300_000) : 0;
}

async function errorFrom(res: Response, base: string): Promise<SyncError> {
  let detail = '';
  try {
    const body = (await res.json()) as { error?: unknown; issues?: Array<{ path?: string; message?: string }> };
    if (body && typeof body.error === 'string') detail = body.error;
    if (Array.isArray(body?.issues) && body.issues.length > 0)
      detail += ` (${body.issues.map((i) => `${i.path}: ${i.message}`).join('; ')})`;
  } catch {
    // not JSON
  }
  return new SyncError(`watchtime: ${base} answered ${res.status}${detail ? `: ${detail}` : ''}`, res.status, base);
}

function checkAnswer(json: unknown, base: string): SectionsAnswer {
  const a = json as SectionsAnswer | null;
  if (
    !a ||
    !Array.isArray(a.sections) ||
    !a.sections.every(
      (p) => Array.isArray(p) && p.length === 2 && Number.isInteger(p[0]) && Number.isInteger(p[1]) && p[0] < p[1],
    )
  )
    throw new SyncError(`watchtime: ${base} answered without a valid sections list`, null, base);
  return { sections: a.sections, watchedMs: Number(a.watchedMs) || 0, coverage: Number(a.coverage) || 0 };
}

function asSyncError(e: unknown): SyncError {
  return e instanceof SyncError ? e : new SyncError(`watchtime: ${errorText(e)}`, null, null);
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

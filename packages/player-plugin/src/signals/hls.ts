/**
 * hls.js → stall inputs. The network signal of SPEC §8 is "last measured segment throughput
 * below the floor"; a fragment that is still loading is measured too (bytes so far / time so
 * far), because during a stall the *late* fragment is the one that matters and it has not
 * finished yet. `BUFFER_STALLED_ERROR` counts as a `waiting` event.
 *
 * hls.js is not imported: its event names are stable strings, and the page brings its own copy.
 */

/** The event data this module reads (all optional: hls.js versions differ). */
export interface HlsEventData {
  frag?: { type?: string; stats?: LoadStatsLike };
  stats?: LoadStatsLike;
  /** ERROR: the error name; LEVEL_LOADED: the playlist details. */
  details?: string | { live?: boolean };
}
type HlsListener = (event: string, data: HlsEventData) => void;

/** The part of an `Hls` instance this module uses. */
export interface HlsLike {
  // biome-ignore lint/suspicious/noExplicitAny: hls.js types each event's data differently; any Hls instance must fit
  on(event: any, listener: (event: any, data: any) => void): void;
  // biome-ignore lint/suspicious/noExplicitAny: as above
  off(event: any, listener: (event: any, data: any) => void): void;
  /** hls.js ≥ 1.6: the playlist loaded last (read at attach, when it may already be known). */
  readonly latestLevelDetails?: { live?: boolean } | null;
}

const EV = {
  FRAG_LOADING: 'hlsFragLoading',
  FRAG_LOADED: 'hlsFragLoaded',
  FRAG_BUFFERED: 'hlsFragBuffered',
  ERROR: 'hlsError',
  STALL_RESOLVED: 'hlsStallResolved',
  LEVEL_LOADED: 'hlsLevelLoaded',
} as const;
const BUFFER_STALLED_ERROR = 'bufferStalledError';

interface LoadStatsLike {
  loaded?: number;
  loading?: { start?: number; end?: number };
}

/** An in-flight fragment is judged only once it has been loading this long. */
const IN_FLIGHT_GRACE_MS = 250;

export class HlsSignals {
  /** Bytes/s of the last completed fragment, null before the first. */
  lastThroughputBps: number | null = null;
  /** The fragment loading now; its `stats` object is replaced by the loader's after FRAG_LOADING, so read it late. */
  private inFlight: { stats?: LoadStatsLike } | null = null;
  private waiting = false;
  private readonly listeners: Array<[string, HlsListener]> = [];

  /** True once hls.js loaded a live playlist (whatever duration the element reports). */
  live = false;

  constructor(
    private readonly hls: HlsLike,
    private readonly now: () => number = () => performance.now(),
    private readonly onLive: (live: boolean) => void = () => {},
  ) {
    if (hls.latestLevelDetails?.live === true) {
      this.live = true;
      queueMicrotask(() => this.onLive(true));
    }
    this.listen(EV.LEVEL_LOADED, (_e, data) => {
      const details = data?.details;
      if (details && typeof details === 'object' && typeof details.live === 'boolean' && details.live !== this.live) {
        this.live = details.live;
        this.onLive(details.live);
      }
    });
    this.listen(EV.FRAG_LOADING, (_e, data) => {
      if (data?.frag && (data.frag.type === undefined || data.frag.type === 'main')) this.inFlight = data.frag;
    });
    this.listen(EV.FRAG_LOADED, (_e, data) => {
      const stats: LoadStatsLike | undefined = data?.frag?.stats ?? data?.stats;
      if (data?.frag?.type !== undefined && data.frag.type !== 'main') return;
      this.inFlight = null;
      const bytes = stats?.loaded ?? 0;
      const start = stats?.loading?.start;
      const end = stats?.loading?.end;
      if (bytes > 0 && start !== undefined && end !== undefined)
        this.lastThroughputBps = (bytes * 1000) / Math.max(1, end - start);
    });
    this.listen(EV.FRAG_BUFFERED, () => {
      this.waiting = false;
    });
    this.listen(EV.STALL_RESOLVED, () => {
      this.waiting = false;
    });
    this.listen(EV.ERROR, (_e, data) => {
      if (data?.details === BUFFER_STALLED_ERROR) this.waiting = true;
    });
  }

  private listen(event: string, fn: HlsListener): void {
    this.hls.on(event, fn);
    this.listeners.push([event, fn]);
  }

  /** Throughput to report at this poll: the slower of the last fragment and the one in flight. */
  throughputBps(): number | null {
    const f = this.inFlight?.stats;
    const start = f?.loading?.start;
    if (f && start !== undefined && start > 0) {
      const elapsed = this.now() - start;
      if (elapsed >= IN_FLIGHT_GRACE_MS) {
        const rate = ((f.loaded ?? 0) * 1000) / elapsed;
        return this.lastThroughputBps === null ? rate : Math.min(rate, this.lastThroughputBps);
      }
    }
    return this.lastThroughputBps;
  }

  /** True once after hls.js reported a buffer stall (consumed by the next poll). */
  takeWaiting(): boolean {
    const w = this.waiting;
    this.waiting = false;
    return w;
  }

  dispose(): void {
    for (const [event, fn] of this.listeners) this.hls.off(event, fn);
    this.listeners.length = 0;
  }
}

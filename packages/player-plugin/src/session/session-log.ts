/**
 * The session telemetry document of `PUT /v1/sessions/{id}` (core `sessionSchema`): seeks with
 * their latency, pauses, rate changes, plus what the recorder and stall detector measured.
 * Internally timed on `performance.now()`; converted to epoch ms only when the document is built.
 */
import type { DetectedStall, Pause, RateChange, Seek, SessionDoc } from '@watchtime/core';

const MAX_ITEMS = 10_000;

export class SessionLog {
  readonly seeks: Seek[] = [];
  readonly pauses: Pause[] = [];
  readonly rateChanges: RateChange[] = [];
  private openSeek: { atWallMs: number; fromMs: number; toMs: number } | null = null;
  private openPause: { atWallMs: number; atMediaMs: number } | null = null;

  constructor(private readonly toEpoch: (perfMs: number) => number) {}

  seekStarted(wallMs: number, fromMs: number, toMs: number): void {
    if (this.openSeek)
      this.openSeek.toMs = toMs; // scrubbing: one seek from the first origin to the last target
    else this.openSeek = { atWallMs: wallMs, fromMs, toMs };
  }

  seekEnded(wallMs: number): Seek | null {
    const s = this.openSeek;
    this.openSeek = null;
    if (!s) return null;
    const seek: Seek = {
      atWallMs: this.toEpoch(s.atWallMs),
      fromMs: Math.max(0, Math.round(s.fromMs)),
      toMs: Math.max(0, Math.round(s.toMs)),
      latencyMs: Math.max(0, Math.round(wallMs - s.atWallMs)),
    };
    push(this.seeks, seek);
    return seek;
  }

  paused(wallMs: number, mediaMs: number): void {
    if (!this.openPause) this.openPause = { atWallMs: wallMs, atMediaMs: mediaMs };
  }

  resumed(wallMs: number): void {
    const p = this.openPause;
    this.openPause = null;
    if (!p) return;
    push(this.pauses, {
      atWallMs: this.toEpoch(p.atWallMs),
      atMediaMs: Math.max(0, Math.round(p.atMediaMs)),
      durationMs: Math.max(0, Math.round(wallMs - p.atWallMs)),
    });
  }

  rateChanged(wallMs: number, mediaMs: number, rate: number): void {
    if (!(rate > 0 && rate <= 16)) return; // rate 0 / negative rates are not playback
    push(this.rateChanges, { atWallMs: this.toEpoch(wallMs), atMediaMs: Math.max(0, Math.round(mediaMs)), rate });
  }

  /** Pauses including the one in progress (counted up to `nowMs`). */
  pausesUntil(nowMs: number): Pause[] {
    const p = this.openPause;
    if (!p) return this.pauses.slice();
    return [
      ...this.pauses,
      {
        atWallMs: this.toEpoch(p.atWallMs),
        atMediaMs: Math.max(0, Math.round(p.atMediaMs)),
        durationMs: Math.max(0, Math.round(nowMs - p.atWallMs)),
      },
    ].slice(-MAX_ITEMS);
  }
}

function push<T>(list: T[], item: T): void {
  list.push(item);
  if (list.length > MAX_ITEMS) list.shift();
}

export interface SessionInputs {
  videoId: string;
  startedAtPerf: number;
  nowPerf: number;
  ended: boolean;
  durationMs: number | null;
  startupMs: number | null;
  firstFrameMs: number | null;
  playedWallMs: number;
  stalls: readonly DetectedStall[];
  playCounts: number[] | null;
  userAgent: string | undefined;
}

export function buildSessionDoc(log: SessionLog, toEpoch: (perf: number) => number, i: SessionInputs): SessionDoc {
  const doc: SessionDoc = {
    videoId: i.videoId,
    startedAt: toEpoch(i.startedAtPerf),
    startupMs: i.startupMs === null ? null : Math.max(0, Math.round(i.startupMs)),
    firstFrameMs: i.firstFrameMs === null ? null : Math.max(0, Math.round(i.firstFrameMs)),
    playedWallMs: Math.max(0, Math.round(i.playedWallMs)),
    stalls: i.stalls.slice(-MAX_ITEMS).map((s) => ({
      atWallMs: toEpoch(s.atWallMs),
      atMediaMs: Math.max(0, Math.round(s.atMediaMs)),
      durationMs: Math.max(0, Math.round(s.durationMs)),
    })),
    seeks: log.seeks.slice(),
    pauses: log.pausesUntil(i.nowPerf),
    rateChanges: log.rateChanges.slice(),
  };
  if (i.ended) doc.endedAt = Math.max(doc.startedAt, toEpoch(i.nowPerf));
  if (i.durationMs !== null && Number.isFinite(i.durationMs)) doc.durationMs = Math.round(i.durationMs);
  if (i.playCounts && i.playCounts.length === 100) doc.playCounts = i.playCounts;
  if (i.userAgent) doc.userAgent = i.userAgent.slice(0, 512);
  return doc;
}

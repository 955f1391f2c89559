/**
 * StallDetector — seed 002's stall probability, mapped to the web (SPEC §3, §8).
 *
 * Every poll (100 ms) adds the weights of the signals that point to a stall:
 *   playhead (40)  not paused/seeking/ended and the playhead has not advanced for ≥250 ms,
 *                  or `waiting` fired since the last advance, or readyState < HAVE_FUTURE_DATA;
 *   image (20)     no video frame presented for ≥250 ms;
 *   network (20)   last segment throughput < 100 kB/s;
 *   audio (20)     output level below half of its running median.
 * A signal this page cannot measure gives its weight to the measurable ones in proportion, so
 * a plain MP4 can still reach the threshold. At ≥80 % playback is stalled; the stall starts at
 * the last playhead advance before the crossing (first write wins) and ends at the next advance.
 * Before the first frame there are no stalls: that time is startup (the seed's "first stall").
 */

export interface StallWeights {
  playhead: number;
  image: number;
  network: number;
  audio: number;
}

export interface StallDetectorOptions {
  weights?: Partial<StallWeights>;
  /** Probability (0–1) at which playback counts as stalled. Default 0.8. */
  threshold?: number;
  /** Playhead or frames silent this long count as "not advancing". Default 250 ms. */
  silenceMs?: number;
  /** Throughput floor in bytes/s. Default 100 kB/s. */
  minThroughputBps?: number;
  /** Live streams are skipped (seed 002). */
  live?: boolean;
  /** Audio running-median window, in polls. */
  audioWindow?: number;
}

export const DEFAULT_STALL_WEIGHTS: StallWeights = { playhead: 40, image: 20, network: 20, audio: 20 };

/** One poll of the player's state. Leave a signal `undefined` when this page cannot measure it. */
export interface StallSample {
  wallMs: number;
  mediaMs: number;
  paused: boolean;
  seeking?: boolean;
  ended?: boolean;
  /** `waiting` fired since the previous poll. */
  waiting?: boolean;
  readyState?: number;
  /** Wall time of the last presented frame (`requestVideoFrameCallback`); null: none yet. */
  lastFrameWallMs?: number | null;
  /** Wall time of the first frame presented since the previous poll, where known (null: none). */
  firstFrameSincePollWallMs?: number | null;
  /** Last measured segment throughput, bytes/s. */
  throughputBps?: number | null;
  /** Output level 0–1 (Web Audio), where it can be read. */
  audioLevel?: number | null;
}

export interface DetectedStall {
  atWallMs: number;
  atMediaMs: number;
  durationMs: number;
}

export interface StallState {
  probability: number;
  stalled: boolean;
  /** Which signals point to a stall at this poll. */
  signals: Partial<Record<keyof StallWeights, boolean>>;
}

export type StallEvent =
  | { type: 'firstframe'; wallMs: number; startupMs: number | null }
  | { type: 'stallstart'; atWallMs: number; atMediaMs: number }
  | { type: 'stallend'; stall: DetectedStall };

export class StallDetector {
  readonly weights: StallWeights;
  readonly threshold: number;
  private readonly silenceMs: number;
  private readonly minThroughputBps: number;
  private readonly live: boolean;
  private readonly audioWindow: number;

  private playRequestedAt: number | null = null;
  private firstFrameAt: number | null = null;
  private lastMedia: number | null = null;
  private lastAdvanceWall: number | null = null;
  private waitingSinceAdvance = false;
  private seekPending = false;
  private lastPollWall = 0;
  private current: { atWallMs: number; atMediaMs: number } | null = null;
  private audioLevels: number[] = [];
  readonly stalls: DetectedStall[] = [];
  startupMs: number | null = null;

  constructor(options: StallDetectorOptions = {}) {
    this.weights = { ...DEFAULT_STALL_WEIGHTS, ...options.weights };
    this.threshold = options.threshold ?? 0.8;
    this.silenceMs = options.silenceMs ?? 250;
    this.minThroughputBps = options.minThroughputBps ?? 100_000;
    this.live = options.live ?? false;
    this.audioWindow = options.audioWindow ?? 50;
  }

  /** A play request, an autoplay attempt or a switch to a new video: startup is timed from here. */
  playRequested(wallMs: number): void {
    if (this.firstFrameAt === null && this.playRequestedAt === null) this.playRequestedAt = wallMs;
  }

  get firstFrameWallMs(): number | null {
    return this.firstFrameAt;
  }

  get stalled(): boolean {
    return this.current !== null;
  }

  /** The stall in progress, if any. */
  get openStall(): { atWallMs: number; atMediaMs: number } | null {
    return this.current;
  }

  /** Total stalled time, the open stall counted up to `nowMs`. */
  stallMs(nowMs?: number): number {
    let t = 0;
    for (const s of this.stalls) t += s.durationMs;
    if (this.current && nowMs !== undefined) t += Math.max(0, nowMs - this.current.atWallMs);
    return t;
  }

  /** Feeds one poll; returns what happened at it (first frame, stall start or end). */
  poll(s: StallSample): { state: StallState; events: StallEvent[] } {
    const events: StallEvent[] = [];
    if (this.live) return { state: { probability: 0, stalled: false, signals: {} }, events };

    const inactive = s.paused || s.seeking === true || s.ended === true;
    const moved = this.lastMedia !== null && s.mediaMs !== this.lastMedia;
    // A move larger than playback could make in the time between polls is a seek landing,
    // not progress: the wait for the first frame after it is seek latency, not a stall (Mux).
    const dMedia = this.lastMedia === null ? 0 : s.mediaMs - this.lastMedia;
    const jumped = moved && (dMedia < 0 || dMedia > Math.max(1000, (s.wallMs - this.lastPollWall) * 16));
    const advanced = moved && !jumped;
    if (s.waiting) this.waitingSinceAdvance = true;
    if (s.seeking || jumped) this.seekPending = true;
    // Where the page knows frame presentation times, the moments playback moved again and last
    // moved are exact instead of rounded up to the poll (100 ms).
    const movedAt = within(s.firstFrameSincePollWallMs, this.lastPollWall, s.wallMs) ?? s.wallMs;
    const lastMovedAt = within(s.lastFrameWallMs, this.lastPollWall, s.wallMs) ?? s.wallMs;
    this.lastPollWall = s.wallMs;

    if (advanced && !s.seeking) {
      if (this.firstFrameAt === null && !s.paused) {
        this.firstFrameAt = movedAt;
        this.startupMs = this.playRequestedAt === null ? null : Math.max(0, movedAt - this.playRequestedAt);
        events.push({ type: 'firstframe', wallMs: movedAt, startupMs: this.startupMs });
      }
      if (this.current) events.push(this.endStall(Math.max(movedAt, this.current.atWallMs)));
      this.lastAdvanceWall = lastMovedAt;
      this.waitingSinceAdvance = false;
      this.seekPending = false;
    }
    if (this.lastMedia === null || inactive || jumped) {
      // Nothing is expected to move while paused or seeking; the silence clock restarts.
      this.lastAdvanceWall = s.wallMs;
      if (inactive) this.waitingSinceAdvance = false;
    }
    this.lastMedia = s.mediaMs;

    if (inactive && this.current) events.push(this.endStall(s.wallMs));

    if (s.audioLevel !== undefined && s.audioLevel !== null && !inactive) {
      this.audioLevels.push(s.audioLevel);
      if (this.audioLevels.length > this.audioWindow) this.audioLevels.shift();
    }

    const state = this.evaluate(s, inactive);
    if (state.stalled && this.firstFrameAt !== null && !this.seekPending && !this.current) {
      const atWallMs = this.lastAdvanceWall ?? s.wallMs;
      this.current = { atWallMs, atMediaMs: Math.round(s.mediaMs) };
      events.push({ type: 'stallstart', atWallMs, atMediaMs: this.current.atMediaMs });
    }
    return { state: { ...state, stalled: this.current !== null }, events };
  }

  /** Ends the stall in progress (page exit, dispose) without waiting for an advance. */
  finish(wallMs: number): DetectedStall | null {
    if (!this.current) return null;
    const ev = this.endStall(wallMs);
    return ev.type === 'stallend' ? ev.stall : null;
  }

  private endStall(wallMs: number): StallEvent {
    const cur = this.current as { atWallMs: number; atMediaMs: number };
    this.current = null;
    const stall = { atWallMs: cur.atWallMs, atMediaMs: cur.atMediaMs, durationMs: Math.max(0, wallMs - cur.atWallMs) };
    this.stalls.push(stall);
    return { type: 'stallend', stall };
  }

  private evaluate(s: StallSample, inactive: boolean): Omit<StallState, 'stalled'> & { stalled: boolean } {
    if (inactive) return { probability: 0, stalled: false, signals: {} };
    const w = this.weights;
    const signals: Partial<Record<keyof StallWeights, boolean>> = {};
    const silent = s.wallMs - (this.lastAdvanceWall ?? s.wallMs) >= this.silenceMs;
    signals.playhead = silent || this.waitingSinceAdvance || (s.readyState !== undefined && s.readyState < 3);
    if (s.lastFrameWallMs !== undefined) {
      signals.image = s.lastFrameWallMs === null || s.wallMs - s.lastFrameWallMs >= this.silenceMs;
    }
    if (s.throughputBps !== undefined && s.throughputBps !== null) {
      signals.network = s.throughputBps < this.minThroughputBps;
    }
    if (s.audioLevel !== undefined && s.audioLevel !== null && this.audioLevels.length >= 5) {
      signals.audio = s.audioLevel < 0.5 * median(this.audioLevels);
    }
    let measurable = 0;
    let active = 0;
    for (const key of Object.keys(signals) as Array<keyof StallWeights>) {
      measurable += w[key];
      if (signals[key]) active += w[key];
    }
    const probability = measurable > 0 ? active / measurable : 0;
    return { probability, stalled: probability >= this.threshold - 1e-9, signals };
  }
}

/** `v` when it is a time inside `[lo, hi]`, else undefined (stale or missing). */
function within(v: number | null | undefined, lo: number, hi: number): number | undefined {
  return typeof v === 'number' && v >= lo && v <= hi ? v : undefined;
}

function median(values: readonly number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

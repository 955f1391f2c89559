/**
 * Correlation (SPEC §5): the player's own telemetry checked against what the screen showed.
 *
 * 1. Align the clocks. The recording's clock (ms from its first frame) and the page's wall clock
 *    differ by an unknown offset. Events visible in both — the end of a stall, of a pause, of a
 *    seek's wait — are anchors: every (telemetry anchor, frozen-range end) pair proposes an offset,
 *    and the offset that makes the most anchors line up (ties: the smallest error) wins, refined to
 *    the median of its matches. Startup is never an anchor: it is what we compare afterwards.
 * 2. Join. Each reported stall gets the frozen range it matches, or none. Frozen ranges that no
 *    stall, pause, seek, startup or capture gap explains are hidden stutter — the picture stood
 *    still while the player said all was well.
 * 3. Perceived startup: the play request (in recording time) to the first moving frame after it.
 *
 * Pure: no I/O, no ffmpeg — the inputs are the session document and the freeze analysis.
 */

export interface TelemetryEvent {
  atWallMs: number;
  durationMs: number;
}

export interface SessionTelemetry {
  startedAt: number;
  startupMs?: number | null;
  endedAt?: number;
  stalls: ReadonlyArray<TelemetryEvent & { atMediaMs?: number }>;
  pauses?: ReadonlyArray<TelemetryEvent & { atMediaMs?: number }>;
  seeks?: ReadonlyArray<{ atWallMs: number; fromMs?: number; toMs?: number; latencyMs: number }>;
}

export interface FrozenRange {
  startFrame?: number;
  endFrame?: number;
  startMs: number;
  endMs: number;
}

export interface RecordingTimeline {
  fps: number;
  frozen: readonly FrozenRange[];
  /** Stretches (recording ms) where the capture itself delivered no frames (e.g. screencast drops). */
  captureGaps?: ReadonlyArray<{ startMs: number; endMs: number }>;
  /** Duration of the recording, ms. */
  durationMs?: number;
}

export interface CorrelateOptions {
  /** How far apart two views of the same event may be (ms). Default 300. */
  toleranceMs?: number;
  /** Frozen ranges shorter than this are never hidden stutter. Default 3 frame intervals (SPEC §8). */
  minHiddenMs?: number;
  /** When the play request happened (wall ms); defaults to the session's `startedAt`. */
  playRequestWallMs?: number;
}

export type Explanation = 'stall' | 'pause' | 'seek' | 'startup' | 'capture-gap' | 'after-end';

export interface StallMatch {
  stall: TelemetryEvent;
  /** The frozen range it matches, in recording ms, or null when the screen never froze for it. */
  frozen: FrozenRange | null;
  /** Aligned start and duration differences (screen − telemetry), ms. */
  startErrorMs: number | null;
  durationErrorMs: number | null;
}

export interface Correlation {
  /** wall = recording + offsetMs; null when nothing visible in both could align the clocks. */
  offsetMs: number | null;
  /** Anchors that agreed on the offset, and their spread (max |residual|). */
  anchors: number;
  residualMs: number | null;
  stalls: StallMatch[];
  hiddenStutter: FrozenRange[];
  explained: Array<{ frozen: FrozenRange; by: Explanation }>;
  startup: { reportedMs: number | null; perceivedMs: number | null };
}

interface Anchor {
  kind: 'stall' | 'pause' | 'seek';
  /** Wall time the picture starts moving again. */
  endWall: number;
  /** Expected length of the still picture (ms), or null when unknown (seeks may show no freeze). */
  lengthMs: number | null;
}

function anchorsOf(s: SessionTelemetry): Anchor[] {
  const out: Anchor[] = [];
  for (const x of s.stalls) out.push({ kind: 'stall', endWall: x.atWallMs + x.durationMs, lengthMs: x.durationMs });
  for (const x of s.pauses ?? [])
    out.push({ kind: 'pause', endWall: x.atWallMs + x.durationMs, lengthMs: x.durationMs });
  for (const x of s.seeks ?? []) out.push({ kind: 'seek', endWall: x.atWallMs + x.latencyMs, lengthMs: null });
  return out;
}

/** Best one-to-one-ish matching count for an offset: each anchor to its nearest agreeing frozen end. */
function score(anchors: Anchor[], frozen: readonly FrozenRange[], offset: number, tol: number) {
  let matched = 0;
  let error = 0;
  const residuals: number[] = [];
  for (const a of anchors) {
    let best: number | null = null;
    for (const f of frozen) {
      const r = a.endWall - (f.endMs + offset);
      if (Math.abs(r) > tol) continue;
      if (a.lengthMs !== null && Math.abs(f.endMs - f.startMs - a.lengthMs) > 2 * tol) continue;
      if (best === null || Math.abs(r) < Math.abs(best)) best = r;
    }
    if (best !== null) {
      matched++;
      error += Math.abs(best);
      residuals.push(best);
    }
  }
  return { matched, error, residuals };
}

export function estimateOffset(
  session: SessionTelemetry,
  recording: RecordingTimeline,
  toleranceMs = 300,
  playRequestWallMs = session.startedAt,
): { offsetMs: number | null; anchors: number; residualMs: number | null } {
  const anchors = anchorsOf(session);
  // A freeze made by the capture itself (frames not delivered) says nothing about the player.
  const frozen = recording.frozen.filter((f) => !mostlyCaptureGap(f, recording.captureGaps ?? [], toleranceMs / 3));
  // Pauses and stalls carry a length that must agree; they make the strongest anchors.
  type Candidate = { offset: number; matched: number; error: number; residuals: number[] };
  const candidates: Candidate[] = [];
  for (const a of anchors) {
    for (const f of frozen) {
      if (a.lengthMs !== null && Math.abs(f.endMs - f.startMs - a.lengthMs) > 2 * toleranceMs) continue;
      const offset = a.endWall - f.endMs;
      // The recording is started before the play is requested (that is how startup is seen at
      // all): an offset that puts the request before the recording's first frame is impossible.
      if (playRequestWallMs - offset < -toleranceMs) continue;
      const s = score(anchors, frozen, offset, toleranceMs);
      if (s.matched > 0) candidates.push({ offset, ...s });
    }
  }
  // Most anchors agreeing wins. Errors within a frame per anchor are capture quantisation, not
  // evidence; among such near-ties (a periodic pattern of freezes) the capture is taken to have
  // started just before the play request, the way a recording of a playback is made.
  const mostMatched = Math.max(0, ...candidates.map((c) => c.matched));
  const top = candidates.filter((c) => c.matched === mostMatched);
  const leastError = Math.min(...top.map((c) => c.error));
  const frameMs = 1000 / recording.fps;
  const best =
    top
      .filter((c) => c.error <= leastError + frameMs * c.matched)
      .sort((x, y) => playRequestWallMs - x.offset - (playRequestWallMs - y.offset) || x.error - y.error)[0] ?? null;
  if (!best || best.matched === 0) return { offsetMs: null, anchors: 0, residualMs: null };
  // Refine: move the offset by the median residual, then re-measure.
  const refined = best.offset + median(best.residuals);
  const s = score(anchors, frozen, refined, toleranceMs);
  const use = s.matched >= best.matched ? { offset: refined, ...s } : best;
  return {
    offsetMs: Math.round(use.offset),
    anchors: use.matched,
    residualMs: Math.round(Math.max(...use.residuals.map(Math.abs))),
  };
}

export function correlate(
  session: SessionTelemetry,
  recording: RecordingTimeline,
  options: CorrelateOptions = {},
): Correlation {
  const tol = options.toleranceMs ?? 300;
  const frameMs = 1000 / recording.fps;
  const minHidden = options.minHiddenMs ?? 3 * frameMs;
  const playRequest = options.playRequestWallMs ?? session.startedAt;
  const { offsetMs, anchors, residualMs } = estimateOffset(session, recording, tol, playRequest);
  const reportedStartup = session.startupMs ?? null;
  if (offsetMs === null) {
    return {
      offsetMs,
      anchors,
      residualMs,
      stalls: session.stalls.map((stall) => ({ stall, frozen: null, startErrorMs: null, durationErrorMs: null })),
      hiddenStutter: [],
      explained: [],
      startup: { reportedMs: reportedStartup, perceivedMs: null },
    };
  }
  const toRec = (wall: number) => wall - offsetMs;

  // Stalls: the frozen range whose end agrees best (one frozen range serves one stall).
  const used = new Set<FrozenRange>();
  const stalls: StallMatch[] = session.stalls.map((stall) => {
    const endRec = toRec(stall.atWallMs + stall.durationMs);
    let best: FrozenRange | null = null;
    for (const f of recording.frozen) {
      if (used.has(f)) continue;
      if (Math.abs(f.endMs - endRec) > tol) continue;
      if (Math.abs(f.endMs - f.startMs - stall.durationMs) > 2 * tol) continue;
      if (!best || Math.abs(f.endMs - endRec) < Math.abs(best.endMs - endRec)) best = f;
    }
    if (best) used.add(best);
    return {
      stall,
      frozen: best,
      startErrorMs: best ? Math.round(best.startMs - toRec(stall.atWallMs)) : null,
      durationErrorMs: best ? Math.round(best.endMs - best.startMs - stall.durationMs) : null,
    };
  });

  // What explains each remaining frozen range? Intervals in recording time.
  const windows: Array<{ by: Explanation; start: number; end: number }> = [];
  if (reportedStartup !== null)
    windows.push({ by: 'startup', start: -Infinity, end: toRec(playRequest + reportedStartup) });
  else windows.push({ by: 'startup', start: -Infinity, end: toRec(playRequest) });
  for (const p of session.pauses ?? [])
    windows.push({ by: 'pause', start: toRec(p.atWallMs), end: toRec(p.atWallMs + p.durationMs) });
  for (const s of session.seeks ?? [])
    windows.push({ by: 'seek', start: toRec(s.atWallMs), end: toRec(s.atWallMs + s.latencyMs) });
  for (const s of session.stalls)
    windows.push({ by: 'stall', start: toRec(s.atWallMs), end: toRec(s.atWallMs + s.durationMs) });
  if (session.endedAt !== undefined) windows.push({ by: 'after-end', start: toRec(session.endedAt), end: Infinity });
  for (const g of recording.captureGaps ?? []) windows.push({ by: 'capture-gap', start: g.startMs, end: g.endMs });

  const explained: Array<{ frozen: FrozenRange; by: Explanation }> = [];
  const hiddenStutter: FrozenRange[] = [];
  for (const f of recording.frozen) {
    if (used.has(f)) {
      explained.push({ frozen: f, by: 'stall' });
      continue;
    }
    // Explained when the part of it not covered by any window is within tolerance.
    let best: { by: Explanation; uncovered: number } | null = null;
    for (const w of windows) {
      const uncovered = Math.max(0, w.start - f.startMs) + Math.max(0, f.endMs - w.end);
      const overlaps = w.start < f.endMs && w.end > f.startMs;
      if (!overlaps) continue;
      if (!best || uncovered < best.uncovered) best = { by: w.by, uncovered };
    }
    const length = f.endMs - f.startMs;
    if (best && best.uncovered <= tol) explained.push({ frozen: f, by: best.by });
    else if (length > minHidden && !mostlyCaptureGap(f, recording.captureGaps ?? [], minHidden)) hiddenStutter.push(f);
    else explained.push({ frozen: f, by: best?.by ?? 'capture-gap' });
  }

  // Perceived startup: from the play request to the end of the still picture it fell in.
  const r0 = toRec(playRequest);
  const still = recording.frozen.find((f) => f.startMs - frameMs <= r0 && f.endMs > r0);
  const perceivedMs = still ? Math.round(still.endMs - r0) : null;

  return {
    offsetMs,
    anchors,
    residualMs,
    stalls,
    hiddenStutter,
    explained,
    startup: { reportedMs: reportedStartup, perceivedMs },
  };
}

/** True when removing the capture gaps leaves no still stretch longer than `minMs`. */
function mostlyCaptureGap(
  f: FrozenRange,
  gaps: ReadonlyArray<{ startMs: number; endMs: number }>,
  minMs: number,
): boolean {
  let covered = 0;
  for (const g of gaps) covered += Math.max(0, Math.min(f.endMs, g.endMs) - Math.max(f.startMs, g.startMs));
  return f.endMs - f.startMs - covered <= minMs;
}

function median(xs: readonly number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

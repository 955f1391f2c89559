import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { correlate, type FrozenRange, type SessionTelemetry, type TelemetryEvent } from './correlate.js';

const FPS = 30;
const FRAME = 1000 / FPS;

/**
 * A playback laid out on a wall clock, and what a screen recording of it would show: frozen ranges
 * for the startup still, every stall and pause (ends jittered by up to a frame, as the capture
 * quantises them), plus "hidden" freezes the player never reported and short capture gaps.
 */
const world = fc
  .record({
    offset: fc.integer({ min: 1_700_000_000_000, max: 1_800_000_000_000 }),
    leadIn: fc.integer({ min: 200, max: 3000 }), // recording starts before the play request
    startup: fc.integer({ min: 100, max: 2500 }),
    events: fc.array(
      fc.record({
        kind: fc.constantFrom('stall', 'pause', 'hidden', 'gap'),
        gap: fc.integer({ min: 1500, max: 6000 }),
        len: fc.integer({ min: 400, max: 3000 }),
        jitterEnd: fc.integer({ min: -1, max: 1 }),
        jitterStart: fc.integer({ min: 0, max: 1 }),
      }),
      { minLength: 1, maxLength: 8 },
    ),
  })
  // One anchor beside a hidden freeze of the same length is ambiguous by nature (which one did
  // the player report?); real sessions have several anchors, and so do these.
  .filter((w) => {
    const anchors = w.events.filter((e) => e.kind === 'stall' || e.kind === 'pause').length;
    return anchors >= 2 || (anchors === 1 && !w.events.some((e) => e.kind === 'hidden'));
  });

type World = typeof world extends fc.Arbitrary<infer T> ? T : never;

function build(w: World) {
  const playRequestRec = w.leadIn;
  const stalls: TelemetryEvent[] = [];
  const pauses: TelemetryEvent[] = [];
  const session: SessionTelemetry = { startedAt: w.offset + playRequestRec, startupMs: w.startup, stalls, pauses };
  const frozen: FrozenRange[] = [{ startMs: FRAME, endMs: playRequestRec + w.startup }];
  const gaps: Array<{ startMs: number; endMs: number }> = [];
  const hidden: FrozenRange[] = [];
  let t = playRequestRec + w.startup;
  for (const e of w.events) {
    t += e.gap;
    const f = { startMs: t + e.jitterStart * FRAME, endMs: t + e.len + e.jitterEnd * FRAME };
    if (e.kind === 'stall') stalls.push({ atWallMs: t + w.offset, durationMs: e.len });
    if (e.kind === 'pause') pauses.push({ atWallMs: t + w.offset, durationMs: e.len });
    if (e.kind === 'hidden') hidden.push(f);
    if (e.kind === 'gap') {
      // The capture stalled: the video file repeats its last frame, but nothing froze on screen.
      gaps.push({ startMs: t, endMs: t + e.len });
    }
    frozen.push(f);
    t += e.len;
  }
  session.endedAt = w.offset + t + 1000;
  return { session, recording: { fps: FPS, frozen, captureGaps: gaps }, hidden };
}

describe('correlate', () => {
  it('recovers the clock offset, matches every stall, and finds exactly the hidden freezes (property)', () => {
    fc.assert(
      fc.property(world, (w) => {
        const { session, recording, hidden } = build(w);
        const c = correlate(session, recording);
        expect(c.offsetMs).not.toBeNull();
        expect(Math.abs((c.offsetMs as number) - w.offset)).toBeLessThanOrEqual(100);
        expect(c.stalls).toHaveLength(session.stalls.length);
        for (const m of c.stalls) {
          expect(m.frozen).not.toBeNull();
          expect(Math.abs(m.durationErrorMs as number)).toBeLessThanOrEqual(200);
        }
        expect(c.hiddenStutter).toEqual(hidden);
        expect(Math.abs((c.startup.perceivedMs as number) - w.startup)).toBeLessThanOrEqual(100);
        expect(c.startup.reportedMs).toBe(w.startup);
      }),
      { numRuns: 2000 },
    );
  });

  it('reports a stall the screen never showed as unmatched', () => {
    const session: SessionTelemetry = {
      startedAt: 10_000,
      startupMs: 500,
      stalls: [
        { atWallMs: 15_000, durationMs: 1000 },
        { atWallMs: 25_000, durationMs: 800 },
      ],
    };
    // Recording clock = wall − 9000; only the first stall froze the picture.
    const recording = {
      fps: FPS,
      frozen: [
        { startMs: 33, endMs: 1500 },
        { startMs: 6000, endMs: 7000 },
      ],
    };
    const c = correlate(session, recording);
    expect(c.offsetMs).toBe(9000);
    expect(c.stalls[0]?.frozen).toEqual({ startMs: 6000, endMs: 7000 });
    expect(c.stalls[1]?.frozen).toBeNull();
    expect(c.startup.perceivedMs).toBe(500);
  });

  it('does not align on startup: with nothing else visible in both, the offset is unknown', () => {
    const c = correlate(
      { startedAt: 1000, startupMs: 400, stalls: [] },
      { fps: FPS, frozen: [{ startMs: 33, endMs: 900 }] },
    );
    expect(c.offsetMs).toBeNull();
    expect(c.startup.perceivedMs).toBeNull();
  });
});

describe('describeCorrelation', () => {
  it('says, per stall, whether the screen showed it, and names hidden stutter', async () => {
    const { describeCorrelation } = await import('../cli.js');
    const session: SessionTelemetry = {
      startedAt: 10_000,
      startupMs: 500,
      stalls: [
        { atWallMs: 15_000, durationMs: 1000 },
        { atWallMs: 25_000, durationMs: 800 },
      ],
    };
    const recording = {
      fps: FPS,
      frozen: [
        { startMs: 33, endMs: 1500 },
        { startMs: 6000, endMs: 7000 },
        { startMs: 12_000, endMs: 13_000 },
      ],
    };
    const text = describeCorrelation(correlate(session, recording), 'rec-1');
    expect(text).toMatch(/clock offset 9000 ms/);
    expect(text).toMatch(/stall 1: reported 1000 ms → seen 6000–7000 ms \(duration \+0 ms\)/);
    expect(text).toMatch(/stall 2: reported 800 ms → NOT seen on screen/);
    expect(text).toMatch(/HIDDEN STUTTER 12000–13000 ms \(1000 ms\)/);
    expect(text).toMatch(/startup: reported 500 ms, perceived 500 ms/);
    expect(text).toMatch(/stored as recording rec-1/);
  });
});

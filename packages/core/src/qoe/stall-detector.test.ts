import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { StallDetector, type StallSample } from './stall-detector.js';

interface Plan {
  /** Wall ms from the first poll to the first moving frame. */
  startupMs: number;
  /** Stalls as [start offset after the previous stall's end (or startup), length] in wall ms. */
  stalls: Array<[number, number]>;
}

/**
 * Polls every 100 ms of a playback that follows the plan; the playhead and the frames stop
 * during each stall. Returns the detector and the true stalls.
 */
function play(
  plan: Plan,
  signals: { image?: boolean; network?: boolean; audio?: boolean; frameTimes?: boolean },
  options = {},
) {
  const det = new StallDetector(options);
  const t0 = 10_000;
  const truth: Array<{ at: number; len: number }> = [];
  let t = t0 + plan.startupMs;
  for (const [gap, len] of plan.stalls) {
    t += gap;
    truth.push({ at: t, len });
    t += len;
  }
  const end = t + 2000;
  const stalledAt = (w: number) => w < t0 + plan.startupMs || truth.some((s) => w >= s.at && w < s.at + s.len);
  det.playRequested(t0);
  let media = 0;
  let lastFrame: number | null = null;
  for (let w = t0; w <= end; w += 100) {
    // Media advanced during the last 100 ms for the part of it that was not stalled.
    for (let x = w - 100; x < w; x += 10) if (x >= t0 && !stalledAt(x)) media += 10;
    // A frame is presented at every 10 ms step at which playback moves.
    for (let x = w - 100; x < w; x += 10) if (x >= t0 && !stalledAt(x)) lastFrame = x;
    const sample: StallSample = { wallMs: w, mediaMs: media, paused: false, readyState: stalledAt(w) ? 2 : 4 };
    if (signals.image) sample.lastFrameWallMs = lastFrame;
    if (signals.frameTimes) {
      let first: number | null = null;
      for (let x = w - 100; x < w; x += 10) if (x >= t0 && !stalledAt(x) && first === null) first = x;
      sample.firstFrameSincePollWallMs = first;
    }
    if (signals.network) sample.throughputBps = stalledAt(w) ? 20_000 : 2_000_000;
    if (signals.audio) sample.audioLevel = stalledAt(w) ? 0.01 : 0.5;
    det.poll(sample);
  }
  return { det, truth, startupMs: plan.startupMs };
}

const planArb = fc.record({
  startupMs: fc.integer({ min: 0, max: 3000 }),
  stalls: fc.array(fc.tuple(fc.integer({ min: 1000, max: 5000 }), fc.integer({ min: 400, max: 4000 })), {
    maxLength: 6,
  }),
});

describe('StallDetector', () => {
  const variants = [
    { name: 'playhead only (plain MP4)', signals: {} },
    { name: 'playhead + frames', signals: { image: true } },
    { name: 'all four signals', signals: { image: true, network: true, audio: true } },
  ];
  for (const v of variants) {
    it(`finds every stall with its duration within 200 ms — ${v.name}`, () => {
      fc.assert(
        fc.property(planArb, (plan) => {
          const { det, truth, startupMs } = play(plan, v.signals);
          expect(det.stalls.length).toBe(truth.length);
          det.stalls.forEach((s, i) => {
            const t = truth[i] as { at: number; len: number };
            expect(Math.abs(s.durationMs - t.len)).toBeLessThanOrEqual(200);
            expect(Math.abs(s.atWallMs - t.at)).toBeLessThanOrEqual(100);
          });
          expect(det.startupMs).not.toBeNull();
          // One poll period, plus the 10 ms step of this simulation.
          expect(Math.abs((det.startupMs as number) - startupMs)).toBeLessThanOrEqual(110);
        }),
        { numRuns: 300 },
      );
    });
  }

  it('with frame presentation times, startup and stall durations are exact to a frame (property)', () => {
    fc.assert(
      fc.property(planArb, (plan) => {
        const { det, truth, startupMs } = play(plan, { image: true, frameTimes: true });
        expect(det.stalls.length).toBe(truth.length);
        det.stalls.forEach((s, i) => {
          const t = truth[i] as { at: number; len: number };
          expect(Math.abs(s.durationMs - t.len)).toBeLessThanOrEqual(20);
          expect(Math.abs(s.atWallMs - t.at)).toBeLessThanOrEqual(20);
        });
        expect(Math.abs((det.startupMs as number) - startupMs)).toBeLessThanOrEqual(20);
      }),
      { numRuns: 300 },
    );
  });

  it('shares the weight of signals it cannot measure among the others', () => {
    const det = new StallDetector();
    det.playRequested(0);
    det.poll({ wallMs: 0, mediaMs: 0, paused: false });
    det.poll({ wallMs: 100, mediaMs: 100, paused: false }); // first frame
    // Playhead silent for 300 ms, frames still presented: 40 / (40 + 20) < 80 %.
    const r = det.poll({ wallMs: 400, mediaMs: 100, paused: false, lastFrameWallMs: 390 });
    expect(r.state.probability).toBeCloseTo(40 / 60, 9);
    expect(r.state.stalled).toBe(false);
    // Only the playhead is measurable: 40 / 40 = 100 %.
    const r2 = det.poll({ wallMs: 500, mediaMs: 100, paused: false });
    expect(r2.state.probability).toBe(1);
    expect(r2.state.stalled).toBe(true);
    expect(det.openStall?.atWallMs).toBe(100);
  });

  it('first write wins: the start does not move while the stall lasts', () => {
    const det = new StallDetector();
    det.playRequested(0);
    det.poll({ wallMs: 0, mediaMs: 0, paused: false });
    det.poll({ wallMs: 100, mediaMs: 100, paused: false });
    for (let w = 200; w <= 2000; w += 100) det.poll({ wallMs: w, mediaMs: 100, paused: false });
    expect(det.openStall).toEqual({ atWallMs: 100, atMediaMs: 100 });
    const r = det.poll({ wallMs: 2100, mediaMs: 200, paused: false });
    expect(r.events).toEqual([{ type: 'stallend', stall: { atWallMs: 100, atMediaMs: 100, durationMs: 2000 } }]);
  });

  it('does not count pauses, seeks or time before the first frame as stalls', () => {
    const det = new StallDetector();
    det.playRequested(0);
    for (let w = 0; w <= 3000; w += 100) det.poll({ wallMs: w, mediaMs: 0, paused: false, readyState: 1 });
    expect(det.stalls).toEqual([]);
    det.poll({ wallMs: 3100, mediaMs: 100, paused: false });
    expect(det.startupMs).toBe(3100);
    for (let w = 3200; w <= 6000; w += 100) det.poll({ wallMs: w, mediaMs: 100, paused: true });
    det.poll({ wallMs: 6100, mediaMs: 100, paused: false, seeking: true });
    for (let w = 6200; w <= 7000; w += 100) det.poll({ wallMs: w, mediaMs: 50_000, paused: false, readyState: 2 });
    det.poll({ wallMs: 7100, mediaMs: 50_100, paused: false });
    expect(det.stalls).toEqual([]);
    expect(det.stalled).toBe(false);
  });

  it('uses a configurable threshold and weights', () => {
    const det = new StallDetector({ threshold: 0.5, weights: { playhead: 10, image: 10 } });
    det.playRequested(0);
    det.poll({ wallMs: 0, mediaMs: 0, paused: false });
    det.poll({ wallMs: 100, mediaMs: 100, paused: false });
    const r = det.poll({ wallMs: 400, mediaMs: 100, paused: false, lastFrameWallMs: 390 });
    expect(r.state.probability).toBe(0.5);
    expect(r.state.stalled).toBe(true);
  });

  it('skips live streams', () => {
    const det = new StallDetector({ live: true });
    det.playRequested(0);
    for (let w = 0; w <= 3000; w += 100) det.poll({ wallMs: w, mediaMs: Math.min(w, 1000), paused: false });
    expect(det.stalls).toEqual([]);
    expect(det.startupMs).toBeNull();
  });
});

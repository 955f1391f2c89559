import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IntervalSet, type Section } from '../sections/interval-set.js';
import { boundaryError, type ScriptStep, simulateViewing } from '../sim/scripted-viewing.js';
import { EventRecorder } from './event-recorder.js';
import { isJump, TickRecorder } from './tick-recorder.js';

const DURATION = 120_000;

function runEvents(script: ScriptStep[], opts: Parameters<typeof simulateViewing>[1]) {
  const v = simulateViewing(script, opts);
  const closed: Section[] = [];
  const rec = new EventRecorder({ durationMs: opts.durationMs, onSection: (s) => closed.push(s) });
  for (const e of v.events) rec.handle(e);
  return { v, rec, closed };
}

function runTicks(script: ScriptStep[], opts: Parameters<typeof simulateViewing>[1]) {
  const v = simulateViewing(script, opts);
  const rec = new TickRecorder({ durationMs: opts.durationMs, tickMs: opts.tickMs });
  for (const t of v.ticks) rec.sample(t);
  return { v, rec };
}

/** Seeks both ways, pauses, a repeated part and a rate change — at a given rate. */
function scenario(rate: number): ScriptStep[] {
  return [
    { rate },
    { play: 6_000 },
    { seek: 40_000 }, // forward
    { play: 5_000 },
    { pause: 3_000 },
    { play: 4_000 },
    { seek: 2_000 }, // back: repeats part of the start
    { play: 3_000 },
    { stall: 2_500 }, // buffering is not a section boundary either
    { play: 5_000 },
    { seek: 90_000 },
    { play: 3_000 },
    { rate: rate === 1 ? 1.5 : 1 }, // a rate change is not a section boundary
    { play: 3_000 },
    { pause: 1_000 },
  ];
}

describe('EventRecorder (jump points)', () => {
  for (const rate of [0.5, 1, 1.5, 2]) {
    it(`matches the ground truth within 50 ms per jump at ${rate}×`, () => {
      const { v, rec } = runEvents(scenario(rate), { durationMs: DURATION, seed: 7 });
      expect(v.truth.length).toBeGreaterThanOrEqual(3);
      expect(boundaryError(rec.sections(), v.truth)).toBeLessThanOrEqual(50);
      expect(rec.playedWallMs).toBeGreaterThan(0);
      expect(Math.abs(rec.playedWallMs - v.playedWallMs)).toBeLessThanOrEqual(50 * v.jumps + 1);
      expect(rec.openSection()).toBeNull(); // the script ends paused
    });
  }

  it('closes at the extrapolated position before a seek, not at the last timeupdate', () => {
    const rec = new EventRecorder();
    rec.handle({ type: 'play', mediaMs: 0, wallMs: 0, rate: 1 });
    rec.handle({ type: 'timeupdate', mediaMs: 5000, wallMs: 5000 });
    rec.handle({ type: 'seeking', mediaMs: 30_000, wallMs: 5200 });
    rec.handle({ type: 'seeked', mediaMs: 30_000, wallMs: 5260 });
    rec.handle({ type: 'timeupdate', mediaMs: 31_000, wallMs: 6260 });
    expect(rec.closed.toJSON()).toEqual([[0, 5200]]);
    expect(rec.openSection()).toEqual([30_000, 31_000]);
    expect(rec.sections()).toEqual([
      [0, 5200],
      [30_000, 31_000],
    ]);
  });

  it('does not extrapolate through a stall (waiting) before a seek', () => {
    const rec = new EventRecorder();
    rec.handle({ type: 'play', mediaMs: 0, wallMs: 0, rate: 1 });
    rec.handle({ type: 'timeupdate', mediaMs: 2000, wallMs: 2000 });
    rec.handle({ type: 'waiting', mediaMs: 2000, wallMs: 2010 });
    rec.handle({ type: 'seeking', mediaMs: 9000, wallMs: 2400 });
    expect(rec.closed.toJSON()).toEqual([[0, 2000]]);
  });

  it('treats a silent jump between timeupdates as a seek', () => {
    const rec = new EventRecorder();
    rec.handle({ type: 'play', mediaMs: 0, wallMs: 0, rate: 1 });
    rec.handle({ type: 'timeupdate', mediaMs: 1000, wallMs: 1000 });
    rec.handle({ type: 'timeupdate', mediaMs: 60_000, wallMs: 1250 });
    rec.handle({ type: 'timeupdate', mediaMs: 60_250, wallMs: 1500 });
    expect(rec.sections()).toEqual([
      [0, 1000],
      [60_000, 60_250],
    ]);
  });

  it('keeps one section through a stall between timeupdates', () => {
    const rec = new EventRecorder();
    rec.handle({ type: 'play', mediaMs: 0, wallMs: 0, rate: 1 });
    rec.handle({ type: 'timeupdate', mediaMs: 1000, wallMs: 1000 });
    rec.handle({ type: 'waiting', mediaMs: 1000, wallMs: 1010 });
    rec.handle({ type: 'playing', mediaMs: 1000, wallMs: 4000 });
    rec.handle({ type: 'timeupdate', mediaMs: 1250, wallMs: 4250 });
    rec.handle({ type: 'pause', mediaMs: 1300, wallMs: 4300 });
    expect(rec.sections()).toEqual([[0, 1300]]);
    expect(rec.playedWallMs).toBeCloseTo(1300, 6);
  });

  it('emits every closed section once, and the closed set is their union', () => {
    const { rec, closed } = runEvents(scenario(1), { durationMs: DURATION, seed: 3 });
    const union = new IntervalSet();
    for (const [s, e] of closed) union.add(s, e);
    expect(union.equals(rec.closed)).toBe(true);
    expect(closed.length).toBeGreaterThanOrEqual(rec.closed.size);
  });

  it('counts plays per hundredth: a repeated part counts twice, the merged set once', () => {
    const { rec } = runEvents([{ play: 10_000 }, { seek: 0 }, { play: 5_000 }, { pause: 0 }], {
      durationMs: 100_000,
      seed: 1,
    });
    const counts = rec.playCounts();
    expect(counts.slice(0, 5)).toEqual([2, 2, 2, 2, 2]);
    expect(counts.slice(5, 10)).toEqual([1, 1, 1, 1, 1]);
    expect(counts.slice(11).every((c) => c === 0)).toBe(true);
    expect(rec.sections()).toEqual([[0, 10_000]]);
  });

  it('stops at the end of the video and clamps to the duration', () => {
    const { rec } = runEvents([{ seek: 55_000 }, { play: 10_000 }], { durationMs: 60_000 });
    expect(rec.sections()).toEqual([[55_000, 60_000]]);
  });

  it('keeps random viewings within bounds (property)', () => {
    fc.assert(
      fc.property(randomScript(), fc.integer({ min: 1, max: 1e6 }), (script, seed) => {
        const { v, rec } = runEvents(script, { durationMs: DURATION, seed });
        expect(boundaryError(closeGaps(rec.sections(), 100), closeGaps(roundTruth(v.truth), 100))).toBeLessThanOrEqual(
          50,
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('TickRecorder (ticks)', () => {
  for (const rate of [0.5, 1, 1.5, 2]) {
    it(`matches the ground truth within 250 ms per jump at ${rate}× with 100 ms ticks`, () => {
      const { v, rec } = runTicks(scenario(rate), { durationMs: DURATION, tickMs: 100, seed: 11 });
      expect(boundaryError(rec.sections(), v.truth)).toBeLessThanOrEqual(250);
      expect(Math.abs(rec.playedWallMs - v.playedWallMs)).toBeLessThanOrEqual(250 * v.jumps);
    });

    it(`matches within one tick × rate (+ 100 ms) per jump at ${rate}× with the default 1 s ticks`, () => {
      const { v, rec } = runTicks(scenario(rate), { durationMs: DURATION, tickMs: 1000, seed: 5 });
      expect(boundaryError(rec.sections(), v.truth)).toBeLessThanOrEqual(1000 * rate + 100);
    });
  }

  it('keeps real watching when the timer fires late (wall-clock check)', () => {
    const script: ScriptStep[] = [{ rate: 2 }, { play: 30_000 }, { pause: 6_000 }];
    const { v, rec } = runTicks(script, {
      durationMs: DURATION,
      tickMs: 1000,
      lateTickChance: 0.3,
      lateTickMaxMs: 4000,
      seed: 99,
    });
    expect(v.ticks.some((t, i) => i > 0 && t.wallMs - (v.ticks[i - 1] as { wallMs: number }).wallMs > 2500)).toBe(true);
    // The seed's literal rule (|Δmedia| > 1100 / speed ⇒ discard) would drop all of this at 2×.
    expect(boundaryError(rec.sections(), v.truth)).toBeLessThanOrEqual(2000 + 100);
    expect(rec.closed.totalMs).toBeGreaterThan(55_000);
  });

  it('applies the SPEC jump rule exactly', () => {
    const at = (mediaMs: number, wallMs: number, rate = 1) => ({ mediaMs, wallMs, paused: false, rate });
    expect(isJump(at(0, 0), at(1000, 1000), 1100)).toBe(false);
    expect(isJump(at(0, 0, 2), at(2000, 1000), 1100)).toBe(false); // 2× is normal playback
    expect(isJump(at(0, 0), at(2101, 1000), 1100)).toBe(true);
    expect(isJump(at(0, 0), at(2100, 1000), 1100)).toBe(false);
    expect(isJump(at(5000, 0), at(4999, 1000), 1100)).toBe(true); // backwards is always a jump
    expect(isJump(at(0, 0), at(4000, 4000), 1100)).toBe(false); // a late timer is not a jump
    const paused = (mediaMs: number, wallMs: number) => ({ mediaMs, wallMs, paused: true, rate: 1 });
    expect(isJump(at(0, 0), paused(300, 5000), 1100)).toBe(false); // played 300 ms, then paused
    expect(isJump(paused(300, 0), at(900, 5000), 1100)).toBe(false); // resumed late in the interval
    expect(isJump(at(0, 0), paused(7000, 5000), 1100)).toBe(true); // more than wall time allows
    expect(isJump(at(5000, 0), paused(300, 500), 1100)).toBe(true);
  });

  it('records nothing while paused, even if the position moves', () => {
    const rec = new TickRecorder();
    rec.sample({ mediaMs: 1000, wallMs: 0, paused: true, rate: 1 });
    rec.sample({ mediaMs: 1500, wallMs: 1000, paused: true, rate: 1 });
    rec.sample({ mediaMs: 1500, wallMs: 2000, paused: true, rate: 1 });
    expect(rec.sections()).toEqual([]);
  });

  it('events and ticks (100 ms) give the same list within 250 ms per boundary (property)', () => {
    fc.assert(
      fc.property(randomScript(), fc.integer({ min: 1, max: 1e6 }), (script, seed) => {
        const v = simulateViewing(script, { durationMs: DURATION, tickMs: 100, seed });
        const ev = new EventRecorder({ durationMs: DURATION });
        for (const e of v.events) ev.handle(e);
        const tk = new TickRecorder({ durationMs: DURATION, tickMs: 100 });
        for (const t of v.ticks) tk.sample(t);
        const truth = roundTruth(v.truth);
        // Sections closer than the ticks' error budget may legitimately fold together.
        // A seek may land right at the end of an earlier run, and ticks cannot see a forward jump
        // shorter than the tolerance (1100 ms, SPEC §8): such gaps are bridged by design. Cases
        // with a gap in the ambiguous zone are skipped; small gaps are closed on both sides.
        fc.pre(truth.every(([s], i) => i === 0 || !inZone(s - (truth[i - 1] as Section)[1])));
        expect(boundaryError(closeGaps(tk.sections(), 801), closeGaps(truth, 300))).toBeLessThanOrEqual(250);
        expect(boundaryError(closeGaps(ev.sections(), 300), closeGaps(truth, 300))).toBeLessThanOrEqual(50);
      }),
      { numRuns: 500 },
    );
  });
});

const inZone = (gap: number) => gap >= 300 && gap < 2000;

function closeGaps(list: readonly Section[], gapMs: number): Section[] {
  const out: Section[] = [];
  for (const [s, e] of list) {
    const last = out[out.length - 1];
    if (last && s - last[1] < gapMs) last[1] = e;
    else out.push([s, e]);
  }
  return out;
}

function roundTruth(truth: readonly Section[]): Section[] {
  return truth.map(([s, e]) => [Math.round(s), Math.round(e)] as Section).filter(([s, e]) => e > s);
}

/** Random scripts whose sections stay apart by more than the error budgets (so shapes match). */
function randomScript() {
  const step = fc.oneof(
    fc.integer({ min: 1500, max: 8000 }).map((play) => ({ play })),
    fc.integer({ min: 0, max: 3000 }).map((pause) => ({ pause })),
    fc.constantFrom(0.5, 1, 1.25, 2).map((rate) => ({ rate })),
  );
  return fc.array(fc.tuple(step, fc.integer({ min: 0, max: 11 })), { minLength: 2, maxLength: 12 }).map((steps) => {
    // Seeks land on a 10 s grid so no landing is within a second of another run's edge.
    const script: ScriptStep[] = [{ play: 2000 }];
    for (const [s, slot] of steps) {
      script.push(s);
      script.push({ seek: slot * 10_000 + 500 });
      script.push({ play: 1500 });
    }
    script.push({ pause: 0 });
    return script;
  });
}

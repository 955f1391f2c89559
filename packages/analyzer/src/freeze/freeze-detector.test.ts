import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FreezeDetector, parseGrayThreshold, rangeOf, stutterSeconds, zeroRuns } from './freeze-detector.js';

/** Oracle: the seed's difference image, pixel by pixel, in exact integer hundredths. */
function oracleArray1(frames: Uint8Array[], threshold = 40): number[] {
  return frames.map((f, i) => {
    if (i === 0) return 1;
    const p = frames[i - 1]!;
    let max = 0;
    for (let k = 0; k < f.length; k += 3) {
      const g =
        30 * Math.abs(f[k]! - p[k]!) + 59 * Math.abs(f[k + 1]! - p[k + 1]!) + 11 * Math.abs(f[k + 2]! - p[k + 2]!);
      max = Math.max(max, g);
    }
    return max <= threshold * 100 ? 0 : 1;
  });
}

/** Oracle: the seed's array 2 loop, literally (SPEC §8 window). */
function oracleSeconds(a: number[], fps: number): number[] {
  const out: number[] = [];
  const w = Math.round(fps);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== 0) continue;
    const s = Math.floor(i / fps);
    if (out.includes(s)) continue;
    const next = a.slice(i + 1, i + 1 + w).reduce((x, y) => x + y, 0);
    if (next < w / 2 || (a[i - 1] === 0 && a[i + 1] === 0)) out.push(s);
  }
  return out;
}

/** Frames of 4×3 rgb pixels: each step repeats the previous frame, nudges it slightly, or changes it. */
const frameSeq = fc
  .array(
    fc.record({
      kind: fc.constantFrom('repeat', 'nudge', 'change'),
      px: fc.nat(11),
      amount: fc.integer({ min: 1, max: 200 }),
    }),
    { minLength: 1, maxLength: 40 },
  )
  .map((steps) => {
    const frames: Uint8Array[] = [];
    let cur: Uint8Array = new Uint8Array(36).fill(100);
    for (const s of steps) {
      cur = Uint8Array.from(cur);
      if (s.kind !== 'repeat') {
        const k = s.px * 3;
        const amt = s.kind === 'nudge' ? Math.min(s.amount, 60) : s.amount;
        cur[k] = (cur[k]! + amt) % 256;
        cur[k + 1] = (cur[k + 1]! + amt) % 256;
      }
      frames.push(cur);
    }
    return frames;
  });

describe('FreezeDetector (seed 003)', () => {
  it('array 1 matches the brute-force difference image under the literal max rule', () => {
    fc.assert(
      fc.property(frameSeq, (frames) => {
        const d = new FreezeDetector(30, 3, { driftLimit: Infinity });
        frames.forEach((data, index) => {
          d.push({ index, data });
        });
        expect(d.array1()).toEqual(oracleArray1(frames));
      }),
    );
  });

  it('the early-exit scan decides exactly like the full scan (any rule, thresholds, drift)', () => {
    fc.assert(
      fc.property(
        frameSeq,
        fc.constantFrom<'max' | 'mean'>('max', 'mean'),
        fc.constantFrom(1, 40),
        fc.constantFrom(0.5, 2, Infinity),
        (frames, rule, t, drift) => {
          const opts = { rule, maxThreshold: t, meanThreshold: t / 10, driftLimit: drift };
          const fast = new FreezeDetector(30, 3, { ...opts, still: true });
          const full = new FreezeDetector(30, 3, { ...opts, keepCurves: true });
          frames.forEach((data, index) => {
            fast.push({ index, data });
            full.push({ index, data });
          });
          expect(fast.array1(rule)).toEqual(full.array1(rule));
          expect(fast.array1('mean')).toEqual(full.array1('mean'));
          const { curves, ...rest } = full.result();
          expect(fast.result()).toEqual(rest);
          expect(curves!.max).toHaveLength(frames.length);
        },
      ),
    );
  });

  it('array 2 (stutter seconds) matches the seed loop for any array 1 and fps', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(0, 1), { maxLength: 200 }),
        fc.constantFrom(10, 24, 25, 29.97, 30, 60),
        (a, fps) => {
          expect(stutterSeconds(a, fps)).toEqual(oracleSeconds(a, fps));
        },
      ),
    );
  });

  it('frozen ranges are the maximal zero runs; endMs is the next frame time', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(0, 1), { maxLength: 100 }), (a) => {
        const runs = zeroRuns(a);
        const covered = new Array(a.length).fill(1);
        for (const [s, e] of runs) {
          expect(s === 0 || a[s - 1] === 1).toBe(true);
          expect(e === a.length - 1 || a[e + 1] === 1).toBe(true);
          for (let i = s; i <= e; i++) covered[i] = 0;
        }
        expect(covered).toEqual(a.map((v) => (v === 0 ? 0 : 1)));
      }),
    );
    expect(rangeOf(31, 58, 59, 30)).toEqual({ startFrame: 31, endFrame: 58, startMs: 1033, endMs: 1967 });
    expect(rangeOf(170, 174, undefined, 30).endMs).toBe(5833); // to the end: last frame + one frame
  });

  it('summary numbers follow the seed: ratio 1 − b/a, count of zeros, 1000 ms per stutter second', () => {
    const still = new Uint8Array(3).fill(50);
    const d = new FreezeDetector(2, 3);
    const frames = [1, 2, 2, 2, 2, 3].map((v) => (v === 2 ? still : new Uint8Array(3).fill(v * 60)));
    frames.forEach((data, index) => {
      d.push({ index, data });
    });
    const r = d.result();
    expect(r.frames).toBe(6);
    expect(r.stutterCount).toBe(3);
    expect(r.identicalFrameRatio).toBeCloseTo(3 / 6);
    expect(r.frozen).toEqual([{ startFrame: 2, endFrame: 4, startMs: 1000, endMs: 2500 }]);
    expect(r.stutterSeconds).toEqual([1]);
    expect(r.stutterMs).toBe(1000);
  });

  it('drift condition: a slow fade is never one frozen range, zero-mean noise on a repeat is', () => {
    const n = 64 * 3;
    const base = Uint8Array.from({ length: n }, (_, i) => 60 + (i % 7) * 20);
    const fade = Array.from({ length: 30 }, (_, t) => base.map((v) => Math.max(0, v - 2 * t)));
    const d = new FreezeDetector(30, 3);
    fade.forEach((data, index) => {
      d.push({ index, data });
    });
    expect(d.result().frozen).toEqual([]);
    // Noise ±30 on alternating pixels: max ≤ 40, signed mean 0 → identical, run not broken.
    const noisy = Array.from({ length: 10 }, (_, t) => base.map((v, i) => v + (t % 2 ? ((i >> 1) % 2 ? 30 : -30) : 0)));
    const e = new FreezeDetector(30, 3);
    noisy.forEach((data, index) => {
      e.push({ index, data });
    });
    expect(e.result().frozen).toEqual([{ startFrame: 1, endFrame: 9, startMs: 33, endMs: 333 }]);
  });

  it('mean rule reports a small moving spot on a still picture as still; max rule does not', () => {
    const frames = Array.from({ length: 8 }, (_, t) => {
      const f = new Uint8Array(1000 * 3).fill(200);
      f.fill(0, t * 3, t * 3 + 3); // one black pixel moving
      return f;
    });
    const d = new FreezeDetector(30, 3, { rule: 'mean' });
    const m = new FreezeDetector(30, 3, { rule: 'max', still: true });
    frames.forEach((data, index) => {
      d.push({ index, data });
      m.push({ index, data });
    });
    const r = d.result();
    expect(r.frozen).toEqual([{ startFrame: 1, endFrame: 7, startMs: 33, endMs: 267 }]);
    expect(m.array1('max')).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    expect(m.result().frozen).toEqual([]);
    expect(m.result().still).toEqual(r.frozen);
    expect(() => d.array1('max')).toThrow(/not tracked/);
  });

  it('parses freezedetect-style dB thresholds', () => {
    expect(parseGrayThreshold('-60dB')).toBeCloseTo(0.255, 3);
    expect(parseGrayThreshold('40')).toBe(40);
    expect(() => parseGrayThreshold('loud')).toThrow(/gray levels/);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { captureGapsOf, increasingFrames } from './timeline.js';

describe('captureGapsOf', () => {
  it('finds exactly the frame-free stretches longer than the limit (oracle: every pair of frames)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 5000 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 500 }),
        (raw, limit) => {
          const times = [...new Set(raw)].sort((a, b) => a - b);
          // Oracle: a gap is any pair (a, b), a < b, with no frame strictly between and b − a > limit.
          const oracle = [];
          for (const a of times)
            for (const b of times)
              if (b > a && b - a > limit && !times.some((t) => t > a && t < b)) oracle.push({ startMs: a, endMs: b });
          oracle.sort((x, y) => x.startMs - y.startMs);
          expect(captureGapsOf(times, limit)).toEqual(oracle);
        },
      ),
    );
  });

  it('a steady 30 fps capture has no gap; a 150 ms hole is one', () => {
    const steady = Array.from({ length: 90 }, (_, i) => (i * 1000) / 30);
    expect(captureGapsOf(steady, 100)).toEqual([]);
    const holed = steady.filter((t) => t <= 1000 || t > 1140);
    expect(captureGapsOf(holed, 100)).toEqual([{ startMs: 1000, endMs: 1166.6666666666667 }]);
  });
});

describe('increasingFrames', () => {
  it('keeps each frame later than every kept one before it (oracle: running maximum)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 50 }), (walls) => {
        const frames = walls.map((wallMs, i) => ({ wallMs, i }));
        let max = -Infinity;
        const oracle = [];
        for (const f of frames) {
          if (f.wallMs > max) oracle.push(f);
          max = Math.max(max, f.wallMs);
        }
        expect(increasingFrames(frames)).toEqual(oracle);
      }),
    );
  });
});

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { stagesResultSchema } from '@watchtime/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeStages, saveStageFrames } from '../analyze.js';
import { stagesGraph, tempDir } from '../testing/fixtures.js';
import { generate } from '../testing/media.js';
import { SSIM_WINDOW, tileBounds, tileSsim, windowSsim } from './ssim.js';
import { cutRanges } from './stage-cutter.js';

/** Oracle for cutRanges: frames covered by a stable pair, split at unstable pairs, then offset / limit. */
function oracleCut(sim: number[], threshold: number, offset: number, limit: number) {
  const n = sim.length;
  const stablePair = (i: number) => i >= 1 && i < n && sim[i]! > threshold;
  let ranges: Array<[number, number]> = [];
  for (let f = 0; f < n; f++) {
    if (!(stablePair(f) || stablePair(f + 1))) continue;
    const last = ranges[ranges.length - 1];
    if (last && last[1] === f - 1 && stablePair(f)) last[1] = f;
    else ranges.push([f, f]);
  }
  const merged: Array<[number, number]> = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r[0] - last[1] - 1 >= 1 && r[0] - last[1] - 1 <= offset) last[1] = r[1];
    else merged.push([...r]);
  }
  ranges = merged.filter(([s, e]) => e - s + 1 >= limit);
  const unstable: Array<[number, number]> = [];
  for (let f = 0; f < n; f++) {
    if (ranges.some(([s, e]) => f >= s && f <= e)) continue;
    const last = unstable[unstable.length - 1];
    if (last && last[1] === f - 1) last[1] = f;
    else unstable.push([f, f]);
  }
  return { stable: ranges, unstable };
}

describe('SSIM per tile', () => {
  it('equals the mean of the reference window SSIM over every 7×7 window of each tile', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 8, max: 20 }),
        fc.integer({ min: 8, max: 20 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (w, h, block, seed) => {
          let s = seed;
          const rnd = () => (s = (s * 1103515245 + 12345) & 0x7fffffff) % 256;
          const a = Uint8Array.from({ length: w * h }, rnd);
          const b = a.map((v) => (rnd() < 40 ? rnd() : v));
          const tiles = tileSsim(a, b, w, h, block);
          for (let ty = 0; ty < block; ty++) {
            for (let tx = 0; tx < block; tx++) {
              const [x0, x1] = tileBounds(w, block, tx);
              const [y0, y1] = tileBounds(h, block, ty);
              const ww = Math.min(SSIM_WINDOW, x1 - x0);
              const wh = Math.min(SSIM_WINDOW, y1 - y0);
              let total = 0;
              let count = 0;
              for (let y = y0; y + wh <= y1; y++) {
                for (let x = x0; x + ww <= x1; x++) {
                  const pa: number[] = [];
                  const pb: number[] = [];
                  for (let yy = y; yy < y + wh; yy++)
                    for (let xx = x; xx < x + ww; xx++) {
                      pa.push(a[yy * w + xx]!);
                      pb.push(b[yy * w + xx]!);
                    }
                  total += windowSsim(pa, pb);
                  count++;
                }
              }
              expect(tiles[ty * block + tx]).toBeCloseTo(total / count, 9);
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('is 1 for identical frames and low for unrelated ones', () => {
    const a = Uint8Array.from({ length: 64 * 48 }, (_, i) => (i * 37) % 251);
    expect(Math.min(...tileSsim(a, a, 64, 48, 4))).toBeCloseTo(1, 12);
    const b = a.map((v) => 255 - v);
    expect(Math.max(...tileSsim(a, b, 64, 48, 4))).toBeLessThan(0.2);
  });
});

describe('cutRanges (stagesepx semantics)', () => {
  it('matches the brute-force oracle for any similarities, threshold, offset and limit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(0.2, 0.9, 0.95, 0.97, 1), { maxLength: 60 }),
        fc.constantFrom(0.9, 0.95),
        fc.nat(4),
        fc.nat(5),
        (sim, threshold, offset, limit) => {
          expect(cutRanges(sim, { threshold, offset, limit })).toEqual(oracleCut(sim, threshold, offset, limit));
        },
      ),
    );
  });
});

describe('stages on a generated video', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let path: string;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    path = (await generate(join(dir, 'pages.mp4'), stagesGraph())).path;
  });
  afterAll(() => cleanup());

  it('finds page boundaries within ±1 frame (cuts at 30, 60, 105; a cross-fade 130..134)', async () => {
    const { report } = await analyzeStages(path, { compressRate: 0.5 });
    expect(stagesResultSchema.safeParse(report).success).toBe(true);
    const truth = [
      [0, 29],
      [30, 59],
      [60, 104],
      [105, 129],
      [135, 173],
    ];
    expect(report.stable).toHaveLength(truth.length);
    report.stable.forEach((r, k) => {
      expect(Math.abs(r.startFrame - truth[k]![0]!)).toBeLessThanOrEqual(1);
      expect(Math.abs(r.endFrame - truth[k]![1]!)).toBeLessThanOrEqual(1);
      expect(r.endMs).toBe(Math.round(((r.endFrame + 1) * 1000) / 30));
    });
    expect(report.unstable).toHaveLength(1);
    // A generous offset merges across the short cross-fade; a limit drops short ranges.
    const merged = await analyzeStages(path, { compressRate: 0.5, offset: 6 });
    expect(merged.report.stable).toHaveLength(4);
    const limited = await analyzeStages(path, { compressRate: 0.5, limit: 35 });
    expect(limited.report.stable.map((r) => r.startFrame)).toEqual([
      report.stable[2]!.startFrame,
      report.stable[4]!.startFrame,
    ]);
  });

  it('an ignore region masks a changing clock so its page stays one stable range', async () => {
    const clock = await generate(
      join(dir, 'clock.mp4'),
      "color=c=white:s=320x240:r=30:d=2,drawbox=x=40:y=60:w=200:h=100:color=0x2060c0:t=fill[p];color=c=black:s=40x16:r=30:d=2[c];[p][c]overlay=x=270:y=4:enable='lt(mod(n,15),7)'",
    );
    const plain = await analyzeStages(clock.path, { compressRate: 0.5 });
    expect(plain.report.stable.length).toBeGreaterThan(1);
    const masked = await analyzeStages(clock.path, {
      compressRate: 0.5,
      ignore: [{ x: 0.8, y: 0, width: 0.2, height: 0.15, unit: 'fraction' }],
    });
    expect(masked.report.stable).toEqual([{ startFrame: 0, endFrame: 59, startMs: 0, endMs: 2000 }]);
  });

  it('saves N frames per stable range as <out>/<stage>/<frame>_<ms>.png', async () => {
    const { report } = await analyzeStages(path, { compressRate: 0.5 });
    const out = join(dir, 'frames');
    const files = await saveStageFrames(path, report, out, { perRange: 3 });
    expect(files).toHaveLength(15);
    expect((await readdir(out)).sort()).toEqual(['0', '1', '2', '3', '4']);
    const r = report.stable[0]!;
    const picks = [r.startFrame, r.startFrame + Math.round((r.endFrame - r.startFrame) / 2), r.endFrame];
    const expected = picks.map((f) => `${f}_${Math.round((f * 1000) / 30)}.png`);
    const first = (await readdir(join(out, '0'))).sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
    expect(first).toEqual(expected);
  });
});

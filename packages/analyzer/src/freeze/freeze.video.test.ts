import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeFreeze } from '../analyze.js';
import { FrameSource } from '../frames/frame-source.js';
import { FREEZE_SET, generateSet, tempDir } from '../testing/fixtures.js';
import { f1, freezedetectArray1, type Generated, truthArray1, zeroRunsOf } from '../testing/media.js';
import { FreezeDetector } from './freeze-detector.js';

let cleanup: () => Promise<void>;
let set: Record<string, Generated>;

beforeAll(async () => {
  const t = await tempDir();
  cleanup = t.cleanup;
  set = await generateSet(t.dir, FREEZE_SET);
});
afterAll(() => cleanup());

async function array1Of(path: string, rule: 'max' | 'mean' = 'max') {
  const src = await FrameSource.open(path);
  const d = new FreezeDetector(src.fps, src.channels, { rule, still: true });
  for await (const f of src.frames()) d.push(f);
  return { array1: d.array1(), result: d.result() };
}

describe('freeze detection on the generated set', () => {
  it('finds the known frozen ranges within ±1 frame, noisy I-frames inside them included', async () => {
    const v = set.freezes!;
    const truth = zeroRunsOf(truthArray1(v.checksums));
    expect(truth).toEqual([
      [30, 58],
      [90, 103],
      [163, 174],
    ]);
    const { report } = await analyzeFreeze(v.path);
    expect(report.frames).toBe(v.checksums.length);
    expect(report.frozen).toHaveLength(truth.length);
    report.frozen.forEach((r, k) => {
      expect(Math.abs(r.startFrame - truth[k]![0])).toBeLessThanOrEqual(1);
      expect(Math.abs(r.endFrame - truth[k]![1])).toBeLessThanOrEqual(1);
      expect(r.startMs).toBe(Math.round((r.startFrame * 1000) / 30));
      expect(r.endMs).toBe(Math.round(((r.endFrame + 1) * 1000) / 30));
    });
    expect(report.stutterSeconds).toEqual([1, 3, 5]);
  });

  it('every n-th frame and key frames only: the same freezes at the coarser step', async () => {
    const { report } = await analyzeFreeze(set.freezes!.path, { every: 2 });
    expect(report.fps).toBe(15);
    expect(report.frames).toBe(88);
    // Frames 30..58 at 30 fps are 15..29 at 15 fps: the first repeated one is 15 (or 16), the last 29.
    const first = report.frozen[0]!;
    expect(Math.abs(first.startFrame - 15)).toBeLessThanOrEqual(1);
    expect(Math.abs(first.endMs - 1967)).toBeLessThanOrEqual(67);
    const keys = await analyzeFreeze(set.freezes!.path, { keyframesOnly: true });
    // GOP 10: key frames 30, 40, 50 lie inside the first freeze and repeat each other.
    expect(keys.report.frozen[0]).toMatchObject({ startFrame: 40, endFrame: 50 });
  });

  it('a spinner on a still page: not frozen under the max rule, one still range under the mean rule', async () => {
    const v = set.spinner!;
    const max = await array1Of(v.path, 'max');
    expect(max.result.frozen).toEqual([]);
    expect(max.result.still).toEqual([{ startFrame: 1, endFrame: 89, startMs: 33, endMs: 3000 }]);
    const mean = await array1Of(v.path, 'mean');
    expect(mean.result.frozen).toEqual(mean.result.still);
  });

  it('a slow fade is not a frozen range; the still page before and after is', async () => {
    const v = set.fade!;
    const { result } = await array1Of(v.path);
    const truth = zeroRunsOf(truthArray1(v.checksums));
    expect(truth).toEqual([
      [1, 30],
      [91, 119],
    ]);
    expect(result.frozen.map((r) => [r.startFrame, r.endFrame])).toEqual(truth);
  });

  it('per-frame F1 ≥ 0.98 over the set, and not below ffmpeg freezedetect (d=0, start + 1 frame)', async () => {
    const truth: number[] = [];
    const ours: number[] = [];
    const theirs: number[] = [];
    for (const v of Object.values(set)) {
      const t = truthArray1(v.checksums);
      truth.push(...t);
      ours.push(...(await array1Of(v.path)).array1);
      theirs.push(...(await freezedetectArray1(v.path, t.length, 30)));
    }
    const mine = f1(truth, ours);
    const ff = f1(truth, theirs);
    expect(mine.f1).toBeGreaterThanOrEqual(0.98);
    expect(mine.f1).toBeGreaterThanOrEqual(ff.f1);
    expect(ff.tp).toBeGreaterThan(0); // freezedetect really ran and found freezes
  });
});

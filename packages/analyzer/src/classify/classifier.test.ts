import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeStages, saveStageFrames } from '../analyze.js';
import { stagesGraph, tempDir } from '../testing/fixtures.js';
import { generate } from '../testing/media.js';
import { initBackend } from './backend.js';
import { DEFAULT_FEATURES, featureLength, features, hog } from './hog.js';
import { Classifier, classWeights, readLabelledFolder, stratifiedSplit, train } from './model.js';
import { classifyFrames, classifyVideo, screenTime, stageTiming, sweep, UNSTABLE } from './video.js';

const PAGES = ['login', 'home', 'feed', 'detail', 'player'];
/** Page of each frame in stagesGraph(): cuts at 30, 60, 105, cross-fade 130..134 (excluded). */
const pageOf = (f: number) => (f < 30 ? 0 : f < 60 ? 1 : f < 105 ? 2 : f < 130 ? 3 : f >= 135 ? 4 : -1);

let dir: string;
let cleanup: () => Promise<void>;
let trainVideo: string;
let heldOut: string;
let classifier: Classifier;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  trainVideo = (await generate(join(dir, 'train.mp4'), stagesGraph('320x240', 1))).path;
  // Held out: other noise, slightly brighter, and a different size than the training video.
  heldOut = (
    await generate(join(dir, 'held-out.mp4'), `${stagesGraph('320x240', 40)},scale=400:300,eq=brightness=0.04`)
  ).path;
}, 120_000);
afterAll(() => cleanup());

describe('features and training helpers', () => {
  it('HoG has the documented length and ignores uniform brightness shifts', () => {
    const size = 64;
    const plane = Float32Array.from({ length: size * size }, (_, i) => (i % size > 20 && i / size > 30 ? 200 : 40));
    const h1 = hog(plane, size, 8, 9);
    const h2 = hog(
      plane.map((v) => v + 10),
      size,
      8,
      9,
    );
    expect(h1.length).toBe(7 * 7 * 4 * 9);
    h1.forEach((v, i) => {
      expect(v).toBeCloseTo(h2[i]!, 5);
    });
    const img = { width: 32, height: 24, channels: 3 as const, data: new Uint8Array(32 * 24 * 3).fill(90) };
    expect(features(img).length).toBe(featureLength(DEFAULT_FEATURES));
  });

  it('stratified split keeps every label with 2+ samples on both sides', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 60 }),
        fc.nat(100),
        (labels, seed) => {
          const items = labels.map((label, i) => ({ label, i }));
          const { train: tr, validation: va } = stratifiedSplit(items, 0.2, seed);
          expect(tr.length + va.length).toBe(items.length);
          for (const l of new Set(labels)) {
            const n = labels.filter((x) => x === l).length;
            if (n >= 2) {
              expect(va.some((x) => x.label === l)).toBe(true);
              expect(tr.some((x) => x.label === l)).toBe(true);
            }
          }
        },
      ),
    );
  });

  it('class weights balance the classes: weight × count is the same for every present label', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 80 }), (labels) => {
        const all = ['a', 'b', 'c'];
        const w = classWeights(labels, all);
        const present = all.filter((l) => (labels as string[]).includes(l));
        const products = present.map((l) => w[l]! * labels.filter((x) => x === l).length);
        for (const p of products) expect(p).toBeCloseTo(labels.length / all.length, 9);
      }),
    );
  });
});

describe('stage classifier on generated pages', () => {
  it('trains from stage folders (renamed by a person), saves, reloads, and reaches ≥95 % on held-out frames', async () => {
    const backend = await initBackend();
    expect(['tensorflow', 'wasm']).toContain(backend); // the fast path really loaded
    const { report } = await analyzeStages(trainVideo, { compressRate: 0.5 });
    const out = join(dir, 'frames');
    await saveStageFrames(trainVideo, report, out, { perRange: 12 });
    // A person renames the numbered stage folders into labels.
    for (let k = 0; k < PAGES.length; k++) await rename(join(out, String(k)), join(out, PAGES[k]!));
    const samples = await readLabelledFolder(out);
    expect(new Set(samples.map((s) => s.label))).toEqual(new Set(PAGES));
    const r = await train(samples, { epochs: 30 });
    expect(r.validationAccuracy).toBeGreaterThanOrEqual(0.9);
    await r.classifier.save(join(dir, 'model'));
    classifier = await Classifier.load(join(dir, 'model'));
    expect(classifier.labels).toEqual([...PAGES].sort());

    const perFrame = await classifyFrames(heldOut, classifier, { want: (i) => pageOf(i) >= 0 });
    let right = 0;
    for (const [f, label] of perFrame) if (label === PAGES[pageOf(f)]) right++;
    expect(perFrame.size).toBeGreaterThan(150);
    expect(right / perFrame.size).toBeGreaterThanOrEqual(0.95);
    // Same predictions from the saved and the reloaded model.
    const a = r.classifier.predict(samples.slice(0, 5).map((s) => s.image));
    const b = classifier.predict(samples.slice(0, 5).map((s) => s.image));
    expect(b.map((x) => x.label)).toEqual(a.map((x) => x.label));
  }, 120_000);

  it('labels stable ranges, marks unstable frames −3, and times stages between labels', async () => {
    const report = await classifyVideo(heldOut, classifier, { compressRate: 0.5 });
    expect(report.stable.map((r) => r.label)).toEqual(PAGES);
    expect(report.labels[132]).toBe(UNSTABLE);
    expect(report.labels[40]).toBe('home');
    const t = stageTiming(report.firstFrame, 'home', 'detail');
    expect(Math.abs(t.ms - 2500)).toBeLessThanOrEqual(34); // frames 30 → 105 at 30 fps, ±1 frame
    expect(() => stageTiming(report.firstFrame, 'home', 'settings')).toThrow(/"settings" never appears/);
  });

  it('screen time: one sample per second, seconds per class', async () => {
    const st = await screenTime(heldOut, classifier, 1000);
    expect(st.samples).toBe(6);
    expect(st.timeline.map((t) => t.label)).toEqual(['login', 'home', 'feed', 'feed', 'detail', 'player']);
    expect(st.seconds).toEqual({ detail: 1, feed: 2, home: 1, login: 1, player: 1 });
  });

  it('sweep finds a parameter combination matching known timings', async () => {
    const truth = {
      timings: [
        { from: 'login', to: 'detail', ms: 3500 },
        { from: 'home', to: 'player', ms: 3500 },
      ],
    };
    const rows = await sweep(
      heldOut,
      truth,
      { thresholds: [0.5, 0.95], offsets: [0, 6], blocks: [2, 6] },
      { compressRate: 0.5, model: classifier },
    );
    expect(rows).toHaveLength(8);
    expect(rows[0]!.meanDeviationMs).toBeLessThanOrEqual(34);
    expect(rows[0]!.missing).toBe(0);
    // Without a model the labels are the stage numbers.
    const byNumber = await sweep(
      heldOut,
      { timings: [{ from: '0', to: '4', ms: 4500 }] },
      { thresholds: [0.95], offsets: [0], blocks: [6] },
      { compressRate: 0.5 },
    );
    expect(byNumber[0]!.meanDeviationMs).toBeLessThanOrEqual(34);
  });
});
